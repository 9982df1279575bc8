"""Send history: role-aware visibility, filters, keyset pagination, detail, « Sur les téléphones ».

Pages are ordered by ``(created_at desc, id desc)`` and continue after a :class:`Cursor` (the
last row shown), so the n-th page costs the same as the first one and nothing ever loads the
whole table (indexes ``ix_alerts_created_id`` and ``ix_alerts_departement_created``).

Visibility: a chef de quart sees the alerts of their départements; the OPP national and the
administrators (``Permission.VIEW_ALL_HISTORY``) see everything.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    false,
    func,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.orm import Session

from stopcamb_desk.domain.roles import Permission, PermissionDenied, Principal
from stopcamb_desk.domain.status import excerpt, kind_label, status_label
from stopcamb_desk.models import Alert, AlertAttempt, Operator, search, utcnow
from stopcamb_desk.models.db import Database

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# A replacement chain longer than this is cut (protects against a corrupted cycle).
MAX_CHAIN = 200


class HistoryError(Exception):
    """The alert does not exist or is not visible to the operator; ``message`` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """Operator filters; None/empty means « tous ». Period: ``since <= created_at < until``."""

    departement: str | None = None
    statuses: tuple[str, ...] = ()
    author: str | None = None  # operator login
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None
    kind: str | None = None
    exercise: bool | None = None


@dataclass(frozen=True, slots=True)
class Cursor:
    """Position after the last row of a page (keyset pagination)."""

    created_at: datetime
    id: int


@dataclass(frozen=True, slots=True)
class AlertRow:
    id: int
    created_at: datetime
    sent_at: datetime | None
    departement: str | None
    kind: str
    status: str
    exercise: bool
    author_login: str
    author_nom: str
    text: str
    topic: str
    replaces_id: int | None
    version: int

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def excerpt(self) -> str:
        return excerpt(self.text)

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.created_at, self.id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cree_le": self.created_at.isoformat(),
            "envoye_le": self.sent_at.isoformat() if self.sent_at else None,
            "departement": self.departement,
            "type": self.kind,
            "statut": self.status,
            "statut_libelle": self.status_label,
            "exercice": self.exercise,
            "auteur": self.author_login,
            "texte": self.text,
            "sujet": self.topic,
            "remplace": self.replaces_id,
        }


@dataclass(frozen=True, slots=True)
class Page:
    rows: tuple[AlertRow, ...]
    next_cursor: Cursor | None  # None: no more rows

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


@dataclass(frozen=True, slots=True)
class AttemptInfo:
    at: datetime
    outcome: str
    http_status: int | None
    error: str | None
    desk: str


@dataclass(frozen=True, slots=True)
class AlertDetail:
    row: AlertRow
    procedure_type: str | None
    procedure_number: str | None
    procedure_date: date | None
    parquet_ref: str | None
    parquet_date: date | None
    verdict: dict[str, Any]
    payload: dict[str, Any]
    fcm_message_id: str | None
    gateway: str
    last_error: str | None
    replacement_key: str
    sequence: int
    attempts: tuple[AttemptInfo, ...]
    # Oldest first, ending with the alert this one replaced (empty if it replaced nothing).
    replaced: tuple[AlertRow, ...] = ()
    # Newest last: what replaced this alert, then what replaced that one, and so on.
    replaced_by: tuple[AlertRow, ...] = ()
    other_replacements: tuple[AlertRow, ...] = field(default=())  # failed sibling attempts

    @property
    def is_chain_head(self) -> bool:
        return not self.replaced_by


@dataclass(frozen=True, slots=True)
class PhoneEntry:
    """The alert currently shown on the phones subscribed to ``topic``."""

    topic: str
    departement: str | None
    exercise: bool
    alert: AlertRow
    age: timedelta


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
)


def _row(r: Sequence[Any]) -> AlertRow:
    return AlertRow(*r)


def _base_query() -> Select[Any]:
    return select(*_ROW_COLUMNS).join(Operator, Alert.author_id == Operator.id)


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
    if flt.author:
        clauses.append(Operator.login == flt.author)
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


