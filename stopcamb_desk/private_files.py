"""Owner-only files: the desk's database, logs, settings, keys and journals (0600 / 0700).

The desk's data directory holds what an attacker must not read (audit key, push journal, the
SQLite database with its -wal/-shm files, logs). Whatever the user's umask, the process creates
them owner-only: :func:`restrict_umask` is called first thing by the command line, and the
helpers below also tighten what an earlier version created too openly.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
import weakref
from pathlib import Path
from types import TracebackType
from typing import IO

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.lazy import portalocker

PRIVATE_UMASK = 0o077


def restrict_umask() -> int:
    """Make every file this process creates owner-only; returns the previous umask."""
    return os.umask(PRIVATE_UMASK)


class PrivateFileError(DeskError):
    """A private folder of the desk cannot be created."""


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) 0700, or tighten it if it exists; returns it."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        occupied = isinstance(exc, FileExistsError | NotADirectoryError)
        reason = "un fichier occupe ce chemin" if occupied else exc.strerror
        raise PrivateFileError(
            f"Impossible de créer le dossier {path} ({reason}) : vérifiez le chemin (réglage "
            "general.data_dir ou STOPCAMB_DATA_DIR) et vos droits. Rien n'a été modifié."
        ) from None
    tighten(path)
    return path


def tighten(path: Path) -> None:
    """Remove group and other permissions from an existing file or directory we own."""
    if os.name != "posix":
        return
    with contextlib.suppress(FileNotFoundError, PermissionError):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)


def write_private(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` atomically with ``data``, 0600 (fsync'ed unless ``durable=False``)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        write_all(fd, data)
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def append_private(path: Path, line: bytes, *, durable: bool) -> int:
    """Append ``line`` (ending with a newline) to ``path``, created 0600; fsync'ed if
    ``durable``. A last line a power cut left without its newline is closed first, so the new
    line stays whole. Returns the file's size after the append.

    Appending costs one write where replacing a file costs a rename, which ext4 makes wait for
    the new file's data (``auto_da_alloc``): a millisecond or more on every send."""
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if _torn(fd):
            line = b"\n" + line
        write_all(fd, line)
        if durable:
            os.fsync(fd)
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def _torn(fd: int) -> bool:
    """True when the file does not end with a newline (its last append was cut short)."""
    if os.fstat(fd).st_size == 0:
        return False
    os.lseek(fd, -1, os.SEEK_END)  # (no pread on Windows; writes still go to the end)
    return os.read(fd, 1) != b"\n"


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a write may be partial)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class PrivateLock:
    """An exclusive lock on one private lock file (0600), shared by the desk's processes of a
    workstation (a second window, a CLI command) and by the threads of this one; re-entrant.

    The lock file is opened once and kept open: taking the lock is then one system call
    (``flock``, or ``msvcrt.locking`` on Windows, through portalocker), a few microseconds where
    opening and checking the file each time cost a third of a millisecond — and a send takes
    it four times (the push journal, the audit anchor). A lock file deleted or replaced while
    open is reopened (its folder created again): two processes never hold two different
    files, and whoever holds the lock finds the folder of ``path`` in place."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._threads = threading.RLock()
        self._depth = 0
        self._file: IO[bytes] | None = None
        self._closer: weakref.finalize[[], PrivateLock] | None = None  # closes it when collected

    def __enter__(self) -> PrivateLock:
        self._threads.acquire()
        try:
            if self._depth == 0:
                self._lock_file()
            self._depth += 1
        except BaseException:
            self._threads.release()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            self._depth -= 1
            if self._depth == 0 and self._file is not None:
                portalocker.unlock(self._file)
        finally:
            self._threads.release()

    def _lock_file(self) -> None:
        while True:
            if self._file is None:
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                self._file = open(self.path, "ab", buffering=0, opener=_private_opener)  # noqa: SIM115
                self._closer = weakref.finalize(self, self._file.close)
            portalocker.lock(self._file, portalocker.LockFlags.EXCLUSIVE)
            if self._same_file():
                return
            portalocker.unlock(self._file)
            self.close()

    def _same_file(self) -> bool:
        if self._file is None:
            return False
        try:
            held, named = os.fstat(self._file.fileno()), os.stat(self.path)
        except FileNotFoundError:
            return False
        return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)

    def close(self) -> None:
        """Close the lock file (the lock is not held: used between acquisitions)."""
        with self._threads:
            closer, self._file, self._closer = self._closer, None, None
            if closer is not None:
                closer()


def _private_opener(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)
