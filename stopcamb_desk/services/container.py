"""Builds the services for one desk from the settings (no module-level singletons)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from stopcamb_desk.config import Settings
from stopcamb_desk.models import utcnow
from stopcamb_desk.models.db import Database, DatabaseError, database_identity, explain_failure
from stopcamb_desk.private_files import ensure_private_dir
from stopcamb_desk.push import gateway_from_settings
from stopcamb_desk.push.gateway import PushError, PushGateway
from stopcamb_desk.services import audit
from stopcamb_desk.services.accounts import AccountService
from stopcamb_desk.services.audit_keys import (
    AuditSecrets,
    forget_new_key,
    load_audit_secrets,
    missing_key_error,
)
from stopcamb_desk.services.changes import ChangeHub
from stopcamb_desk.services.demo import seed_demo
from stopcamb_desk.services.outbox import Outbox
from stopcamb_desk.services.outbox_journal import AcceptJournal
from stopcamb_desk.services.outbox_recovery import recover
from stopcamb_desk.services.outbox_worker import OutboxWorker

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    db: Database
    accounts: AccountService
    journal: AcceptJournal
    gateway: PushGateway | None = None
    outbox: Outbox | None = None
    outbox_worker: OutboxWorker | None = None
    # Why sending is impossible on this desk (broken Firebase credentials…), in French.
    push_error: str | None = None
    # The desk's change bus (services/changes.py): the outbox publishes there.
    changes: ChangeHub = field(default_factory=ChangeHub)
    _closed: bool = field(default=False, repr=False)

    @property
    def simulated(self) -> bool:
        return self.gateway is None or self.gateway.simulated

    def start_sender(self) -> None:
        """Start the background sender (after login): prepares FCM, then sends what is due."""
        if self.outbox_worker is not None and not self.outbox_worker.running:
            self.outbox_worker.start()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.outbox_worker is not None:
            self.outbox_worker.stop()
        if self.gateway is not None:
            self.gateway.close()
        self.db.dispose()


def _push(
    settings: Settings, db: Database, journal: AcceptJournal, changes: ChangeHub
) -> tuple[PushGateway | None, Outbox | None, str | None]:
    skew = clock_skew_refusal(db)
    if skew is not None:
        return None, None, skew
    try:
        gateway = gateway_from_settings(settings)
    except PushError as exc:
        log.warning("Passerelle d'envoi indisponible : %s", exc.message)
        return None, None, exc.message
    outbox = Outbox(db, gateway, journal=journal, ttl_hours=settings.fcm.ttl_hours, changes=changes)
    return gateway, outbox, None


# Desks sharing a database must agree on the time: leases, lifetimes and planned messages are
# compared across desks. Beyond this, the desk refuses to send until its clock is fixed.
MAX_CLOCK_SKEW_SECONDS = 60.0


def clock_skew_refusal(db: Database) -> str | None:
    """Why this desk must not send: its clock is far from the shared database server's."""
    if db.dialect != "postgresql":
        return None  # the embedded database runs on this very machine

    with db.session() as session:
        server = session.scalar(text("SELECT statement_timestamp()"))
    skew = (utcnow() - server).total_seconds()
    if abs(skew) <= MAX_CLOCK_SKEW_SECONDS:
        return None
    where = "en avance" if skew > 0 else "en retard"
    return (
        f"L'horloge de ce poste est {where} de {abs(skew) / 60:.0f} min sur celle du serveur de "
        "base de données : les postes partagent les délais d'envoi et de reprise. Faites "
        "synchroniser l'heure du poste (NTP) puis relancez ; aucun envoi n'est possible d'ici là."
    )


def desk_secrets(settings: Settings) -> AuditSecrets:
    """This desk's audit keyring and head anchor for its database (created at first start)."""
    return load_audit_secrets(
        settings.audit_key_path,
        settings.audit_anchor_path,
        database_identity(settings.database_url),
    )


def desk_database(settings: Settings, secrets: AuditSecrets | None = None) -> Database:
    """The desk's database, its sessions carrying the audit secrets."""
    secrets = secrets or desk_secrets(settings)
    return Database(settings.database_url, session_info={audit.SESSION_KEY: secrets})


def open_services(settings: Settings, *, upgrade: bool = True, push: bool = True) -> Services:
    """Connect, bring the schema up to date, record what the push journal holds and recover
    sends whose desk died, (demo mode) seed the demo data, build the outbox.

    Every process that opens the database goes through here (GUI and CLI alike), so a send
    killed mid-flight never stays « Envoi en cours » past its lease. Raises
    :class:`DatabaseError` with a French message when the database is unusable. A push gateway
    that cannot be built (broken credentials) does not stop the desk: sending is then refused
    with ``push_error``.
    """
    ensure_private_dir(settings.data_dir)  # key, journal, logs, SQLite file: owner-only
    secrets = desk_secrets(settings)
    db = desk_database(settings, secrets)
    journal = AcceptJournal(settings.journal_path, db.identity)
    try:
        if upgrade:
            db.upgrade()
        if secrets.created:
            with db.session() as session:
                if audit.has_keyed_events(session):  # a lost key, or not yet copied here
                    forget_new_key(secrets, settings.audit_key_path)
                    raise missing_key_error(settings.audit_key_path)
                audit.seal_legacy(session)
        recovered = recover(db, journal)
        if recovered:
            log.warning("Envois interrompus passés « à vérifier » : %s", recovered)
        accounts = AccountService(db)
        if settings.demo:
            seed_demo(db, accounts, settings)
    except SQLAlchemyError as exc:
        db.dispose()
        raise DatabaseError(explain_failure(exc, settings.database_url)) from exc
    except BaseException:
        db.dispose()
        raise
    services = Services(settings=settings, db=db, accounts=accounts, journal=journal)
    if push:
        services.gateway, services.outbox, services.push_error = _push(
            settings, db, journal, services.changes
        )
        if services.outbox is not None:
            services.outbox_worker = OutboxWorker(services.outbox)
    return services
