"""Use cases behind the composer screen (Qt-free): what an operator may target and the final
check before sending (its templates: :mod:`stopcamb_desk.services.templates`).

The composer greys out what a role cannot do, but the refusal that counts is here:
:func:`validate_for_send` re-runs the rule checker and the role rules on the exact draft the
operator confirmed, so a chef de quart cannot send elsewhere than to their départements, nor a
national prevention message, whatever the screen (or a script) lets through.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from stopcamb_desk.domain.departements import departement_name
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.places import PlaceFinder
from stopcamb_desk.domain.roles import (
    Permission,
    Principal,
    require,
    require_departement,
)
from stopcamb_desk.domain.rules.catalog import LONGUEUR
from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import (
    Attestation,
    Finding,
    MessageKind,
    ParquetAuthorisation,
    RuleState,
    Severity,
    Verdict,
)
from stopcamb_desk.push.payload import (
    MAX_TTL_HOURS,
    AlertPush,
    PayloadError,
    build_payload,
    title_for,
)
from stopcamb_desk.push.topics import topic_for

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings


class SendRefused(DeskError):
    """The draft cannot be sent as it is; ``message`` is French and says what to change."""


@dataclass(frozen=True, slots=True)
class DepartementChoice:
    code: str
    nom: str

    @property
    def label(self) -> str:
        """« 74 — Haute-Savoie »."""
        return f"{self.code} — {self.nom}"


@dataclass(frozen=True, slots=True)
class Draft:
    """What the operator is about to send (the attestation stays in the desk)."""

    text: str
    kind: MessageKind = MessageKind.OPERATIONNEL
    departement: str | None = None  # None for a national prevention message
    exercise: bool = False
    attestation: Attestation | None = None
    parquet: ParquetAuthorisation | None = None
    # The operator confirmed that a commune of another département concerns the target's
    # subscribers (composer checkbox, ``--confirmer-lieu``).
    place_confirmed: bool = False
    template_id: int | None = field(default=None, compare=False)

    @property
    def audience(self) -> tuple[str | None, str]:
        """(département, FCM topic) it goes to: a national prevention message to every
        user, an alert to its département's."""
        departement = None if self.kind is MessageKind.PREVENTION else self.departement
        return departement, topic_for(departement, exercise=self.exercise)


def permitted_departements(principal: Principal) -> list[DepartementChoice]:
    """The départements this operator may alert, code order (empty for non-senders)."""
    if not principal.can(Permission.SEND_OPERATIONAL):
        return []
    return [DepartementChoice(code, departement_name(code)) for code in principal.departements]


def target_departement(principal: Principal, code: str) -> DepartementChoice:
    """A département chosen as the composer's target (a click on the map): one of the
    operator's, else :class:`PermissionDenied` says whose it is not."""
    require_departement(principal, code)
    return DepartementChoice(code, departement_name(code))


def permitted_kinds(principal: Principal) -> list[MessageKind]:
    kinds = []
    if principal.can(Permission.SEND_OPERATIONAL):
        kinds.append(MessageKind.OPERATIONNEL)
    if principal.can(Permission.SEND_PREVENTION):
        kinds.append(MessageKind.PREVENTION)
    return kinds


def banner_title(draft: Draft) -> str:
    """The push title the phones will show (« Gendarmerie — Haute-Savoie (74) »)."""
    national = draft.kind is MessageKind.PREVENTION or draft.departement is None
    return title_for(None if national else draft.departement, exercise=draft.exercise)


def push_is_real(settings: Settings) -> bool:
    """True when a confirmed alert really reaches phones (FCM configured), else simulation."""
    return settings.fcm.configured


# Below this many code points a push cannot reach FCM's 4 096 bytes (each escapes to ≤ 6 bytes,
# the rest of the message is under 1 KiB): the exact size is only computed above it.
_PAYLOAD_SAFE_LENGTH = 512


