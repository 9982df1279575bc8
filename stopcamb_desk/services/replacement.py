"""One-click replacement and retraction of the alert shown on the phones (Qt-free).

« Un push chasse l'autre »: a mistaken push is covered by a new push to the same topic, with the
same replacement key (Android tag / APNs collapse-id). This module decides *whether* an alert
may be replaced or withdrawn, then hands the new alert to the durable outbox, which does the
rest (payload with ``replaces``/``retraction``, audit event ``remplacement``/``retrait``, and on
delivery the older alert becomes ``remplacee``/``retiree``).

Rules:

- only the **head** of a topic may be replaced or withdrawn: the newest alert of the topic that
  is, or is about to be, on the phones (statuses ``en_attente``, ``envoi``, ``envoyee``,
  ``a_verifier``), and only once it is possibly on the phones (``envoyee`` or ``a_verifier``);
- optimistic check: the caller passes the ``Alert.version`` it displayed; if the alert changed
  since (another desk replaced it, resent it…), :class:`ReplacementConflict` says who did what
  and when, and gives the new head's id;
- two desks racing: the check and the version bump run in the outbox's own locked transaction,
  the one that commits the new alert (``Outbox.enqueue(precheck=…)``): SQLite's write lock,
  PostgreSQL's outbox lock. The loser then sees the winner's alert; no other lock is held
  meanwhile, so a desk recording FCM's answer for the topic never waits on a replacement that
  waits on it;
- the replaced alert's version is bumped when its replacement is committed;
- a replacement runs every rule again (:func:`validate_for_send`) and keeps the département,
  kind and exercise flag; a retraction sends ``settings.retraction_text`` and needs no
  attestation (it states no fact), but the text still goes through the rule checker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import update

from stopcamb_desk.domain.lifecycle import resend_refusal
from stopcamb_desk.domain.roles import PermissionDenied, Principal
from stopcamb_desk.domain.rules.model import (
    Attestation,
    MessageKind,
    ParquetAuthorisation,
    ProcedureType,
)
from stopcamb_desk.models import Alert, utcnow
from stopcamb_desk.services.composer import (
    Draft,
    SendRefused,
    check_draft,
    check_target,
    refusal_reason,
    validate_for_send,
)
from stopcamb_desk.services.outbox_policy import OutboxError
from stopcamb_desk.services.outbox_sql import newer_blocking
from stopcamb_desk.services.replacement_checks import (
    ReplacementConflict,
    ReplacementError,
    check_replaceable,
    check_role,
    load_alert,
    target_label,
    topic_head,
    typed_text,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from stopcamb_desk.domain.places import PlaceFinder
    from stopcamb_desk.domain.rules.model import Verdict
    from stopcamb_desk.models.db import Database
    from stopcamb_desk.services.container import Services
    from stopcamb_desk.services.outbox import Outbox


@dataclass(frozen=True, slots=True)
class ActionState:
    """Which of « Remplacer », « Retirer », « Renvoyer » apply to an alert, and why not."""

    alert_id: int
    version: int
    replace_reason: str | None  # None: allowed (also for « Retirer »)
    resend_reason: str | None
    head_id: int | None  # the topic's head (may be this alert)

    @property
    def can_replace(self) -> bool:
        return self.replace_reason is None

    @property
    def can_retract(self) -> bool:
        return self.replace_reason is None

    @property
    def can_resend(self) -> bool:
        return self.resend_reason is None


@dataclass(frozen=True, slots=True)
class ReplacementTarget:
    """What the composer needs to prepare a replacement: the alert as a draft, its version."""

    alert_id: int
    version: int
    draft: Draft
    target_label: str  # « 74 — Haute-Savoie » or « national »
    status: str


class ReplacementService:
    """``replace``/``retract`` the head of a topic; ``actions``/``target`` for the screens."""

    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        *,
        retraction_text: str,
        places: PlaceFinder | None = None,
        today: date | None = None,
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.retraction_text = retraction_text
        self.places = places
        self.today = today

    # -- reading ----------------------------------------------------------------------------
    def actions(self, principal: Principal, alert_id: int) -> ActionState:
        """What the history's buttons may do for ``alert_id`` (reasons in French)."""
        with self.db.session() as session:
            alert = load_alert(session, principal, alert_id)
            head = topic_head(session, alert.topic)
            head_id = head.id if head is not None else None
            replace_reason: str | None = None
            try:
                check_role(principal, alert)
                check_replaceable(session, alert, None)
            except PermissionDenied as exc:
                replace_reason = exc.message
            except ReplacementError as exc:
                replace_reason = exc.message
            # The same rule as the outbox's « Renvoyer » (domain/lifecycle.py).
            resend_reason = resend_refusal(
                alert.id,
                alert.status,
                alert.scheduled_for or alert.created_at,
                newer_id=newer_blocking(session, alert.topic, alert.sequence),
                now=self.outbox.clock(),
                ttl_hours=self.outbox.ttl_hours,
            )
            if resend_reason is None:
                try:
                    check_role(principal, alert)
                except PermissionDenied as exc:
                    resend_reason = exc.message
            return ActionState(alert.id, alert.version, replace_reason, resend_reason, head_id)

    def target(self, principal: Principal, alert_id: int) -> ReplacementTarget:
        """The alert as a draft to edit (text, département, kind, exercise, attestation)."""
        with self.db.session() as session:
            alert = load_alert(session, principal, alert_id)
            check_role(principal, alert)
            check_replaceable(session, alert, None)
            attestation = None
            if alert.procedure_type and alert.procedure_number and alert.procedure_date:
                attestation = Attestation(
                    ProcedureType(alert.procedure_type),
                    alert.procedure_number,
                    alert.procedure_date,
                )
            parquet = (
                ParquetAuthorisation(alert.parquet_ref, alert.parquet_date)
                if alert.parquet_ref and alert.parquet_date
                else None
            )
            draft = Draft(
                text=typed_text(alert.text, alert.exercise),
                kind=MessageKind(alert.kind),
                departement=alert.departement,
                exercise=alert.exercise,
                attestation=attestation,
                parquet=parquet,
            )
            return ReplacementTarget(
                alert.id, alert.version, draft, target_label(alert.departement), alert.status
            )

    def retraction_draft(self, alert_id: int, departement: str | None, exercise: bool) -> Draft:
        kind = MessageKind.PREVENTION if departement is None else MessageKind.OPERATIONNEL
        return Draft(
            text=self.retraction_text, kind=kind, departement=departement, exercise=exercise
        )

    # -- acting -----------------------------------------------------------------------------
    def replace(
        self, principal: Principal, alert_id: int, expected_version: int, draft: Draft
    ) -> int:
        """Enqueue ``draft`` in place of the head ``alert_id``; return the new alert's id."""
        verdict = validate_for_send(principal, draft, self.places, self.today)
        return self._commit(principal, alert_id, expected_version, draft, verdict, False)

    def retract(self, principal: Principal, alert_id: int, expected_version: int) -> int:
        """Enqueue the neutral retraction text in place of the head ``alert_id``."""
        with self.db.session() as session:
            alert = load_alert(session, principal, alert_id)
            draft = self.retraction_draft(alert.id, alert.departement, alert.exercise)
        check_target(principal, draft)
        # No attestation, no positive rule: a retraction states no fact. No place rule: the
        # text names none.
        verdict = check_draft(draft, None, self.today, retraction=True)
        reason = refusal_reason(verdict)
        if reason is not None:
            raise SendRefused(
                f"Le texte de retrait des réglages est refusé ({reason}) : prévenez "
                "l'administrateur."
            )
        return self._commit(principal, alert_id, expected_version, draft, verdict, True)

    def _commit(
        self,
        principal: Principal,
        alert_id: int,
        expected_version: int,
        draft: Draft,
        verdict: Verdict,
        retraction: bool,
    ) -> int:
        def check_and_bump(session: Session) -> None:
            self._check_and_bump(session, principal, alert_id, expected_version, draft)

        try:
            return self.outbox.enqueue(
                principal,
                draft,
                verdict,
                replaces_id=alert_id,
                retraction=retraction,
                claim=True,
                precheck=check_and_bump,
            )
        except OutboxError as exc:
            raise ReplacementError(exc.message) from exc

    def _check_and_bump(
        self,
        session: Session,
        principal: Principal,
        alert_id: int,
        expected_version: int,
        draft: Draft,
    ) -> None:
        alert = load_alert(session, principal, alert_id)
        check_role(principal, alert)
        check_replaceable(session, alert, expected_version)
        if (
            draft.departement != alert.departement
            or str(draft.kind) != alert.kind
            or draft.exercise != alert.exercise
        ):
            raise ReplacementError(
                f"Un remplacement vise le même public que l'alerte n° {alert_id} "
                f"({target_label(alert.departement)}, {'exercice' if alert.exercise else 'réel'}"
                ") : gardez son département, son type et son mode."
            )
        bumped = session.scalar(
            update(Alert)
            .where(Alert.id == alert_id, Alert.version == expected_version)
            .values(version=Alert.version + 1, updated_at=utcnow())
            .returning(Alert.id)
            .execution_options(synchronize_session=False)
        )
        if bumped is None:  # pragma: no cover - checked just now, under the outbox lock
            raise ReplacementConflict(
                f"L'alerte n° {alert_id} vient d'être modifiée : recommencez.", head_id=None
            )


def for_services(
    services: Services, *, places: PlaceFinder | None = None, today: date | None = None
) -> ReplacementService | None:
    """The service of a desk's :class:`~stopcamb_desk.services.container.Services`, or None
    when this desk cannot send (no outbox)."""
    outbox = services.outbox
    if outbox is None:
        return None
    return ReplacementService(
        services.db,
        outbox,
        retraction_text=services.settings.retraction_text,
        places=places,
        today=today,
    )
