"""Brigade directory: CSV import (all or nothing), edits, and « trouver la brigade ».

Only administrators change the directory; every change is audited. Searching is open to all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from geopy.distance import geodesic
from sqlalchemy import select

from stopcamb_desk.domain.brigades import BrigadeRow, LineError, parse_brigades_csv
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.roles import Permission, Principal, require
from stopcamb_desk.models import Brigade, utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.services import audit

COAST_TOLERANCE_DEG = 0.03
NEIGHBOUR_RADIUS_KM = 40.0
EDITABLE_FIELDS = ("service", "telephone", "adresse", "code_postal", "commune", "url", "horaires")


class BrigadeError(DeskError):
    """A directory change was refused; nothing was written."""

    def __init__(self, message: str, errors: list[LineError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[LineError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.added} brigade(s) ajoutée(s), {self.updated} mise(s) à jour, "
            f"{self.unchanged} inchangée(s)"
        )
        if self.skipped:
            text += f", {len(self.skipped)} ligne(s) ignorée(s)"
        return text + "."


@dataclass(frozen=True, slots=True)
class BrigadeHit:
    brigade: Brigade
    distance_km: float | None
    reason: str  # French: why this brigade is proposed


def _values(row: BrigadeRow) -> dict[str, object]:
    return {
        "service": row.service,
        "telephone": row.telephone,
        "adresse": row.adresse,
        "code_postal": row.code_postal,
        "commune": row.commune,
        "departement": row.departement,
        "code_insee": row.code_insee,
        "lat": row.lat,
        "lon": row.lon,
        "url": row.url,
        "horaires": row.horaires,
    }


def _outside_warning(row: BrigadeRow) -> str | None:
    if row.lat is None or row.lon is None:
        return f"Unité {row.id} ({row.service}) : pas de coordonnées GPS, absente de la carte."
    from shapely import Point

    from stopcamb_desk.geo.departements import outline

    # The shipped outlines are simplified: allow ~3 km around them (coastal towns).
    if outline(row.departement).distance(Point(row.lon, row.lat)) > COAST_TOLERANCE_DEG:
        return (
            f"Unité {row.id} ({row.service}) : ses coordonnées tombent hors du département "
            f"{row.departement} ; vérifiez-les."
        )
    return None


class BrigadeService:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._clock = clock

    def import_csv(
        self, actor: Principal, data: bytes, *, skip_invalid: bool = False
    ) -> ImportReport:
        """Import the data.gouv.fr CSV in one transaction.

        Invalid lines refuse the whole import unless ``skip_invalid`` (the operator saw them).
        """
        require(actor, Permission.EDIT_BRIGADES)
        parsed = parse_brigades_csv(data)  # BrigadeFileError for an unusable file
        if parsed.errors and not skip_invalid:
            raise BrigadeError(
                f"{len(parsed.errors)} ligne(s) invalide(s) : rien n'a été importé. Corrigez le "
                "fichier ou confirmez l'import en ignorant ces lignes.",
                parsed.errors,
            )
        if not parsed.rows:
            raise BrigadeError("Aucune brigade valide dans ce fichier.", parsed.errors)
        report = ImportReport(skipped=list(parsed.errors))
        now = self._clock()
        with self._db.session() as session:
            existing = {b.id: b for b in session.scalars(select(Brigade))}
            for row in parsed.rows:
                values = _values(row)
                brigade = existing.get(row.id)
                if brigade is None:
                    session.add(Brigade(id=row.id, updated_at=now, version=1, **values))
                    report.added += 1
                elif any(getattr(brigade, k) != v for k, v in values.items()):
                    for key, value in values.items():
                        setattr(brigade, key, value)
                    brigade.updated_at = now
                    brigade.version += 1
                    report.updated += 1
                else:
                    report.unchanged += 1
                warning = _outside_warning(row)
                if warning:
                    report.warnings.append(warning)
            audit.record(
                session,
                actor.login,
                "annuaire_importe",
                "brigades",
                "",
                {
                    "ajoutees": report.added,
                    "mises_a_jour": report.updated,
                    "ignorees": [e.line for e in report.skipped],
                },
                at=now,
            )
        return report

    def update(
        self, actor: Principal, brigade_id: str, expected_version: int, **changes: str
    ) -> Brigade:
        """Edit one brigade; refused if someone else changed it meanwhile."""
        require(actor, Permission.EDIT_BRIGADES)
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"champs non modifiables : {sorted(unknown)}")
        with self._db.session() as session:
            brigade = session.get(Brigade, brigade_id, with_for_update=True)
            if brigade is None:
                raise BrigadeError(f"La brigade {brigade_id} n'existe plus.")
            if brigade.version != expected_version:
                raise BrigadeError(
                    "Cette fiche a été modifiée entre-temps par un autre poste : rechargez-la."
                )
            diff = {
                k: [getattr(brigade, k), v] for k, v in changes.items() if getattr(brigade, k) != v
            }
            for key, (_, value) in diff.items():
                setattr(brigade, key, value)
            if diff:
                brigade.version += 1
                brigade.updated_at = self._clock()
                audit.record(session, actor.login, "brigade_modifiee", "brigade", brigade_id, diff)
            return brigade

    def list(self, departement: str | None = None) -> list[Brigade]:
        with self._db.session() as session:
            query = select(Brigade).order_by(Brigade.departement, Brigade.service)
            if departement:
                query = query.where(Brigade.departement == departement)
            return list(session.scalars(query))

    def nearest(self, lat: float, lon: float, limit: int = 3) -> list[BrigadeHit]:
        """Brigades closest to a position (geodesic distance), located ones only."""
        with self._db.session() as session:
            located = list(
                session.scalars(
                    select(Brigade).where(Brigade.lat.is_not(None), Brigade.lon.is_not(None))
                )
            )
        # A cheap bounding pre-filter would go here for tens of thousands of rows; the national
        # directory has ~3 500 units, so one geodesic per unit stays well under a frame.
        ranked = sorted(
            ((geodesic((lat, lon), (b.lat, b.lon)).km, b) for b in located), key=lambda t: t[0]
        )
        return [BrigadeHit(b, round(d, 1), f"à {d:.1f} km") for d, b in ranked[:limit]]

    def find_for_commune(self, query: str, limit: int = 3) -> tuple[str, list[BrigadeHit]]:
        """« Trouver la brigade » from a commune name: units in that commune, else the nearest.

        Returns the commune description (French) and the proposed brigades.
        """
        from stopcamb_desk.geo.communes import search_communes

        found = search_communes(query, limit=1)
        if not found:
            return (f"Aucune commune ne correspond à « {query} ».", [])
        commune = found[0]
        label = commune.label
        codes = {commune.code_insee, commune.parent_code} - {None}
        with self._db.session() as session:
            local = list(session.scalars(select(Brigade).where(Brigade.code_insee.in_(codes))))
        hits = [BrigadeHit(b, None, "dans la commune") for b in local]
        if commune.lat is not None and commune.lon is not None:
            seen = {h.brigade.id for h in hits}
            hits += [
                h
                for h in self.nearest(commune.lat, commune.lon, limit + len(hits))
                if h.brigade.id not in seen
                and h.distance_km is not None
                and h.distance_km <= NEIGHBOUR_RADIUS_KM
            ]
        return label, hits[:limit]
