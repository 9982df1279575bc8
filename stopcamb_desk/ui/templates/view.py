"""« Modèles »: list, write, check, save and delete message templates.

The text is checked as it is typed with the composer's editor and gauge (the same rule
checker the service runs when saving); saving and deleting run on the database worker and the
service decides: a refusal (role, rule, another desk's change) is shown as its French message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.roles import Role
from stopcamb_desk.domain.rules.model import Severity
from stopcamb_desk.domain.status import kind_label
from stopcamb_desk.geo.places import ReferencePlaceFinder
from stopcamb_desk.services.templates import (
    TemplateConflict,
    TemplateDraft,
    TemplateRow,
    TemplateSaved,
    TemplateService,
    kind_for,
    manageable_scopes,
    scope_label,
    template_problems,
)
from stopcamb_desk.ui.composer.checklist import Gauge
from stopcamb_desk.ui.composer.editor import AlertEditor
from stopcamb_desk.ui.errors import expected_message
from stopcamb_desk.ui.templates.model import ROW_ROLE, TemplateTableModel

if TYPE_CHECKING:
    from stopcamb_desk.ui.context import ShellContext

ALL_SCOPES = "__tous__"
ROLE_HINTS = {
    Role.CHEF_DE_QUART: "Vos modèles d'alertes opérationnelles, pour vos départements.",
    Role.OPP_NATIONAL: "Les modèles nationaux de prévention (vacances d'été, fin d'année, "
    "départs en week-end, commerçants…), proposés dans « Rédiger une alerte ».",
    Role.ADMINISTRATEUR: "Tous les modèles : ceux des départements et les modèles nationaux.",
}
STYLE = """
QLabel#viewTitle { font-size: 18pt; font-weight: bold; color: #0b2a5b; }
QLabel#templateProblems[blocked="true"] { color: #b00020; font-weight: bold; }
QLabel#templateProblems[blocked="false"] { color: #1b5e20; }
QLabel#templateStatus[ok="true"] { color: #1b5e20; font-weight: bold; }
QLabel#templateStatus[ok="false"] { color: #b00020; font-weight: bold; }
"""


def _set_property(widget: QWidget, name: str, value: object) -> None:
    if widget.property(name) != value:
        widget.setProperty(name, value)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class TemplatesView(QWidget):
    """``TemplatesView(ctx)`` for the shell."""

    def __init__(self, ctx: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templatesView")
        self.setStyleSheet(STYLE)
        self.ctx = ctx
        self.principal = ctx.principal
        self.service = TemplateService(ctx.services.db)
        self.scopes = manageable_scopes(self.principal)
        self.current: TemplateRow | None = None
        self.delete_box: QMessageBox | None = None
        self._busy = False
        self._build()
        self._update()
        self.refresh()
        ctx.tasks.run_db(self._place_finder, self._set_places, lambda _exc: None, owner=self)

    # -- construction ------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel("Modèles de messages")
        title.setObjectName("viewTitle")
        hint = QLabel(ROLE_HINTS[self.principal.role])
        hint.setWordWrap(True)

        self.filter = QComboBox()
        self.filter.setObjectName("templateFilter")
        self.filter.setAccessibleName("Modèles affichés")
        self.filter.addItem("Tous mes modèles", ALL_SCOPES)
        for scope in self.scopes:
            self.filter.addItem(scope_label(scope), scope)
        self.filter.setVisible(len(self.scopes) > 1)
        self.model = TemplateTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("templatesTable")
        self.table.setAccessibleName("Modèles")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        # A long title on as many lines as it needs, never cut.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel("Aucun modèle : rédigez le premier à droite.")
        self.new_button = QPushButton("&Nouveau modèle")
        self.new_button.setToolTip("Vider le formulaire pour un nouveau modèle (Ctrl+N)")
        self.delete_button = QPushButton("Supprimer…")
        self.delete_button.setToolTip(
            "Supprimer le modèle sélectionné (le journal d'audit le garde)"
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        left_layout.addLayout(buttons)

        self.editing = QLabel()
        self.scope = QComboBox()
        self.scope.setObjectName("templateScope")
        for scope in self.scopes:
            self.scope.addItem(scope_label(scope), scope)
        self.kind = QLabel()
        self.kind.setObjectName("templateKind")
        self.title = QLineEdit()
        self.title.setObjectName("templateTitle")
        self.title.setPlaceholderText("Ex. : Vacances d'été : opération tranquillité vacances")
        self.editor = AlertEditor()
        self.editor.setObjectName("templateText")
        self.editor.setFixedHeight(self.editor.height_for_lines(5))
        self.gauge = Gauge()
        self.problems = QLabel()
        self.problems.setObjectName("templateProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.save_button = QPushButton("&Enregistrer")
        self.save_button.setToolTip("Enregistrer le modèle (Ctrl+S)")
        self.status = QLabel()
        self.status.setObjectName("templateStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        for text, widget in (
            ("&Portée :", self.scope),
            ("Type :", self.kind),
            ("T&itre :", self.title),
            ("Te&xte :", self.editor),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow("", self.gauge)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.editing)
        right_layout.addLayout(form)
        right_layout.addWidget(self.problems)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        right_layout.addLayout(save_row)
        right_layout.addWidget(self.status)
        right_layout.addStretch(1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([520, 460])  # room for the titles: « Commerçants : la caisse le soir »
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(split, 1)

        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.new_button.clicked.connect(self.new_template)
        self.delete_button.clicked.connect(self.open_deletion)
        self.save_button.clicked.connect(self.save)
        self.scope.currentIndexChanged.connect(lambda _i: self._update())
        self.title.textChanged.connect(lambda _t: self._update())
        self.editor.textChanged.connect(self._update)
        for keys, slot in (("Ctrl+N", self.new_template), ("Ctrl+S", self.save)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def activated(self) -> None:
        self.refresh()
        self.title.setFocus()

    # -- state -------------------------------------------------------------------------------
    def draft(self) -> TemplateDraft:
        return TemplateDraft(self.title.text(), self.editor.toPlainText(), self.scope.currentData())

    @Slot()
    def _update(self) -> None:
        draft = self.draft()
        verdict = self.service.check(draft)
        self.editor.set_findings(verdict.findings)
        self.gauge.set_count(verdict.length, verdict.limit)
        problems = template_problems(draft.normalised(), verdict)
        warnings = [
            f"! {f.message}" for f in verdict.findings if f.severity is Severity.AVERTISSEMENT
        ]
        if not (draft.title.strip() or draft.text.strip()):
            self.problems.setText("Choisissez un modèle dans la liste, ou rédigez-en un nouveau.")
            problems = [""]  # nothing to save yet, but nothing to scold either
        elif problems or warnings:
            self.problems.setText("\n".join([f"✗ {p}" for p in problems] + warnings))
        else:
            self.problems.setText("✓ Le texte respecte les règles d'envoi.")
        _set_property(self.problems, "blocked", any(problems))
        self.kind.setText(kind_label(kind_for(draft.departement)))
        current = self.current
        self.editing.setText("Nouveau modèle" if current is None else f"Modèle n° {current.id}")
        self.save_button.setEnabled(not problems and not self._busy and bool(self.scopes))
        self.delete_button.setEnabled(not self._busy and self.selected_row() is not None)

    def show_status(self, text: str, ok: bool = True) -> None:
        self.status.setText(text)
        _set_property(self.status, "ok", ok)

    def selected_row(self) -> TemplateRow | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _place_finder(self) -> Any:
        return ReferencePlaceFinder(prefer_departements=self.principal.departements)

    def _set_places(self, places: Any) -> None:
        self.service.places = places
        self._update()

    # -- list --------------------------------------------------------------------------------
    @Slot()
    def refresh(self, select_id: int | None = None) -> None:
        wanted = self.filter.currentData()
        scopes = None if wanted == ALL_SCOPES else [wanted]
        keep = select_id if select_id is not None else (self.current.id if self.current else None)
        self.ctx.tasks.run_db(
            lambda: self.service.manageable(self.principal, scopes),
            lambda rows: self._show_rows(rows, keep),
            self._failed,
            owner=self,
        )

    def _show_rows(self, rows: list[TemplateRow], select_id: int | None) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        self.model.set_rows(rows)
        row = self.model.row_for(select_id)
        if row >= 0:
            selection.setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        selection.blockSignals(False)
        self.empty.setVisible(not rows)
        self._update()

    @Slot()
    def _on_row_changed(self) -> None:
        row = self.selected_row()
        if row is not None:
            self._load(row)

    def _load(self, row: TemplateRow | None) -> None:
        self.current = row
        self.title.setText(row.title if row else "")
        self.editor.setPlainText(row.text if row else "")
        index = self.scope.findData(row.departement) if row else 0
        self.scope.setCurrentIndex(max(index, 0))
        self._update()

    @Slot()
    def new_template(self) -> None:
        self.table.clearSelection()
        self.table.setCurrentIndex(self.model.index(-1, 0))
        self._load(None)
        self.title.setFocus()

    # -- actions -----------------------------------------------------------------------------
    @Slot()
    def save(self) -> None:
        self._update()
        if self._busy or not self.save_button.isEnabled():
            return
        draft, current = self.draft(), self.current
        if current is None:
            work = lambda: self.service.create(self.principal, draft)  # noqa: E731
        else:
            work = lambda: self.service.update(  # noqa: E731
                self.principal, current.id, draft, current.version
            )
        self._run(work, self._saved)

    def _saved(self, saved: TemplateSaved) -> None:
        self._busy = False
        self.current = saved.row
        text = "✓ " + saved.message
        if saved.warnings:
            text += "\n" + "\n".join(f"! {w}" for w in saved.warnings)
        self.show_status(text)
        self.refresh(saved.row.id)

    @Slot()
    def open_deletion(self) -> None:
        row = self.selected_row()
        if row is None or self._busy:
            return
        box = QMessageBox(self)
        box.setObjectName("deleteTemplateBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Supprimer le modèle")
        box.setText(f"Supprimer le modèle « {row.title} » ({row.scope_label}) ?")
        delete = box.addButton("&Supprimer", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Garder", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)

        def finished(_result: int) -> None:
            self.delete_box = None
            if box.clickedButton() is delete:
                self._run(
                    lambda: self.service.delete(self.principal, row.id, row.version),
                    self._deleted,
                )
            box.deleteLater()

        box.finished.connect(finished)
        self.delete_box = box
        box.open()

    def _deleted(self, row: TemplateRow) -> None:
        self._busy = False
        self._load(None)
        self.show_status(f"✓ Modèle « {row.title} » supprimé ({row.scope_label}).")
        self.refresh()

    def _run(self, work: Any, then: Any) -> None:
        self._busy = True
        self._update()
        self.ctx.tasks.run_db(work, then, self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        message = expected_message(exc)
        if message is None:
            self.show_status(
                "Erreur inattendue : rien n'a été enregistré (détails affichés).", False
            )
            self.ctx.errors.report(exc)
        else:
            self.show_status(message, ok=False)
            if isinstance(exc, TemplateConflict):
                self._show_current_version(exc.what)
        self._update()

    def _show_current_version(self, conflict: str) -> None:
        """Another desk changed the template meanwhile: show its version as it is now (the
        list too), so that saving again starts from what the other desk wrote."""
        current = self.current
        if current is None:
            return

        def show(row: TemplateRow) -> None:
            self._load(row)
            self.show_status(
                f"{conflict}\nSa version actuelle est affichée : relisez-la, puis recommencez.",
                ok=False,
            )
            self.refresh(row.id)

        self.ctx.tasks.run_db(
            lambda: self.service.get(self.principal, current.id), show, self._failed, owner=self
        )
