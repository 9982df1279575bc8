"""« Carte »: the operator's département(s), what the phones show, brigades, commune search.

Every piece of data is fetched off the GUI thread: outlines are traced on the network pool
(CPU work that must not queue behind database jobs), brigades and « Sur les téléphones » on the
database worker. The canvas only paints what it is handed.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.geo.model import Commune
from stopcamb_desk.geo.projection import METROPOLE, area_of
from stopcamb_desk.services.brigades import BrigadeHit, BrigadeService
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.history_model import PhoneEntry, format_age
from stopcamb_desk.ui.errors import expected_message
from stopcamb_desk.ui.map.canvas import ALERT_FILL, QUIET_FILL, ZOOM_STEP, MapCanvas, Marker
from stopcamb_desk.ui.map.legend import Legend
from stopcamb_desk.ui.map.paths import AreaPaths, area_paths
from stopcamb_desk.ui.theme import NAVY

NO_BRIGADES = (
    "L'annuaire ne contient aucune brigade localisée : un administrateur doit importer le "
    "fichier des unités de gendarmerie (vue « Brigades »)."
)
PICK_HINT = (
    "Cliquez sur la carte (ou appuyez sur Entrée : centre de la carte) pour trouver la brigade "
    "la plus proche de ce point."
)


def focus_choices(principal: Principal) -> list[tuple[str, tuple[str, ...]]]:
    """What the « Zone » selector offers: (label, département codes), default first."""
    from stopcamb_desk.geo.departements import departements

    deps = [d for d in departements() if d.has_outline]
    name = {d.code: d.nom for d in deps}
    if principal.role is Role.CHEF_DE_QUART and principal.departements:
        own = [c for c in principal.departements if c in name]
        choices: list[tuple[str, tuple[str, ...]]] = []
        first_area = [c for c in own if area_of(c) == area_of(own[0])] if own else []
        if len(first_area) > 1:
            choices.append((f"Mes départements ({', '.join(first_area)})", tuple(first_area)))
        choices += [(f"{c} — {name[c]}", (c,)) for c in own]
        if choices:
            return choices
    metro = tuple(d.code for d in deps if area_of(d.code) == METROPOLE)
    choices = [("France métropolitaine", metro)]
    choices += [(f"{d.code} — {d.nom} (outre-mer)", (d.code,)) for d in deps if d.code >= "97"]
    choices += [(f"{d.code} — {d.nom}", (d.code,)) for d in deps if d.code < "97"]
    return choices


def find_communes(query: str, focus: tuple[str, ...]) -> list[Commune]:
    """Communes named like ``query``: those of the shown département(s) first."""
    from stopcamb_desk.geo.communes import search_communes

    located = [c for c in search_communes(query, 8, departements=focus) if c.has_coordinates]
    return located or [c for c in search_communes(query, 8) if c.has_coordinates]


def since_phrase(age: timedelta) -> str:
    """« depuis 2 h 05 », « depuis moins d'une minute »."""
    if age < timedelta(minutes=1):
        return "depuis moins d'une minute"
    return f"depuis {format_age(age)}"


def distance_text(hit: BrigadeHit) -> str:
    if hit.distance_km is None:
        return hit.reason
    return f"à {hit.distance_km:.1f} km à vol d'oiseau".replace(".", ",")


def commune_label(c: Commune) -> str:
    return c.label


