"""The desk's technical log: ``<data>/logs/stopcamb-desk.log`` (owner-only, rotated).

Never holds a secret (passwords, keys, tokens are never logged). The GUI logs there from the
start; the command line only when something unexpected happens (the traceback goes there, the
operator reads a French sentence).
"""

from __future__ import annotations

import logging
from pathlib import Path

from stopcamb_desk.private_files import ensure_private_dir

LOG_NAME = "stopcamb-desk.log"


def log_path(data_dir: Path) -> Path:
    return data_dir / "logs" / LOG_NAME


def setup_logging(data_dir: Path) -> Path | None:
    """Send the ``stopcamb_desk`` loggers to the rotated file; None if it cannot be opened."""
    from logging.handlers import RotatingFileHandler  # 10 ms: after the first paint

    path = log_path(data_dir)
    logger = logging.getLogger("stopcamb_desk")
    for handler in logger.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    try:
        ensure_private_dir(path.parent)
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path
