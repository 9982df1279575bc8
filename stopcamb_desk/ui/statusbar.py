"""The status bar: which database, which push mode, which operator — always visible."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton, QWidget

from stopcamb_desk.config import Settings, describe_database
from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.services.composer import push_is_real
from stopcamb_desk.ui.elided import ElidedLabel

SIMULATION_TEXT = "SIMULATION — aucune notification réelle"


def _project_id(credentials: Path) -> str:
    try:
        data = json.loads(credentials.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "inconnu (fichier d'identifiants illisible)"
    project = data.get("project_id") if isinstance(data, dict) else None
    return str(project) if project else "inconnu"


def push_mode(settings: Settings) -> tuple[str, bool]:
    """(French label, True when notifications really leave the desk)."""
    if push_is_real(settings) and settings.fcm.credentials is not None:
        return f"FCM réel — projet {_project_id(settings.fcm.credentials)}", True
    return SIMULATION_TEXT, False


def operator_text(principal: Principal) -> str:
    """« Adj. Martin (CORG 74) · Chef de quart · dépt 74 » (short: it must fit the bar)."""
    parts = [principal.nom, principal.role.label]
    if principal.departements:
        noun = "dépt" if len(principal.departements) == 1 else "dépts"
        parts.append(f"{noun} {', '.join(principal.departements)}")
    return " · ".join(parts)


class DeskStatusBar(QStatusBar):
    def __init__(
        self, settings: Settings, principal: Principal, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        text, real = push_mode(settings)
        self.push_label = QLabel(text)
        self.push_label.setObjectName("pushModeReal" if real else "pushModeSimulation")
        self.push_label.setToolTip(
            "Les notifications partent réellement vers les téléphones."
            if real
            else "Mode simulation : les envois sont enregistrés mais aucun téléphone n'est "
            "notifié. Configurez les identifiants Firebase pour envoyer réellement."
        )
        database = describe_database(settings.database_url)
        self.database_label = ElidedLabel(f"Base — {database}", Qt.TextElideMode.ElideMiddle)
        self.database_label.setObjectName("databaseLabel")
        self.database_label.setToolTip(f"Base de données utilisée : {database}")
        self.operator_label = QLabel(operator_text(principal))  # never cut: who is logged in
        self.operator_label.setObjectName("operatorLabel")
        self.operator_label.setToolTip(f"Opérateur connecté : {operator_text(principal)}")
        # Permanent widgets: a transient showMessage() never hides them.
        self.addPermanentWidget(self.push_label)
        self.addPermanentWidget(self.operator_label)
        self.addPermanentWidget(self.database_label, 1)
        self.phone_button: QToolButton | None = None

    def add_phone_button(self, action: QAction) -> None:
        """A « Téléphone simulé » button right after the SIMULATION badge."""
        button = QToolButton()
        button.setObjectName("phoneButton")
        button.setDefaultAction(action)
        button.setText("Téléphone simulé")
        button.setToolTip(f"{action.toolTip()} — {action.shortcut().toString()}")
        self.insertPermanentWidget(1, button)
        self.phone_button = button
