"""« Brigades »: the directory, « Trouver la brigade », the edit form and the CSV import."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.domain.roles import Permission, Principal
from stopcamb_desk.models import Brigade
from stopcamb_desk.services.brigades import BrigadeError, BrigadeHit, BrigadeService, ImportReport
from stopcamb_desk.ui.brigades.form import BrigadeForm
from stopcamb_desk.ui.brigades.importer import (
    ImportDialog,
    choose_csv,
    line_listing,
    open_file,
    report_text,
)
from stopcamb_desk.ui.brigades.model import BrigadeFilter, BrigadeTableModel
from stopcamb_desk.ui.errors import expected_message

ALL = "Tous les départements"
_NUMBER = r"([-+]?\d{1,3}(?:[.,]\d+)?)"
_POSITION = re.compile(rf"^\s*{_NUMBER}\s*(?:[;/]|,\s+|\s+)\s*{_NUMBER}\s*$")
_POSITION_DOTS = re.compile(r"^\s*([-+]?\d{1,3}\.\d+)\s*,\s*([-+]?\d{1,3}\.\d+)\s*$")


def parse_position(text: str) -> tuple[float, float] | None:
    """« 45.918, 6.094 », « 45,918 6,094 », « 45.918;6.094 » → (lat, lon); else None."""
    match = _POSITION_DOTS.match(text) or _POSITION.match(text)
    if match is None:
        return None
    lat, lon = (float(g.replace(",", ".")) for g in match.groups())
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def hit_text(hit: BrigadeHit) -> str:
    b = hit.brigade
    where = (
        f"à {hit.distance_km:.1f} km".replace(".", ",")
        if hit.distance_km is not None
        else hit.reason
    )
    return f"{b.service} — Tél. {b.telephone or 'non renseigné'} — {where}"


class BrigadesView(QWidget):
    """The shell's « Brigades » view: ``BrigadesView(ctx, parent)`` (see ui/views)."""

    loaded = Signal()
    saved = Signal(str)
    import_finished = Signal(object)  # the ImportReport

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("brigadesView")
        self.ctx = ctx
        self.principal: Principal = ctx.principal
        self.tasks = ctx.tasks
        self.service = BrigadeService(ctx.services.db)
        self.choose_file: Callable[[QWidget], Path | None] = choose_csv
        self.import_dialog: ImportDialog | None = None
        self._select_after_load: str | None = None
        self.model = BrigadeTableModel(self)
        self.proxy = BrigadeFilter(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self.reload()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel("Brigades")
        title.setObjectName("viewTitle")
        self.departement = QComboBox()
        self.departement.setAccessibleName("Département")
        self.departement.addItem(ALL, None)
        for code, nom in DEPARTEMENT_NAMES.items():  # static table: nothing parsed here
            self.departement.addItem(f"{code} — {nom}", code)
        if self.principal.departements:
            self.departement.setCurrentIndex(
                max(0, self.departement.findData(self.principal.departements[0]))
            )
        self.departement.currentIndexChanged.connect(self.reload)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filtrer : nom, commune, code postal, téléphone…")
        self.filter.setAccessibleName("Filtrer les brigades")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._on_filter)
        self.import_button = QPushButton("&Importer le CSV data.gouv.fr…")
        self.import_button.setToolTip(
            "Remplace l'annuaire par le fichier officiel « Liste des unités de gendarmerie "
            "accueillant du public » (réservé aux administrateurs)"
        )
        self.import_button.clicked.connect(self.start_import)
        self.import_button.setVisible(self.principal.can(Permission.EDIT_BRIGADES))
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(QLabel("Département"))
        top.addWidget(self.departement)
        top.addWidget(self.filter, 1)
        top.addWidget(self.import_button)

        self.table = QTableView()
        self.table.setObjectName("brigadesTable")
        self.table.setAccessibleName("Annuaire des brigades")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(3, 150)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.count = QLabel("")

        self.form = BrigadeForm(self.principal)
        self.form.save_requested.connect(self.save)
        self.form.reload_requested.connect(self.reload_current)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self._build_finder())
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.form)
        split.setStretchFactor(0, 1)
        split.setSizes([800, 360])

        self.message = QLabel("")
        self.message.setObjectName("brigadesMessage")
        self.message.setStyleSheet("font-weight: bold;")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

    def _build_finder(self) -> QGroupBox:
        box = QGroupBox("Trouver la brigade")
        self.find_input = QLineEdit()
        self.find_input.setObjectName("findBrigade")
        self.find_input.setPlaceholderText("Commune (ex. : Meythet) ou position « 45,918 6,094 »")
        self.find_input.setAccessibleName("Commune ou position")
        self.find_input.returnPressed.connect(self.find)
        find = QPushButton("&Trouver")
        find.clicked.connect(self.find)
        self.find_label = QLabel("")
        self.find_label.setObjectName("findLabel")
        self.find_label.setWordWrap(True)
        self.find_label.setVisible(False)
        self.results = QListWidget()
        self.results.setObjectName("brigadeResults")
        self.results.setAccessibleName("Brigades proposées")
        self.results.setMaximumHeight(96)
        self.results.setVisible(False)
        self.results.itemActivated.connect(self._open_result)
        self.results.itemClicked.connect(self._open_result)
        row = QHBoxLayout()
        row.addWidget(self.find_input, 1)
        row.addWidget(find)
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.find_label)
        layout.addWidget(self.results)
        return box

    # -- loading -----------------------------------------------------------------------------
    def activated(self) -> None:
        self.reload()

    @Slot()
    def reload(self) -> None:
        departement = self.departement.currentData()
        self.tasks.run_db(
            lambda: self.service.list(departement), self._loaded, self._failed, owner=self
        )

    def _loaded(self, rows: list[Brigade]) -> None:
        current = self.form.brigade.id if self.form.brigade else None
        # One département shown: its code in every row is noise, the width goes to the name.
        self.table.setColumnHidden(0, self.departement.currentData() is not None)
        self.model.set_rows(rows)
        self._update_count()
        wanted = self._select_after_load or current
        self._select_after_load = None
        if wanted is None or not self.select(wanted):
            first = self.proxy.index(0, 0)
            if first.isValid():  # show a filled form rather than an empty one
                self.table.selectRow(0)
            else:
                self.form.show_brigade(None)
        if not rows:
            self.message.setText(
                "Aucune brigade dans l'annuaire pour ce choix."
                + (
                    " Importez le fichier data.gouv.fr avec le bouton « Importer le CSV »."
                    if self.principal.can(Permission.EDIT_BRIGADES)
                    else " Demandez à un administrateur d'importer le fichier data.gouv.fr."
                )
            )
        self.loaded.emit()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(
            f"{shown} brigade(s) affichée(s) sur {total}"
            if shown != total
            else f"{total} brigade(s)"
        )

    def _on_filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()

    def select(self, brigade_id: str) -> bool:
        row = self.model.row_of(brigade_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # hidden by the text filter
            self.filter.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        self.form.show_brigade(self.model.row_at(row))
        return True

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            source = self.proxy.mapToSource(indexes[0])
            self.form.show_brigade(self.model.row_at(source.row()))
            self.form.set_feedback("")

    # -- « Trouver la brigade » --------------------------------------------------------------
    @Slot()
    def find(self) -> None:
        text = self.find_input.text().strip()
        if not text:
            self._say_found("Tapez une commune ou une position (latitude, longitude).")
            return
        position = parse_position(text)
        service = self.service
        if position is not None:
            lat, lon = position
            label = f"Autour de {lat:.4f}, {lon:.4f}".replace(".", ",")
            job: Callable[[], tuple[str, list[BrigadeHit]]] = lambda: (  # noqa: E731
                label,
                service.nearest(lat, lon, 3),
            )
        else:
            job = lambda: service.find_for_commune(text, 3)  # noqa: E731
        self._say_found("Recherche…")
        self.tasks.run_db(job, lambda r: self._show_found(*r), self._failed, owner=self)

    def _show_found(self, label: str, hits: list[BrigadeHit]) -> None:
        self.results.clear()
        if not hits:
            self._say_found(
                f"{label}\nAucune brigade trouvée à moins de 40 km dans l'annuaire."
                if not label.startswith("Aucune commune")
                else f"{label} Vérifiez l'orthographe ou tapez une position « latitude longitude »."
            )
            self.results.setVisible(False)
            return
        self._say_found(f"{label} :")
        for hit in hits:
            item = QListWidgetItem(hit_text(hit))
            item.setData(Qt.ItemDataRole.UserRole, (hit.brigade.id, hit.brigade.departement))
            self.results.addItem(item)
        self.results.setVisible(True)
        self.results.setCurrentRow(0)

    def _say_found(self, text: str) -> None:
        self.find_label.setText(text)
        self.find_label.setVisible(bool(text))

    def _open_result(self, item: QListWidgetItem) -> None:
        brigade_id, departement = item.data(Qt.ItemDataRole.UserRole)
        if self.select(brigade_id):
            return
        self._select_after_load = brigade_id
        index = self.departement.findData(departement)
        self.departement.setCurrentIndex(index if index >= 0 else 0)  # reloads, then selects

    # -- editing -----------------------------------------------------------------------------
    @Slot(dict)
    def save(self, changes: dict[str, str]) -> None:
        brigade = self.form.brigade
        if brigade is None:
            return
        principal, service = self.principal, self.service
        self.form.set_feedback("Enregistrement…")
        self.tasks.run_db(
            lambda: service.update(principal, brigade.id, brigade.version, **changes),
            self._saved,
            self._save_failed,
            owner=self,
        )

    def _saved(self, brigade: Brigade) -> None:
        self.model.replace(brigade)
        self.form.show_brigade(brigade)
        self.form.set_feedback("Fiche enregistrée.")
        self.saved.emit(brigade.id)

    def _save_failed(self, exc: BaseException) -> None:
        message = expected_message(exc)
        if message is None:
            self.ctx.errors.report(exc)
            return
        if isinstance(exc, BrigadeError):
            message += " Vos modifications ne sont pas enregistrées."
        self.form.set_feedback(message, error=True)

    @Slot()
    def reload_current(self) -> None:
        if self.form.brigade is not None:
            self._select_after_load = self.form.brigade.id
        self.form.set_feedback("")
        self.reload()

    # -- import ------------------------------------------------------------------------------
    @Slot()
    def start_import(self) -> None:
        path = self.choose_file(self)
        if path is None:
            return
        self.message.setText(f"Import de « {path.name} » en cours…")
        self._run_import(path, skip_invalid=False)

    def _run_import(self, path: Path, *, skip_invalid: bool) -> None:
        principal, service = self.principal, self.service

        def job() -> ImportReport:
            with open_file(path) as stream:
                return service.import_csv(principal, stream, skip_invalid=skip_invalid)

        def failed(exc: BaseException) -> None:
            self._import_failed(exc, None if skip_invalid else path)

        self.tasks.run_db(job, self._imported, failed, owner=self)

    def _imported(self, report: ImportReport) -> None:
        self.message.setText(f"Import terminé : {report.summary()}")
        headline, details = report_text(report)
        self._open_dialog(ImportDialog("Import terminé", headline, details, parent=self))
        self.reload()
        self.import_finished.emit(report)

    def _import_failed(self, exc: BaseException, path: Path | None) -> None:
        message = expected_message(exc)
        if message is None:
            self.message.setText("")
            self.ctx.errors.report(exc)
            return
        errors = getattr(exc, "errors", None) or []
        if isinstance(exc, BrigadeError) and errors and path is not None:  # ask to skip them
            self.message.setText(message)
            dialog = ImportDialog(
                "Lignes invalides dans le fichier",
                f"{message}\n\nImporter en ignorant ces {len(errors)} lignes ?",
                line_listing(errors),
                accept_text=f"Importer en ignorant ces {len(errors)} lignes",
                parent=self,
            )
            dialog.accepted.connect(lambda: self._run_import(path, skip_invalid=True))
            dialog.rejected.connect(
                lambda: self.message.setText("Import annulé : rien n'a changé.")
            )
            self._open_dialog(dialog)
            return
        self.message.setText(message)
        self._open_dialog(
            ImportDialog("Import impossible", message, line_listing(errors), parent=self)
        )

    def _open_dialog(self, dialog: ImportDialog) -> None:
        self.import_dialog = dialog
        dialog.open()

    def _failed(self, exc: BaseException) -> None:
        message = expected_message(exc)
        if message is not None:
            self.message.setText(message)
        else:
            self.ctx.errors.report(exc)
