"""What a map shows, independent of where it is painted: activity, phones, brigades, words.

The view fills a :class:`MapScene` from the services; the canvas and the exports paint it; the
tooltip of a département is written here from the same data, so what the pointer says is what
the colours say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from PySide6.QtGui import QColor

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.domain.status import PHONES_NOTHING, excerpt
from stopcamb_desk.geo.projection import METROPOLE
from stopcamb_desk.services.activity import Activity
from stopcamb_desk.services.history_model import PhoneEntry, format_age
from stopcamb_desk.ui.map.classes import Classes


@dataclass(frozen=True, slots=True)
class Period:
    button: str  # « 7 jours »
    span: timedelta
    phrase: str  # « 7 derniers jours »


PERIODS: tuple[Period, ...] = (
    Period("24 h", timedelta(hours=24), "dernières 24 heures"),
    Period("7 jours", timedelta(days=7), "7 derniers jours"),
    Period("30 jours", timedelta(days=30), "30 derniers jours"),
)
DEFAULT_PERIOD = PERIODS[1]
SOURCE = "Source : Stop Cambriolages, alertes acceptées par FCM, retraits non comptés"
BASEMAP = "fond : Natural Earth"


@dataclass(frozen=True, slots=True)
class Marker:
    """A brigade on the map (lon/lat), with what its tooltip says."""

    key: str
    lon: float
    lat: float
    title: str
    phone: str
    departement: str = ""

    @property
    def tooltip(self) -> str:
        return f"{self.title}\nTél. {self.phone}" if self.phone else self.title


def alerts_phrase(count: int) -> str:
    if count == 0:
        return "aucune alerte envoyée"
    return "1 alerte envoyée" if count == 1 else f"{count} alertes envoyées"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class MapScene:
    """Everything a map sheet says. ``visible`` is None when the operator sees every
    département's activity (OPP, administrators), else the codes they may see."""

    national: bool = False
    area: str = METROPOLE
    focus: tuple[str, ...] = ()
    visible: frozenset[str] | None = None
    own: frozenset[str] = frozenset()  # where the operator sends alerts (click-to-target)
    period: Period = DEFAULT_PERIOD
    activity: Activity | None = None
    phones: Mapping[str, PhoneEntry] = field(default_factory=dict)
    brigades: Mapping[str, int] = field(default_factory=dict)
    markers: tuple[Marker, ...] = ()
    as_of: datetime | None = None
    # Handset symbols on the map; off where a table next to it already says what phones show.
    phone_symbols: bool = True

    @cached_property
    def classes(self) -> Classes:
        if self.activity is None:
            return Classes()
        return Classes.of(d.alerts for d in self.activity.departements.values())

    # -- per département --------------------------------------------------------------------
    def knows(self, code: str) -> bool:
        """True when the operator may see this département's alerts."""
        return self.visible is None or code in self.visible

    def alerts(self, code: str) -> int:
        return self.activity.alerts(code) if self.activity is not None else 0

    def fill(self, code: str) -> QColor | None:
        """The choropleth colour, or None outside the operator's départements."""
        if not self.knows(code):
            return None
        return self.classes.fill(self.alerts(code))

    def phone(self, code: str) -> PhoneEntry | None:
        return self.phones.get(code) if self.knows(code) else None

    def shows_retraction(self, code: str) -> bool:
        """The phones of ``code`` show the message of retrait (hatched, not « alerte »)."""
        entry = self.phone(code)
        return entry is not None and entry.retraction

    def phone_symbol(self, code: str) -> PhoneEntry | None:
        """What the symbol by the label shows, if the map draws them."""
        return self.phone(code) if self.phone_symbols else None

    @property
    def include_exercise(self) -> bool:
        return self.activity is not None and self.activity.include_exercise

    def tooltip(self, code: str) -> str:
        """Code, name, alerts in the period, what the phones show, brigades."""
        lines = [f"{code} — {DEPARTEMENT_NAMES.get(code, '')}"]
        if not self.knows(code):
            lines.append("Hors de vos départements : activité non communiquée")
        else:
            row = self.activity.row(code) if self.activity is not None else None
            count = row.alerts if row is not None else 0
            text = f"{alerts_phrase(count).capitalize()} ({self.period.phrase})"
            if row is not None and row.withdrawn:
                text += f", dont {row.withdrawn} retirée" + ("s" if row.withdrawn > 1 else "")
            lines.append(text)
            entry = self.phones.get(code)
            if entry is None:
                lines.append(f"Sur les téléphones : {_lower_first(PHONES_NOTHING)}")
            else:
                lines.append(
                    f"Sur les téléphones : {_lower_first(entry.label)} depuis "
                    f"{format_age(entry.age)}"
                )
                lines.append(f"« {excerpt(entry.alert.text, 70)} »")
        brigades = self.brigades.get(code, 0)
        lines.append(
            "Brigades : aucune dans l'annuaire"
            if brigades == 0
            else f"Brigades : {brigades} dans l'annuaire"
        )
        if code in self.own:
            lines.append("Clic : cible de l'alerte à rédiger")
        return "\n".join(lines)

    # -- words of the sheet -----------------------------------------------------------------
    def title(self) -> str:
        return f"Alertes envoyées par département — {self.period.phrase}"

    def subtitle(self) -> str:
        if self.national:
            where = "France entière (métropole et outre-mer)"
        else:
            where = ", ".join(f"{DEPARTEMENT_NAMES.get(c, c)} ({c})" for c in self.focus)
        parts = [where, "exercices compris" if self.include_exercise else "exercices exclus"]
        if self.activity is not None:
            counted = [c for c in self.activity.departements if self.knows(c)]
            total = sum(self.alerts(c) for c in counted)
            parts.append(alerts_phrase(total))
        return " · ".join(parts)

    def footer(self) -> str:
        when = self.as_of.astimezone().strftime("%d/%m/%Y à %H:%M") if self.as_of else "—"
        return f"{SOURCE} · {BASEMAP} · données du {when}"
