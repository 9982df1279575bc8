"""Message templates: a chef de quart's for their départements, the OPP's national ones.

A template's scope decides its kind: a département's is an operational alert, a national one
(no département) a prevention message (vacances d'été, fin d'année, départs en week-end,
commerçants…). Who manages what is checked here on every call, whatever the screen offers:

- chef de quart: the templates of their départements;
- OPP du GGD34: the national prevention templates;
- administrateur: every template.

Saving runs the rule checker (:func:`stopcamb_desk.domain.rules.check`) on the text as the kind
it will be sent as, without the attestation (given at sending time): a blocking finding refuses
the template, warnings come back to be shown. Every change is audited in the same transaction
(``modele_cree``, ``modele_modifie``, ``modele_supprime``; object type ``modele``).

Two desks saving the same template at once: the template's version column makes the second
write match no row; that desk is told who changed it meanwhile (:class:`TemplateConflict`, from
the audit trail) and nothing of its save is written.

The composer offers :meth:`TemplateService.for_composer`: the operational templates of the
département being alerted, or the national prevention ones — only what this operator may send.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES, normalize_departement
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.roles import (
    Permission,
    PermissionDenied,
    Principal,
    Role,
    require,
    require_departement,
)
from stopcamb_desk.domain.rules.model import MessageKind, Severity, Verdict
from stopcamb_desk.domain.rules.text import count_graphemes
from stopcamb_desk.models import AuditEvent, Operator, Template, utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.services import audit
from stopcamb_desk.services.composer import Draft, check_draft

if TYPE_CHECKING:
    from stopcamb_desk.domain.places import PlaceFinder

OBJECT_TYPE = "modele"
TITLE_MAX = 80
# What the title column holds (templates.title, String(120)): code points, not what the screen
# shows — a keycap digit or a letter with stacked accents is one character but several.
TITLE_STORED_MAX = 120
NATIONAL_LABEL = "National — prévention"


class TemplateRefused(DeskError):
    """The template cannot be saved or deleted as asked; nothing was written."""


class TemplateConflict(TemplateRefused):
    """The template changed on another desk since it was shown; ``what`` says who and when
    (the message adds what to do)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} Rechargez-le, relisez sa version actuelle, puis recommencez.")
        self.what = what


def scope_label(departement: str | None) -> str:
    """« National — prévention » or « 74 — Haute-Savoie »."""
    if departement is None:
        return NATIONAL_LABEL
    return f"{departement} — {DEPARTEMENT_NAMES.get(departement, 'département inconnu')}"


def kind_for(departement: str | None) -> MessageKind:
    return MessageKind.PREVENTION if departement is None else MessageKind.OPERATIONNEL


def _scope(code: str | None) -> str | None:
    """A template's scope as stored: a normalized département code, or None (national)."""
    return None if code is None else normalize_departement(code)


def manageable_scopes(principal: Principal) -> list[str | None]:
    """The scopes this operator manages (None: national), in the order screens list them."""
    if principal.role is Role.ADMINISTRATEUR:
        return [None, *DEPARTEMENT_NAMES]
    if principal.role is Role.OPP_NATIONAL:
        return [None]
    return list(principal.departements)


def require_scope(principal: Principal, departement: str | None) -> None:
    """Raise :class:`PermissionDenied` unless ``principal`` manages templates of that scope."""
    if departement is not None and departement not in DEPARTEMENT_NAMES:
        raise TemplateRefused(f"Département inconnu : « {departement} ».")
    if principal.role is Role.ADMINISTRATEUR:
        return
    if departement is None:
        if principal.role is not Role.OPP_NATIONAL:
            raise PermissionDenied(
                "Les modèles nationaux de prévention sont gérés par l'OPP du GGD34 (ou un "
                "administrateur) : choisissez l'un de vos départements."
            )
        return
    if principal.role is Role.OPP_NATIONAL:
        raise PermissionDenied(
            "L'OPP du GGD34 gère les modèles nationaux de prévention, pas ceux d'un département."
        )
    if not principal.covers(departement):
        allowed = ", ".join(principal.departements) or "aucun"
        raise PermissionDenied(
            f"Le département {departement} n'est pas le vôtre (vos départements : {allowed}) : "
            "vous ne pouvez pas y gérer de modèle."
        )


