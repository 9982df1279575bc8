"""Copies the shipped reference data (départements, communes) into the database tables.

The desk itself reads ``geo`` (in memory, fast); the tables let other tools and SQL reports
join alerts to places. The copy is refreshed when the shipped manifest changes.
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select

from stopcamb_desk.geo.communes import communes as shipped_communes
from stopcamb_desk.geo.departements import departements as shipped_departements
from stopcamb_desk.models import Commune, Departement
from stopcamb_desk.models.db import Database

_BATCH = 5000


def reference_in_sync(db: Database) -> bool:
    with db.session() as session:
        deps = session.scalar(select(func.count()).select_from(Departement)) or 0
        communes = session.scalar(select(func.count()).select_from(Commune)) or 0
    return deps == len(shipped_departements()) and communes == len(shipped_communes())


def sync_reference(db: Database, *, force: bool = False) -> bool:
    """Refresh the tables if they differ from the shipped data; True when rewritten."""
    if not force and reference_in_sync(db):
        return False
    departements = [
        {"code": d.code, "nom": d.nom, "region": d.region} for d in shipped_departements()
    ]
    communes = [
        {
            "code_insee": c.code_insee,
            "type": c.type,
            "nom": c.nom,
            "departement": c.departement,
            "parent_code": c.parent_code,
            "codes_postaux": ",".join(c.codes_postaux),
            "population": c.population,
            "lat": c.lat,
            "lon": c.lon,
        }
        for c in shipped_communes()
    ]
    with db.session() as session:
        session.execute(delete(Commune))
        session.execute(delete(Departement))
        session.execute(insert(Departement), departements)
        for start in range(0, len(communes), _BATCH):
            session.execute(insert(Commune), communes[start : start + _BATCH])
    return True