def payload_size_finding(draft: Draft, text_to_send: str) -> Finding | None:
    """A blocking finding when the push of this text would exceed FCM's size limit (a text of
    160 graphemes can hold thousands of combining marks), measured on the real message with
    the largest ids and options it may carry."""
    if len(text_to_send) <= _PAYLOAD_SAFE_LENGTH or not text_to_send.strip():
        return None

    largest = 2**31 - 1
    push = AlertPush(
        alert_id=largest,
        text=text_to_send,
        departement=draft.audience[0],
        kind=str(draft.kind),
        sequence=largest,
        replaces_id=largest,
        exercise=draft.exercise,
        ttl_hours=MAX_TTL_HOURS,
        retraction=True,
    )
    try:
        build_payload(push)
    except PayloadError as exc:
        return Finding(LONGUEUR, Severity.BLOQUANT, exc.message, 0, len(draft.text))
    return None


def check_draft(
    draft: Draft,
    places: PlaceFinder | None = None,
    today: date | None = None,
    *,
    text_only: bool = False,
    retraction: bool = False,
) -> Verdict:
    """The verdict on a draft: the one decision the composer, ``lint``, ``send``, the send
    service and the replacement share — every rule of the checker, and the size of the push
    FCM would receive.

    The attestation is required for an operational alert, except for ``text_only``
    (``lint`` checks the text alone) and for the neutral ``retraction`` text, which states no
    fact (so the positive rule does not apply to it either).
    """
    verdict = check(
        draft.text,
        kind=draft.kind,
        departement=draft.departement,
        attestation=draft.attestation,
        parquet=draft.parquet,
        places=places,
        exercise=draft.exercise,
        require_attestation=not (text_only or retraction),
        place_confirmed=draft.place_confirmed,
        retraction=retraction,
        today=today,
    )
    too_big = payload_size_finding(draft, verdict.text_to_send or draft.text)
    if too_big is None:
        return verdict
    return replace(
        verdict,
        sendable=False,
        findings=(*verdict.findings, too_big),
        states={**verdict.states, LONGUEUR: RuleState.ECHEC},
    )


def check_target(principal: Principal, draft: Draft) -> None:
    """Raise :class:`PermissionDenied` or :class:`SendRefused` if the target is not allowed."""
    if draft.kind is MessageKind.PREVENTION:
        require(principal, Permission.SEND_PREVENTION)
        if draft.departement is not None:
            raise SendRefused(
                "Un message de prévention est national : il ne vise pas un département."
            )
        return
    if draft.departement is None:
        require(principal, Permission.SEND_OPERATIONAL)
        raise SendRefused("Choisissez le département destinataire de l'alerte.")
    require_departement(principal, draft.departement)


def refusal_reason(verdict: Verdict) -> str | None:
    """« Envoi impossible : … » from the first blocking finding, or None when sendable."""
    blocking = [f for f in verdict.findings if f.severity is Severity.BLOQUANT]
    # What is wrong in the text itself first (what the operator is looking at), then the rest.
    blocking.sort(key=lambda f: f.end <= f.start)
    if not blocking:
        return None
    # Count points as the checklist lists them: one per rule, however many passages it names.
    more = len({f.rule for f in blocking} - {blocking[0].rule})
    tail = ""
    if more == 1:
        tail = " (et 1 autre point bloquant)"
    elif more > 1:
        tail = f" (et {more} autres points bloquants)"
    return f"Envoi impossible : {blocking[0].message}{tail}"


def validate_for_send(
    principal: Principal,
    draft: Draft,
    places: PlaceFinder | None = None,
    today: date | None = None,
    *,
    retraction: bool = False,
) -> Verdict:
    """The last check before a draft goes to the outbox: role, target, every rule.

    Returns the verdict to store with the alert; raises :class:`PermissionDenied` (role) or
    :class:`SendRefused` (target or a blocking finding), both with a French ``message``.
    """
    check_target(principal, draft)
    verdict = check_draft(draft, places, today, retraction=retraction)
    reason = refusal_reason(verdict)
    if reason is not None:
        raise SendRefused(reason)
    return verdict