@dataclass(frozen=True, slots=True)
class TemplateDraft:
    """What the operator typed; ``departement`` None: a national prevention template."""

    title: str
    text: str
    departement: str | None = None

    @property
    def kind(self) -> MessageKind:
        return kind_for(self.departement)

    def normalised(self) -> TemplateDraft:
        def clean(value: str) -> str:
            return unicodedata.normalize("NFC", value).strip()

        return TemplateDraft(clean(self.title), clean(self.text), _scope(self.departement))


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """A template as screens and the CLI show it (no ORM object leaves the service)."""

    id: int
    title: str
    text: str
    departement: str | None
    kind: MessageKind
    created_at: datetime
    updated_at: datetime
    author_login: str
    version: int

    @property
    def scope_label(self) -> str:
        return scope_label(self.departement)

    def draft(self) -> TemplateDraft:
        return TemplateDraft(self.title, self.text, self.departement)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "titre": self.title,
            "texte": self.text,
            "departement": self.departement,
            "portee": self.scope_label,
            "type": str(self.kind),
            "cree_le": self.created_at.isoformat(),
            "modifie_le": self.updated_at.isoformat(),
            "auteur": self.author_login,
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class TemplateSaved:
    row: TemplateRow
    warnings: tuple[str, ...]
    message: str


def check_template(draft: TemplateDraft, places: PlaceFinder | None = None) -> Verdict:
    """The one verdict of a send (``check_draft``) on the text, as the kind it will be sent as
    (no attestation yet: it is given when the alert is sent)."""
    as_sent = Draft(text=draft.text, kind=draft.kind, departement=draft.departement)
    return check_draft(as_sent, places, text_only=True)


def template_problems(draft: TemplateDraft, verdict: Verdict) -> list[str]:
    """The French reasons the template cannot be saved (empty: it can)."""
    problems = []
    length = count_graphemes(draft.title.strip())
    if length == 0:
        problems.append("Titre : donnez un titre au modèle (ex. « Vacances d'été : OTV »).")
    elif length > TITLE_MAX:
        problems.append(f"Titre : {length} caractères, {TITLE_MAX} au plus.")
    elif len(draft.title.strip()) > TITLE_STORED_MAX:
        problems.append(
            f"Titre : trop long une fois enregistré ({len(draft.title.strip())} signes, "
            f"{TITLE_STORED_MAX} au plus) : ses émojis composés ou ses accents empilés "
            "comptent chacun pour plusieurs signes. Retirez-en."
        )
    title = draft.title.strip()
    if "\n" in title or "\r" in title:
        problems.append("Titre : une seule ligne (c'est le nom du modèle dans les listes).")
    hidden = sorted(
        {c for c in title if c not in "\r\n" and unicodedata.category(c) in ("Cc", "Cf")}
    )
    if hidden:
        shown = ", ".join(f"U+{ord(c):04X}" for c in hidden)
        problems.append(
            f"Titre : caractère invisible {shown} (souvent venu d'un copier-coller) : "
            "retapez le titre."
        )
    problems += [
        f"Texte : {f.message}" for f in verdict.findings if f.severity is Severity.BLOQUANT
    ]
    return problems


def template_warnings(verdict: Verdict) -> tuple[str, ...]:
    return tuple(f.message for f in verdict.findings if f.severity is Severity.AVERTISSEMENT)


def _row(session: Session, template: Template) -> TemplateRow:
    author = session.get(Operator, template.author_id) if template.author_id else None
    return TemplateRow(
        id=template.id,
        title=template.title,
        text=template.text,
        departement=template.departement,
        kind=MessageKind(template.kind),
        created_at=template.created_at,
        updated_at=template.updated_at,
        author_login=author.login if author else "",
        version=template.version,
    )


