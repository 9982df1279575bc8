"""« Brigades »: the directory, « Trouver la brigade », the edit form, the CSV import and the
publication to the app.

Database work runs on the database worker, geocoding and publication on the network pool
(``ctx.tasks``); the view only binds widgets to the services.
"""

from __future__ import annotations

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
from stopcamb_desk.geo.geocoding import AddressGeocoder, GeocodingError
from stopcamb_desk.models import Brigade
from stopcamb_desk.push.brigade_directory import directory_target_for
from stopcamb_desk.services.brigade_publication import BrigadePublisher, PublicationPreview
from stopcamb_desk.services.brigades import (
    AddressSearch,
    BrigadeError,
    BrigadeHit,
    BrigadeService,
    ImportReport,
)
from stopcamb_desk.ui.brigades.form import BrigadeForm
from stopcamb_desk.ui.brigades.importer import (
    ImportDialog,
    choose_csv,
    line_listing,
    open_file,
    report_text,
)
from stopcamb_desk.ui.brigades.model import OPENING_COLUMN, BrigadeFilter, BrigadeTableModel
from stopcamb_desk.ui.brigades.position import parse_position
from stopcamb_desk.ui.errors import expected_message

ALL = "Tous les départements"


def hit_text(hit: BrigadeHit) -> str:
    b = hit.brigade
    where = (
        f"à {hit.distance_km:.1f} km".replace(".", ",")
        if hit.distance_km is not None
        else hit.reason
    )
    # Two short lines rather than one the list would cut: who and where, then how to reach it.
    return f"{b.service} — {where}\nTél. {b.telephone or 'non renseigné'} — {hit.opening.text}"


def looks_like_an_address(text: str) -> bool:
    """« 12 rue … à Lunel », « rue de la Loge, Montpellier »: geocode rather than a commune."""
    return any(ch.isdigit() for ch in text) or "," in text


