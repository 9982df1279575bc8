"""The desk's technical log: ``<data>/logs/stopcamb-desk.log`` (owner-only, rotated).

Never holds a secret (passwords, keys, tokens are never logged). The GUI logs there from the
start; the command line only when something unexpected happens (the traceback goes there, the
operator reads a French sentence).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.lazy import log_handlers
from stopcamb_desk.private_files import ensure_private_dir

LOG_NAME = "stopcamb-desk.log"


def log_path(data_dir: Path) -> Path:
    return data_dir / "logs" / LOG_NAME


def file_handler(data_dir: Path) -> logging.Handler | None:
    """A rotated file handler on the desk's log, or None if it cannot be opened."""
    path = log_path(data_dir)
    try:
        ensure_private_dir(path.parent)
        handler = log_handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except (OSError, DeskError):
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    return handler


def setup_logging(data_dir: Path) -> Path | None:
    """Send the ``stopcamb_desk`` loggers to the rotated file; None if it cannot be opened."""
    path = log_path(data_dir)
    logger = logging.getLogger("stopcamb_desk")
    for existing in logger.handlers:
        if Path(getattr(existing, "baseFilename", "")) == path:
            return path
    handler = file_handler(data_dir)
    if handler is None:
        return None
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path


@contextlib.contextmanager
def logging_to_file(data_dir: Path) -> Iterator[None]:
    """For one command-line run: technical messages go to the log file, never the terminal
    (the operator reads French sentences; a full disk must not print a logging traceback)."""
    logging.raiseExceptions = False
    logger = logging.getLogger("stopcamb_desk")
    handler = _OnFirstRecord(data_dir)
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
        handler.close()


class _OnFirstRecord(logging.Handler):
    """Opens the log file only when there is something to write (a command that logs nothing
    creates no file, and ``--dry-run`` touches nothing)."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self._data_dir = data_dir
        self._inner: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._inner is None:
            self._inner = file_handler(self._data_dir) or logging.NullHandler()
        self._inner.handle(record)

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()
        super().close()