def _fold(title: str) -> str:
    """« Vacances d’été » and « VACANCES D'ETE » are the same title."""
    decomposed = unicodedata.normalize("NFKD", title.casefold().replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


class TemplateService:
    def __init__(
        self,
        db: Database,
        *,
        places: PlaceFinder | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.places = places
        self.clock = clock

    # -- reading ------------------------------------------------------------------------------
    def manageable(
        self, principal: Principal, scopes: Sequence[str | None] | None = None
    ) -> list[TemplateRow]:
        """The templates this operator manages (national first, then by département and
        title); ``scopes`` (None: national) narrows the list, each one checked."""
        if scopes is None:
            wanted = manageable_scopes(principal)
        else:
            wanted = [_scope(scope) for scope in scopes]
            for scope in wanted:
                require_scope(principal, scope)
        conditions = []
        if None in wanted:
            conditions.append(Template.departement.is_(None))
        codes = [scope for scope in wanted if scope is not None]
        if codes:
            conditions.append(Template.departement.in_(codes))
        if not conditions:
            return []
        query = (
            select(Template)
            .where(or_(*conditions))
            .order_by(
                Template.departement.is_not(None), Template.departement, Template.title, Template.id
            )
        )
        with self.db.session() as session:
            return [_row(session, t) for t in session.scalars(query)]

    def for_composer(
        self, principal: Principal, kind: MessageKind, departement: str | None
    ) -> list[TemplateRow]:
        """What the composer offers for ``kind``: the département's operational templates, or
        the national prevention ones; only what this operator may send."""
        if kind is MessageKind.PREVENTION:
            require(principal, Permission.SEND_PREVENTION)
            where: ColumnElement[bool] = Template.departement.is_(None)
        else:
            if departement is None:
                return []
            require_departement(principal, departement)
            where = Template.departement == departement
        query = (
            select(Template)
            .where(where, Template.kind == str(kind))
            .order_by(Template.title, Template.id)
        )
        with self.db.session() as session:
            return [_row(session, t) for t in session.scalars(query)]

    def get(self, principal: Principal, template_id: int) -> TemplateRow:
        with self.db.session() as session:
            template = self._load(session, template_id)
            require_scope(principal, template.departement)
            return _row(session, template)

    def check(self, draft: TemplateDraft) -> Verdict:
        return check_template(draft.normalised(), self.places)

    # -- changes ------------------------------------------------------------------------------
    def create(self, principal: Principal, draft: TemplateDraft) -> TemplateSaved:
        draft = draft.normalised()
        require_scope(principal, draft.departement)
        warnings = self._validate(draft)
        now = self.clock()
        with self.db.session() as session:
            self._refuse_duplicate(session, draft)
            template = Template(
                departement=draft.departement,
                title=draft.title,
                text=draft.text,
                kind=str(draft.kind),
                created_at=now,
                updated_at=now,
                author_id=principal.operator_id or None,
            )
            session.add(template)
            session.flush()
            audit.record(
                session,
                principal.login,
                "modele_cree",
                OBJECT_TYPE,
                template.id,
                _details(draft),
                at=now,
            )
            row = _row(session, template)
        return TemplateSaved(row, warnings, f"Modèle « {row.title} » créé ({row.scope_label}).")

    def update(
        self,
        principal: Principal,
        template_id: int,
        draft: TemplateDraft,
        expected_version: int | None = None,
    ) -> TemplateSaved:
        draft = draft.normalised()
        require_scope(principal, draft.departement)
        now = self.clock()
        with self._writing(template_id) as session:
            template = self._load(session, template_id, expected_version)
            require_scope(principal, template.departement)
            warnings = self._validate(draft)
            self._refuse_duplicate(session, draft, template.id)
            before = TemplateDraft(template.title, template.text, template.departement)
            if before == draft:
                row = _row(session, template)
                return TemplateSaved(row, warnings, f"Modèle « {row.title} » inchangé.")
            template.title, template.text = draft.title, draft.text
            template.departement, template.kind = draft.departement, str(draft.kind)
            template.updated_at = now
            session.flush()
            audit.record(
                session,
                principal.login,
                "modele_modifie",
                OBJECT_TYPE,
                template.id,
                {"avant": _details(before), "apres": _details(draft)},
                at=now,
            )
            row = _row(session, template)
        return TemplateSaved(
            row, warnings, f"Modèle « {row.title} » enregistré ({row.scope_label})."
        )

    def delete(
        self, principal: Principal, template_id: int, expected_version: int | None = None
    ) -> TemplateRow:
        """Delete the template; the audit event keeps its text."""
        with self._writing(template_id) as session:
            template = self._load(session, template_id, expected_version)
            require_scope(principal, template.departement)
            row = _row(session, template)
            audit.record(
                session,
                principal.login,
                "modele_supprime",
                OBJECT_TYPE,
                template.id,
                _details(row.draft()),
                at=self.clock(),
            )
            session.delete(template)
        return row

    # -- helpers ------------------------------------------------------------------------------
    def _validate(self, draft: TemplateDraft) -> tuple[str, ...]:
        verdict = check_template(draft, self.places)
        problems = template_problems(draft, verdict)
        if problems:
            lines = "\n".join(f"• {p}" for p in problems)
            raise TemplateRefused(f"Modèle non enregistré :\n{lines}")
        return template_warnings(verdict)

    @contextmanager
    def _writing(self, template_id: int) -> Iterator[Session]:
        """The transaction of a change to the template: when another desk's change committed
        after this one read the template, the write matches no row (version column) — rolled
        back, and said in French with who changed it."""
        try:
            with self.db.session() as session:
                yield session
                session.flush()  # the version check runs here, inside the transaction
        except StaleDataError:
            with self.db.session() as session:
                raise _changed_meanwhile(session, template_id) from None

    @staticmethod
    def _load(session: Session, template_id: int, expected_version: int | None = None) -> Template:
        template = session.get(Template, template_id)
        if template is None:
            if _last_change(session, template_id) is not None:  # deleted: by whom, when
                raise _changed_meanwhile(session, template_id)
            raise TemplateRefused(f"Modèle n° {template_id} introuvable : actualisez la liste.")
        if expected_version is not None and template.version != expected_version:
            raise _changed_meanwhile(session, template_id)
        return template

    @staticmethod
    def _refuse_duplicate(
        session: Session, draft: TemplateDraft, template_id: int | None = None
    ) -> None:
        scope = (
            Template.departement.is_(None)
            if draft.departement is None
            else Template.departement == draft.departement
        )
        for other_id, title in session.execute(select(Template.id, Template.title).where(scope)):
            if other_id != template_id and _fold(title) == _fold(draft.title):
                raise TemplateRefused(
                    f"Un modèle « {title} » existe déjà ({scope_label(draft.departement)}) : "
                    "choisissez un autre titre, ou modifiez celui-là."
                )


def _last_change(session: Session, template_id: int) -> AuditEvent | None:
    """The last modification or deletion of the template in the audit trail."""
    return audit.last_change(
        session, OBJECT_TYPE, template_id, ("modele_modifie", "modele_supprime")
    )


def _changed_meanwhile(session: Session, template_id: int) -> TemplateRefused:
    """« Le modèle n° 3 a été modifié entre-temps par chef74 (le … à …) : rechargez… », or
    « introuvable : supprimé par … » — who and when from the audit trail."""
    event = _last_change(session, template_id)
    if event is not None and event.action == "modele_supprime":
        return TemplateRefused(
            f"Modèle n° {template_id} introuvable : supprimé {audit.changed_by(event)}. "
            "Rechargez la liste des modèles."
        )
    return TemplateConflict(
        f"Le modèle n° {template_id} a été modifié entre-temps {audit.changed_by(event)} : "
        "rien n'a été enregistré."
    )


def _details(draft: TemplateDraft) -> dict[str, Any]:
    return {
        "titre": draft.title,
        "texte": draft.text,
        "departement": draft.departement,
        "type": str(draft.kind),
    }
