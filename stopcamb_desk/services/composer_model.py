"""The composer's view-model: the draft's verdict, why « Envoyer… » is refused, the hand-over to
the outbox and the « Remplacement de l'alerte n° N » mode — without widgets.

As napari's ``components/`` mirror its ``_qt/`` widgets, ``ui/composer/view.py`` only binds:
it turns its fields into a :class:`Draft`, asks :meth:`ComposerModel.evaluate`, shows the
answer, and runs :meth:`ComposerModel.send_job` on the database worker. Everything the
composer decides is here, testable without Qt (``tests/test_composer_model.py``); the service
re-checks the role and every rule when the alert is committed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.places import PlaceFinder
from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.domain.rules.model import MessageKind, Verdict
from stopcamb_desk.services.composer import (
    DepartementChoice,
    Draft,
    SendRefused,
    check_draft,
    check_target,
    permitted_departements,
    permitted_kinds,
    refusal_reason,
    validate_for_send,
)
from stopcamb_desk.services.replacement import ReplacementService, ReplacementTarget, for_services
from stopcamb_desk.services.replacement_checks import ReplacementConflict

if TYPE_CHECKING:
    from stopcamb_desk.services.container import Services

# Nothing typed yet (a fresh composer, or just after a send): a hint, not a red refusal.
WAITING_FOR_TEXT = "Rédigez le message : le fait, le lieu, le conseil."

NO_OUTBOX = (
    "L'envoi n'est pas relié à la file d'envoi sur ce poste : rien n'est parti. "
    "Prévenez l'administrateur."
)


class ComposerModel:
    """One operator's composer: ``evaluate`` after every change, ``send_job`` on « Envoyer
    maintenant », ``sent``/``failed`` with the worker's answer."""

    def __init__(
        self,
        services: Services,
        principal: Principal,
        *,
        places: PlaceFinder | None = None,
        today: date | None = None,
    ) -> None:
        self.services = services
        self.principal = principal
        self.places = places
        self.today = today
        self.departements: list[DepartementChoice] = permitted_departements(principal)
        self.kinds: list[MessageKind] = permitted_kinds(principal)
        self.verdict: Verdict | None = None
        self.reason: str | None = None  # why « Envoyer… » is refused (None: it may be sent)
        self.waiting_for_text = True  # the text is empty: ``reason`` is a hint, not a refusal
        self.replacing: ReplacementTarget | None = None
        self.last_sent_id: int | None = None
        self._replacement: ReplacementService | None = None

    # -- state ---------------------------------------------------------------------------------
    def departement(self, code: str | None) -> DepartementChoice | None:
        return next((d for d in self.departements if d.code == code), None)

    def evaluate(self, draft: Draft) -> Verdict:
        """The rules' verdict on ``draft`` and, in :attr:`reason`, why it may not be sent."""
        verdict = check_draft(draft, self.places, self.today)
        reason = refusal_reason(verdict)
        try:
            check_target(self.principal, draft)
        except DeskError as exc:  # PermissionDenied, SendRefused
            reason = f"Envoi impossible : {exc.message}"
        self.waiting_for_text = not draft.text.strip()
        if self.waiting_for_text:
            reason = WAITING_FOR_TEXT
        self.verdict, self.reason = verdict, reason
        return verdict

    @property
    def blocked(self) -> bool:
        return self.verdict is None or self.reason is not None

    # -- replacement mode ------------------------------------------------------------------
    def start_replacement(self, target: ReplacementTarget) -> Draft:
        """Replace ``target`` (opened from the history): the draft to show, target locked."""
        self.replacing = target
        return target.draft

    def cancel_replacement(self) -> str | None:
        """« Annuler le remplacement »: nothing was sent; the status sentence (None: not in
        the mode)."""
        if self.replacing is None:
            return None
        number = self.replacing.alert_id
        self.replacing = None
        return f"Remplacement de l'alerte n° {number} annulé : rien n'est parti."

    # -- sending -----------------------------------------------------------------------------
    def send_job(self, draft: Draft) -> Callable[[], int]:
        """What the database worker runs after « Envoyer maintenant »: role and rules checked
        again on the exact draft (raises :class:`DeskError` when refused), then the commit to
        the outbox, or the replacement of :attr:`replacing`."""
        verdict = validate_for_send(self.principal, draft, self.places, self.today)
        outbox = self.services.outbox
        if outbox is None:
            why = self.services.push_error
            raise SendRefused(
                f"Envoi impossible sur ce poste : {why} Rien n'est parti." if why else NO_OUTBOX
            )
        principal, target = self.principal, self.replacing
        if target is None:
            return lambda: outbox.enqueue(principal, draft, verdict, claim=True)
        service = self._replacement_service()
        return lambda: service.replace(principal, target.alert_id, target.version, draft)

    def _replacement_service(self) -> ReplacementService:
        if self._replacement is None:
            self._replacement = for_services(self.services, places=self.places, today=self.today)
        assert self._replacement is not None  # an outbox exists, so the service does
        return self._replacement

    def sent(self, alert_id: int, text: str, target_label: str) -> str:
        """The worker committed ``alert_id``: the status sentence; the replacement mode ends."""
        self.last_sent_id = alert_id
        target, self.replacing = self.replacing, None
        prefix = f"Remplacement de l'alerte n° {target.alert_id} : " if target else ""
        return (
            f"✓ {prefix}Alerte n° {alert_id} enregistrée et confiée à l'envoi ({target_label}) : "
            f"« {text} ». Suivez sa remise dans l'Historique."
        )

    def conflict(self, exc: BaseException) -> ReplacementConflict | None:
        """The conflict to show in the replacement banner (another desk replaced it first)."""
        if self.replacing is not None and isinstance(exc, ReplacementConflict):
            return exc
        return None
