"""The one mapping from a département (or « national ») to its FCM topic and replacement key.

Topics (documented for the smartphone app team in ``docs/push.md``):

- ``dep_01`` … ``dep_95``, ``dep_2A``, ``dep_2B``, ``dep_971`` … ``dep_976``: one per département;
- ``national``: national prevention messages (OPP GGD34);
- ``exercice_dep_74``, ``exercice_national``…: the same with the ``exercice_`` prefix, for
  exercises (only test phones subscribe to them).

Each topic has one replacement key, sent as ``android.notification.tag``,
``android.collapse_key`` and the APNs header ``apns-collapse-id``: a new push to the same topic
replaces the one displayed (« un push chasse l'autre »).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES, known_departement
from stopcamb_desk.domain.errors import DeskError

NATIONAL_TOPIC = "national"
EXERCISE_PREFIX = "exercice_"
TOPIC_RE = re.compile(r"[a-zA-Z0-9\-_.~%]+")
REPLACEMENT_KEY_PREFIX = "stopcamb_"
# apns-collapse-id must not exceed 64 bytes (Apple); the tag and collapse key follow it.
MAX_REPLACEMENT_KEY_BYTES = 64


class TopicError(DeskError, ValueError):
    """The département or topic is not one the app knows; ``message`` is French."""


def topic_departement(code: str) -> str:
    """The normalized code of a département the app knows; raise :class:`TopicError` if not."""
    value = known_departement(str(code))
    if value is None:
        raise TopicError(
            f"Département inconnu : « {code} ». Codes acceptés : 01 à 95, 2A, 2B, 971 à 976."
        )
    return value


def validate_topic(topic: str) -> str:
    """Return ``topic`` if FCM accepts it (``[a-zA-Z0-9-_.~%]+``), else raise TopicError."""
    if not isinstance(topic, str) or not TOPIC_RE.fullmatch(topic):
        raise TopicError(
            f"Nom de sujet FCM invalide : « {topic} » (lettres, chiffres et - _ . ~ % seulement)."
        )
    return topic


def topic_for(departement: str | None, *, exercise: bool = False) -> str:
    """The FCM topic of a département (``None`` = national), exercise topics prefixed."""
    base = NATIONAL_TOPIC if departement is None else f"dep_{topic_departement(departement)}"
    return validate_topic(EXERCISE_PREFIX + base if exercise else base)


def replacement_key(topic: str) -> str:
    """The per-topic key shared by the Android tag, collapse key and APNs collapse id."""
    key = REPLACEMENT_KEY_PREFIX + validate_topic(topic)
    if len(key.encode("utf-8")) > MAX_REPLACEMENT_KEY_BYTES:
        raise TopicError(f"Clé de remplacement trop longue pour APNs (64 octets) : « {key} ».")
    return key


@dataclass(frozen=True, slots=True)
class TopicInfo:
    """What a topic designates, for displays such as the simulated phone."""

    topic: str
    departement: str | None  # None = national
    exercise: bool

    @property
    def label(self) -> str:
        where = (
            "national"
            if self.departement is None
            else f"{DEPARTEMENT_NAMES[self.departement]} ({self.departement})"
        )
        return f"{where} — EXERCICE" if self.exercise else where


def parse_topic(topic: str) -> TopicInfo:
    """Inverse of :func:`topic_for`; raise TopicError for a topic the app does not use."""
    validate_topic(topic)
    exercise = topic.startswith(EXERCISE_PREFIX)
    base = topic.removeprefix(EXERCISE_PREFIX)
    if base == NATIONAL_TOPIC:
        return TopicInfo(topic, None, exercise)
    if base.startswith("dep_") and base[4:] in DEPARTEMENT_NAMES:
        return TopicInfo(topic, base[4:], exercise)
    raise TopicError(f"Sujet FCM inconnu de l'application : « {topic} ».")


def all_topics(*, exercise: bool = False) -> list[str]:
    """Every topic the app may subscribe to (départements in code order, then national)."""
    return [topic_for(code, exercise=exercise) for code in DEPARTEMENT_NAMES] + [
        topic_for(None, exercise=exercise)
    ]
