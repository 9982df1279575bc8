"""Entry point of the frozen (PyInstaller) build: the same CLI as the `stopcamb-desk` script.

Support diagnostic: with ``STOPCAMB_SELFTEST=/path/out.png`` in the environment the frozen
program does not start the CLI; it checks that the bundle is complete (every library the app
loads at run time, Alembic migrations applied to a throw-away SQLite file, the Qt platform
plugin, a rendered window written to the PNG) and exits 0 only if everything works.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path


def _check_imports() -> str:
    # Plain import statements, so that PyInstaller's analysis sees them too.
    import alembic.command
    import argon2
    import firebase_admin.messaging
    import geopy.distance
    import platformdirs
    import psycopg
    import shapely.geometry
    import sqlalchemy.orm

    del alembic, argon2, firebase_admin, geopy, platformdirs, shapely, sqlalchemy

    if psycopg.pq.__impl__ != "binary":
        raise RuntimeError(f"psycopg implementation {psycopg.pq.__impl__!r}, expected 'binary'")
    return f"psycopg {psycopg.pq.__impl__}, libpq {psycopg.pq.version()}"


def _check_migrations() -> str:
    from stopcamb_desk.models.db import Database, current_revision, table_names

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'selftest.sqlite3'}")
        try:
            db.upgrade()
            revision = current_revision(db.engine)
            tables = table_names(db.engine)
        finally:
            db.dispose()
    if not revision or not tables:
        raise RuntimeError("migrations did not create the schema")
    return f"revision {revision}, {len(tables)} tables"


def _check_resources() -> str:
    from importlib.resources import files

    root = files("stopcamb_desk") / "resources"
    names = sorted(entry.name for entry in root.iterdir())
    if not names:
        raise RuntimeError("stopcamb_desk/resources is empty")
    return ", ".join(names[:8]) + (" …" if len(names) > 8 else "")


def _check_qt(out: Path) -> str:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    label = QLabel("Rédiger une alerte — « Stop Cambriolages »")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("background: #0b2a5b; color: white; font-size: 20px;")
    window.setCentralWidget(label)
    window.resize(480, 200)
    window.show()
    app.processEvents()
    image: QImage = window.grab().toImage()
    window.close()
    if not image.save(str(out), "PNG"):
        raise RuntimeError(f"cannot write {out}")
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, 200, 7)}
    if len(colours) < 2:
        raise RuntimeError("the rendered window is blank")
    return f"platform {QGuiApplication.platformName()}, {image.width()}x{image.height()} -> {out}"


def selftest(out: Path) -> int:
    from stopcamb_desk import __version__

    print(f"stopcamb-desk {__version__} (frozen={getattr(sys, 'frozen', False)})")
    checks: list[tuple[str, Callable[[], str]]] = [
        ("imports", _check_imports),
        ("migrations", _check_migrations),
        ("resources", _check_resources),
        ("qt", lambda: _check_qt(out)),
    ]
    failed = 0
    for name, check in checks:
        try:
            print(f"ok   {name}: {check()}")
        except Exception:
            failed += 1
            print(f"FAIL {name}:\n{traceback.format_exc()}")
    return 1 if failed else 0


if __name__ == "__main__":
    if os.environ.get("STOPCAMB_SELFTEST"):
        sys.exit(selftest(Path(os.environ["STOPCAMB_SELFTEST"])))
    from stopcamb_desk.cli import main

    sys.exit(main())
