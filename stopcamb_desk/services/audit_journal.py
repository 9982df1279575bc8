"""« Journal d'audit »: the audit events, filtered and keyset-paginated, administrators only.

The chain itself (append, verify) lives in ``services/audit.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from stopcamb_desk.domain.roles import Permission, Principal, require
from stopcamb_desk.models import AuditEvent
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.history import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, escape_like
from stopcamb_desk.services.history_model import Cursor, loads_object


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None  # searched in object id and details


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, self.id)


@dataclass(frozen=True, slots=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    next_cursor: Cursor | None


def audit_page(
    db: Database,
    principal: Principal,
    flt: AuditFilter | None = None,
    after: Cursor | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
) -> AuditPage:
    """Audit events newest first (index ``ix_audit_events_at_id``); administrators only."""
    require(principal, Permission.VIEW_AUDIT)
    flt = flt or AuditFilter()
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    clauses: list[ColumnElement[bool]] = []
    if flt.actor:
        clauses.append(AuditEvent.actor == flt.actor)
    if flt.action:
        clauses.append(AuditEvent.action == flt.action)
    if flt.since is not None:
        clauses.append(AuditEvent.at >= flt.since)
    if flt.until is not None:
        clauses.append(AuditEvent.at < flt.until)
    if flt.text and flt.text.strip():
        pattern = f"%{escape_like(flt.text.strip())}%"
        clauses.append(
            or_(
                AuditEvent.object_id.ilike(pattern, escape="\\"),
                AuditEvent.details_json.ilike(pattern, escape="\\"),
            )
        )
    if after is not None:
        clauses.append(
            and_(
                AuditEvent.at <= after.created_at,
                or_(AuditEvent.at < after.created_at, AuditEvent.id < after.id),
            )
        )
    query = (
        select(AuditEvent)
        .where(*clauses)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit + 1)
    )
    with db.session() as session:
        rows = [
            AuditRow(
                e.id,
                e.at,
                e.actor,
                e.action,
                e.object_type,
                e.object_id,
                loads_object(e.details_json),
            )
            for e in session.scalars(query)
        ]
    more = len(rows) > limit
    rows = rows[:limit]
    return AuditPage(tuple(rows), rows[-1].cursor if more and rows else None)
