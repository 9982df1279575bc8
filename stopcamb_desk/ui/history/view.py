"""« Historique »: filters, the lazy table, the detail pane and « Sur les téléphones »."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.domain.roles import Permission
from stopcamb_desk.domain.status import ATTENTION_STATUSES, STATUS_LABELS
from stopcamb_desk.models import utcnow
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.history_model import AlertRow, HistoryFilter
from stopcamb_desk.ui.errors import expected_message
from stopcamb_desk.ui.history.actions import AlertActions
from stopcamb_desk.ui.history.audit_view import AuditView
from stopcamb_desk.ui.history.detail import detail_html
from stopcamb_desk.ui.history.model import Column, LazyTableModel
from stopcamb_desk.ui.history.phones import OnPhonesPanel
from stopcamb_desk.ui.history.printing import (
    export_cap_dialog,
    export_csv_dialog,
    export_pdf_dialog,
)

if TYPE_CHECKING:
    from stopcamb_desk.ui.context import ShellContext

PERIODS: tuple[tuple[str, timedelta | None], ...] = (
    ("Toute la période", None),
    ("Dernières 24 heures", timedelta(hours=24)),
    ("7 derniers jours", timedelta(days=7)),
    ("30 derniers jours", timedelta(days=30)),
)
ALL = "Tous"


def _local(row: AlertRow) -> str:
    return row.created_at.astimezone().strftime("%d/%m %H:%M")


HISTORY_COLUMNS: tuple[Column[AlertRow], ...] = (
    Column("Date", _local),
    Column("Dép.", lambda r: r.departement or "national"),
    Column("Type", lambda r: r.kind_label.removeprefix("Alerte ").capitalize()),
    Column("Statut", lambda r: r.status_label),
    Column("Auteur", lambda r: r.author_nom or r.author_login, lambda r: r.author_login),
    Column("", lambda r: "EXERCICE" if r.exercise else ""),
    Column("Texte", lambda r: r.excerpt, lambda r: r.text),
)


def _style(row: AlertRow, role: int) -> Any:
    if role == Qt.ItemDataRole.ForegroundRole and row.status in ATTENTION_STATUSES:
        return QColor("#b00020")
    if role == Qt.ItemDataRole.ForegroundRole and row.status in ("remplacee", "retiree"):
        return QColor("#6b6b6b")
    return None


class HistoryView(QWidget):
    """The shell's « Historique » view: ``HistoryView(ctx, parent)`` (see ui/views)."""

    detail_shown = Signal(int)

    def __init__(self, ctx: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.ctx = ctx
        self.principal = ctx.principal
        self.runner = ctx.tasks
        self.history = HistoryService(ctx.services.db)
        self._listening = False
        self._current_id: int | None = None

        self.model: LazyTableModel[AlertRow] = LazyTableModel(
            HISTORY_COLUMNS, lambda r: r.id, self.runner, parent=self
        )
        self.model.row_style = _style
        self.model.failed.connect(self._show_error)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_history_tab(), "Historique")
        if self.principal.can(Permission.VIEW_AUDIT):
            self.audit_view = AuditView(ctx.services.db, self.principal, self.runner)
            self.tabs.addTab(self.audit_view, "Journal d'audit")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.apply_filters()
        self.phones.refresh()

    # -- layout -----------------------------------------------------------------------------
    def _build_history_tab(self) -> QWidget:
        page = QWidget()
        self.departement = QComboBox()
        self.departement.setAccessibleName("Département")
        self.departement.addItem(ALL, None)
        codes = (
            list(DEPARTEMENT_NAMES)
            if self.principal.can(Permission.VIEW_ALL_HISTORY)
            else self.principal.departements
        )
        for code in codes:
            self.departement.addItem(f"{code} — {DEPARTEMENT_NAMES.get(code, '')}", code)
        self.status = QComboBox()
        self.status.setAccessibleName("Statut")
        self.status.addItem("Tous les statuts", None)
        for code, label in STATUS_LABELS.items():
            self.status.addItem(label, code)
        self.period = QComboBox()
        self.period.setAccessibleName("Période")
        for label, span in PERIODS:
            self.period.addItem(label, span)
        self.author = QLineEdit()
        self.author.setPlaceholderText("Auteur (identifiant)")
        self.author.setAccessibleName("Auteur")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher dans le texte…")
        self.search.setAccessibleName("Recherche dans le texte")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filters)
        for combo in (self.departement, self.status, self.period):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.author.editingFinished.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.export_button = QPushButton("Exporter (CSV)…")
        self.export_button.clicked.connect(self._export_csv)
        self.pdf_button = QPushButton("Imprimer (PDF)…")
        self.pdf_button.clicked.connect(self._export_pdf)
        self.cap_button = QPushButton("Alerte en CAP…")
        self.cap_button.setObjectName("capButton")
        self.cap_button.setToolTip(
            "Exporte l'alerte sélectionnée au format CAP 1.2 (XML OASIS, pour les autres systèmes "
            "d'alerte)"
        )
        self.cap_button.setEnabled(False)
        self.cap_button.clicked.connect(self._export_cap)

        # Two rows so that the view fits a 1280-pixel screen next to the navigation.
        filters = QHBoxLayout()
        for label, widget in (
            ("Département", self.departement),
            ("Statut", self.status),
            ("Période", self.period),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addStretch(1)
        searches = QHBoxLayout()
        searches.addWidget(self.search, 2)
        searches.addWidget(self.author, 1)
        searches.addWidget(self.export_button)
        searches.addWidget(self.pdf_button)
        searches.addWidget(self.cap_button)

        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setAccessibleName("Alertes")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(40)
        for column in range(len(HISTORY_COLUMNS) - 1):  # short columns fit their content
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(HISTORY_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        # The rows arrive after the first paint (database worker): the short columns, sized
        # on their headers alone, are sized again on their content when the first rows come.
        self.model.rowsInserted.connect(
            lambda _parent, first, _last: header.resizeSections() if first == 0 else None
        )

        self.detail = QTextBrowser()
        self.detail.setObjectName("historyDetail")
        self.detail.setAccessibleName("Détail de l'alerte")
        self.detail.setPlaceholderText("Sélectionnez une alerte pour voir son détail.")
        self.phones = OnPhonesPanel(self.history, self.principal, self.runner)
        self.message = QLabel("")
        self.message.setObjectName("historyMessage")
        self.message.setWordWrap(True)
        self.alert_actions = AlertActions(self.ctx)
        self.alert_actions.message.connect(self._show_error)
        self.alert_actions.show_alert.connect(self.show_detail)
        detail_box = QWidget()
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.alert_actions)
        detail_layout.addWidget(self.detail, 1)

        # The table takes the whole width (its text column matters most); what is on the
        # phones and the selected alert's detail sit side by side below it.
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.phones)
        bottom.addWidget(detail_box)
        bottom.setSizes([380, 620])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(bottom)
        split.setSizes([330, 370])

        layout = QVBoxLayout(page)
        layout.addLayout(filters)
        layout.addLayout(searches)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        return page

    # -- filters ------------------------------------------------------------------------------
    def current_filter(self) -> HistoryFilter:
        span = self.period.currentData()
        statuses = (self.status.currentData(),) if self.status.currentData() else ()
        return HistoryFilter(
            departement=self.departement.currentData(),
            statuses=statuses,
            author=self.author.text().strip() or None,
            since=utcnow() - span if span is not None else None,
            text=self.search.text().strip() or None,
        )

    @Slot()
    def apply_filters(self) -> None:
        flt = self.current_filter()
        principal, history = self.principal, self.history

        def fetch(cursor: Any, limit: int) -> tuple[Any, Any]:
            page = history.page(principal, flt, cursor, limit)
            return page.rows, page.next_cursor

        self.message.setText("")
        self.model.set_query(fetch)

    # -- detail -------------------------------------------------------------------------------
    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            row = self.model.row_at(indexes[0].row())
            if row is not None:
                self.show_detail(row.id)

    def show_detail(self, alert_id: int) -> None:
        self._current_id = alert_id

        def done(loaded: Any) -> None:
            detail, state = loaded
            if self._current_id == alert_id:
                self.cap_button.setEnabled(True)
                self.detail.setHtml(detail_html(detail))
                self.alert_actions.set_state(state)
                self.detail_shown.emit(alert_id)

        self.runner.run_db(
            lambda: (
                self.history.detail(self.principal, alert_id),
                self.alert_actions.load_state(alert_id),
            ),
            done,
            lambda exc: self._show_error(expected_message(exc) or str(exc)),
            owner=self,
        )

    def _show_error(self, message: str) -> None:
        self.message.setText(message)

    # -- live sync ----------------------------------------------------------------------------
    def activated(self) -> None:
        """Called by the shell each time the view is shown: subscribe to the change bus once."""
        if not self._listening:
            self._listening = True
            self.ctx.changes.subscribe(self, self.on_database_changed, self._on_connection_state)
        else:
            self.on_database_changed()

    @Slot()
    def on_database_changed(self) -> None:
        """Another desk (or this one) changed alerts: refresh what is shown."""
        self.model.refresh()
        self.phones.refresh()
        if self._current_id is not None:
            self.show_detail(self._current_id)

    @Slot(bool)
    def _on_connection_state(self, up: bool) -> None:
        self.message.setText(
            ""
            if up
            else "Connexion à la base perdue : reconnexion automatique en cours. "
            "L'historique affiché peut ne plus être à jour."
        )

    # -- exports ------------------------------------------------------------------------------
    def _export_csv(self) -> None:
        self.export_job = export_csv_dialog(self, self.ctx, self.history, self.current_filter())

    def _export_cap(self) -> None:
        if self._current_id is not None:
            self.export_job = export_cap_dialog(self, self.ctx, self._current_id)

    def _export_pdf(self) -> None:
        self.export_job = export_pdf_dialog(self, self.ctx, self.history, self.current_filter())
