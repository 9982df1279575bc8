"""Opening hours of a brigade: parsing, checking, and « ouverte maintenant ».

The data.gouv.fr directory writes one line per day, « Lundi : 8h00-12h00 14h00-18h00 », and a
« Jours fériés » line for public holidays (the CSV joins the lines with ``$``). A day without a
line is closed. Times are local to the unit's département: Europe/Paris in metropolitan France
and Corsica, each overseas département its own zone (Guadeloupe, Martinique, Guyane, La Réunion,
Mayotte). Public holidays come from the ``holidays`` package, with the extra days of
Alsace-Moselle and of each overseas département (abolition of slavery…).

Pure Python: the caller passes the time; nothing here reads a clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.lazy import holidays

WEEKDAYS: tuple[str, ...] = (
    "Lundi",
    "Mardi",
    "Mercredi",
    "Jeudi",
    "Vendredi",
    "Samedi",
    "Dimanche",
)
HOLIDAY = "Jours Fériés"  # as written by the data.gouv.fr file
DAYS: tuple[str, ...] = (*WEEKDAYS, HOLIDAY)
# Keys of the app's JSON (see docs/brigades.md).
DAY_KEYS: dict[str, str] = {
    **{
        d: unicodedata.normalize("NFKD", d.lower()).encode("ascii", "ignore").decode()
        for d in WEEKDAYS
    },
    HOLIDAY: "jours_feries",
}

TIME_ZONES: dict[str, str] = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "976": "Indian/Mayotte",
}
METROPOLE_TIME_ZONE = "Europe/Paris"
# Subdivisions of the ``holidays`` package with extra public holidays.
_HOLIDAY_ZONES: dict[str, str] = {"57": "57", "67": "6AE", "68": "6AE"} | {
    code: code for code in TIME_ZONES
}

_LINE = re.compile(r"^\s*([^:]+?)\s*:\s*(.*?)\s*$")
_RANGE = re.compile(r"^(\d{1,2})h(\d{2})?-(\d{1,2})h(\d{2})?$")
_DASH = re.compile(r"\s*[-–—]\s*")  # « 8h00 - 12h00 », « 8h00–12h00 » → « 8h00-12h00 »

Interval = tuple[int, int]  # minutes since midnight, start < end (end may be 24h00)


class HoursError(DeskError):
    """The hours text cannot be read; ``message`` says which line and why, in French."""


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).split())


_DAY_BY_KEY: dict[str, str] = {_fold(d): d for d in DAYS} | {"jour ferie": HOLIDAY}
# « Lundi au vendredi », « lundi-vendredi », « du lundi au samedi »
_DAY_SPAN = re.compile(
    r"^(du )?("
    + "|".join(_fold(d) for d in WEEKDAYS)
    + r")( au |\s*-\s*)("
    + "|".join(_fold(d) for d in WEEKDAYS)
    + r")$"
)


def minutes_text(minutes: int) -> str:
    """``480`` → « 8h00 »."""
    return f"{minutes // 60}h{minutes % 60:02d}"


def _time(hours: str, minutes: str | None) -> int | None:
    h, m = int(hours), int(minutes or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        return None
    return h * 60 + m


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Opening intervals per day (``DAYS``), sorted, non-overlapping."""

    days: dict[str, tuple[Interval, ...]]

    @property
    def empty(self) -> bool:
        return not any(self.days.values())

    def on(self, day: str) -> tuple[Interval, ...]:
        return self.days.get(day, ())

    def text(self) -> str:
        """Canonical text, one line per day in week order (what is stored and exported)."""
        return "\n".join(
            f"{day} : " + " ".join(f"{minutes_text(a)}-{minutes_text(b)}" for a, b in spans)
            for day in DAYS
            if (spans := self.days.get(day))
        )

    def as_json(self) -> dict[str, list[list[str]]]:
        """``{"lundi": [["08:00", "12:00"], …], "jours_feries": …}`` for the app."""
        return {
            DAY_KEYS[day]: [
                [f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}"] for a, b in spans
            ]
            for day in DAYS
            if (spans := self.days.get(day))
        }


