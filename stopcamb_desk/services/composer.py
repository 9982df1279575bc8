"""Use cases behind the composer screen (Qt-free): what an operator may target, templates, and
the final check before sending.

The composer greys out what a role cannot do, but the refusal that counts is here:
:func:`validate_for_send` re-runs the rule checker and the role rules on the exact draft the
operator confirmed, so a chef de quart cannot send elsewhere than to their départements, nor a
national prevention message, whatever the screen (or a script) lets through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.places import PlaceFinder
from stopcamb_desk.domain.roles import (
    Permission,
    PermissionDenied,
    Principal,
    require,
    require_departement,
)
from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import (
    Attestation,
    MessageKind,
    ParquetAuthorisation,
    Severity,
    Verdict,
)

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings
    from stopcamb_desk.models.db import Database

KIND_LABELS: dict[MessageKind, str] = {
    MessageKind.OPERATIONNEL: "Opérationnel",
    MessageKind.PREVENTION: "Prévention nationale",
}


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
class TemplateChoice:
    id: int
    title: str
    text: str
    departement: str | None  # None: usable in every département
    kind: MessageKind


@dataclass(frozen=True, slots=True)
class Draft:
    """What the operator is about to send (the attestation stays in the desk)."""

    text: str
    kind: MessageKind = MessageKind.OPERATIONNEL
    departement: str | None = None  # None for a national prevention message
    exercise: bool = False
    attestation: Attestation | None = None
    parquet: ParquetAuthorisation | None = None
    template_id: int | None = field(default=None, compare=False)


def departement_name(code: str) -> str:
    # The static table: no reference-data file is parsed when the composer opens.
    return DEPARTEMENT_NAMES.get(code, f"département {code}")


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
    from stopcamb_desk.push.payload import title_for

    national = draft.kind is MessageKind.PREVENTION or draft.departement is None
    return title_for(None if national else draft.departement, exercise=draft.exercise)


def push_is_real(settings: Settings) -> bool:
    """True when a confirmed alert really reaches phones (FCM configured), else simulation."""
    return settings.fcm.configured


def check_draft(
    draft: Draft, places: PlaceFinder | None = None, today: date | None = None
) -> Verdict:
    """The rule checker on a draft, attestation required for an operational alert."""
    return check(
        draft.text,
        kind=draft.kind,
        departement=draft.departement,
        attestation=draft.attestation,
        parquet=draft.parquet,
        places=places,
        exercise=draft.exercise,
        require_attestation=True,
        today=today,
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
    more = len(blocking) - 1
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
) -> Verdict:
    """The last check before a draft goes to the outbox: role, target, every rule.

    Returns the verdict to store with the alert; raises :class:`PermissionDenied` (role) or
    :class:`SendRefused` (target or a blocking finding), both with a French ``message``.
    """
    check_target(principal, draft)
    verdict = check_draft(draft, places, today)
    reason = refusal_reason(verdict)
    if reason is not None:
        raise SendRefused(reason)
    return verdict


class ComposerService:
    """Templates for the composer, read from the ``templates`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def templates_for(self, principal: Principal, departement: str | None) -> list[TemplateChoice]:
        """Templates of ``departement`` plus the shared ones, for the kinds this role sends."""
        from sqlalchemy import or_, select

        from stopcamb_desk.models import Template

        kinds = [str(k) for k in permitted_kinds(principal)]
        if not kinds:
            return []
        if departement is not None:
            require_departement(principal, departement)
            where = or_(Template.departement == departement, Template.departement.is_(None))
        else:
            where = Template.departement.is_(None)
        query = (
            select(Template)
            .where(where, Template.kind.in_(kinds))
            .order_by(Template.departement.is_(None), Template.title, Template.id)
        )
        with self._db.session() as session:
            return [
                TemplateChoice(t.id, t.title, t.text, t.departement, MessageKind(t.kind))
                for t in session.scalars(query)
            ]

    def save_template(
        self, principal: Principal, departement: str | None, title: str, draft: Draft
    ) -> TemplateChoice:
        """Keep ``draft.text`` as a template of ``departement`` (national when None)."""
        from stopcamb_desk.models import Template

        title = title.strip()
        if not title:
            raise SendRefused("Donnez un nom au modèle.")
        if not draft.text.strip():
            raise SendRefused("Le modèle est vide : rédigez d'abord le texte.")
        if departement is None:
            require(principal, Permission.SEND_PREVENTION)
        else:
            require_departement(principal, departement)
        with self._db.session() as session:
            row = Template(
                departement=departement, title=title, text=draft.text, kind=str(draft.kind)
            )
            session.add(row)
            session.flush()
            return TemplateChoice(row.id, row.title, row.text, row.departement, draft.kind)


__all__ = [
    "KIND_LABELS",
    "ComposerService",
    "DepartementChoice",
    "Draft",
    "PermissionDenied",
    "SendRefused",
    "TemplateChoice",
    "banner_title",
    "check_draft",
    "check_target",
    "permitted_departements",
    "permitted_kinds",
    "push_is_real",
    "refusal_reason",
    "validate_for_send",
]
