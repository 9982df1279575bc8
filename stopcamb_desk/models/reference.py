"""Reference data copied from resources/ at ``db upgrade``: départements, communes, brigades."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stopcamb_desk.models.base import Base, UTCDateTime, utcnow


class Departement(Base):
    __tablename__ = "departements"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    nom: Mapped[str] = mapped_column(String(80))
    region: Mapped[str] = mapped_column(String(80))


class Commune(Base):
    """A commune; communes déléguées/associées point to their parent (same INSEE code possible)."""

    __tablename__ = "communes"
    __table_args__ = (Index("ix_communes_departement_nom", "departement", "nom"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_insee: Mapped[str] = mapped_column(String(5), index=True)
    type: Mapped[str] = mapped_column(String(30))
    nom: Mapped[str] = mapped_column(String(120))
    departement: Mapped[str] = mapped_column(String(3))  # also 975, 977… (collectivités)
    parent_code: Mapped[str | None] = mapped_column(String(5))
    codes_postaux: Mapped[str] = mapped_column(String(200), default="")
    population: Mapped[int | None] = mapped_column(Integer)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)


class Brigade(Base):
    """A gendarmerie unit open to the public (data.gouv.fr directory, editable locally)."""

    __tablename__ = "brigades"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)  # identifiant_public_unite
    service: Mapped[str] = mapped_column(String(200))
    telephone: Mapped[str] = mapped_column(String(40), default="")
    adresse: Mapped[str] = mapped_column(String(300), default="")
    code_postal: Mapped[str] = mapped_column(String(5), default="")
    commune: Mapped[str] = mapped_column(String(120), default="")
    departement: Mapped[str] = mapped_column(String(3), index=True)
    code_insee: Mapped[str] = mapped_column(String(5), default="", index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    url: Mapped[str] = mapped_column(String(300), default="")
    horaires: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Columns of the source file kept verbatim, so that the export gives them back.
    adresse_geographique: Mapped[str] = mapped_column(String(400), default="")
    geocodage_x: Mapped[str] = mapped_column(String(40), default="")
    geocodage_y: Mapped[str] = mapped_column(String(40), default="")
    geocodage_epsg: Mapped[str] = mapped_column(String(40), default="")

    # Every UPDATE matches the version read and increments it: another desk's change committed
    # meanwhile makes the write match no row (StaleDataError), on SQLite as on PostgreSQL.
    __mapper_args__ = {"version_id_col": version}


class BrigadePublished(Base):
    """What the app's Realtime Database holds after the last publication: one fingerprint of
    the published entry per brigade (the diff shown before the next publication)."""

    __tablename__ = "brigades_published"

    brigade_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    entry_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
