"""Publishing the directory to the app (administrators only, audited).

Two steps, like an operator does them: :meth:`BrigadePublisher.preview` says what changed since
the last publication (units added, changed, removed, compared with the fingerprints kept in
``brigades_published``); :meth:`BrigadePublisher.publish` sends exactly that preview — refused
if the directory changed in between — as one atomic update of the app's Realtime Database, then
records the new fingerprints and the audit event in the same transaction. A failed send records
nothing: the next preview shows the same changes, and sending them again is harmless.

A unit whose identifier the import would refuse today (:func:`unit_id_refusal`: it becomes a
key of the app's database, where « / » makes a path and « . # $ [ ] » are refused) may still be
in the database from an older import: it is never sent — neither written nor removed — and the
preview and the audit event name it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from stopcamb_desk.domain.brigades import shown_unit_id, unit_id_refusal
from stopcamb_desk.domain.roles import Permission, Principal, require
from stopcamb_desk.models import Brigade, BrigadePublished, utcnow
from stopcamb_desk.models.db import Database, DatabaseError, explain_failure
from stopcamb_desk.push.brigade_directory import DirectoryTarget
from stopcamb_desk.services import audit
from stopcamb_desk.services.brigade_export import app_entry, entry_hash, meta
from stopcamb_desk.services.brigades import BrigadeError

TargetSource = DirectoryTarget | Callable[[], DirectoryTarget]


@dataclass(frozen=True)
class PublicationPreview:
    """What a publication would change in the app, and the token that sends exactly that."""

    added: list[str]  # « 1009402 — Brigade territoriale autonome de Lunel »
    changed: list[str]
    removed: list[str]
    total: int  # units in the app after the publication
    target: str  # where it goes (« SIMULATION : … », « RÉEL : … »)
    token: str
    entries: dict[str, Any] = field(default_factory=dict, repr=False)  # id → entry or None
    # Never sent, the identifier cannot be a key of the app's database: id → the unit's name.
    refused: dict[str, str] = field(default_factory=dict)
    departements: list[str] = field(default_factory=list, repr=False)  # of the units sent

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def summary(self) -> str:
        if self.empty:
            said = "Rien à publier : l'application a déjà l'annuaire du poste."
        else:
            said = (
                f"{len(self.added)} brigade(s) ajoutée(s), {len(self.changed)} modifiée(s), "
                f"{len(self.removed)} retirée(s) depuis la dernière publication "
                f"({self.total} dans l'application après publication)."
            )
        if self.refused:
            shown = ", ".join(f"« {shown_unit_id(i)} »" for i in self.refused)
            said += (
                f" {len(self.refused)} fiche(s) non publiée(s), identifiant invalide ({shown} : "
                "l'application n'accepte que chiffres, lettres, « - » et « _ ») : elles restent "
                "au poste ; importez ces unités avec leur identifiant data.gouv.fr "
                "(ex. 1009402) pour les publier."
            )
        return said

    def details(self) -> str:
        parts = []
        for title, items in (
            ("Ajoutées", self.added),
            ("Modifiées", self.changed),
            ("Retirées", self.removed),
            (
                "Non publiées (identifiant invalide)",
                [f"« {shown_unit_id(i)} » — {name}" for i, name in self.refused.items()],
            ),
        ):
            if items:
                parts.append(f"{title} :\n" + "\n".join(f"  {i}" for i in items))
        return "\n".join(parts)


class BrigadePublisher:
    def __init__(
        self, db: Database, target: TargetSource, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._db = db
        self._target_source = target
        self._target: DirectoryTarget | None = None
        self._clock = clock

    @property
    def target(self) -> DirectoryTarget:
        if self._target is None:
            source = self._target_source
            self._target = source() if callable(source) else source
        return self._target

    def close(self) -> None:
        """Close the target's connection, if one was opened."""
        if self._target is not None:
            self._target.close()
            self._target = None

    def preview(self, actor: Principal) -> PublicationPreview:
        require(actor, Permission.EDIT_BRIGADES)
        with self._db.session() as session:
            return self._diff(session)

    def _diff(self, session: Session) -> PublicationPreview:
        published = {p.brigade_id: p.entry_hash for p in session.scalars(select(BrigadePublished))}
        added: list[str] = []
        changed: list[str] = []
        entries: dict[str, Any] = {}
        names: dict[str, str] = {}
        refused: dict[str, str] = {}
        departements: list[str] = []
        for b in session.scalars(select(Brigade).order_by(Brigade.id)):
            old = published.pop(b.id, None)
            if unit_id_refusal(b.id) is not None:
                refused[b.id] = b.service
                continue
            departements.append(b.departement)
            entry = app_entry(b)
            digest = entry_hash(entry)
            names[b.id] = f"{b.id} — {b.service}"
            if old == digest:
                continue
            (added if old is None else changed).append(b.id)
            entries[b.id] = entry
        removed = []
        for brigade_id in sorted(published):
            if unit_id_refusal(brigade_id) is not None:
                # Published by an older desk, since deleted: not even a removal is sent.
                refused[brigade_id] = (
                    "absente du poste mais publiée autrefois : à retirer dans la console Firebase"
                )
                continue
            removed.append(brigade_id)
            entries[brigade_id] = None
        token = hashlib.sha256(
            "\n".join(
                f"{i}:{entry_hash(e) if e is not None else '-'}" for i, e in sorted(entries.items())
            ).encode()
        ).hexdigest()
        return PublicationPreview(
            added=[names[i] for i in added],
            changed=[names[i] for i in changed],
            removed=removed,
            total=len(names),
            target=self.target.description,
            token=token,
            entries=entries,
            refused=dict(sorted(refused.items())),
            departements=departements,
        )

    def publish(self, actor: Principal, token: str) -> PublicationPreview:
        """Send the changes previewed with ``token``; refused if the directory changed since."""
        require(actor, Permission.EDIT_BRIGADES)
        now = self._clock()
        applied = False  # the app's directory holds the changes
        try:
            with self._db.session() as session:
                preview = self._send(session, token, now)
                applied = True
                self._record(session, actor, preview, now)
        except SQLAlchemyError as exc:
            if applied:
                raise DatabaseError(
                    "L'annuaire est publié dans l'application, mais la base de données n'a pas "
                    "pu l'enregistrer : ce poste le croit encore à publier. Quand la base "
                    "répond, publiez de nouveau (les mêmes changements, sans effet de plus sur "
                    "l'application). " + explain_failure(exc, self._db.url)
                ) from exc
            raise DatabaseError(
                "Rien n'a été publié. " + explain_failure(exc, self._db.url)
            ) from exc
        return preview

    def _send(self, session: Session, token: str, now: datetime) -> PublicationPreview:
        """The previewed changes, checked again under the lock, sent to the app's directory."""
        audit.lock_chain(session)  # one publication at a time across desks (PostgreSQL)
        preview = self._diff(session)
        if preview.token != token:
            raise BrigadeError(
                "L'annuaire a changé depuis l'aperçu (autre poste ou import) : rien n'a été "
                "publié. Vérifiez de nouveau les changements, puis publiez."
            )
        if preview.empty:
            raise BrigadeError(preview.summary())
        changes: dict[str, Any] = {f"brigades/{i}": entry for i, entry in preview.entries.items()}
        changes["meta"] = meta(preview.total, preview.departements, now)
        self.target.apply(changes)  # DirectoryPublishError: nothing recorded
        return preview

    def _record(
        self, session: Session, actor: Principal, preview: PublicationPreview, now: datetime
    ) -> None:
        """What was sent, in the publication's transaction (the next diff starts from it)."""
        gone = [i for i, e in preview.entries.items() if e is None]
        sent = {i: e for i, e in preview.entries.items() if e is not None}
        if gone or sent:
            session.execute(
                delete(BrigadePublished).where(BrigadePublished.brigade_id.in_([*gone, *sent]))
            )
        session.add_all(
            BrigadePublished(brigade_id=i, entry_hash=entry_hash(e), published_at=now)
            for i, e in sent.items()
        )
        audit.record(
            session,
            actor.login,
            "annuaire_publie",
            "brigades",
            "",
            {
                "ajoutees": len(preview.added),
                "modifiees": len(preview.changed),
                "retirees": preview.removed,
                "non_publiees": list(preview.refused),
                "cible": self.target.name,
            },
            at=now,
        )
