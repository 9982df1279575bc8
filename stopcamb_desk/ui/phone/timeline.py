"""What one simulated phone shows and how it got there (no Qt: plain data for the window).

A phone of département 74 subscribes to ``dep_74`` and ``national`` (docs/push.md); a test
phone for exercises to ``exercice_dep_74`` and ``exercice_national``. On the phone, a push
replaces the one displayed with the same replacement key (tag), unless it is older (lower
sequence) than the one shown — the rule :meth:`SimulationGateway.displayed` applies; the
history below replays it delivery by delivery to say who replaced whom, and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from stopcamb_desk.domain.departements import departement_name
from stopcamb_desk.domain.status import NATURE_RETRACTION
from stopcamb_desk.push.payload import is_retraction_data
from stopcamb_desk.push.simulation import SimulatedDelivery
from stopcamb_desk.push.topics import TopicError, parse_topic, topic_for

HISTORY_LIMIT = 8


def phone_topics(departement: str | None, *, exercise: bool = False) -> list[str]:
    """Topics of a phone whose user chose ``departement`` (None: national messages only)."""
    topics = [topic_for(None, exercise=exercise)]
    if departement is not None:
        topics.insert(0, topic_for(departement, exercise=exercise))
    return topics


def phone_label(departement: str | None, *, exercise: bool = False) -> str:
    """« Téléphone abonné à Haute-Savoie (74) », « … d'exercice … »."""
    who = "Téléphone d'exercice" if exercise else "Téléphone"
    if departement is None:
        return f"{who} abonné aux messages nationaux seulement"
    return f"{who} abonné à {departement_name(departement)} ({departement}) et au national"


@dataclass(frozen=True, slots=True)
class PhoneEvent:
    """One push the phone received, and what became of it."""

    delivery: SimulatedDelivery
    replaced_by: SimulatedDelivery | None = None
    ignored: bool = False  # arrived after a newer push of the same tag: never displayed

    @property
    def displayed(self) -> bool:
        return self.replaced_by is None and not self.ignored

    @property
    def alert_id(self) -> str:
        return self.delivery.data.get("alert_id", "")

    @property
    def retraction(self) -> bool:
        return is_retraction_data(self.delivery.data)


def alert_number(delivery: SimulatedDelivery) -> str:
    alert_id = delivery.data.get("alert_id", "")
    return f"n° {alert_id}" if alert_id else f"message {delivery.number}"


def card_caption(delivery: SimulatedDelivery, now: datetime) -> str:
    """Under a notification card: « 74 · n° 12 · reçue à 03:12 (il y a 4 min) »; a retraction
    says so: « 74 · Retrait n° 13 (message de retrait de l'alerte n° 12) · reçue … »."""
    where = target_label(delivery).capitalize()
    what = alert_number(delivery)
    if is_retraction_data(delivery.data):
        replaced = delivery.data.get("replaces", "")
        what = f"{NATURE_RETRACTION} {what}" + (
            f" (message de retrait de l'alerte n° {replaced})" if replaced else ""
        )
    return f"{where} · {what} · reçue {received_when(delivery.at, now)}"


def target_label(delivery: SimulatedDelivery) -> str:
    """« 74 », « national » (exercise topics say so: « exercice 74 »)."""
    try:
        info = parse_topic(delivery.topic)
    except TopicError:
        return delivery.topic
    where = info.departement or "national"
    return f"exercice {where}" if info.exercise else where


def local_time(at: datetime, now: datetime | None = None) -> str:
    """« 03:12 » today, « hier 23:40 », else « 12/03 18:05 » (local time of the desk)."""
    local = at.astimezone()
    today = (now or datetime.now(at.tzinfo)).astimezone().date()
    if local.date() == today:
        return f"{local:%H:%M}"
    if local.date() == today - timedelta(days=1):
        return f"hier {local:%H:%M}"
    return f"{local:%d/%m %H:%M}"


def received_ago(at: datetime, now: datetime) -> str:
    """« à l'instant », « il y a 4 min », « il y a 2 h 05 », « il y a 3 j »."""
    seconds = max(0, int((now - at).total_seconds()))
    if seconds < 60:
        return "à l'instant"
    minutes = seconds // 60
    if minutes < 60:
        return f"il y a {minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"il y a {hours} h {minutes:02d}"
    return f"il y a {hours // 24} j"


def received_when(at: datetime, now: datetime) -> str:
    """« à 03:12 (il y a 4 min) » today, else « hier à 18:16 », « le 12/03 à 18:05 »."""
    when = local_time(at, now)
    if ":" in when and " " not in when:
        return f"à {when} ({received_ago(at, now)})"
    if when.startswith("hier "):
        return f"hier à {when.removeprefix('hier ')}"
    day, hour = when.split(" ", 1)
    return f"le {day} à {hour}"


def timeline(
    deliveries: Iterable[SimulatedDelivery], topics: Sequence[str], limit: int = HISTORY_LIMIT
) -> list[PhoneEvent]:
    """The pushes a phone subscribed to ``topics`` received, newest first (at most ``limit``)."""
    wanted = set(topics)
    shown: dict[str, int] = {}  # tag -> index in events of the push displayed
    events: list[PhoneEvent] = []
    for delivery in deliveries:
        if delivery.topic not in wanted:
            continue
        current = shown.get(delivery.tag)
        if current is not None and delivery.sequence < events[current].delivery.sequence:
            events.append(PhoneEvent(delivery, ignored=True))
            continue
        if current is not None:
            events[current] = PhoneEvent(events[current].delivery, replaced_by=delivery)
        shown[delivery.tag] = len(events)
        events.append(PhoneEvent(delivery))
    return list(reversed(events[-limit:])) if limit > 0 else []


def describe(event: PhoneEvent, now: datetime) -> str:
    """One line of « Historique du téléphone », in French."""
    d = event.delivery
    head = f"{local_time(d.at, now)} · {target_label(d)} · {alert_number(d)}"
    if event.retraction:
        head += f" ({NATURE_RETRACTION.lower()})"
    if event.ignored:
        return f"{head} — ignoré : arrivé après un message plus récent"
    if event.replaced_by is not None:
        by = event.replaced_by
        verb = "retiré" if is_retraction_data(by.data) else "remplacé"
        return f"{head} — {verb} à {local_time(by.at, now)} par {alert_number(by)}"
    if event.retraction:
        return f"{head} — message de retrait AFFICHÉ en ce moment"
    return f"{head} — AFFICHÉ en ce moment"


def card_time(at: datetime, now: datetime) -> str:
    """The time written on the notification card, like iOS: « maintenant », « il y a 4 min »."""
    seconds = max(0, int((now - at).total_seconds()))
    if seconds < 60:
        return "maintenant"
    if seconds < 3600:
        return f"il y a {seconds // 60} min"
    if seconds < 24 * 3600:
        return f"il y a {seconds // 3600} h"
    return local_time(at, now)
