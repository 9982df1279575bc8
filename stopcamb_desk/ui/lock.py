"""The lock screen that covers the main window: « Verrouiller » (Ctrl+L), « Changer d'opérateur »
and the idle lock.

It is the login window itself (``ui/login.py``) driven by the same flow (``ui/login_flow.py``)
over the desk's open services, so the password check, the lockout after five failures and the
audit events are those of the login. The password of the operator who locked resumes the
session; another account's login opens the desk for that operator instead. Nothing stops while
the screen is up: the sender, the change listener and the queued sends go on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from stopcamb_desk.domain.demo import DEMO_ACCOUNTS
from stopcamb_desk.ui.login import LoginDialog
from stopcamb_desk.ui.login_flow import LoginFlow

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings
    from stopcamb_desk.domain.roles import Principal
    from stopcamb_desk.services.container import Services
    from stopcamb_desk.ui.context import ShellContext

LOCKED_TITLE = "Poste verrouillé"
CHANGE_TITLE = "Changement d'opérateur"
SENDS_GO_ON = (
    "Les envois en attente continuent de partir et l'historique reste à jour pendant que le "
    "poste est verrouillé."
)


def locked_subtitle(principal: Principal) -> str:
    return (
        f"Verrouillé par {principal.nom}. Saisissez votre mot de passe pour reprendre, ou "
        "l'identifiant et le mot de passe d'un autre opérateur pour prendre la relève."
    )


CHANGE_SUBTITLE = "Le nouvel opérateur se connecte avec son identifiant et son mot de passe."


class LockScreen(QWidget):
    """A page of the main window; :attr:`authenticated` carries the operator who logged in."""

    authenticated = Signal(object)  # Principal

    def __init__(self, ctx: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.title = QLabel(LOCKED_TITLE)
        self.title.setObjectName("lockTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold; color: #0b2a5b;")
        note = QLabel(SENDS_GO_ON)
        note.setWordWrap(True)
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.login = LoginDialog(DEMO_ACCOUNTS if ctx.settings.demo else ())
        self.login.setWindowFlags(Qt.WindowType.Widget)  # a page, not a window of its own
        services = ctx.services

        def opened(_settings: Settings) -> Services:
            return services  # already open: the flow only authenticates

        self.flow = LoginFlow(ctx.settings, self.login, ctx.tasks, ctx.errors, opened)
        self.flow.logged_in.connect(self._on_logged_in)

        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(note)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.login)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def prepare(self, principal: Principal, *, change_operator: bool) -> None:
        """Verrouiller: the operator's login is filled in; changer d'opérateur: empty form."""
        self.title.setText(CHANGE_TITLE if change_operator else LOCKED_TITLE)
        self.login.subtitle.setText(
            CHANGE_SUBTITLE if change_operator else locked_subtitle(principal)
        )
        self.login.clear_error()
        self.login.fill("" if change_operator else principal.login, "")
        self.login.focus_first_empty()

    def _on_logged_in(self, _services: Services, principal: Principal) -> None:
        self.login.password_edit.clear()
        self.authenticated.emit(principal)
