"""Alert activity per département: the counts behind the map's choropleth and the national
overview (« Tableau national »), and their CSV export.

What is counted: operational alerts that FCM accepted (still shown, replaced or withdrawn later)
in ``since <= created_at < until``, exercises only when asked. The neutral message of a
retraction (``data.retraction == "1"`` in the stored payload, see ``push/payload.py``) is not
an alert: it is left out; the alert it withdrew is counted and reported as « retirée ».

One aggregate query, ``GROUP BY local day, département``, walks the period through the date
index. A day is the desk's local day on SQLite and PostgreSQL alike: the UTC offset of each part
of the period (summer time changes it) is computed here and the query shifts ``created_at`` by
it (``bench/history.py`` times the query at a million alerts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from typing import IO, Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, select

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.roles import Permission, Principal, require
from stopcamb_desk.domain.status import ACCEPTED_STATUSES, phones_label
from stopcamb_desk.models import Alert, utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.exports import spreadsheet_csv
from stopcamb_desk.services.history import HistoryService, visibility_clause
from stopcamb_desk.services.history_model import PhoneEntry
from stopcamb_desk.services.retraction import is_retraction_sql

# The overview's chart and CSV stay readable; beyond a year, use the history export.
MAX_OVERVIEW_DAYS = 366


class ActivityError(DeskError):
    """The requested period cannot be counted; ``message`` is French."""


@dataclass(frozen=True, slots=True)
class DepartementActivity:
    code: str
    alerts: int  # delivered operational alerts, retraction messages not counted
    withdrawn: int  # of which later withdrawn by a retraction
    per_day: tuple[int, ...]  # aligned with Activity.days

    @property
    def nom(self) -> str:
        return DEPARTEMENT_NAMES.get(self.code, "")


@dataclass(frozen=True, slots=True)
class Activity:
    """Counts of one period; only départements with at least one alert are listed."""

    since: datetime
    until: datetime
    include_exercise: bool
    days: tuple[date, ...]  # the desk's local days the period touches, in order
    departements: Mapping[str, DepartementActivity] = field(default_factory=dict)

    def alerts(self, code: str) -> int:
        found = self.departements.get(code)
        return found.alerts if found is not None else 0

    @property
    def total(self) -> int:
        return sum(d.alerts for d in self.departements.values())

    @property
    def per_day(self) -> tuple[int, ...]:
        """National total of each day."""
        totals = [0] * len(self.days)
        for dep in self.departements.values():
            for i, n in enumerate(dep.per_day):
                totals[i] += n
        return tuple(totals)

    def ranking(self) -> list[DepartementActivity]:
        """Most alerts first, then code order."""
        return sorted(self.departements.values(), key=lambda d: (-d.alerts, d.code))

    def row(self, code: str) -> DepartementActivity:
        """The counts of ``code``, zeros when it had no alert."""
        return self.departements.get(code) or DepartementActivity(code, 0, 0, (0,) * len(self.days))


@dataclass(frozen=True)
class Briefing:
    """Counts of a period and what each département's phones show, read together, at ``at``."""

    activity: Activity
    phones: Mapping[str, PhoneEntry]  # département → the alert (or retraction) displayed
    at: datetime


# Julian day of 1970-01-01 00:00 UTC: SQLite's julianday() minus this is days since the epoch.
_UNIX_JULIAN_DAY = 2440587.5
_EPOCH_DAY = date(1970, 1, 1)


def _day_number(dialect: str, offset: int) -> ColumnElement[Any]:
    """Days since 1970-01-01 of ``created_at`` shifted by ``offset`` seconds (a local day)."""
    if dialect == "postgresql":
        return func.floor((func.extract("epoch", Alert.created_at) + offset) / 86400)
    return cast(func.julianday(Alert.created_at) - _UNIX_JULIAN_DAY + offset / 86400.0, Integer)


def _local_day(dialect: str, segments: Sequence[tuple[datetime, int]]) -> ColumnElement[Any]:
    """The local day of ``created_at`` as a day number; ``segments`` are the (start, UTC offset)
    of each part of the period with one offset (summer time changes it)."""
    if len(segments) == 1:
        return _day_number(dialect, segments[0][1])
    whens = [
        (Alert.created_at < nxt, _day_number(dialect, offset))
        for (_start, offset), (nxt, _) in pairwise(segments)
    ]
    return case(*whens, else_=_day_number(dialect, segments[-1][1]))


