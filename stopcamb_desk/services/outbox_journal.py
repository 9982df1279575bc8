"""A local, fsync'ed journal of the pushes FCM accepted, so that no acceptance is ever lost.

FCM's answer is written here **before** the database records it. If the database is cut at that
moment (network, server restart, disk full), the answer survives in the desk's data directory
and is recorded at the next start of any process of this desk (:func:`reconcile`), in
acceptance order. A line is JSON; two kinds::

    {"op": "accepted", "db": "<database>", "alert": 12, "message_id": "projects/…", "at": "…"}
    {"op": "recorded", "db": "<database>", "alert": 12, "message_id": "projects/…"}

Appends are atomic (one ``write`` under a cross-process file lock: a GUI desk and a CLI command
of the same workstation may write at the same time). An ``accepted`` line is in the system's
hands before the database is written, so it outlives the desk's process dying at that moment;
it is forced to the disk (:meth:`AcceptJournal.sync`) when the database could not record it —
the case it exists for. Until then the database's own commit is what makes the acceptance
durable: no fsync waits between FCM's answer and the record on every send, and a power cut in
those few milliseconds leaves the alert « à vérifier » like a desk dying before the answer. A
``recorded`` line is never forced: if it is lost, reconciling again is harmless (idempotent).
The file is compacted when nothing in it is pending any more.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.private_files import PrivateLock, append_private, write_all

log = logging.getLogger(__name__)

JOURNAL_NAME = "envois-acceptes.jsonl"
COMPACT_ABOVE_BYTES = 256 * 1024


class AcceptedNotRecorded(DeskError):
    """FCM accepted the push but the database could not record it (the journal keeps it)."""

    def __init__(self, alert_id: int, *, journaled: bool = True) -> None:
        if journaled:
            super().__init__(
                f"FCM a accepté l'alerte n° {alert_id} mais la base est injoignable : "
                "l'enregistrement sera rétabli au prochain démarrage du poste (journal local). "
                "N'envoyez pas l'alerte une seconde fois : elle est sur les téléphones."
            )
        else:
            super().__init__(
                f"FCM a accepté l'alerte n° {alert_id} (elle est sur les téléphones), mais ni la "
                "base ni le journal local du poste n'ont pu l'enregistrer (disque plein ?). Notez "
                "l'heure et le numéro de l'alerte pour le registre, libérez de la place et "
                "prévenez l'administrateur. Ne la renvoyez pas."
            )
        self.alert_id = alert_id


def _key(entry: dict[str, Any]) -> tuple[str, int, str]:
    alert = entry["alert"]
    if not isinstance(alert, int) or isinstance(alert, bool) or not 0 < alert < 2**63:
        raise ValueError("numéro d'alerte invalide")
    return (str(entry["db"]), alert, str(entry["message_id"]))


@dataclass(frozen=True, slots=True)
class Acceptance:
    """One push FCM accepted, as journaled."""

    alert_id: int
    message_id: str
    at: datetime
    desk: str
    simulated: bool = False


class AcceptJournal:
    """The journal file of one desk's data directory, for one database."""

    def __init__(self, path: Path, database: str) -> None:
        self.path = path
        self.database = database
        self._lock = PrivateLock(str(path) + ".lock")

    # -- writing ----------------------------------------------------------------------------
    def accepted(self, acceptance: Acceptance) -> None:
        """Note that FCM accepted ``acceptance``, before recording it in the base (forced to
        the disk by :meth:`sync` if the base then cannot record it)."""
        self._append(
            {
                "op": "accepted",
                "db": self.database,
                "alert": acceptance.alert_id,
                "message_id": acceptance.message_id,
                "at": acceptance.at.isoformat(),
                "desk": acceptance.desk,
                "simulated": acceptance.simulated,
            },
        )

    def recorded(self, acceptance: Acceptance) -> None:
        """The database holds ``acceptance`` now."""
        self._append(
            {
                "op": "recorded",
                "db": self.database,
                "alert": acceptance.alert_id,
                "message_id": acceptance.message_id,
            },
            compact=True,
        )

    def sync(self) -> None:
        """Force what was appended to the disk: the database could not record an acceptance,
        the journal is now all that holds it until the next start."""
        with self._lock:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND)  # (Windows flushes writable files)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def _append(self, entry: dict[str, Any], *, compact: bool = False) -> None:
        line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        with self._lock:  # (which creates the journal's folder if it is missing)
            size = append_private(self.path, line, durable=False)
            if compact and size > COMPACT_ABOVE_BYTES:
                self._compact_locked()

    # -- reading ----------------------------------------------------------------------------
    def pending(self) -> list[Acceptance]:
        """Acceptances of this database not yet recorded, in acceptance order."""
        with self._lock:
            return [a for db, a in self._pending_locked() if db == self.database]

    def _entries(self) -> Iterator[dict[str, Any]]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        for number, line in enumerate(raw.splitlines(), 1):
            try:
                entry = json.loads(line)
            except ValueError:  # a torn last line after a power cut: the push was not journaled
                log.warning("Journal des envois : ligne %d illisible, ignorée", number)
                continue
            if isinstance(entry, dict):
                yield entry

    def _pending_locked(self) -> list[tuple[str, Acceptance]]:
        accepted: dict[tuple[str, int, str], Acceptance] = {}
        for e in self._entries():
            try:
                key = _key(e)
                if e.get("op") == "accepted":
                    at = datetime.fromisoformat(str(e["at"]))
                    if at.tzinfo is None:
                        raise ValueError("heure sans fuseau")
                    accepted[key] = Acceptance(
                        key[1], key[2], at, str(e.get("desk", "")), bool(e.get("simulated", False))
                    )
                elif e.get("op") == "recorded":
                    accepted.pop(key, None)
            except (KeyError, TypeError, ValueError, OverflowError):
                log.warning("Journal des envois : entrée mal formée ignorée")
        return sorted(((k[0], a) for k, a in accepted.items()), key=lambda item: item[1].at)

    def compact(self) -> None:
        with self._lock:
            self._compact_locked()

    def _compact_locked(self) -> None:
        """Rewrite the file with only what is still pending (any database), atomically."""
        pending = self._pending_locked()
        if not pending:
            self.path.unlink(missing_ok=True)
            return
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for db, a in pending:
                entry = {
                    "op": "accepted",
                    "db": db,
                    "alert": a.alert_id,
                    "message_id": a.message_id,
                    "at": a.at.isoformat(),
                    "desk": a.desk,
                    "simulated": a.simulated,
                }
                write_all(fd, (json.dumps(entry, ensure_ascii=False) + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
