"""The audit trail's secrets, kept outside the database: the HMAC keyring and the head anchor.

Threat model (``docs/audit.md``): someone can run SQL on the database but cannot read the
desk's private files. Events are authenticated with HMAC-SHA-256 under a key that lives only
in a private file (``[audit] key_file``, 0600, created at first start); the anchor file keeps
the last event this desk wrote or verified, so deleting the newest events is detected too.

Key file (JSON)::

    {"version": 1, "current": "k1a2b3c4d5e6f", "keys": {"k1a2b3c4d5e6f": "<base64, 32 bytes>"}}

Rotation (:func:`rotate_key`) adds a key and makes it current; old keys stay to verify the
events they authenticated. Desks sharing a PostgreSQL database share the same key file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.private_files import (
    PrivateLock,
    append_private,
    ensure_private_dir,
    write_private,
)

KEY_BYTES = 32


class AuditKeyError(DeskError):
    """The audit key file cannot be used; nothing was written to the trail."""


def _key_id(key: bytes) -> str:
    return "k" + hashlib.sha256(key).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class AuditKeyring:
    """The HMAC keys of the trail: ``current`` signs, all of them verify."""

    keys: dict[str, bytes]
    current: str

    def sign(self, data: bytes, key_id: str | None = None) -> str:
        key = self.keys[key_id or self.current]
        return hmac.new(key, data, hashlib.sha256).hexdigest()

    def knows(self, key_id: str) -> bool:
        return key_id in self.keys

    def matches(self, key_id: str, data: bytes, mac: str) -> bool:
        return key_id in self.keys and hmac.compare_digest(self.sign(data, key_id), mac)


def _refuse_shared(path: Path) -> None:
    mode = path.stat().st_mode
    if os.name == "posix" and mode & (stat.S_IRWXO | stat.S_IWGRP):
        raise AuditKeyError(
            f"La clé du journal d'audit {path} est accessible à d'autres comptes : quiconque la "
            f"lit peut falsifier le journal. Corrigez avec « chmod 600 '{path}' » puis relancez."
        )


def _parse(path: Path, raw: bytes) -> AuditKeyring:
    try:
        data = json.loads(raw)
        keys = {str(k): base64.b64decode(v, validate=True) for k, v in data["keys"].items()}
        current = str(data["current"])
        if current not in keys or any(len(k) != KEY_BYTES for k in keys.values()):
            raise ValueError("clé courante absente ou de mauvaise taille")
        if any(_key_id(k) != i for i, k in keys.items()):
            raise ValueError("identifiant de clé incohérent")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AuditKeyError(
            f"La clé du journal d'audit {path} est illisible ({exc}). Restaurez-la depuis la "
            "sauvegarde ou depuis un autre poste : sans elle le journal ne peut être ni écrit ni "
            "vérifié."
        ) from None
    return AuditKeyring(keys, current)


def _serialise(ring: AuditKeyring) -> bytes:
    return json.dumps(
        {
            "version": 1,
            "current": ring.current,
            "keys": {i: base64.b64encode(k).decode() for i, k in ring.keys.items()},
        },
        indent=2,
    ).encode()


def load_or_create_keyring(path: Path) -> tuple[AuditKeyring, bool]:
    """The keyring at ``path``, created (0600) if absent; True when it was just created.
    A folder of its own is created 0700; an existing one (``[audit] key_file`` may point to a
    shared folder) is left as it is: the file itself is what is private."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with PrivateLock(str(path) + ".lock"):
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            key = secrets.token_bytes(KEY_BYTES)
            ring = AuditKeyring({_key_id(key): key}, _key_id(key))
            write_private(path, _serialise(ring))
            return ring, True
        except OSError as exc:
            raise AuditKeyError(
                f"La clé du journal d'audit {path} est illisible ({exc.strerror}) : vérifiez "
                "les droits du fichier."
            ) from None
        _refuse_shared(path)
        return _parse(path, raw), False


def rotate_key(path: Path) -> AuditKeyring:
    """Add a new current key to the keyring at ``path`` (old ones keep verifying)."""
    ring, _created = load_or_create_keyring(path)
    key = secrets.token_bytes(KEY_BYTES)
    rotated = AuditKeyring({**ring.keys, _key_id(key): key}, _key_id(key))
    with PrivateLock(str(path) + ".lock"):
        write_private(path, _serialise(rotated))
    return rotated


def forget_new_key(secrets: AuditSecrets, key_file: Path) -> None:
    """Undo the key this start just created: the trail was written with another key."""
    if secrets.created:
        key_file.unlink(missing_ok=True)


def missing_key_error(key_file: Path) -> AuditKeyError:
    return AuditKeyError(
        f"La clé du journal d'audit de ce poste est introuvable ({key_file}) alors que la base "
        "contient des événements authentifiés par une clé : restaurez le fichier depuis la "
        "sauvegarde du poste, ou copiez celui d'un autre poste de la même base (droits 600), "
        "puis relancez. Aucune action n'est enregistrée sans cette clé (voir docs/audit.md)."
    )


@dataclass(frozen=True, slots=True)
class Anchor:
    event_id: int
    mac: str


