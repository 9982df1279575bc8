"""Send history: role-aware visibility, filters, keyset pagination, detail, « Sur les téléphones ».

Pages are ordered by ``(created_at desc, id desc)`` and continue after a :class:`Cursor` (the
last row shown), so the n-th page costs the same as the first one and nothing ever loads the
whole table (indexes ``ix_alerts_created_id`` and ``ix_alerts_departement_created``).

Visibility: a chef de quart sees the alerts of their départements; the OPP national and the
administrators (``Permission.VIEW_ALL_HISTORY``) see everything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    column,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from stopcamb_desk.domain.roles import Permission, PermissionDenied, Principal
from stopcamb_desk.models import Alert, AlertAttempt, Operator, search, utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.payload import is_retraction
from stopcamb_desk.services.history_model import (
    NO_AGE,
    AlertDetail,
    AlertRow,
    AttemptInfo,
    Cursor,
    HistoryError,
    HistoryFilter,
    Page,
    PhoneEntry,
    loads_object,
)
from stopcamb_desk.services.retraction import is_retraction_sql

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# A replacement chain longer than this is cut (protects against a corrupted cycle).
MAX_CHAIN = 200


_ROW_COLUMNS = (
    Alert.id,
    Alert.created_at,
    Alert.sent_at,
    Alert.departement,
    Alert.kind,
    Alert.status,
    Alert.exercise,
    Operator.login,
    Operator.nom,
    Alert.text,
    Alert.topic,
    Alert.replaces_id,
    Alert.version,
    is_retraction_sql().label("retraction"),
)


def _row(r: Sequence[Any]) -> AlertRow:
    return AlertRow(*r)


# Statements are immutable: every query of a row starts from this one.
_BASE_QUERY = select(*_ROW_COLUMNS).join(Operator, Alert.author_id == Operator.id)


def visibility_clause(principal: Principal) -> ColumnElement[bool] | None:
    """SQL condition restricting alerts to what ``principal`` may see (None: everything)."""
    if principal.can(Permission.VIEW_ALL_HISTORY):
        return None
    if not principal.departements:
        return false()
    return Alert.departement.in_(principal.departements)


def may_see(principal: Principal, departement: str | None) -> bool:
    if principal.can(Permission.VIEW_ALL_HISTORY):
        return True
    return departement is not None and departement in principal.departements


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filter_clauses(principal: Principal, flt: HistoryFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    visible = visibility_clause(principal)
    if visible is not None:
        clauses.append(visible)
    if flt.departement:
        if not may_see(principal, flt.departement):
            mine = ", ".join(principal.departements) or "aucun"
            raise PermissionDenied(
                f"Historique du département {flt.departement} non autorisé "
                f"(vos départements : {mine})."
            )
        clauses.append(Alert.departement == flt.departement)
    if flt.statuses:
        clauses.append(Alert.status.in_(flt.statuses))
    if flt.author:  # without the join: the walk's date bound (SQLite) reads only alerts
        clauses.append(Alert.author_id.in_(select(Operator.id).where(Operator.login == flt.author)))
    if flt.since is not None:
        clauses.append(Alert.created_at >= flt.since)
    if flt.until is not None:
        clauses.append(Alert.created_at < flt.until)
    if flt.kind:
        clauses.append(Alert.kind == flt.kind)
    if flt.exercise is not None:
        clauses.append(Alert.exercise.is_(flt.exercise))
    return clauses


# SQLite: a text found in more alerts than this is filtered by walking the date index instead of
# collecting every match from the FTS index (the first page then stops early).
FTS_CANDIDATES_CAP = 2000
_FTS = table(search.FTS_TABLE, column("rowid"), column("body"))
# Outside the ORM (see models/search.py), like the other search objects.
_FOLDED = literal_column(f"{Alert.__tablename__}.{search.FOLDED_COLUMN}", String)
# The row columns (and the folded text) of the probe's subquery, by name and type: SQLAlchemy's
# own columns for a subquery take longer to build (0.5 ms) than PostgreSQL takes to answer.
_NEWEST = "newest"
_NEWEST_COLUMNS = tuple(literal_column(f"{_NEWEST}.{c.name}", c.type) for c in _ROW_COLUMNS)
_NEWEST_FOLDED = literal_column(f"{_NEWEST}.folded", String)
_NEWEST_ROWS = select(*_NEWEST_COLUMNS).order_by(
    *(literal_column(f"{_NEWEST}.{name}").desc() for name in ("created_at", "id"))
)
# (see HistoryService._text_page): how many pages of the newest alerts are searched first, and
# how rare matches among them rule out walking further by date.
TEXT_PROBE_PAGES = 5
TEXT_WALK_ONE_IN = 300


def _probe_size(limit: int) -> int:
    """How many of the newest alerts are searched first: ``TEXT_PROBE_PAGES`` pages, never
    fewer than for a default page (for a page of ten, one match among 55 would otherwise be
    "dense" and a rare word walked through the whole history)."""
    return TEXT_PROBE_PAGES * (max(limit, DEFAULT_PAGE_SIZE) + 1)


def _match(folded: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """``folded LIKE '%…%'``: the column is lower case already, so ``LIKE`` compares bytes
    where ``ILIKE`` would lower every row again (the cost the stored column removes)."""
    return folded.like(f"%{escape_like(search.fold(text))}%", escape="\\")


def _text_clause(session: Session, dialect: str, text: str) -> ColumnElement[bool]:
    """Case- and accent-insensitive substring search; % _ " * ( ) AND NEAR are literal.

    The stored folded column ``LIKE`` the folded text. PostgreSQL: its pg_trgm index serves
    it. SQLite: the trigram FTS table answers instead, queried with the folded text as one
    quoted phrase (a substring), unless the text is shorter than a trigram or matches very
    many alerts (the walk by date is faster then).
    """
    folded = search.fold(text)
    if dialect == "sqlite" and len(folded) >= search.MIN_INDEXED_CHARS:
        phrase = '"' + folded.replace('"', '""') + '"'
        matches = select(_FTS.c.rowid).where(_FTS.c.body.op("MATCH")(phrase))
        many = select(func.count()).select_from(matches.limit(FTS_CANDIDATES_CAP).subquery())
        if (session.scalar(many) or 0) < FTS_CANDIDATES_CAP:
            return Alert.id.in_(matches)
    return _match(_FOLDED, text)


# SQLite's walk bound (see HistoryService._text_page): the date of the ``b_probed``-th newest
# alert that the filters keep. Uncorrelated (SQLite computes it once for the statement, with no
# query of its own) and without the join to the authors (in a scalar subquery SQLite would
# start the join from them).
_NTH_DATE = (
    select(Alert.created_at)
    .order_by(Alert.created_at.desc(), Alert.id.desc())
    .offset(bindparam("b_probed"))
    .limit(1)
    .correlate(None)
)
# Before every alert: the bound when fewer alerts than the probe are kept.
_DAWN = literal(datetime.min.replace(tzinfo=UTC), Alert.created_at.type)


def _sqlite_walk_bound(clauses: list[ColumnElement[bool]]) -> ColumnElement[Any]:
    return func.coalesce(_NTH_DATE.where(*clauses).scalar_subquery(), _DAWN)


def _after(cursor: Cursor, dialect: str) -> ColumnElement[bool]:
    if dialect == "postgresql":  # a row comparison is an index range scan on PostgreSQL
        return tuple_(Alert.created_at, Alert.id) < tuple_(cursor.created_at, cursor.id)
    # SQLite: the expanded form keeps a range on the leading index column.
    return and_(
        Alert.created_at <= cursor.created_at,
        or_(Alert.created_at < cursor.created_at, Alert.id < cursor.id),
    )


class HistoryService:
    """Read-only queries over the alerts; every method checks the operator's visibility."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._clock = clock

    # -- table ------------------------------------------------------------------------------
    def page(
        self,
        principal: Principal,
        flt: HistoryFilter | None = None,
        after: Cursor | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page:
        """One page of alerts, newest first, strictly after ``after``."""
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        clauses = _filter_clauses(principal, flt or HistoryFilter())
        if after is not None:
            clauses.append(_after(after, self._db.dialect))
        query = (
            _BASE_QUERY.where(*clauses)
            .order_by(Alert.created_at.desc(), Alert.id.desc())
            .limit(limit + 1)
        )
        with self._db.session() as session:
            if flt is not None and flt.text and flt.text.strip():
                rows = self._text_page(session, clauses, query, flt.text.strip(), limit)
            else:
                rows = [_row(r) for r in session.execute(query)]
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(tuple(rows), rows[-1].cursor if more and rows else None)

    def _text_page(
        self,
        session: Session,
        clauses: list[ColumnElement[bool]],
        query: Any,
        words: str,
        limit: int,
    ) -> list[AlertRow]:
        """A text-filtered page. On PostgreSQL two plans compete: walking the date index newest
        first until the page is full (best when matches are dense among the newest alerts;
        cheap per alert since the folded text is stored) and collecting every match from the
        trigram index then sorting them (best when they are few). The planner weighs them
        with the column's statistics, which say how frequent a word is overall — not where
        its matches are (an event of last spring, a wording no longer used) — and lag behind
        the newest alerts (ANALYZE waits for 10 % of the table to change). So the newest
        ``TEXT_PROBE_PAGES`` pages of alerts are walked first: if they hold a page, it is
        the page (the first matches in date order among the newest are the first of all);
        if fewer than one in ``TEXT_WALK_ONE_IN`` of them match (pages of 100: at most one of
        the newest 505), walking on is a bad bet (a rare word found in the statistics' sample
        is taken for one in a hundred) and is ruled out: the index answers, or a scan for a
        word frequent among older alerts; otherwise the planner chooses.

        SQLite walks the same newest pages (bounded by the date of the oldest of them, a range
        on the date index); a full page is the page, matches at least that dense walk on from
        there, and rarer ones go to the FTS index (:func:`_text_clause`)."""
        if self._db.dialect == "postgresql":
            probed = _probe_size(limit)
            # LIMIT in a subquery: the filter cannot be pushed under it, so whatever the
            # planner's estimate this reads at most ``probed`` alerts, newest first.
            newest = query.add_columns(_FOLDED.label("folded")).limit(probed)
            probe: Select[Any] = (
                _NEWEST_ROWS.select_from(newest.subquery(_NEWEST))
                .where(_match(_NEWEST_FOLDED, words))
                .limit(limit + 1)
            )
            rows = [_row(r) for r in session.execute(probe)]
            if len(rows) > limit:
                return rows
            walk = len(rows) * TEXT_WALK_ONE_IN >= probed
            # For this transaction only. Custom plan: the statement is the same whatever the
            # words, so after a few searches on one connection psycopg prepares it and
            # PostgreSQL may reuse a generic plan, chosen without the pattern.
            session.execute(
                sql_text(
                    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                    "set_config('enable_indexscan', :walk, true)"
                ),
                {"walk": "on" if walk else "off"},
            )
        else:
            # The newest pages first, as on PostgreSQL: a word found in many recent alerts
            # fills the page there, without counting its matches in the FTS index first.
            probed = _probe_size(limit)
            bound = _sqlite_walk_bound(clauses)
            scan = _match(_FOLDED, words)
            params = {"b_probed": probed}
            recent = query.where(Alert.created_at >= bound, scan)
            rows = [_row(r) for r in session.execute(recent, params)]
            if len(rows) > limit:
                return rows
            if rows and len(rows) * TEXT_WALK_ONE_IN >= probed:  # dense: walking on pays
                # On from the last row found, not from the bound: the two statements see the
                # history at two moments, and an alert written or changed in between would
                # move the bound (a row twice, or one skipped).
                older = query.where(_after(rows[-1].cursor, "sqlite"), scan)
                return rows + [_row(r) for r in session.execute(older.limit(limit + 1 - len(rows)))]
        match = _text_clause(session, self._db.dialect, words)
        return [_row(r) for r in session.execute(query.where(match))]

    def iter_rows(
        self, principal: Principal, flt: HistoryFilter | None = None, page_size: int = 500
    ) -> Any:
        """Every matching row, page by page (exports); memory stays bounded."""
        cursor: Cursor | None = None
        while True:
            page = self.page(principal, flt, cursor, page_size)
            yield from page.rows
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def authors(self, principal: Principal) -> list[tuple[str, str]]:
        """(login, nom) of operators, for the author filter (small table)."""
        query = select(Operator.login, Operator.nom).order_by(Operator.login)
        if not principal.can(Permission.VIEW_ALL_HISTORY):
            query = query.where(Operator.login == principal.login)
        with self._db.session() as session:
            return [(r.login, r.nom) for r in session.execute(query)]

    # -- detail -----------------------------------------------------------------------------
    def detail(self, principal: Principal, alert_id: int) -> AlertDetail:
        with self._db.session() as session:
            found = session.execute(_BASE_QUERY.where(Alert.id == alert_id)).first()
            if found is None or not may_see(principal, found.departement):
                # Same message for both: do not reveal alerts of other départements.
                raise HistoryError(f"Alerte n° {alert_id} introuvable dans votre historique.")
            row = _row(found)
            alert = session.get(Alert, alert_id)
            assert alert is not None
            attempts = session.scalars(
                select(AlertAttempt)
                .where(AlertAttempt.alert_id == alert_id)
                .order_by(AlertAttempt.id)
            )
            attempt_infos = tuple(
                AttemptInfo(a.at, a.outcome, a.http_status, a.error, a.desk, a.message_id)
                for a in attempts
            )
            replaced = self._ancestors(session, row)
            replaced_by, others = self._descendants(session, row)
            return AlertDetail(
                row=row,
                procedure_type=alert.procedure_type,
                procedure_number=alert.procedure_number,
                procedure_date=alert.procedure_date,
                parquet_ref=alert.parquet_ref,
                parquet_date=alert.parquet_date,
                verdict=loads_object(alert.verdict_json),
                payload=loads_object(alert.payload_json),
                fcm_message_id=alert.fcm_message_id,
                gateway=alert.gateway,
                last_error=alert.last_error,
                replacement_key=alert.replacement_key,
                sequence=alert.sequence,
                attempts=attempt_infos,
                replaced=replaced,
                replaced_by=replaced_by,
                other_replacements=others,
                scheduled_for=alert.scheduled_for,
                valid_until=alert.valid_until,
            )

    def _ancestors(self, session: Session, row: AlertRow) -> tuple[AlertRow, ...]:
        chain: list[AlertRow] = []
        seen = {row.id}
        current = row.replaces_id
        while current is not None and current not in seen and len(chain) < MAX_CHAIN:
            seen.add(current)
            found = session.execute(_BASE_QUERY.where(Alert.id == current)).first()
            if found is None:
                break
            chain.append(_row(found))
            current = found.replaces_id
        return tuple(reversed(chain))

    def _descendants(
        self, session: Session, row: AlertRow
    ) -> tuple[tuple[AlertRow, ...], tuple[AlertRow, ...]]:
        """Follow « replaced by » links; when several alerts replace one (a failed attempt then
        a successful one), the chain follows the delivered/latest one, the others are listed."""
        chain: list[AlertRow] = []
        others: list[AlertRow] = []
        seen = {row.id}
        current = row.id
        while len(chain) < MAX_CHAIN:
            children = [
                _row(r)
                for r in session.execute(
                    _BASE_QUERY.where(Alert.replaces_id == current).order_by(Alert.id)
                )
            ]
            children = [c for c in children if c.id not in seen]
            if not children:
                break
            good = [c for c in children if c.status not in ("echec",)]
            head = (good or children)[-1]
            others.extend(c for c in children if c is not head)
            chain.append(head)
            seen.add(head.id)
            current = head.id
        return tuple(chain), tuple(others)

    # -- phones -----------------------------------------------------------------------------
    def on_phones(self, principal: Principal, *, include_exercise: bool = True) -> list[PhoneEntry]:
        """Per topic, the alert FCM accepted last (status ``envoyee``) and its age.

        On each acceptance the outbox moves the topic's other shown alerts to
        ``remplacee``/``retiree`` (acceptance order, see domain/lifecycle.py), so there is one
        ``envoyee`` row per topic; should two ever be, the later acceptance wins here too.
        """
        # Few rows are « envoyée » at any time (a delivered alert becomes « remplacée » when the
        # next one on its topic arrives), so fetch them through the status index and keep the
        # latest per topic here. A window function made SQLite walk the whole (topic, sequence)
        # index instead: 1.5 s at a million alerts.
        query = _BASE_QUERY.add_columns(Alert.payload_json).where(Alert.status == "envoyee")
        visible = visibility_clause(principal)
        if visible is not None:
            query = query.where(visible)
        if not include_exercise:
            query = query.where(Alert.exercise.is_(False))
        latest: dict[str, tuple[tuple[datetime, int], AlertRow, str]] = {}
        with self._db.session() as session:
            for r in session.execute(query):
                row = _row(tuple(r)[: len(_ROW_COLUMNS)])
                rank = (row.sent_at or row.created_at, row.id)
                if row.topic not in latest or rank > latest[row.topic][0]:
                    latest[row.topic] = (rank, row, r.payload_json)
        now = self._clock()
        entries: list[PhoneEntry] = []
        for _rank, row, payload_json in latest.values():
            shown_since = row.sent_at or row.created_at
            message = loads_object(payload_json).get("message")
            entries.append(
                PhoneEntry(
                    row.topic,
                    row.departement,
                    row.exercise,
                    row,
                    max(now - shown_since, NO_AGE),
                    retraction=isinstance(message, dict) and is_retraction(message),
                )
            )
        entries.sort(key=lambda e: (e.exercise, e.departement is None, e.departement or ""))
        return entries
