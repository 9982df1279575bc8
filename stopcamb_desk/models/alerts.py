"""Alerts (the durable outbox), their delivery attempts, templates and news items.

Status life cycle (values are stable identifiers; French labels live in the domain):
``en_attente → envoi → envoyee | echec``; ``envoi`` found at start-up becomes ``a_verifier``;
a delivered alert later becomes ``remplacee`` or ``retiree``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stopcamb_desk.models.accounts import Operator
from stopcamb_desk.models.base import Base, UTCDateTime, utcnow


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_created_id", "created_at", "id"),
        Index("ix_alerts_departement_created", "departement", "created_at", "id"),
        Index("ix_alerts_status_next", "status", "next_attempt_at"),
        Index("ix_alerts_topic_sequence", "topic", "sequence"),
        # The outbox's per-topic checks: the few alerts of a topic waiting, in flight or shown
        # (migration 0011).
        Index("ix_alerts_topic_status", "topic", "status", "gateway", "sequence"),
        Index("ix_alerts_gateway", "gateway"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # operationnel | prevention
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    departement: Mapped[str | None] = mapped_column(String(3))  # None for national
    topic: Mapped[str] = mapped_column(String(64))
    replacement_key: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    status: Mapped[str] = mapped_column(String(20), default="en_attente")
    # Attestation that the offence is established (stored, never sent in the push).
    procedure_type: Mapped[str | None] = mapped_column(String(40))
    procedure_number: Mapped[str | None] = mapped_column(String(80))
    procedure_date: Mapped[date | None] = mapped_column(Date)
    # Parquet authorisation of a witness appeal (appel à témoins), if any.
    parquet_ref: Mapped[str | None] = mapped_column(String(80))
    parquet_date: Mapped[date | None] = mapped_column(Date)
    verdict_json: Mapped[str] = mapped_column(Text, default="{}")
    payload_json: Mapped[str] = mapped_column(Text, default="{}")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"), index=True)
    fcm_message_id: Mapped[str | None] = mapped_column(String(200))
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A planned prevention message: when it falls due, and until when it may still go late.
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    gateway: Mapped[str] = mapped_column(String(20), default="simulation")  # fcm | simulation
    version: Mapped[int] = mapped_column(Integer, default=1)

    author: Mapped[Operator] = relationship(lazy="joined")
    replaces: Mapped[Alert | None] = relationship(remote_side=[id], lazy="select")
    attempts: Mapped[list[AlertAttempt]] = relationship(
        back_populates="alert", order_by="AlertAttempt.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class AlertAttempt(Base):
    """One delivery attempt of an alert, successful or not."""

    __tablename__ = "alert_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # succes | transitoire | definitif | inconnu (desk died) | journal (recorded from the journal)
    outcome: Mapped[str] = mapped_column(String(20))
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    desk: Mapped[str] = mapped_column(String(120), default="")
    message_id: Mapped[str | None] = mapped_column(String(200))  # FCM's id when accepted

    alert: Mapped[Alert] = relationship(back_populates="attempts")


class Template(Base):
    """A saved message text: a département's operational alert, or a national prevention one.

    The scope decides the kind (check constraint): ``departement`` set → ``operationnel``,
    ``None`` (national) → ``prevention``. Managed through ``services/templates.py``.
    """

    __tablename__ = "templates"
    __table_args__ = (
        CheckConstraint(
            "(departement IS NULL AND kind = 'prevention') "
            "OR (departement IS NOT NULL AND kind = 'operationnel')",
            name="scope_kind",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    departement: Mapped[str | None] = mapped_column(String(3), index=True)  # None = national
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))  # operationnel | prevention
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class NewsItem(Base):
    """An entry of the app's national news feed (« Flux d'actualité »), OPP GGD34 only."""

    __tablename__ = "news_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # brouillon → a_publier → publiee → a_retirer → retiree (see services/news_service.py).
    status: Mapped[str] = mapped_column(String(20), default="brouillon", server_default="brouillon")
    # Key of the entry in the app's feed (/flux_actualite/<remote_key>), fixed at creation.
    remote_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    gateway: Mapped[str | None] = mapped_column(String(20))  # firebase | simulation
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}
