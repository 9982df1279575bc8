"""Operator accounts. Passwords are stored only as argon2 hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stopcamb_desk.models.base import Base, UTCDateTime, utcnow


class Operator(Base):
    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    nom: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    departement_links: Mapped[list[OperatorDepartement]] = relationship(
        cascade="all, delete-orphan", order_by="OperatorDepartement.departement", lazy="selectin"
    )

    @property
    def departements(self) -> tuple[str, ...]:
        return tuple(link.departement for link in self.departement_links)


class OperatorDepartement(Base):
    __tablename__ = "operator_departements"

    operator_id: Mapped[int] = mapped_column(
        ForeignKey("operators.id", ondelete="CASCADE"), primary_key=True
    )
    departement: Mapped[str] = mapped_column(String(3), primary_key=True)
