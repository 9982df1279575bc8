"""Window geometry remembered between sessions, in an INI file inside the data directory.

Stored under ``settings.data_dir`` (not the platform registry) so that each desk profile, and
each test, has its own file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

UI_SETTINGS_FILE = "interface.ini"


def ui_settings(data_dir: Path) -> QSettings:
    data_dir.mkdir(parents=True, exist_ok=True)
    return QSettings(str(data_dir / UI_SETTINGS_FILE), QSettings.Format.IniFormat)


def save_window(window: QMainWindow, store: QSettings, key: str = "fenetre_principale") -> None:
    store.setValue(f"{key}/geometrie", window.saveGeometry())
    store.setValue(f"{key}/etat", window.saveState())
    store.sync()


def restore_window(window: QMainWindow, store: QSettings, key: str = "fenetre_principale") -> bool:
    """Restore the saved geometry; False (and nothing changed) when there is none."""
    geometry = store.value(f"{key}/geometrie")
    if not isinstance(geometry, QByteArray) or geometry.isEmpty():
        return False
    restored = window.restoreGeometry(geometry)
    state = store.value(f"{key}/etat")
    if isinstance(state, QByteArray) and not state.isEmpty():
        window.restoreState(state)
    return restored
