"""The login dialog (a passive view: the flow in ``ui/login_flow.py`` decides what happens).

It must paint fast: this module imports only Qt, the role labels and the demo account list
(pure data). No SQLAlchemy, no Firebase before the first paint. It also avoids the ``Qt``
namespace object (``PySide6.QtCore.Qt``): creating it costs ~20 ms, 10 % of the start-up; and
it reads ``QtGui.QKeySequence`` when a key is pressed, not at import (PySide creates a class
with its enumerations when its name is first read: 1 ms before the first paint).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6 import QtGui
from PySide6.QtCore import QEvent, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.demo import DemoAccount
from stopcamb_desk.domain.roles import Role

if TYPE_CHECKING:  # the event classes are not needed at run time
    from PySide6.QtGui import QKeyEvent, QPaintEvent, QShowEvent

DEMO_TITLE = "DÉMONSTRATION — comptes fictifs, aucune notification réelle"
SUBTITLE = "Poste CORG — connexion de l'opérateur"
DEMO_HINT = "Cliquez sur un compte pour remplir le formulaire, double-cliquez pour vous connecter."


def _scope(account: DemoAccount) -> str:
    if account.role is Role.OPP_NATIONAL:
        return "national"
    return ", ".join(account.departements) or "—"


class DemoAccountsBox(QFrame):
    """The « DÉMONSTRATION » box listing the demo accounts (demo mode only)."""

    chosen = Signal(str, str)  # login, password
    activated = Signal(str, str)  # double-click / Entrée: fill and connect

    def __init__(self, accounts: Sequence[DemoAccount], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoBox")
        self._accounts = list(accounts)
        layout = QVBoxLayout(self)
        title = QLabel(DEMO_TITLE)
        title.setObjectName("demoTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        hint = QLabel(DEMO_HINT)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = QTableWidget(len(self._accounts), 4)
        self.table.setObjectName("demoAccounts")
        self.table.setHorizontalHeaderLabels(["Identifiant", "Mot de passe", "Rôle", "Dépt"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setToolTip(DEMO_HINT)
        self.table.setAccessibleName("Comptes de démonstration")
        for row, account in enumerate(self._accounts):
            values = (account.login, account.password, account.role.label, _scope(account))
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._fit_height()
        self.table.cellClicked.connect(self._on_clicked)
        self.table.currentCellChanged.connect(self._on_current_changed)
        self.table.cellActivated.connect(self._on_activated)
        layout.addWidget(self.table)

    def _fit_height(self) -> None:
        self.table.resizeRowsToContents()
        height = self.table.horizontalHeader().sizeHint().height()
        height += self.table.verticalHeader().length() + 2 * self.table.frameWidth() + 2
        self.table.setFixedHeight(height)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_height()

    def account(self, row: int) -> DemoAccount:
        return self._accounts[row]

    @Slot(int, int)
    def _on_clicked(self, row: int, _col: int) -> None:
        self.chosen.emit(self._accounts[row].login, self._accounts[row].password)

    @Slot(int, int, int, int)
    def _on_current_changed(self, row: int, _col: int, previous: int, _pcol: int) -> None:
        if row >= 0 and row != previous:
            self._on_clicked(row, 0)

    @Slot(int, int)
    def _on_activated(self, row: int, _col: int) -> None:
        self.activated.emit(self._accounts[row].login, self._accounts[row].password)


class LoginDialog(QDialog):
    """Identifiant, mot de passe, « Se connecter »; errors inline in red, never a modal box."""

    submitted = Signal(str, str)
    retry_requested = Signal()
    first_painted = Signal()

    def __init__(
        self, demo_accounts: Sequence[DemoAccount] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._painted = False
        self.setWindowTitle("Connexion")  # « — Stop Cambriolages » is added by the application
        self.setObjectName("loginDialog")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)

        title = QLabel("Stop Cambriolages")
        title.setObjectName("loginTitle")
        layout.addWidget(title)
        self.subtitle = QLabel(SUBTITLE)
        self.subtitle.setObjectName("loginSubtitle")
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.subtitle)

        form = QFormLayout()
        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("login")
        self.login_edit.setToolTip("Votre identifiant d'opérateur")
        self.login_edit.setAccessibleName("Identifiant")
        self.login_edit.setMaxLength(64)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setToolTip("Votre mot de passe (5 erreurs verrouillent le compte)")
        self.password_edit.setAccessibleName("Mot de passe")
        login_label = QLabel("&Identifiant :")
        login_label.setBuddy(self.login_edit)
        password_label = QLabel("&Mot de passe :")
        password_label.setBuddy(self.password_edit)
        form.addRow(login_label, self.login_edit)
        form.addRow(password_label, self.password_edit)
        layout.addLayout(form)

        self.error_label = QLabel()
        self.error_label.setObjectName("loginError")
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("Message d'erreur")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        busy_row = QHBoxLayout()
        self.busy_label = QLabel()
        self.busy_label.setObjectName("loginBusy")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setTextVisible(False)
        busy_row.addWidget(self.busy_label, 1)
        busy_row.addWidget(self.busy_bar)
        layout.addLayout(busy_row)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.retry_button = QPushButton("&Réessayer")
        self.retry_button.setToolTip("Tente à nouveau de joindre la base de données")
        self.retry_button.hide()
        self.retry_button.clicked.connect(self._on_retry)
        self.submit_button = QPushButton("&Se connecter")
        self.submit_button.setObjectName("primary")
        self.submit_button.setToolTip("Se connecter (Entrée)")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self._on_submit)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.submit_button)
        layout.addLayout(buttons)
        self.set_busy(None)

        self.demo_box: DemoAccountsBox | None = None
        if demo_accounts:
            self.demo_box = DemoAccountsBox(demo_accounts)
            self.demo_box.chosen.connect(self.fill)
            self.demo_box.activated.connect(self._fill_and_submit)
            layout.addWidget(self.demo_box)

        self.login_edit.returnPressed.connect(self._on_submit)
        self.password_edit.returnPressed.connect(self._on_submit)
        self.setMinimumWidth(640)

    # -- what the flow calls ----------------------------------------------------------------
    def set_busy(self, text: str | None) -> None:
        """Show a progress message (``None`` hides it) and block double submissions."""
        busy = text is not None
        self.busy_label.setText(text or "")
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)
        self.submit_button.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        """A refused login: red text under the fields, password cleared and focused."""
        self.set_busy(None)
        self.retry_button.hide()
        self._set_error(message)
        self.password_edit.clear()
        self.password_edit.setFocus()

    def show_database_error(self, message: str) -> None:
        """The database is unusable: the French explanation and « Réessayer »."""
        self.set_busy(None)
        self._set_error(message)
        self.retry_button.show()
        self.retry_button.setFocus()

    def clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()
        self.retry_button.hide()

    @Slot(str, str)
    def fill(self, login: str, password: str) -> None:
        self.login_edit.setText(login)
        self.password_edit.setText(password)
        self.clear_error()

    def focus_first_empty(self) -> None:
        target = self.password_edit if self.login_edit.text() else self.login_edit
        target.setFocus()

    # -- internals --------------------------------------------------------------------------
    def _set_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow the window to what its wrapped lines need at this width: an error line must
        not push the demo accounts out of sight."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = (
            layout.totalHeightForWidth(self.width())
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        if needed > self.height():
            self.resize(self.width(), needed)

    @Slot()
    def _on_submit(self) -> None:
        if not self.submit_button.isEnabled():
            return
        login = self.login_edit.text().strip()
        if not login:
            self.show_error("Saisissez votre identifiant.")
            self.login_edit.setFocus()
            return
        if not self.password_edit.text():
            self.show_error("Saisissez votre mot de passe.")
            return
        self.clear_error()
        self.submitted.emit(login, self.password_edit.text())

    @Slot(str, str)
    def _fill_and_submit(self, login: str, password: str) -> None:
        self.fill(login, password)
        self._on_submit()

    @Slot()
    def _on_retry(self) -> None:
        self.clear_error()
        self.retry_requested.emit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.focus_first_empty()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Échap must not close the login window by accident (closing it quits the desk).
        if event.matches(QtGui.QKeySequence.StandardKey.Cancel):
            event.accept()
            return
        super().keyPressEvent(event)
