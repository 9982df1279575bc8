"""« Carte »: a briefing map of alert activity, what the phones show, brigades, commune search.

Every piece of data is fetched off the GUI thread: outlines are traced on the network pool (CPU
work that must not queue behind database jobs), activity, « Sur les téléphones » and brigades
on the database worker. The map follows the change bus: another desk's alert recolours it.
A click on one of the operator's départements makes it the composer's target.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.domain.roles import Permission, PermissionDenied, Principal, Role
from stopcamb_desk.domain.status import PHONES_NOTHING
from stopcamb_desk.geo.communes import search_communes
from stopcamb_desk.geo.departements import departement_at
from stopcamb_desk.geo.model import Commune
from stopcamb_desk.geo.projection import METROPOLE, area_of
from stopcamb_desk.models import utcnow
from stopcamb_desk.services.activity import Activity, ActivityService, Briefing
from stopcamb_desk.services.brigades import CHECK_MAP_POINT, BrigadeHit, BrigadeService
from stopcamb_desk.services.composer import target_departement
from stopcamb_desk.services.history_model import PhoneEntry, format_age
from stopcamb_desk.ui.changes import LiveReload
from stopcamb_desk.ui.errors import show_inline
from stopcamb_desk.ui.map.canvas import ZOOM_STEP, MapCanvas
from stopcamb_desk.ui.map.export import write_pdf, write_png
from stopcamb_desk.ui.map.paths import AreaPaths, all_area_paths
from stopcamb_desk.ui.map.scene import DEFAULT_PERIOD, PERIODS, MapScene, Marker, Period
from stopcamb_desk.ui.map.sheet import OVERSEAS
from stopcamb_desk.ui.theme import NAVY

if TYPE_CHECKING:
    from stopcamb_desk.services.container import Services

NATIONAL = "france"
NO_BRIGADES = (
    "L'annuaire ne contient aucune brigade localisée : un administrateur doit importer le "
    "fichier des unités de gendarmerie (vue « Brigades »)."
)
PICK_HINT = (
    "Survolez un département pour ses alertes. Cliquez sur la carte (ou appuyez sur Entrée : "
    "centre de la carte) pour trouver la brigade la plus proche de ce point."
)


def focus_choices(principal: Principal) -> list[tuple[str, str]]:
    """What the « Zone » selector offers: (label, data), default first. Data is ``"france"``
    (the national map with its insets) or département codes joined by commas."""
    names = DEPARTEMENT_NAMES
    if principal.role is Role.CHEF_DE_QUART and principal.departements:
        own = [c for c in principal.departements if c in names]
        choices: list[tuple[str, str]] = []
        first_area = [c for c in own if area_of(c) == area_of(own[0])] if own else []
        if len(first_area) > 1:
            choices.append((f"Mes départements ({', '.join(first_area)})", ",".join(first_area)))
        choices += [(f"{c} — {names[c]}", c) for c in own]
        if choices:
            return choices
    choices = [("France entière", NATIONAL)]
    choices += [(f"{c} — {n} (outre-mer)", c) for c, n in names.items() if c in OVERSEAS]
    choices += [(f"{c} — {n}", c) for c, n in names.items() if c not in OVERSEAS]
    return choices


def find_communes(query: str, focus: tuple[str, ...]) -> list[Commune]:
    """Communes named like ``query``: those of the shown département(s) first."""
    located = [c for c in search_communes(query, 8, departements=focus) if c.has_coordinates]
    return located or [c for c in search_communes(query, 8) if c.has_coordinates]


def load_areas(keys: tuple[str, ...]) -> dict[str, AreaPaths]:
    """Trace the areas (worker thread) and build the outlines' spatial index used to find the
    département under the pointer."""
    paths = all_area_paths(keys)
    departement_at(2.35, 48.85)  # first call builds the STRtree: here, not on the first hover
    return paths


def since_phrase(age: timedelta) -> str:
    """« depuis 2 h 05 », « depuis moins d'une minute »."""
    if age < timedelta(minutes=1):
        return "depuis moins d'une minute"
    return f"depuis {format_age(age)}"


