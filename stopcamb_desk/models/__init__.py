"""SQLAlchemy 2 typed models; import this package to register every table on ``Base``."""

from __future__ import annotations

from stopcamb_desk.models.accounts import Operator, OperatorDepartement
from stopcamb_desk.models.alerts import Alert, AlertAttempt, NewsItem, Template
from stopcamb_desk.models.audit import AuditEvent
from stopcamb_desk.models.base import Base, UTCDateTime, utcnow
from stopcamb_desk.models.reference import Brigade, BrigadePublished, Commune, Departement

__all__ = [
    "Alert",
    "AlertAttempt",
    "AuditEvent",
    "Base",
    "Brigade",
    "BrigadePublished",
    "Commune",
    "Departement",
    "NewsItem",
    "Operator",
    "OperatorDepartement",
    "Template",
    "UTCDateTime",
    "utcnow",
]
