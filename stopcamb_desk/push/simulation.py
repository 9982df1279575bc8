"""SIMULATION gateway: the embedded default when no Firebase credentials are configured.

Nothing leaves the desk. Each message is validated like a real send would be, appended to a
JSON-lines journal in the data directory (one ``write`` per line, flushed to disk, so a crash
leaves at most a truncated last line, which is skipped on reload) and kept in memory. The
« Téléphone simulé » window asks :meth:`SimulationGateway.displayed` what a phone subscribed to
some topics shows now: per replacement key (Android tag / APNs collapse id), the latest
message — unless its ``sequence`` is lower than the one shown, which is what docs/push.md asks
the smartphone app to do, since FCM does not guarantee order.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stopcamb_desk.push.gateway import SIMULATION_LABEL, PermanentPushError, SendResult
from stopcamb_desk.push.payload import PayloadError, check_size
from stopcamb_desk.push.topics import TopicError, parse_topic

log = logging.getLogger(__name__)

JOURNAL_NAME = "simulation-push.jsonl"
MESSAGE_ID_PREFIX = "projects/simulation/messages/"


@dataclass(frozen=True, slots=True)
class SimulatedDelivery:
    """One message the simulation accepted (what a real phone would have received)."""

    number: int
    message_id: str
    at: datetime
    topic: str
    tag: str
    title: str
    body: str
    sequence: int
    data: Mapping[str, str]
    label: str = SIMULATION_LABEL

    @classmethod
    def from_message(
        cls, number: int, at: datetime, message: Mapping[str, Any]
    ) -> SimulatedDelivery:
        android = message.get("android") or {}
        notification = message.get("notification") or {}
        data = dict(message.get("data") or {})
        tag = (android.get("notification") or {}).get("tag") or android.get("collapse_key") or ""
        try:
            sequence = int(data.get("sequence", "0"))
        except ValueError:
            sequence = 0
        return cls(
            number=number,
            message_id=f"{MESSAGE_ID_PREFIX}{number}",
            at=at,
            topic=str(message.get("topic", "")),
            tag=str(tag),
            title=str(notification.get("title", "")),
            body=str(notification.get("body", "")),
            sequence=sequence,
            data=data,
        )


def _validate(message: Mapping[str, Any]) -> None:
    """Refuse what FCM would refuse with a 400, so simulation does not hide a bad payload."""
    try:
        parse_topic(str(message.get("topic", "")))
        check_size(message)
    except (TopicError, PayloadError) as exc:
        raise PermanentPushError(
            f"{SIMULATION_LABEL} : message refusé. {exc}", http_status=400
        ) from None
    data = message.get("data") or {}
    if not all(isinstance(v, str) for v in data.values()):
        raise PermanentPushError(
            f"{SIMULATION_LABEL} : message refusé (valeurs « data » non textuelles).",
            http_status=400,
        )


class SimulationGateway:
    """Records instead of delivering; thread-safe; results are labelled SIMULATION."""

    name = "simulation"
    simulated = True

    def __init__(self, journal_dir: Path | None = None) -> None:
        self.journal_path = journal_dir / JOURNAL_NAME if journal_dir is not None else None
        self._lock = threading.Lock()
        self._deliveries: list[SimulatedDelivery] = []
        self._listeners: list[Callable[[SimulatedDelivery], None]] = []
        if self.journal_path is not None:
            self._deliveries = list(self._load(self.journal_path))
            self._terminate_last_line(self.journal_path)

    @staticmethod
    def _load(path: Path) -> Iterable[SimulatedDelivery]:
        if not path.exists():
            return
        with path.open("rb") as fh:
            for raw in fh:
                try:
                    entry = json.loads(raw)
                    at = datetime.fromisoformat(entry["at"])
                    yield SimulatedDelivery.from_message(int(entry["n"]), at, entry["message"])
                except (ValueError, KeyError, TypeError):
                    log.warning("Ligne illisible ignorée dans le journal de simulation %s", path)

    def _terminate_last_line(self, path: Path) -> None:
        """After a crash mid-write, start the next entry on a line of its own."""
        if path.exists() and path.stat().st_size:
            with path.open("rb") as fh:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    self._append(b"\n")

    def prepare(self) -> None:
        """Nothing to warm up."""

    def close(self) -> None:
        """Nothing to release."""

    def add_listener(self, callback: Callable[[SimulatedDelivery], None]) -> None:
        """``callback`` runs on the sending thread after each delivery (UI: queue it)."""
        with self._lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[SimulatedDelivery], None]) -> None:
        with self._lock:
            if callback in self._listeners:
                self._listeners.remove(callback)

    def _append(self, line: bytes) -> None:
        assert self.journal_path is not None
        self.journal_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def send(self, message: Mapping[str, Any]) -> SendResult:
        _validate(message)
        at = datetime.now(UTC)
        with self._lock:
            number = (self._deliveries[-1].number if self._deliveries else 0) + 1
            delivery = SimulatedDelivery.from_message(number, at, message)
            if self.journal_path is not None:
                entry = {"n": number, "at": at.isoformat(), "message": dict(message)}
                line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
                try:
                    self._append(line.encode("utf-8"))
                except OSError as exc:
                    raise PermanentPushError(
                        f"{SIMULATION_LABEL} : impossible d'écrire le journal de simulation "
                        f"{self.journal_path} ({exc.strerror}). Vérifiez le dossier de données."
                    ) from None
            self._deliveries.append(delivery)
            listeners = list(self._listeners)
        for callback in listeners:
            try:
                callback(delivery)
            except Exception:
                log.exception("Erreur d'un observateur de la simulation")
        return SendResult(message_id=delivery.message_id, gateway=self.name, simulated=True)

    @property
    def deliveries(self) -> list[SimulatedDelivery]:
        """Everything accepted so far, oldest first (including previous runs' journal)."""
        with self._lock:
            return list(self._deliveries)

    def displayed(self, topics: str | Iterable[str]) -> list[SimulatedDelivery]:
        """What a phone subscribed to ``topics`` shows now, newest first.

        Per replacement key, the last delivery wins unless its sequence is lower than the
        one already shown (an out-of-order arrival the app must ignore).
        """
        wanted = {topics} if isinstance(topics, str) else set(topics)
        shown: dict[str, SimulatedDelivery] = {}
        for delivery in self.deliveries:
            if delivery.topic not in wanted:
                continue
            current = shown.get(delivery.tag)
            if current is None or delivery.sequence >= current.sequence:
                shown[delivery.tag] = delivery
        return sorted(shown.values(), key=lambda d: d.number, reverse=True)