def distance_text(hit: BrigadeHit) -> str:
    if hit.distance_km is None:
        return hit.reason
    return f"à {hit.distance_km:.1f} km à vol d'oiseau".replace(".", ",")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class MapView(QWidget):
    """The shell's « Carte » view: ``MapView(ctx, parent)`` (see ui/views)."""

    area_ready = Signal(str)
    data_shown = Signal()
    nearest_shown = Signal()
    target_chosen = Signal(str)  # a département of the operator's, for the composer

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapView")
        self.ctx = ctx
        self.principal: Principal = ctx.principal
        self.tasks = ctx.tasks
        self.brigade_service = BrigadeService(ctx.services.db)
        self.activity_service = ActivityService(ctx.services.db)
        self.period: Period = DEFAULT_PERIOD
        self.activity: Activity | None = None
        self.phones: dict[str, PhoneEntry] = {}
        self.brigades: list[Any] = []
        self.nearest: list[BrigadeHit] = []
        self.found: list[Commune] = []
        self.as_of: datetime | None = None
        self._pending_mark: Commune | None = None
        self.live = LiveReload(self, self.refresh)
        self._build()
        self.zone.currentIndexChanged.connect(self._on_zone)
        self._on_zone()
        self.refresh_brigades()
        self.refresh()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel("Carte")
        title.setObjectName("viewTitle")
        self.zone = QComboBox()
        self.zone.setAccessibleName("Zone affichée")
        for label, data in focus_choices(self.principal):
            self.zone.addItem(label, data)
        self.zone.setVisible(self.zone.count() > 1)
        self.period_buttons = QButtonGroup(self)
        periods = QHBoxLayout()
        periods.setSpacing(0)
        for index, period in enumerate(PERIODS):
            button = QToolButton()
            button.setText(period.button)
            button.setCheckable(True)
            button.setChecked(period == self.period)
            button.setToolTip(f"Alertes des {period.phrase}")
            button.setAccessibleName(f"Période : {period.phrase}")
            self.period_buttons.addButton(button, index)
            periods.addWidget(button)
        self.period_buttons.idClicked.connect(self._on_period)
        self.exercises = QCheckBox("Exercices")
        self.exercises.setToolTip("Compter aussi les alertes d'exercice")
        self.exercises.toggled.connect(lambda _on: self.refresh())
        self.export_button = QPushButton("Exporter…")
        menu = QMenu(self.export_button)
        menu.addAction("Image PNG…", lambda: self._export_dialog("png"))
        menu.addAction("Document PDF (A4 paysage)…", lambda: self._export_dialog("pdf"))
        self.export_button.setMenu(menu)
        self.canvas = MapCanvas()
        self.canvas.picked.connect(self.find_nearest)
        self.canvas.departement_clicked.connect(self.choose_target)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.zone)
        top.addLayout(periods)
        top.addWidget(self.exercises)
        top.addStretch(1)
        for text, tip, slot in (
            ("−", "Dézoomer (touche -)", lambda: self.canvas.zoom_by(1 / ZOOM_STEP)),
            ("+", "Zoomer (touche +)", lambda: self.canvas.zoom_by(ZOOM_STEP)),
            ("Recadrer", "Revoir la carte en entier (touche 0)", self.canvas.fit),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.clicked.connect(slot)
            top.addWidget(button)
        top.addWidget(self.export_button)

        self.status = QLabel()
        self.status.setObjectName("mapPhoneStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setStyleSheet(
            f"QLabel#mapPhoneStatus {{ background: #f4f6f9; border: 2px solid {NAVY};"
            " border-radius: 4px; padding: 6px; }"
        )
        self.search = QLineEdit()
        self.search.setObjectName("communeSearch")
        self.search.setPlaceholderText("Commune…")
        self.search.setToolTip("Placer une commune sur la carte, ex. : Meythet")
        self.search.setAccessibleName("Rechercher une commune")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.search_commune)
        find = QPushButton("&Placer")
        find.setToolTip("Placer la commune sur la carte")
        find.clicked.connect(self.search_commune)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(find)
        # What the last click or search did (target chosen or refused, commune found…).
        self.message = QLabel("")
        self.message.setObjectName("mapMessage")
        self.message.setWordWrap(True)
        nearest_title = QLabel("<b>Brigade la plus proche</b>")
        # A text browser scrolls by itself when the answer is long (opening hours, « Ensuite »).
        self.nearest_label = QTextBrowser()
        self.nearest_label.setObjectName("nearestBrigade")
        self.nearest_label.setAccessibleName("Brigade la plus proche")
        self.nearest_label.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.nearest_label.setStyleSheet("background: transparent;")
        self.nearest_label.setHtml(PICK_HINT)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        side_layout.addWidget(self.status)
        side_layout.addSpacing(6)
        side_layout.addLayout(search_row)
        side_layout.addWidget(self.message)
        side_layout.addSpacing(6)
        side_layout.addWidget(nearest_title)
        side_layout.addWidget(self.nearest_label, 1)
        side.setMinimumWidth(250)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.canvas)
        split.addWidget(side)
        split.setStretchFactor(0, 1)
        split.setSizes([860, 270])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    # -- zone and scene ----------------------------------------------------------------------
    def zone_data(self) -> str:
        return str(self.zone.currentData() or NATIONAL)

    @property
    def national(self) -> bool:
        return self.zone_data() == NATIONAL

    def focus(self) -> tuple[str, ...]:
        return () if self.national else tuple(self.zone_data().split(","))

    def _area_keys(self) -> tuple[str, ...]:
        if self.national:
            return (METROPOLE, *OVERSEAS)
        area = area_of(self.focus()[0])
        return (METROPOLE,) if area == METROPOLE else (area,)

    def scene(self) -> MapScene:
        """What the map says now, from the data last loaded."""
        principal = self.principal
        focus = self.focus()
        area = METROPOLE if self.national else area_of(focus[0])
        counts = Counter(b.departement for b in self.brigades)
        markers = tuple(
            Marker(b.id, b.lon, b.lat, b.service, b.telephone, b.departement)
            for b in self.brigades
            if b.lat is not None and b.lon is not None
        )
        return MapScene(
            national=self.national,
            area=area,
            focus=focus,
            visible=None
            if principal.can(Permission.VIEW_ALL_HISTORY)
            else frozenset(principal.departements),
            own=frozenset(principal.departements)
            if principal.can(Permission.SEND_OPERATIONAL)
            else frozenset(),
            period=self.period,
            activity=self.activity,
            phones=self.phones,
            brigades=counts,
            markers=markers,
            as_of=self.as_of,
        )

    @Slot()
    def _on_zone(self) -> None:
        zone, keys = self.zone_data(), self._area_keys()
        self.tasks.run_net(
            lambda: load_areas(keys),
            lambda paths: self._show_area(paths, zone),
            self._failed,
            owner=self,
        )

    def _show_area(self, paths: dict[str, AreaPaths], zone: str) -> None:
        if zone != self.zone_data():
            return  # the operator already chose another zone
        scene = self.scene()
        self.canvas.set_content(paths, scene)
        self._update_status()
        mark = self._pending_mark
        self._pending_mark = None
        if mark is not None and area_of(mark.departement) == scene.area:
            self._mark(mark)
        self.area_ready.emit(scene.area)

    def _redraw(self) -> None:
        self.canvas.set_scene(self.scene())
        self._update_status()

    @Slot(int)
    def _on_period(self, index: int) -> None:
        self.period = PERIODS[index]
        self.refresh()

    # -- data --------------------------------------------------------------------------------
    def activated(self) -> None:
        """Shown by the shell: subscribe to the change bus once, and reload."""
        self.live.follow(self.ctx.changes)
        self.refresh_brigades()
        self.refresh()

    def refresh_brigades(self) -> None:
        self.tasks.run_db(
            self.brigade_service.brigades, self._set_brigades, self._failed, owner=self
        )

    @Slot()
    def refresh(self) -> None:
        """Reload the activity of the period and what the phones display (database worker)."""
        principal, span, service = self.principal, self.period.span, self.activity_service
        include_exercise = self.exercises.isChecked()
        self.tasks.run_db(
            lambda: service.brief(
                principal, service.recent(principal, span, include_exercise=include_exercise)
            ),
            self._set_data,
            self._failed,
            owner=self,
        )

    def _set_data(self, briefing: Briefing) -> None:
        self.activity = briefing.activity
        self.phones = dict(briefing.phones)
        self.as_of = briefing.at
        self._redraw()
        self.data_shown.emit()

    def _set_brigades(self, brigades: list[Any]) -> None:
        self.brigades = list(brigades)
        if not self.brigades:
            self.nearest_label.setHtml(f"{PICK_HINT}<br><br>{NO_BRIGADES}")
        self._redraw()

    def _update_status(self) -> None:
        focus = self.focus()
        if self.national or len(focus) > 3:
            alerts = sum(1 for e in self.phones.values() if not e.retraction)
            retractions = len(self.phones) - alerts
            if not self.phones:
                self.status.setText(f"<b>{PHONES_NOTHING}</b> sur les téléphones en ce moment.")
                return
            text = f"<b>Sur les téléphones</b> : alerte affichée dans {alerts} département(s)"
            if retractions:
                text += f", message de retrait dans {retractions}"
            self.status.setText(text + ".")
            return
        lines = []
        for code in focus:
            where = f"{code} — {escape(DEPARTEMENT_NAMES.get(code, ''))}".rstrip(" —")
            entry = self.phones.get(code)
            if entry is None:
                lines.append(f"<b>{where}</b> : {_lower_first(PHONES_NOTHING)} sur les téléphones.")
                continue
            text = entry.alert.text
            excerpt = text if len(text) <= 90 else text[:89] + "…"
            lines.append(
                f"<b>{where} : {_lower_first(entry.label)} sur les téléphones "
                f"{escape(since_phrase(entry.age))}</b><br>« {escape(excerpt)} »"
            )
        self.status.setText("<br>".join(lines))

    # -- click-to-target ---------------------------------------------------------------------
    @Slot(str)
    def choose_target(self, code: str) -> None:
        """A click on a département: the composer's target if it is the operator's."""
        try:
            choice = target_departement(self.principal, code)
        except PermissionDenied as exc:
            self.message.setText(f"Cible de l'alerte non modifiée : {_lower_first(exc.message)}")
            return
        self.canvas.set_selected(code)
        self.target_chosen.emit(choice.code)
        self.message.setText(
            f"Cible de l'alerte : {choice.label}. Ouvrez « Rédiger une alerte » (Ctrl+1) "
            "pour l'écrire."
        )

    # -- export ------------------------------------------------------------------------------
    def default_file_name(self, extension: str) -> str:
        where = "france" if self.national else "-".join(self.focus())
        days = self.period.button.replace(" ", "-")
        return f"carte-alertes-{where}-{days}-{utcnow().astimezone():%Y-%m-%d}.{extension}"

    def export_png(self, path: Path) -> Path:
        return write_png(self.canvas, path)

    def export_pdf(self, path: Path) -> Path:
        return write_pdf(self.canvas, path, self.canvas.scene.title())

    def _export_dialog(self, kind: str) -> None:
        filters = {"png": "Image PNG (*.png)", "pdf": "Document PDF (*.pdf)"}
        name, _ = QFileDialog.getSaveFileName(
            self, "Exporter la carte", self.default_file_name(kind), filters[kind]
        )
        if not name:
            return
        path = Path(name)
        try:
            written = self.export_png(path) if kind == "png" else self.export_pdf(path)
        except Exception as exc:
            self._failed(exc)
            return
        self.message.setText(f"Carte enregistrée : {written}")

    # -- commune search ----------------------------------------------------------------------
    @Slot()
    def search_commune(self) -> None:
        query = self.search.text().strip()
        if not query:
            self.message.setText("Tapez le nom d'une commune, puis Entrée.")
            return
        focus = self.focus()
        self.tasks.run_net(
            lambda: find_communes(query, focus),
            lambda hits: self._show_communes(query, hits),
            self._failed,
            owner=self,
        )

    def _show_communes(self, query: str, hits: list[Commune]) -> None:
        self.found = list(hits)
        if not hits:
            self.message.setText(
                f"Aucune commune localisée ne correspond à « {query} ». Vérifiez l'orthographe "
                "(les accents et les tirets ne comptent pas) ou tapez le code postal."
            )
            return
        commune = hits[0]
        if area_of(commune.departement) != self.canvas.scene.area:
            index = self.zone.findData(commune.departement)
            if index < 0:
                self.message.setText(
                    f"{commune.label} est hors de la zone que vous pouvez afficher."
                )
                return
            self._pending_mark = commune
            self.zone.setCurrentIndex(index)  # the mark is placed once the area is ready
            return
        self._mark(commune)

    def _mark(self, commune: Commune) -> None:
        assert commune.lon is not None and commune.lat is not None
        self.canvas.set_mark(commune.lon, commune.lat, commune.nom)
        others = [c.label for c in self.found[1:4] if c.nom == commune.nom]
        text = f"{commune.label} : marquée sur la carte."
        if others:
            text += " Homonymes : " + " ; ".join(others) + "."
        self.message.setText(text)

    # -- nearest brigade ---------------------------------------------------------------------
    @Slot(float, float)
    def find_nearest(self, lon: float, lat: float) -> None:
        self.nearest_label.setHtml("Recherche de la brigade la plus proche…")
        service = self.brigade_service

        # The finder of « Trouver la brigade »: no brigade beyond its radius, and the same
        # French reason when there is none.
        self.tasks.run_db(
            lambda: service.find_for_position(lat, lon, 3, check=CHECK_MAP_POINT),
            lambda r: self._show_nearest(*r),
            self._failed,
            owner=self,
        )

    def _show_nearest(self, where: str, hits: list[BrigadeHit]) -> None:
        self.nearest = list(hits)
        self.canvas.set_nearest(hits[0].brigade.id if hits else None)
        position = f"Point choisi : {escape(_lower_first(where))}"
        if not hits:  # ``where`` says why (nothing within the radius, directory empty…)
            self.nearest_label.setHtml(position)
        else:
            first, others = hits[0], hits[1:]
            b = first.brigade
            html = [
                position,
                f"<p style='font-size:14pt'><b>{escape(b.service)}</b><br>"
                f"Tél. <b>{escape(b.telephone or 'non renseigné')}</b><br>"
                f"{escape(distance_text(first))}</p>",
                f"{escape(b.adresse)}<br>{escape(b.code_postal)} {escape(b.commune)}",
            ]
            if b.horaires:
                html.append("<br><i>Accueil :</i><br>" + escape(b.horaires).replace("\n", "<br>"))
            if others:
                html.append("<p><i>Ensuite :</i><br>" + "<br>".join(
                    f"{escape(h.brigade.service)} — {escape(h.brigade.telephone)} "
                    f"({escape(distance_text(h))})" for h in others
                ) + "</p>")  # fmt: skip
            self.nearest_label.setHtml("<br>".join(html))
        self.nearest_shown.emit()

    def _failed(self, exc: BaseException) -> None:
        show_inline(exc, self.message.setText, self.ctx.errors.report)


def prepare(services: Services) -> None:
    """Trace France and the overseas départements once, on a worker thread, while the operator
    logs in (the national map needs them all; a chef de quart's needs metropolitan France)."""
    load_areas((METROPOLE, *OVERSEAS))