class ActivityService:
    """Counts of alerts per département and day; every method checks the operator's rights.

    ``tz`` is the time zone of « a day » (default: the desk's own, like every date it shows).
    """

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime] = utcnow,
        tz: tzinfo | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._tz = tz
        self._history = HistoryService(db, clock)

    # -- local time -------------------------------------------------------------------------
    def local_date(self, moment: datetime) -> date:
        return (moment.astimezone(self._tz) if self._tz else moment.astimezone()).date()

    def start_of(self, day: date) -> datetime:
        """Local midnight of ``day``, as an aware datetime."""
        naive = datetime.combine(day, time())
        return naive.replace(tzinfo=self._tz) if self._tz else naive.astimezone()

    def today(self) -> date:
        return self.local_date(self._clock())

    # -- queries ----------------------------------------------------------------------------
    def recent(
        self, principal: Principal, span: timedelta, *, include_exercise: bool = False
    ) -> Activity:
        """The last ``span`` until now (the map's 24 h / 7 jours / 30 jours), over the
        départements the operator may see."""
        now = self._clock()
        return self._count(principal, now - span, now, include_exercise)

    def national(
        self,
        principal: Principal,
        first_day: date,
        last_day: date,
        *,
        include_exercise: bool = False,
    ) -> Activity:
        """Whole local days ``first_day`` … ``last_day`` (included), every département: the
        national overview, for the OPP and the administrators."""
        require(principal, Permission.VIEW_NATIONAL_OVERVIEW)
        if last_day < first_day:
            raise ActivityError(
                f"Période invalide : le {last_day:%d/%m/%Y} précède le {first_day:%d/%m/%Y}."
            )
        days = (last_day - first_day).days + 1
        if days > MAX_OVERVIEW_DAYS:
            raise ActivityError(
                f"Période trop longue ({days} jours) : {MAX_OVERVIEW_DAYS} jours au plus. "
                "Pour davantage, exportez l'historique (CSV)."
            )
        since = self.start_of(first_day)
        until = self.start_of(last_day + timedelta(days=1))
        return self._count(principal, since, until, include_exercise)

    def brief(self, principal: Principal, activity: Activity) -> Briefing:
        """``activity`` with what the phones of each département show now (exercises apart)."""
        entries = self._history.on_phones(principal, include_exercise=False)
        phones = {e.departement: e for e in entries if e.departement and not e.exercise}
        return Briefing(activity, phones, self._clock())

    def _offsets(self, since: datetime, until: datetime) -> list[tuple[datetime, int]]:
        """(start, UTC offset in seconds) of each stretch of the period with one local offset."""

        def offset(moment: datetime) -> int:
            local = moment.astimezone(self._tz) if self._tz else moment.astimezone()
            delta = local.utcoffset()
            return int(delta.total_seconds()) if delta is not None else 0

        segments = [(since, offset(since))]
        moment = since.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        while moment < until:
            current = offset(moment)
            if current != segments[-1][1]:
                segments.append((moment, current))
            moment += timedelta(hours=1)
        return segments

    def _count(
        self, principal: Principal, since: datetime, until: datetime, include_exercise: bool
    ) -> Activity:
        dialect = self._db.dialect
        retraction = is_retraction_sql()
        day = _local_day(dialect, self._offsets(since, until)).label("day")
        # Grouped by day first: SQLite then walks the date index (the département index, with a
        # skip-scan, costs several times more at a million alerts). National prevention
        # messages (no département) are dropped in Python, not by a condition that would steer
        # the planner to that index.
        query = (
            select(
                Alert.departement,
                day,
                func.count() - func.count(case((retraction, 1))),
                func.count(case((and_(Alert.status == "retiree", ~retraction), 1))),
            )
            .where(
                Alert.created_at >= since,
                Alert.created_at < until,
                Alert.status.in_(ACCEPTED_STATUSES),
            )
            .group_by(day, Alert.departement)
        )
        if not include_exercise:
            query = query.where(Alert.exercise.is_(False))
        visible = visibility_clause(principal)
        if visible is not None:
            query = query.where(visible)
        with self._db.session() as session:
            rows = session.execute(query).all()
        return self._fold(rows, since, until, include_exercise)

    def _fold(
        self, rows: Sequence[Any], since: datetime, until: datetime, include_exercise: bool
    ) -> Activity:
        first, last = self.local_date(since), self.local_date(until - timedelta(microseconds=1))
        days = tuple(first + timedelta(days=i) for i in range((last - first).days + 1))
        index = {day: i for i, day in enumerate(days)}
        counts: dict[str, list[int]] = {}
        withdrawn: dict[str, int] = {}
        for code, number, alerts, gone in rows:
            i = index.get(_EPOCH_DAY + timedelta(days=int(number)))
            if code is None or not alerts or i is None:
                continue
            counts.setdefault(code, [0] * len(days))[i] += int(alerts)
            withdrawn[code] = withdrawn.get(code, 0) + int(gone or 0)
        departements = {
            code: DepartementActivity(code, sum(per_day), withdrawn[code], tuple(per_day))
            for code, per_day in sorted(counts.items())
        }
        return Activity(since, until, include_exercise, days, departements)


# -- CSV ------------------------------------------------------------------------------------
def overview_csv_headers(activity: Activity, phones_at: datetime) -> list[str]:
    at = phones_at.astimezone().strftime("%d/%m/%Y %H:%M")
    return [
        "Code",
        "Département",
        "Alertes (période)",
        "Dont retirées",
        *(f"{day:%d/%m/%Y}" for day in activity.days),
        f"Sur les téléphones (le {at})",
        "Alerte affichée n°",
    ]


def write_overview_csv(
    activity: Activity,
    phones: Iterable[PhoneEntry],
    out: IO[bytes],
    *,
    phones_at: datetime,
    codes: Iterable[str] = DEPARTEMENT_NAMES,
) -> int:
    """One line per département (zeros included) and day columns, « ; », UTF-8 with BOM (see
    ``services/exports.py``); returns the number of lines written after the headers."""
    shown = {e.departement: e for e in phones if e.departement and not e.exercise}
    with spreadsheet_csv(out) as writer:
        writer.writerow(overview_csv_headers(activity, phones_at))
        count = 0
        for code in codes:
            row = activity.row(code)
            entry = shown.get(code)
            writer.writerow(
                [
                    code,
                    DEPARTEMENT_NAMES.get(code, ""),
                    row.alerts,
                    row.withdrawn,
                    *row.per_day,
                    phones_label(entry is not None, entry is not None and entry.retraction),
                    entry.alert.id if entry is not None else "",
                ]
            )
            count += 1
        return count