class MapView(QWidget):
    """The shell's « Carte » view: ``MapView(ctx, parent)`` (see ui/views)."""

    area_ready = Signal(str)
    nearest_shown = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapView")
        self.ctx = ctx
        self.principal: Principal = ctx.principal
        self.tasks = ctx.tasks
        self.brigade_service = BrigadeService(ctx.services.db)
        self.history = HistoryService(ctx.services.db)
        self.phones: dict[str, PhoneEntry] = {}
        self.brigades: list[Any] = []
        self.nearest: list[BrigadeHit] = []
        self.found: list[Commune] = []
        self._pending_mark: Commune | None = None
        self._build()
        self.zone.currentIndexChanged.connect(self._on_zone)
        self._on_zone()
        self.refresh()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel("Carte")
        title.setObjectName("viewTitle")
        self.zone = QComboBox()
        self.zone.setAccessibleName("Zone affichée")
        for label, codes in focus_choices(self.principal):
            self.zone.addItem(label, ",".join(codes))  # a str: QVariant keeps it comparable
        self.zone.setVisible(self.zone.count() > 1)
        self.search = QLineEdit()
        self.search.setObjectName("communeSearch")
        self.search.setPlaceholderText("Rechercher une commune (ex. : Meythet)…")
        self.search.setAccessibleName("Rechercher une commune")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.search_commune)
        find = QPushButton("&Placer sur la carte")
        find.clicked.connect(self.search_commune)
        self.canvas = MapCanvas()
        self.canvas.picked.connect(self.find_nearest)
        zoom_in, zoom_out, fit = QToolButton(), QToolButton(), QToolButton()
        for button, text, tip, slot in (
            (zoom_in, "+", "Zoomer (touche +)", lambda: self.canvas.zoom_by(ZOOM_STEP)),
            (zoom_out, "−", "Dézoomer (touche -)", lambda: self.canvas.zoom_by(1 / ZOOM_STEP)),
            (fit, "Recadrer", "Revoir le(s) département(s) en entier (touche 0)", self.canvas.fit),
        ):
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.clicked.connect(slot)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(self.zone)
        top.addWidget(self.search, 1)
        top.addWidget(find)
        top.addSpacing(12)
        for button in (zoom_out, zoom_in, fit):
            top.addWidget(button)

        self.status = QLabel()
        self.status.setObjectName("mapPhoneStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.legend = Legend()
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
        side_layout.addWidget(self.legend)
        side_layout.addSpacing(8)
        side_layout.addWidget(nearest_title)
        side_layout.addWidget(self.nearest_label, 1)
        side.setMinimumWidth(320)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.canvas)
        split.addWidget(side)
        split.setStretchFactor(0, 1)
        split.setSizes([800, 340])

        self.message = QLabel("")
        self.message.setObjectName("mapMessage")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

    # -- data --------------------------------------------------------------------------------
    def focus(self) -> tuple[str, ...]:
        codes = self.zone.currentData()
        return tuple(codes.split(",")) if codes else ()

    @Slot()
    def _on_zone(self) -> None:
        focus = self.focus()
        if not focus:
            return
        key = area_of(focus[0])
        self.tasks.run_net(
            lambda: area_paths(key),
            lambda paths: self._show_area(paths, focus),
            self._failed,
            owner=self,
        )

    def _show_area(self, paths: AreaPaths, focus: tuple[str, ...]) -> None:
        if focus != self.focus():
            return  # the operator already chose another zone
        self.canvas.set_area(paths, focus)
        self._update_markers()
        self._update_phones()
        if self._pending_mark is not None and area_of(self._pending_mark.departement) == paths.key:
            self._mark(self._pending_mark)
        self._pending_mark = None
        self.area_ready.emit(paths.key)

    def activated(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Reload the brigades and what the phones display (database worker)."""
        principal = self.principal
        self.tasks.run_db(
            self.brigade_service.brigades, self._set_brigades, self._failed, owner=self
        )
        self.tasks.run_db(
            lambda: self.history.on_phones(principal, include_exercise=False),
            self._set_phones,
            self._failed,
            owner=self,
        )

    def _set_brigades(self, brigades: list[Any]) -> None:
        self.brigades = list(brigades)
        self._update_markers()

    def _update_markers(self) -> None:
        paths = self.canvas.paths
        if paths is None:
            return
        self.canvas.set_markers(
            [
                Marker(b.id, b.lon, b.lat, b.service, b.telephone)
                for b in self.brigades
                if b.lat is not None and b.lon is not None and area_of(b.departement) == paths.key
            ]
        )

    def _set_phones(self, entries: list[PhoneEntry]) -> None:
        self.phones = {e.departement: e for e in entries if e.departement and not e.exercise}
        self._update_phones()

    def _update_phones(self) -> None:
        focus = self.focus()
        shown = [code for code in focus if code in self.phones]
        self.canvas.set_alerts(set(shown))
        since = since_phrase(self.phones[shown[0]].age) if len(shown) == 1 else None
        self.legend.update_alerts(len(shown), since)
        fill = ALERT_FILL if shown else QUIET_FILL
        self.status.setStyleSheet(
            f"QLabel#mapPhoneStatus {{ background: {fill.name()}; border: 2px solid {NAVY};"
            " border-radius: 4px; padding: 6px; }"
        )
        if len(focus) > 3:
            self.status.setText(
                f"<b>{len(shown)} département(s)</b> ont une alerte affichée sur les téléphones."
                if shown
                else "<b>Aucune alerte affichée</b> sur les téléphones en ce moment."
            )
            return
        names = self.canvas.paths.names if self.canvas.paths else {}
        lines = []
        for code in focus:
            where = f"{code} — {escape(names.get(code, ''))}".rstrip(" —")
            entry = self.phones.get(code)
            if entry is None:
                lines.append(f"<b>{where}</b> : aucune alerte affichée sur les téléphones.")
            else:
                text = entry.alert.text
                excerpt = text if len(text) <= 90 else text[:89] + "…"
                lines.append(
                    f"<b>{where} : alerte affichée sur les téléphones "
                    f"{escape(since_phrase(entry.age))}</b><br>« {escape(excerpt)} »"
                )
        self.status.setText("<br>".join(lines))

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
        paths = self.canvas.paths
        if paths is not None and area_of(commune.departement) != paths.key:
            index = self.zone.findData(commune.departement)
            if index < 0:
                self.message.setText(
                    f"{commune_label(commune)} est hors de la zone que vous pouvez afficher."
                )
                return
            self._pending_mark = commune
            self.zone.setCurrentIndex(index)  # the mark is placed once the area is ready
            return
        self._mark(commune)

    def _mark(self, commune: Commune) -> None:
        assert commune.lon is not None and commune.lat is not None
        self.canvas.set_mark(commune.lon, commune.lat, commune.nom)
        others = [commune_label(c) for c in self.found[1:4] if c.nom == commune.nom]
        text = f"{commune_label(commune)} : marquée sur la carte."
        if others:
            text += " Homonymes : " + " ; ".join(others) + "."
        self.message.setText(text)

    # -- nearest brigade ---------------------------------------------------------------------
    @Slot(float, float)
    def find_nearest(self, lon: float, lat: float) -> None:
        self.nearest_label.setHtml("Recherche de la brigade la plus proche…")
        service = self.brigade_service

        def work() -> tuple[str, list[BrigadeHit]]:
            from stopcamb_desk.geo.departements import departement_at

            dep = departement_at(lon, lat)
            where = f"{dep.code} — {dep.nom}" if dep else "hors des départements français"
            return where, service.nearest(lat, lon, 3)

        self.tasks.run_db(
            work, lambda r: self._show_nearest(lat, lon, *r), self._failed, owner=self
        )

    def _show_nearest(self, lat: float, lon: float, where: str, hits: list[BrigadeHit]) -> None:
        self.nearest = list(hits)
        self.canvas.nearest_key = hits[0].brigade.id if hits else None
        self.canvas.update()
        coords = f"lat. {lat:.4f} — long. {lon:.4f}".replace(".", ",").replace("lat,", "lat.")
        position = f"Point choisi : {coords.replace('long,', 'long.')} ({escape(where)})"
        if not hits:
            self.nearest_label.setHtml(f"{position}<br><br>{NO_BRIGADES}")
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
        message = expected_message(exc)
        if message is not None:
            self.message.setText(message)
        else:
            self.ctx.errors.report(exc)
