"""« Comptes »: the administrator creates, disables / enables, unlocks an account, resets its
password and changes its départements.

Every change runs on the database worker through the same :class:`AccountService` calls as
``stopcamb-desk user``; the service checks the role and audits, a refusal is shown as its
French message on the view's status line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.roles import Role
from stopcamb_desk.services.accounts import MIN_PASSWORD_LENGTH, AccountRow
from stopcamb_desk.ui.errors import expected_message

if TYPE_CHECKING:
    from stopcamb_desk.ui.context import ShellContext

COLUMNS = ("Identifiant", "Nom", "Rôle", "État", "Départements", "Dernière connexion")
STATE_COLUMN = 3
DEPARTEMENTS_COLUMN = 4
DEPARTEMENTS_WIDTH = 220  # a long list is cut here, and shown whole in the tooltip
STYLE = """
QLabel#accountsStatus[ok="true"] { color: #1b5e20; font-weight: bold; }
QLabel#accountsStatus[ok="false"] { color: #b00020; font-weight: bold; }
"""


def _password_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


def _codes(text: str) -> list[str]:
    return [code for code in text.replace(";", ",").replace(" ", ",").split(",") if code]


class AccountsView(QWidget):
    """``AccountsView(ctx)``: the accounts on the left, the selected one and a new one on the
    right."""

    def __init__(self, ctx: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.accounts = ctx.services.accounts
        self.setObjectName("accountsView")
        self.setStyleSheet(STYLE)
        self._rows: Sequence[AccountRow] = ()
        self._busy = False
        self._build()
        self._show_selected()

    # -- construction ------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        title = QLabel("Comptes des opérateurs")
        title.setObjectName("viewTitle")
        root.addWidget(title)
        hint = QLabel(
            "Chaque changement est inscrit au journal d'audit. Un compte désactivé ne peut plus "
            "se connecter ; ses alertes restent dans l'historique."
        )
        hint.setWordWrap(True)
        root.addWidget(hint)
        self.status = QLabel()
        self.status.setObjectName("accountsStatus")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        root.addWidget(self.status)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("accountsTable")
        self.table.setAccessibleName("Comptes")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.itemSelectionChanged.connect(self._show_selected)
        root.addWidget(self.table, 1)

        boxes = QHBoxLayout()
        boxes.addWidget(self._build_selected(), 1)
        boxes.addWidget(self._build_new(), 1)
        root.addLayout(boxes)

    def _build_selected(self) -> QGroupBox:
        box = QGroupBox("Compte sélectionné")
        self.selected_box = box
        layout = QVBoxLayout(box)
        self.selected_label = QLabel()
        self.selected_label.setWordWrap(True)
        layout.addWidget(self.selected_label)
        buttons = QHBoxLayout()
        self.toggle_button = QPushButton("Désactiver")
        self.toggle_button.clicked.connect(self._toggle_active)
        self.unlock_button = QPushButton("Déverrouiller")
        self.unlock_button.setToolTip("Lève le verrouillage après 5 mots de passe faux")
        self.unlock_button.clicked.connect(self._unlock)
        buttons.addWidget(self.toggle_button)
        buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        form = QFormLayout()
        deps_row = QHBoxLayout()
        self.edit_departements = QLineEdit()
        self.edit_departements.setPlaceholderText("ex. 74, 73")
        self.save_departements = QPushButton("Enregistrer")
        self.save_departements.clicked.connect(self._save_departements)
        deps_row.addWidget(self.edit_departements, 1)
        deps_row.addWidget(self.save_departements)
        form.addRow("Départements :", deps_row)
        self.reset_password = _password_field("nouveau mot de passe")
        self.reset_confirm = _password_field("le même, à nouveau")
        form.addRow("Mot de passe :", self.reset_password)
        form.addRow("Confirmation :", self.reset_confirm)
        layout.addLayout(form)
        self.reset_button = QPushButton("Réinitialiser le mot de passe")
        self.reset_button.clicked.connect(self._reset_password)
        layout.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return box

    def _build_new(self) -> QGroupBox:
        box = QGroupBox("Nouveau compte")
        form = QFormLayout(box)
        self.new_login = QLineEdit()
        self.new_login.setPlaceholderText("ex. chef73")
        self.new_nom = QLineEdit()
        self.new_nom.setPlaceholderText("ex. Adj. Martin (CORG 73)")
        self.new_role = QComboBox()
        for role in Role:
            self.new_role.addItem(role.label, role.value)
        self.new_role.currentIndexChanged.connect(self._on_role_changed)
        self.new_departements = QLineEdit()
        self.new_departements.setPlaceholderText("ex. 73 (chef de quart)")
        self.new_password = _password_field(f"{MIN_PASSWORD_LENGTH} caractères au moins")
        self.new_confirm = _password_field("le même, à nouveau")
        form.addRow("Identifiant :", self.new_login)
        form.addRow("Nom affiché :", self.new_nom)
        form.addRow("Rôle :", self.new_role)
        form.addRow("Départements :", self.new_departements)
        form.addRow("Mot de passe :", self.new_password)
        form.addRow("Confirmation :", self.new_confirm)
        self.create_button = QPushButton("Créer le compte")
        self.create_button.clicked.connect(self._create)
        form.addRow(self.create_button)
        return box

    # -- the shell ---------------------------------------------------------------------------
    def activated(self) -> None:
        self.refresh()

    @Slot()
    def refresh(self, select: str | None = None) -> None:
        current = self.selected()
        keep = select or (current.login if current else None)
        self.ctx.tasks.run_db(
            lambda: self.accounts.rows(self.ctx.principal),
            lambda rows: self._show_rows(rows, keep),
            self._failed,
            owner=self,
        )

    def _show_rows(self, rows: Sequence[AccountRow], keep: str | None) -> None:
        now = self.accounts.now()
        self._rows = rows
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            last = f"{row.last_login_at.astimezone():%d/%m/%Y %H:%M}" if row.last_login_at else "—"
            cells = (
                row.login,
                row.nom,
                row.role.label,
                row.state_label(now),
                ", ".join(row.departements) or "—",
                last,
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == STATE_COLUMN and text != "Actif":
                    item.setForeground(Qt.GlobalColor.darkRed)
                if c == DEPARTEMENTS_COLUMN:
                    item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        if self.table.columnWidth(DEPARTEMENTS_COLUMN) > DEPARTEMENTS_WIDTH:
            self.table.setColumnWidth(DEPARTEMENTS_COLUMN, DEPARTEMENTS_WIDTH)
        self.table.resizeRowsToContents()  # a long list of départements on two lines, whole
        self.table.clearSelection()
        logins = [row.login for row in rows]
        if rows:
            self.table.selectRow(logins.index(keep) if keep in logins else 0)
        self.table.blockSignals(False)
        self._show_selected()

    def selected(self) -> AccountRow | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes or indexes[0].row() >= len(self._rows):
            return None
        return self._rows[indexes[0].row()]

    def select(self, login: str) -> None:
        for r, row in enumerate(self._rows):
            if row.login == login:
                self.table.selectRow(r)

    @Slot()
    def _show_selected(self) -> None:
        row = self.selected()
        for widget in (
            self.toggle_button,
            self.unlock_button,
            self.edit_departements,
            self.save_departements,
            self.reset_password,
            self.reset_confirm,
            self.reset_button,
        ):
            widget.setEnabled(row is not None and not self._busy)
        if row is None:
            self.selected_box.setTitle("Compte sélectionné")
            self.selected_label.setText("Choisissez un compte dans la liste.")
            self.edit_departements.clear()
            return
        self.selected_box.setTitle(f"Compte « {row.login} »")
        self.selected_label.setText(
            f"{row.nom} — {row.role.label} — {row.state_label(self.accounts.now())}"
        )
        self.toggle_button.setText("Réactiver" if not row.active else "Désactiver")
        self.unlock_button.setEnabled(
            self.unlock_button.isEnabled() and row.locked(self.accounts.now())
        )
        chef = row.role is Role.CHEF_DE_QUART
        self.edit_departements.setEnabled(self.edit_departements.isEnabled() and chef)
        self.save_departements.setEnabled(self.save_departements.isEnabled() and chef)
        self.edit_departements.setText(", ".join(row.departements))

    @Slot()
    def _on_role_changed(self) -> None:
        chef = self.new_role.currentData() == Role.CHEF_DE_QUART.value
        self.new_departements.setEnabled(chef)
        if not chef:
            self.new_departements.clear()

    # -- changes -----------------------------------------------------------------------------
    def _change(self, work: Callable[[], object], done: str, login: str) -> None:
        self._busy = True
        self._show_selected()

        def finished(_result: object) -> None:
            self._busy = False
            self.show_status(done, ok=True)
            self.refresh(login)

        self.ctx.tasks.run_db(work, finished, self._failed, owner=self)

    @Slot()
    def _toggle_active(self) -> None:
        row = self.selected()
        if row is None:
            return
        active = not row.active
        actor = self.ctx.principal
        self._change(
            lambda: self.accounts.set_active(row.login, active, actor=actor),
            f"✓ Compte « {row.login} » {'réactivé' if active else 'désactivé'}.",
            row.login,
        )

    @Slot()
    def _unlock(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor = self.ctx.principal
        self._change(
            lambda: self.accounts.unlock(row.login, actor=actor),
            f"✓ Compte « {row.login} » déverrouillé.",
            row.login,
        )

    @Slot()
    def _save_departements(self) -> None:
        row = self.selected()
        if row is None:
            return
        codes = _codes(self.edit_departements.text())
        actor = self.ctx.principal
        self._change(
            lambda: self.accounts.set_departements(row.login, codes, actor=actor),
            f"✓ Départements de « {row.login} » enregistrés.",
            row.login,
        )

    @Slot()
    def _reset_password(self) -> None:
        row = self.selected()
        if row is None:
            return
        password = self.reset_password.text()
        if password != self.reset_confirm.text():
            self.show_status("Les deux mots de passe diffèrent : saisissez-les à nouveau.")
            return
        actor = self.ctx.principal
        self.reset_password.clear()
        self.reset_confirm.clear()
        self._change(
            lambda: self.accounts.set_password(row.login, password, actor=actor),
            f"✓ Mot de passe de « {row.login} » réinitialisé : communiquez-le à l'opérateur, "
            "qui le changera.",
            row.login,
        )

    @Slot()
    def _create(self) -> None:
        login = self.new_login.text().strip()
        password = self.new_password.text()
        if password != self.new_confirm.text():
            self.show_status("Les deux mots de passe diffèrent : saisissez-les à nouveau.")
            return
        role = Role(self.new_role.currentData())
        codes = _codes(self.new_departements.text())
        nom = self.new_nom.text().strip()
        actor = self.ctx.principal

        def created(_result: object) -> None:
            self._busy = False
            for field in (self.new_login, self.new_nom, self.new_departements):
                field.clear()
            self.new_password.clear()
            self.new_confirm.clear()
            self.show_status(f"✓ Compte « {login} » créé ({role.label}).", ok=True)
            self.refresh(login)

        self._busy = True
        self.ctx.tasks.run_db(
            lambda: self.accounts.create(login, password, role, codes, nom, actor=actor),
            created,
            self._failed,
            owner=self,
        )

    # -- messages ----------------------------------------------------------------------------
    def show_status(self, text: str, ok: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("ok", "true" if ok else "false")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setVisible(True)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        message = expected_message(exc)
        if message is None:
            self.show_status("Erreur inattendue : rien n'a été modifié (détails affichés).")
            self.ctx.errors.report(exc)
        else:
            self.show_status(message)
        self._show_selected()