def parse_hours(text: str) -> WeeklyHours:
    """Read the hours text (one day per line, or ``$``-separated as in the CSV).

    Raises :class:`HoursError` for an unknown day, a day given twice, an unreadable time
    range, a range that ends before it starts, or two overlapping ranges.
    """
    days: dict[str, tuple[Interval, ...]] = {}
    for raw in re.split(r"[\n$]", text):
        if not raw.strip():
            continue
        match = _LINE.match(raw)
        if match is None:
            raise HoursError(
                f"Horaires : « {raw.strip()} » illisible ; attendu « Lundi : 8h00-12h00 "
                "14h00-18h00 »."
            )
        name, ranges = match.groups()
        day = _DAY_BY_KEY.get(_fold(name))
        if day is None and _DAY_SPAN.match(_fold(name)):
            raise HoursError(
                f"Horaires : « {name} » regroupe plusieurs jours ; écrivez une ligne par jour, "
                f"ex. « Lundi : {ranges} », « Mardi : {ranges} »…"
            )
        if day is None:
            raise HoursError(
                f"Horaires : jour « {name} » inconnu ; jours possibles : {', '.join(DAYS)}."
            )
        if day in days:
            raise HoursError(f"Horaires : {day} est donné deux fois.")
        spans: list[Interval] = []
        for token in _DASH.sub("-", ranges).split():
            found = _RANGE.match(token.lower().replace(" ", ""))
            start = _time(found[1], found[2]) if found else None
            end = _time(found[3], found[4]) if found else None
            if start is None or end is None:
                raise HoursError(
                    f"Horaires du {day.lower()} : « {token} » illisible ; attendu par "
                    "exemple « 8h00-12h00 »."
                )
            if start >= end:
                raise HoursError(
                    f"Horaires du {day.lower()} : « {token} » finit avant de commencer."
                )
            spans.append((start, end))
        if not spans:
            raise HoursError(f"Horaires du {day.lower()} : aucune plage horaire.")
        spans.sort()
        for (a1, b1), (a2, b2) in pairwise(spans):
            if a2 < b1:
                raise HoursError(
                    f"Horaires du {day.lower()} : {minutes_text(a1)}-{minutes_text(b1)} et "
                    f"{minutes_text(a2)}-{minutes_text(b2)} se chevauchent."
                )
        days[day] = tuple(spans)
    return WeeklyHours(days)


def time_zone(departement: str) -> ZoneInfo:
    return ZoneInfo(TIME_ZONES.get(departement, METROPOLE_TIME_ZONE))


def holiday_zone(departement: str) -> str | None:
    """Subdivision of the ``holidays`` package for this département (None: national list)."""
    return _HOLIDAY_ZONES.get(departement)


@cache
def _holidays(zone: str | None, year: int) -> dict[date, str]:
    calendar = holidays.country_holidays("FR", subdiv=zone, years=year, language="fr")
    return dict(calendar.items())


def public_holiday(departement: str, day: date) -> str | None:
    """Name of the public holiday on ``day`` in this département, or None."""
    return _holidays(holiday_zone(departement), day.year).get(day)


def public_holidays(departement: str, years: Iterable[int]) -> dict[date, str]:
    out: dict[date, str] = {}
    for year in years:
        out.update(_holidays(holiday_zone(departement), year))
    return out


@dataclass(frozen=True, slots=True)
class OpeningStatus:
    open: bool | None  # None: hours unknown
    text: str  # « ouverte jusqu'à 18h00 », « fermée, ouvre demain à 8h00 »…


UNKNOWN = OpeningStatus(None, "horaires non renseignés")


def _spans_on(hours: WeeklyHours, departement: str, day: date) -> tuple[tuple[Interval, ...], bool]:
    """(intervals of that day, is a public holiday)."""
    if public_holiday(departement, day) is not None:
        return hours.on(HOLIDAY), True
    return hours.on(WEEKDAYS[day.weekday()]), False


def _day_word(today: date, day: date) -> str:
    ahead = (day - today).days
    return "demain" if ahead == 1 else WEEKDAYS[day.weekday()].lower()


def _open_until(hours: WeeklyHours, departement: str, today: date, end: int) -> str:
    """« ouverte jusqu'à 18h00 »; a range ending at midnight goes on into the next day when
    that day opens at 0h00 (« ouverte jusqu'à demain 2h00 », « ouverte 24h/24 »)."""
    day = today
    while end == 24 * 60:
        following = day + timedelta(days=1)
        spans, _ = _spans_on(hours, departement, following)
        if not spans or spans[0][0] != 0:
            break
        if (following - today).days > 7:
            return "ouverte 24h/24"
        day, end = following, spans[0][1]
    when = "" if day == today else f"{_day_word(today, day)} "
    return f"ouverte jusqu'à {when}" + ("minuit" if end == 24 * 60 else minutes_text(end))


def opening_status(hours: WeeklyHours, departement: str, now: datetime) -> OpeningStatus:
    """Whether the unit is open at ``now`` (an aware datetime), in French.

    Examples: « ouverte jusqu'à 18h00 », « ouverte jusqu'à demain 2h00 », « ouverte 24h/24 »,
    « fermée, ouvre à 14h00 », « fermée, ouvre demain à 8h00 », « fermée, ouvre lundi à 8h00 »,
    « fermée (jour férié) ».
    """
    if hours.empty:
        return UNKNOWN
    local = now.astimezone(time_zone(departement))
    today = local.date()
    minute = local.hour * 60 + local.minute
    spans, holiday = _spans_on(hours, departement, today)
    for start, end in spans:
        if start <= minute < end:
            return OpeningStatus(True, _open_until(hours, departement, today, end))
    later = [start for start, _ in spans if start > minute]
    if later:
        return OpeningStatus(False, f"fermée, ouvre à {minutes_text(later[0])}")
    if holiday:
        return OpeningStatus(False, "fermée (jour férié)")
    for ahead in range(1, 15):
        day = today + timedelta(days=ahead)
        next_spans, _ = _spans_on(hours, departement, day)
        if next_spans:
            when = _day_word(today, day)
            if ahead >= 7:
                when = f"{when} {day.day}/{day.month:02d}"
            return OpeningStatus(False, f"fermée, ouvre {when} à {minutes_text(next_spans[0][0])}")
    return OpeningStatus(False, "fermée")