def _text_clause(session: Session, dialect: str, text: str) -> ColumnElement[bool]:
    """Case- and accent-insensitive substring search; % _ " * ( ) AND NEAR are literal.

    PostgreSQL: ``stopcamb_fold(text) ILIKE`` — exactly the pg_trgm index expression.
    SQLite: the trigram FTS table, queried with the folded text as one quoted phrase (a
    substring); texts shorter than a trigram, or matching very many alerts, use a scan.
    """
    folded = search.fold(text)
    pattern = f"%{escape_like(folded)}%"
    if dialect == "postgresql":
        return func.stopcamb_fold(Alert.text).ilike(pattern, escape="\\")
    if len(folded) >= search.MIN_INDEXED_CHARS:
        phrase = '"' + folded.replace('"', '""') + '"'
        matches = select(_FTS.c.rowid).where(_FTS.c.body.op("MATCH")(phrase))
        many = select(func.count()).select_from(matches.limit(FTS_CANDIDATES_CAP).subquery())
        if (session.scalar(many) or 0) < FTS_CANDIDATES_CAP:
            return Alert.id.in_(matches)
    # Scan (newest first, stops at the page size): one rowid lookup in the FTS table per alert.
    same_row = select(_FTS.c.rowid).where(
        _FTS.c.rowid == Alert.id, _FTS.c.body.like(pattern, escape="\\")
    )
    return same_row.exists()


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
            _base_query()
            .where(*clauses)
            .order_by(Alert.created_at.desc(), Alert.id.desc())
            .limit(limit + 1)
        )
        with self._db.session() as session:
            if flt is not None and flt.text and flt.text.strip():
                query = query.where(_text_clause(session, self._db.dialect, flt.text.strip()))
            rows = [_row(r) for r in session.execute(query)]
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(tuple(rows), rows[-1].cursor if more and rows else None)

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
            found = session.execute(_base_query().where(Alert.id == alert_id)).first()
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
                AttemptInfo(a.at, a.outcome, a.http_status, a.error, a.desk) for a in attempts
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
            )

    def _ancestors(self, session: Session, row: AlertRow) -> tuple[AlertRow, ...]:
        chain: list[AlertRow] = []
        seen = {row.id}
        current = row.replaces_id
        while current is not None and current not in seen and len(chain) < MAX_CHAIN:
            seen.add(current)
            found = session.execute(_base_query().where(Alert.id == current)).first()
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
                    _base_query().where(Alert.replaces_id == current).order_by(Alert.id)
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
        """Per topic, the latest delivered alert (status ``envoyee``) and its age.

        Replaced alerts leave ``envoyee`` (they become ``remplacee``/``retiree``), so the query
        touches about one row per topic through the status index.
        """
        # Few rows are « envoyée » at any time (a delivered alert becomes « remplacée » when the
        # next one on its topic arrives), so fetch them through the status index and keep the
        # latest per topic here. A window function made SQLite walk the whole (topic, sequence)
        # index instead: 1.5 s at a million alerts.
        query = _base_query().add_columns(Alert.sequence).where(Alert.status == "envoyee")
        visible = visibility_clause(principal)
        if visible is not None:
            query = query.where(visible)
        if not include_exercise:
            query = query.where(Alert.exercise.is_(False))
        latest: dict[str, tuple[tuple[int, int], AlertRow]] = {}
        with self._db.session() as session:
            for r in session.execute(query):
                row = _row(tuple(r)[: len(_ROW_COLUMNS)])
                rank = (int(r.sequence), row.id)
                if row.topic not in latest or rank > latest[row.topic][0]:
                    latest[row.topic] = (rank, row)
        now = self._clock()
        entries: list[PhoneEntry] = []
        for _rank, row in latest.values():
            shown_since = row.sent_at or row.created_at
            entries.append(
                PhoneEntry(
                    row.topic, row.departement, row.exercise, row, max(now - shown_since, _ZERO)
                )
            )
        entries.sort(key=lambda e: (e.exercise, e.departement is None, e.departement or ""))
        return entries


_ZERO = timedelta(0)


def loads_object(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {"brut": text}
    return value if isinstance(value, dict) else {"valeur": value}


def format_age(age: timedelta) -> str:
    """« 3 min », « 2 h 05 », « 4 j » — what the « Sur les téléphones » panel shows."""
    seconds = int(age.total_seconds())
    if seconds < 60:
        return "à l'instant"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d}"
    return f"{hours // 24} j"