class HeadAnchor:
    """The newest event this desk wrote or verified, per database, in a private file.

    Every commit of an audit event advances it, so it is an append-only file of JSON lines
    (``{"db", "id", "mac"}``; per database the highest id wins): one write per advance, not a
    rename (:func:`~stopcamb_desk.private_files.append_private`). Past
    :data:`ANCHOR_COMPACT_BYTES` it is rewritten with one line per database. A line a power
    cut left half-written is skipped (the anchor then lags by one event, never moves on); an
    older version's single JSON object is still read and rewritten as lines at the first
    advance."""

    def __init__(self, path: Path, database: str) -> None:
        self.path = path
        self.database = database
        self._lock = PrivateLock(str(path) + ".lock")
        self._private_dir = False  # its folder made owner-only (once per instance)
        # The file's content as last read or written here, with the identity of that version
        # (inode, size, modification and change times): every append reads the anchor and
        # every commit advances it, so the file is parsed again only when another process
        # (the CLI, a second desk window) wrote to it.
        self._known: tuple[tuple[int, int, int, int], dict[str, Anchor]] | None = None

    @staticmethod
    def _version(found: os.stat_result) -> tuple[int, int, int, int]:
        return (found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)

    def _unreadable(self) -> AuditKeyError:
        return AuditKeyError(
            f"L'ancre du journal d'audit {self.path} est illisible : restaurez-la depuis la "
            "sauvegarde (ou supprimez-la pour repartir sans contrôle de troncature)."
        )

    def _parse(self, raw: bytes) -> tuple[dict[str, Anchor], bool]:
        """(anchor per database, whether ``raw`` is an older version's single object)."""
        try:
            whole = json.loads(raw)
        except ValueError:
            whole = None
        if isinstance(whole, dict) and "db" not in whole:  # {database: {"id", "mac"}}
            return {db: a for db, e in whole.items() if (a := _anchor_of(e)) is not None}, True
        found: dict[str, Anchor] = {}
        # What follows the last newline is empty, or an append a power cut left half-written.
        lines = raw.split(b"\n")[:-1]
        broken = False
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                broken = broken or bool(line.strip())
                continue
            anchor = _anchor_of(entry)
            if anchor is None or not isinstance(entry.get("db"), str):
                continue
            known = found.get(entry["db"])
            if known is None or anchor.event_id > known.event_id:
                found[entry["db"]] = anchor
        if broken and not found:  # whole lines, none readable: not a torn append
            raise self._unreadable()
        return found, False

    def _read(self) -> tuple[dict[str, Anchor], bool]:
        try:
            version = self._version(os.stat(self.path))
        except FileNotFoundError:
            return {}, False
        if self._known is not None and self._known[0] == version:
            return dict(self._known[1]), False
        try:
            raw = self.path.read_bytes()
            after = self._version(os.stat(self.path))
        except FileNotFoundError:
            return {}, False
        data, legacy = self._parse(raw)
        if after == version and not legacy:  # not written to while it was read
            self._known = (version, data)
        return dict(data), legacy

    def get(self) -> Anchor | None:
        # No lock: lines are appended whole, the file is only ever replaced whole.
        return self._read()[0].get(self.database)

    def advance(self, anchor: Anchor) -> None:
        """Remember ``anchor`` unless a newer one is already known."""
        if not self._private_dir:
            ensure_private_dir(self.path.parent)
            self._private_dir = True
        with self._lock:  # (the lock finds the folder in place, even if removed since)
            data, legacy = self._read()
            known = data.get(self.database)
            if known is not None and known.event_id >= anchor.event_id:
                return
            data[self.database] = anchor
            if legacy:
                self._rewrite(data)
                return
            size = append_private(self.path, _anchor_line(self.database, anchor), durable=False)
            if size > ANCHOR_COMPACT_BYTES:
                self._rewrite(data)
                return
            self._known = (self._version(os.stat(self.path)), data)

    def _rewrite(self, data: dict[str, Anchor]) -> None:
        """One line per database, replacing the file atomically (under the lock)."""
        lines = b"".join(_anchor_line(db, a) for db, a in sorted(data.items()))
        write_private(self.path, lines, durable=False)
        self._known = (self._version(os.stat(self.path)), data)


ANCHOR_COMPACT_BYTES = 64 * 1024  # about 500 advances between two rewrites


def _anchor_of(entry: object) -> Anchor | None:
    if not isinstance(entry, dict):
        return None
    try:
        return Anchor(int(str(entry["id"])), str(entry["mac"]))
    except (KeyError, ValueError):
        return None


def _anchor_line(database: str, anchor: Anchor) -> bytes:
    entry = {"db": database, "id": anchor.event_id, "mac": anchor.mac}
    return (json.dumps(entry, separators=(",", ":")) + "\n").encode()


@dataclass(frozen=True, slots=True)
class AuditSecrets:
    """What a desk needs to append to and verify the trail of one database."""

    keyring: AuditKeyring
    anchor: HeadAnchor
    created: bool = False  # the key was created by this start (seal the older events)


def load_audit_secrets(key_file: Path, anchor_file: Path, database: str) -> AuditSecrets:
    ring, created = load_or_create_keyring(key_file)
    return AuditSecrets(ring, HeadAnchor(anchor_file, database), created)