class BrigadesView(QWidget):
    """The shell's « Brigades » view: ``BrigadesView(ctx, parent)`` (see ui/views)."""

    loaded = Signal()
    saved = Signal(str)
    import_finished = Signal(object)  # the ImportReport
    published = Signal(object)  # the PublicationPreview sent

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("brigadesView")
        self.ctx = ctx
        self.principal: Principal = ctx.principal
        self.tasks = ctx.tasks
        self.service = BrigadeService(ctx.services.db, geocoder=self._geocoder(ctx.settings))
        settings = ctx.settings
        self.publisher = BrigadePublisher(ctx.services.db, lambda: directory_target_for(settings))
        self.publish_dialog: ImportDialog | None = None
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
        self.import_button = QPushButton("&Importer le CSV…")
        self.import_button.setToolTip(
            "Importe le fichier data.gouv.fr « Liste des unités de gendarmerie accueillant du "
            "public » (réservé aux administrateurs)"
        )
        self.import_button.clicked.connect(self.start_import)
        self.import_button.setVisible(self.principal.can(Permission.EDIT_BRIGADES))
        self.publish_button = QPushButton("&Publier…")
        self.publish_button.setObjectName("publishBrigades")
        self.publish_button.setToolTip(
            "Publier l'annuaire dans l'application « Stop Cambriolages » : montre ce qui a "
            "changé depuis la dernière publication, puis l'envoie (réservé aux administrateurs)"
        )
        self.publish_button.clicked.connect(self.start_publication)
        self.publish_button.setVisible(self.principal.can(Permission.EDIT_BRIGADES))
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(QLabel("Département"))
        top.addWidget(self.departement)
        top.addWidget(self.filter, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.publish_button)

        self.table = QTableView()
        self.table.setObjectName("brigadesTable")
        self.table.setAccessibleName("Annuaire des brigades")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        # A long unit or commune name goes on to a second line of its row rather than being
        # cut: « BTA de Saint-Julien-en-Genevois » is read whole at 1280 pixels.
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 3, OPENING_COLUMN):  # name, commune, « fermée, ouvre samedi à 8h00 »
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.count = QLabel("")

        self.form = BrigadeForm(self.principal)
        self.form.save_requested.connect(self.save)
        self.form.reload_requested.connect(self.reload_current)
        self.form.geocode_requested.connect(self.geocode_form)

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
        split.setSizes([760, 300])

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
        self.find_input.setPlaceholderText("Commune, adresse ou position…")
        self.find_input.setToolTip(
            "Commune (Meythet), adresse (12 rue de la Libération, Lunel) ou position "
            "« 45,918 6,094 »"
        )
        self.find_input.setAccessibleName("Commune, adresse ou position")
        self.find_input.returnPressed.connect(self.find_brigade)
        find = QPushButton("&Trouver")
        find.clicked.connect(self.find_brigade)
        self.find_label = QLabel("")
        self.find_label.setObjectName("findLabel")
        self.find_label.setWordWrap(True)
        self.find_label.setVisible(False)
        self.results = QListWidget()
        self.results.setObjectName("brigadeResults")
        self.results.setAccessibleName("Brigades proposées")
        self.results.setWordWrap(True)
        self.results.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.results.setVisible(False)
        self.results.itemActivated.connect(self._open_result)
        self.results.itemClicked.connect(self._open_result)
        # The fiche follows the result chosen, with the mouse or the arrow keys.
        self.results.currentItemChanged.connect(
            lambda current, _previous: self._open_result(current) if current else None
        )
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

    @staticmethod
    def _geocoder(settings: Any) -> Any:
        try:
            return AddressGeocoder(settings.geocoder_url)
        except GeocodingError:  # unusable URL: the finder uses communes and says so
            return None

    @Slot()
    def reload(self) -> None:
        departement, service = self.departement.currentData(), self.service

        def job() -> tuple[list[Brigade], dict[str, str]]:
            rows = service.brigades(departement)
            return rows, {b.id: service.opening(b).text for b in rows}

        self.tasks.run_db(job, lambda r: self._loaded(*r), self._failed, owner=self)

    def _loaded(self, rows: list[Brigade], opening: dict[str, str]) -> None:
        current = self.form.brigade.id if self.form.brigade else None
        # One département shown: its code in every row is noise, the width goes to the name.
        self.table.setColumnHidden(0, self.departement.currentData() is not None)
        self.model.set_rows(rows, opening)
        self._update_count()
        wanted = self._select_after_load or current
        self._select_after_load = None
        if wanted is None or not self.select(wanted):
            first = self.proxy.index(0, 0)
            if first.isValid():  # show a filled form rather than an empty one
                self.table.selectRow(0)
            else:
                self._show_form(None)
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
        self._show_form(self.model.row_at(row))
        return True

    def _show_form(self, brigade: Brigade | None) -> None:
        self.form.show_brigade(brigade, self.model.opening(brigade.id) if brigade else "")

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            source = self.proxy.mapToSource(indexes[0])
            self._show_form(self.model.row_at(source.row()))
            self.form.set_feedback("")

    # -- « Trouver la brigade » --------------------------------------------------------------
    @Slot()
    def find_brigade(self) -> None:
        text = self.find_input.text().strip()
        if not text:
            self._say_found("Tapez une commune ou une position (latitude, longitude).")
            return
        position = parse_position(text)
        service = self.service
        if position is not None:
            lat, lon = position
            job: Callable[[], tuple[str, list[BrigadeHit]]] = lambda: (  # noqa: E731
                service.find_for_position(lat, lon, 3)
            )
        elif looks_like_an_address(text):
            self._say_found("Géocodage de l'adresse…")
            self.tasks.run_net(
                lambda: service.find_for_address(text, 3),
                self._show_address,
                self._failed,
                owner=self,
            )
            return
        else:
            job = lambda: service.find_for_commune(text, 3)  # noqa: E731
        self._say_found("Recherche…")
        self.tasks.run_db(job, lambda r: self._show_found(*r), self._failed, owner=self)

    def _show_address(self, found: AddressSearch) -> None:
        label = found.label if found.precise else f"{found.label}\n⚠ {found.note}"
        self._show_found(label, found.hits)

    def _show_found(self, label: str, hits: list[BrigadeHit]) -> None:
        self.results.clear()
        if not hits:  # the service's label says why (nothing near, unknown commune…)
            self._say_found(
                label
                if not label.startswith("Aucune commune")
                else f"{label} Vérifiez l'orthographe ou tapez une position « latitude longitude »."
            )
            self.results.setVisible(False)
            return
        self._say_found(f"{label} :")
        for hit in hits:
            item = QListWidgetItem(hit_text(hit))
            item.setToolTip(hit_text(hit).replace("\n", " — "))
            item.setData(Qt.ItemDataRole.UserRole, (hit.brigade.id, hit.brigade.departement))
            self.results.addItem(item)
        shown = min(3, len(hits))  # three results in sight, the others by scrolling
        height = sum(self.results.sizeHintForRow(r) for r in range(shown))
        self.results.setFixedHeight(height + 2 * self.results.frameWidth() + 2)
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

        def job() -> tuple[Brigade, str]:
            saved = service.update(principal, brigade.id, brigade.version, **changes)
            return saved, service.opening(saved).text

        self.tasks.run_db(job, self._saved, self._save_failed, owner=self)

    def _saved(self, result: tuple[Brigade, str]) -> None:
        brigade, opening = result
        self.model.replace(brigade, opening)
        self.form.show_brigade(brigade, opening)
        self.form.set_feedback("Fiche enregistrée.")
        self.saved.emit(brigade.id)

    def _save_failed(self, exc: BaseException) -> None:
        message = expected_message(exc)
        if message is None:
            self.ctx.errors.report(exc)
            return
        if isinstance(exc, BrigadeError):
            self.form.show_problems(exc.problems)
            if not exc.problems:
                message += " Vos modifications ne sont pas enregistrées."
        self.form.set_feedback(message, error=True)

    @Slot(str)
    def geocode_form(self, address: str) -> None:
        """« Géocoder l'adresse » of the form: network pool, the position filled in."""
        service = self.service
        self.tasks.run_net(
            lambda: service.locate_address(address), self._geocoded, self._failed, owner=self
        )

    def _geocoded(self, found: tuple[str, float, float, bool, str] | None) -> None:
        if found is None:
            self.form.set_feedback(
                "Adresse introuvable et commune non reconnue : saisissez la position à la main.",
                error=True,
            )
            return
        label, lat, lon, precise, note = found
        self.form.set_position(lat, lon)
        self.form.set_feedback(
            f"Position de « {label} » reportée : vérifiez-la, puis enregistrez la fiche."
            if precise
            else f"{note} Enregistrez la fiche pour la garder.",
            error=not precise,
        )

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
        errors = exc.errors if isinstance(exc, BrigadeError) else []
        if errors and path is not None:  # ask to skip them
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

    # -- publication --------------------------------------------------------------------------
    @Slot()
    def start_publication(self) -> None:
        principal, publisher = self.principal, self.publisher
        self.message.setText("Calcul de ce qui a changé depuis la dernière publication…")
        self.tasks.run_db(
            lambda: publisher.preview(principal), self._previewed, self._failed, owner=self
        )

    def _previewed(self, preview: PublicationPreview) -> None:
        self.message.setText(preview.summary())
        if preview.empty:
            self._open_dialog(ImportDialog("Publication", preview.summary(), parent=self))
            return
        dialog = ImportDialog(
            "Publier l'annuaire dans l'application",
            f"{preview.target}\n\n{preview.summary()}",
            preview.details(),
            accept_text="&Publier ces changements",
            parent=self,
        )
        dialog.accepted.connect(lambda: self._publish(preview.token))
        dialog.rejected.connect(
            lambda: self.message.setText("Publication annulée : rien n'a été envoyé.")
        )
        self.publish_dialog = dialog
        self._open_dialog(dialog)

    def _publish(self, token: str) -> None:
        principal, publisher = self.principal, self.publisher
        self.message.setText("Publication en cours…")
        self.tasks.run_net(
            lambda: publisher.publish(principal, token), self._published, self._failed, owner=self
        )

    def _published(self, sent: PublicationPreview) -> None:
        self.message.setText(f"Annuaire publié : {sent.summary()}")
        self.published.emit(sent)

    def _open_dialog(self, dialog: ImportDialog) -> None:
        self.import_dialog = dialog
        dialog.open()

    def _failed(self, exc: BaseException) -> None:
        message = expected_message(exc)
        if message is not None:
            self.message.setText(message)
        else:
            self.ctx.errors.report(exc)
