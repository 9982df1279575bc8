"""« Tableau national » (OPP of the GGD34, administrators): the country's alerts over a chosen
period — the choropleth with its insets, alerts per département per day, what every
département's phones show — and their CSV export.

The counts come from ``services/activity.py`` (one aggregate query, rights checked there), on
the database worker; the view follows the change bus like the map and the history.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.geo.projection import METROPOLE
from stopcamb_desk.models import utcnow
from stopcamb_desk.services.activity import Activity, ActivityService, Briefing, write_overview_csv
from stopcamb_desk.services.brigades import BrigadeService
from stopcamb_desk.services.history_model import PhoneEntry
from stopcamb_desk.ui.changes import LiveReload
from stopcamb_desk.ui.errors import show_inline
from stopcamb_desk.ui.map.canvas import MapCanvas
from stopcamb_desk.ui.map.scene import MapScene, Period, alerts_phrase
from stopcamb_desk.ui.map.sheet import OVERSEAS
from stopcamb_desk.ui.map.view import load_areas
from stopcamb_desk.ui.overview.chart import DailyChart
from stopcamb_desk.ui.overview.model import CodeRole, OverviewModel, overview_rows

PRESETS: tuple[tuple[str, int], ...] = (("7 j", 7), ("30 j", 30), ("90 j", 90))
DEFAULT_DAYS = 30


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def period_of(first: date, last: date) -> Period:
    """« du 02/11 au 01/12/2026 » (the year once when both days share it)."""
    days = (last - first).days + 1
    start = f"{first:%d/%m}" if first.year == last.year else f"{first:%d/%m/%Y}"
    return Period(f"{days} jours", timedelta(days=days), f"du {start} au {last:%d/%m/%Y}")


class OverviewView(QWidget):
    """The shell's « Tableau national » view: ``OverviewView(ctx, parent)`` (see ui/views)."""

    data_shown = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewView")
        self.ctx = ctx
        self.principal = ctx.principal
        self.tasks = ctx.tasks
        self.activity_service = ActivityService(ctx.services.db)
        self.brigade_service = BrigadeService(ctx.services.db)
        self.activity: Activity | None = None
        self.phones: dict[str, PhoneEntry] = {}
        self.brigades: Counter[str] = Counter()
        self.as_of: datetime | None = None
        self.selected: str | None = None
        self.live = LiveReload(self, self.refresh)
        self._build()
        self.tasks.run_net(
            lambda: load_areas((METROPOLE, *OVERSEAS)), self._show_areas, self._failed, owner=self
        )
        self.tasks.run_db(
            self.brigade_service.brigades, self._set_brigades, self._failed, owner=self
        )
        self.refresh()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel("Tableau national")
        title.setObjectName("viewTitle")
        today = self.activity_service.today()
        self.first = QDateEdit(qdate(today - timedelta(days=DEFAULT_DAYS - 1)))
        self.last = QDateEdit(qdate(today))
        for edit, name in ((self.first, "Premier jour"), (self.last, "Dernier jour")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setAccessibleName(name)
            edit.dateChanged.connect(lambda _d: self.live.soon())
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(QLabel("Du"))
        top.addWidget(self.first)
        top.addWidget(QLabel("au"))
        top.addWidget(self.last)
        presets = QHBoxLayout()
        presets.setSpacing(0)
        for text, days in PRESETS:
            button = QToolButton()
            button.setText(text)
            button.setToolTip(f"Les {days} derniers jours, aujourd'hui compris")
            button.clicked.connect(lambda _c=False, n=days: self.show_last_days(n))
            presets.addWidget(button)
        top.addSpacing(6)
        top.addLayout(presets)
        self.exercises = QCheckBox("Exercices")
        self.exercises.setToolTip("Compter aussi les alertes d'exercice")
        self.exercises.toggled.connect(lambda _on: self.refresh())
        top.addWidget(self.exercises)
        top.addStretch(1)
        self.export_button = QPushButton("Exporter (CSV)…")
        self.export_button.setToolTip("Alertes par département et par jour, pour un tableur")
        self.export_button.clicked.connect(self._export_dialog)
        top.addWidget(self.export_button)

        self.canvas = MapCanvas()
        self.canvas.setAccessibleName("Carte des alertes de la période")
        self.canvas.departement_clicked.connect(self.select)
        self.summary = QLabel()
        self.summary.setObjectName("overviewSummary")
        self.summary.setWordWrap(True)
        self.chart = DailyChart()
        self.chart.selected.connect(self.select)
        self.model = OverviewModel(self)
        self.table = QTableView()
        self.table.setObjectName("overviewTable")
        self.table.setAccessibleName("Alertes et téléphones par département")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        small = self.table.font()
        small.setPointSizeF(small.pointSizeF() * 0.88)
        self.table.setFont(small)
        # « Message de retrait affiché (12 j) » on two lines rather than cut.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # The département's name whole; what the phones show takes what is left.
        header.setSectionResizeMode(self.model.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)  # most alerts first
        self.table.clicked.connect(self._on_row)
        self.message = QLabel("")
        self.message.setObjectName("overviewMessage")
        self.message.setWordWrap(True)

        right = QSplitter(Qt.Orientation.Vertical)
        top_right = QWidget()
        top_right_layout = QVBoxLayout(top_right)
        top_right_layout.setContentsMargins(0, 0, 0, 0)
        top_right_layout.addWidget(self.summary)
        top_right_layout.addWidget(self.chart, 1)
        right.addWidget(top_right)
        right.addWidget(self.table)
        right.setSizes([380, 260])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.canvas)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([540, 540])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

    # -- period ------------------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        return self.first.date().toPython(), self.last.date().toPython()  # type: ignore[return-value]

    def set_period(self, first: date, last: date) -> None:
        for edit, day in ((self.first, first), (self.last, last)):
            edit.blockSignals(True)
            edit.setDate(qdate(day))
            edit.blockSignals(False)
        self.refresh()

    def show_last_days(self, days: int) -> None:
        today = self.activity_service.today()
        self.set_period(today - timedelta(days=days - 1), today)

    # -- data --------------------------------------------------------------------------------
    def activated(self) -> None:
        """Shown by the shell: subscribe to the change bus once, and reload."""
        self.live.follow(self.ctx.changes)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        principal, (first, last) = self.principal, self.period()
        include_exercise = self.exercises.isChecked()
        service = self.activity_service
        self.tasks.run_db(
            lambda: service.brief(
                principal,
                service.national(principal, first, last, include_exercise=include_exercise),
            ),
            self._set_data,
            self._failed,
            owner=self,
        )

    def _set_data(self, briefing: Briefing) -> None:
        activity = self.activity = briefing.activity
        self.phones = dict(briefing.phones)
        self.as_of = briefing.at
        self.message.setText("")
        self.model.set_rows(overview_rows(activity, self.phones))
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.chart.set_activity(activity, self.selected)
        self.canvas.set_scene(self.scene())
        self._update_summary()
        self.data_shown.emit()

    def _set_brigades(self, brigades: list[Any]) -> None:
        self.brigades = Counter(b.departement for b in brigades)
        self.canvas.set_scene(self.scene())

    def _show_areas(self, paths: dict[str, Any]) -> None:
        self.canvas.set_content(paths, self.scene())

    def scene(self) -> MapScene:
        first, last = self.period()
        return MapScene(
            national=True,
            period=period_of(first, last),
            activity=self.activity,
            phones=self.phones,
            brigades=self.brigades,
            as_of=self.as_of,
            phone_symbols=False,  # the table says it, the pointer too
        )

    def _update_summary(self) -> None:
        activity = self.activity
        if activity is None:
            return
        first, last = self.period()
        active = len(activity.departements)
        alerts = sum(1 for e in self.phones.values() if not e.retraction)
        retractions = len(self.phones) - alerts
        text = (
            f"<b>{alerts_phrase(activity.total).capitalize()}</b> {period_of(first, last).phrase}"
            f" dans {active} département(s). Sur les téléphones : alerte affichée dans {alerts}"
            " département(s)"
        )
        if retractions:
            text += f", message de retrait dans {retractions}"
        self.summary.setText(text + ".")

    # -- selection ---------------------------------------------------------------------------
    @Slot(str)
    def select(self, code: str) -> None:
        """One département in the chart, the table and on the map."""
        self.selected = code
        self.chart.set_selected(code)
        self.canvas.set_selected(code)
        row = self.model.row_of(code)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self.message.setText(
            f"{code} — {DEPARTEMENT_NAMES.get(code, '')} : en couleur sur le graphique."
        )

    def _on_row(self, index: QModelIndex) -> None:
        code = self.model.data(index, CodeRole)
        if code:
            self.select(str(code))

    # -- export ------------------------------------------------------------------------------
    def default_file_name(self) -> str:
        first, last = self.period()
        return f"alertes-par-departement-{first:%Y-%m-%d}-{last:%Y-%m-%d}.csv"

    def export_csv(self, path: Path) -> int:
        """The counts on screen (zeros included) and what the phones showed; lines written."""
        if self.activity is None:
            return 0
        with path.open("wb") as out:
            return write_overview_csv(
                self.activity, self.phones.values(), out, phones_at=self.as_of or utcnow()
            )

    def _export_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Exporter le tableau national",
            self.default_file_name(),
            "CSV pour tableur (*.csv)",
        )
        if not name:
            return
        try:
            count = self.export_csv(Path(name))
        except OSError as exc:
            self.message.setText(f"Impossible d'écrire {name} : {exc.strerror}.")
            return
        self.message.setText(f"{count} département(s) exporté(s) dans {name}.")

    def _failed(self, exc: BaseException) -> None:
        show_inline(exc, self.message.setText, self.ctx.errors.report)
