"""Brigade directory: streamed CSV import (all or nothing), checked edits, « trouver la brigade ».

Only administrators change the directory; every change is audited. Searching is open to all.
Every record written is checked (:mod:`brigade_checks`): an invalid line refuses the import, or
is skipped when the operator asked so; an invalid edit is refused with the reason per field.
The finder proposes only units whose position is valid, through an in-memory index rebuilt when
the directory changes (any desk: the fingerprint is read from the database on each search).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from stopcamb_desk.domain.brigades import BrigadeCsvReader, BrigadeRow, LineError
from stopcamb_desk.domain.departements import departement_name, known_departement
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.french import de
from stopcamb_desk.domain.opening_hours import (
    HoursError,
    OpeningStatus,
    opening_status,
    parse_hours,
)
from stopcamb_desk.domain.roles import Permission, Principal, require
from stopcamb_desk.geo.communes import communes_by_code, search_communes
from stopcamb_desk.geo.departements import departement_at
from stopcamb_desk.geo.distance import PointIndex
from stopcamb_desk.geo.geocoding import MIN_SCORE, AddressGeocoder, GeocodingError
from stopcamb_desk.geo.places import ReferencePlaceFinder
from stopcamb_desk.models import Brigade, utcnow
from stopcamb_desk.models.db import Database, DatabaseError, explain_failure
from stopcamb_desk.services import audit
from stopcamb_desk.services.brigade_checks import Problem, check_brigade, check_position, describe

# « Trouver la brigade » proposes no unit further than this from the place asked about
# (address, commune, position): a unit 200 km away is a wrong place — a homonym commune, a
# mistyped position, a directory not imported — never the answer to give a caller.
NEIGHBOUR_RADIUS_KM = 40.0
# What to check when nothing is near (« vérifiez … »).
_CHECK_ADDRESS = "l'adresse avec l'appelant (numéro, rue, commune, code postal)"
_CHECK_COMMUNE = "la commune avec l'appelant (homonyme ? précisez le code postal)"
_CHECK_POSITION = "la position (latitude puis longitude, en degrés décimaux)"
CHECK_MAP_POINT = "le point choisi sur la carte"  # a click: the position itself is right
# What the trail says changed a fiche: its own edits, and the imports that rewrite it (one
# « brigade_importee » event per fiche rewritten, with its before/after, besides the import's).
_FICHE_CHANGES = ("brigade_modifiee", "brigade_importee")
BATCH_ROWS = 500  # rows validated and written per flush: memory does not grow with the file
EDITABLE_FIELDS = (
    "service",
    "telephone",
    "adresse",
    "code_postal",
    "commune",
    "url",
    "horaires",
    "lat",
    "lon",
)
FIELD_LABELS = {
    "service": "nom de l'unité",
    "telephone": "téléphone",
    "adresse": "adresse",
    "code_postal": "code postal",
    "commune": "commune",
    "url": "site",
    "horaires": "horaires",
    "lat": "latitude",
    "lon": "longitude",
}
VALUE_FIELDS = (
    "service",
    "telephone",
    "adresse",
    "code_postal",
    "commune",
    "departement",
    "code_insee",
    "lat",
    "lon",
    "url",
    "horaires",
    "adresse_geographique",
    "geocodage_x",
    "geocodage_y",
    "geocodage_epsg",
)


class BrigadeError(DeskError):
    """A directory change was refused; nothing was written."""

    def __init__(
        self,
        message: str,
        errors: list[LineError] | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        super().__init__(message)
        self.errors = errors or []
        self.problems = problems or []


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[LineError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)  # swapped positions corrected on request
    imported: bool = True

    def summary(self) -> str:
        text = (
            f"{self.added} brigade(s) ajoutée(s), {self.updated} mise(s) à jour, "
            f"{self.unchanged} inchangée(s)"
        )
        if self.skipped:
            text += f", {len(self.skipped)} ligne(s) ignorée(s)"
        return text + "."

    def as_json(self) -> dict[str, Any]:
        """The report printed by ``brigades import --json`` (keys in French)."""
        return {
            "importe": self.imported,
            "ajoutees": self.added,
            "mises_a_jour": self.updated,
            "inchangees": self.unchanged,
            "lignes_rejetees": [
                {"ligne": e.line, "unite": e.unit, "raison": e.message} for e in self.skipped
            ],
            "positions_corrigees": self.fixed,
            "avertissements": self.warnings,
        }


@dataclass(slots=True)
class _Written:
    """What one import wrote so far (for its audit events)."""

    actor: str
    at: datetime
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BrigadeHit:
    brigade: Brigade
    distance_km: float | None
    reason: str  # French: why this brigade is proposed
    opening: OpeningStatus  # « ouverte jusqu'à 18h00 »… at the time of the search


@dataclass(frozen=True, slots=True)
class AddressSearch:
    """What « trouver la brigade » from an address found, said plainly."""

    label: str  # where the search was centred, in French
    hits: list[BrigadeHit]
    precise: bool  # the address itself was found (False: the commune's position instead)
    note: str = ""  # why the commune's position is used, when it is


def _values(row: BrigadeRow) -> dict[str, object]:
    return {name: getattr(row, name) for name in VALUE_FIELDS}


def _canonical_hours(row: BrigadeRow) -> BrigadeRow:
    return replace(row, horaires=parse_hours(row.horaires).text())


def _located_validly(brigade: Brigade) -> bool:
    return check_position(brigade.lat, brigade.lon, brigade.departement) is None


class BrigadeService:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime] = utcnow,
        *,
        geocoder: AddressGeocoder | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._geocoder = geocoder
        self._index_lock = threading.Lock()
        self._index: tuple[tuple[Any, ...], PointIndex[Brigade]] | None = None

    # -- import -------------------------------------------------------------------------------
    def import_csv(
        self,
        actor: Principal,
        stream: BinaryIO,
        *,
        skip_invalid: bool = False,
        fix_swapped: bool = False,
    ) -> ImportReport:
        """Import the data.gouv.fr CSV from a seekable binary stream, in one transaction.

        Rows are read, checked and written :data:`BATCH_ROWS` at a time. Invalid lines refuse
        the whole import (:class:`BrigadeError` with one :class:`LineError` per line) unless
        ``skip_invalid`` (the operator saw them). ``fix_swapped`` applies the recognised fix of
        a swapped longitude/latitude instead of rejecting the line.
        """
        require(actor, Permission.EDIT_BRIGADES)
        reader = BrigadeCsvReader(stream)  # BrigadeFileError for an unusable file
        report = ImportReport()
        errors: list[LineError] = []
        seen: dict[str, int] = {}
        now = self._clock()
        written = _Written(actor.login, now)
        with (
            self._writing(
                lambda: (
                    "Une fiche de l'annuaire a été modifiée entre-temps par un autre poste : "
                    "rien n'a été importé. Relancez l'import."
                )
            ) as session,
            closing(iter(reader)) as rows,
        ):  # closed now, even when the import fails
            while batch := list(islice(rows, BATCH_ROWS)):
                valid = self._check_batch(batch, seen, errors, report, fix_swapped)
                if errors and not skip_invalid:
                    continue  # keep reading to report every invalid line; write nothing more
                self._write_batch(session, valid, report, written)
                session.flush()
                session.expunge_all()
            if errors and not skip_invalid:
                raise BrigadeError(
                    f"{len(errors)} ligne(s) invalide(s) : rien n'a été importé. Corrigez le "
                    "fichier ou confirmez l'import en ignorant ces lignes.",
                    errors,
                )
            report.skipped = errors
            if not (report.added or report.updated or report.unchanged):
                raise BrigadeError("Aucune brigade valide dans ce fichier.", errors)
            audit.record(
                session,
                actor.login,
                "annuaire_importe",
                "brigades",
                "",
                {
                    "ajoutees": report.added,
                    "mises_a_jour": report.updated,
                    "ajoutees_ids": written.added,
                    "mises_a_jour_ids": written.updated,
                    "ignorees": [e.line for e in report.skipped],
                    "positions_corrigees": report.fixed,
                },
                at=now,
            )
        return report

    def _check_batch(
        self,
        batch: list[tuple[int, BrigadeRow | LineError]],
        seen: dict[str, int],
        errors: list[LineError],
        report: ImportReport,
        fix_swapped: bool,
    ) -> list[BrigadeRow]:
        valid: list[BrigadeRow] = []
        for line, item in batch:
            if isinstance(item, LineError):
                errors.append(item)
                continue
            first = seen.get(item.id)
            if first is not None:
                errors.append(
                    LineError(line, f"Unité {item.id} déjà présente ligne {first}.", item.id)
                )
                continue
            seen[item.id] = line
            row = item
            problems = check_brigade(row)
            fix = next((p.fix for p in problems if p.fix), None)
            if fix_swapped and fix:
                row = replace(row, lat=fix["lat"], lon=fix["lon"])
                report.fixed.append(f"Unité {row.id} : latitude et longitude remises dans l'ordre.")
                problems = check_brigade(row)
            if problems:
                errors.append(LineError(line, f"Unité {row.id} : {describe(problems)}", row.id))
                continue
            if row.lat is None:
                report.warnings.append(
                    f"Unité {row.id} ({row.service}) : pas de coordonnées GPS, absente de la "
                    "carte et de la recherche par position."
                )
            valid.append(_canonical_hours(row))
        return valid

    def _write_batch(
        self, session: Session, rows: list[BrigadeRow], report: ImportReport, written: _Written
    ) -> None:
        if not rows:
            return
        existing = {
            b.id: b
            for b in session.scalars(select(Brigade).where(Brigade.id.in_([r.id for r in rows])))
        }
        for row in rows:
            values = _values(row)
            brigade = existing.get(row.id)
            if brigade is None:
                session.add(Brigade(id=row.id, updated_at=written.at, version=1, **values))
                report.added += 1
                written.added.append(row.id)
            elif diff := {
                k: [getattr(brigade, k), v] for k, v in values.items() if getattr(brigade, k) != v
            }:
                for key, value in values.items():
                    setattr(brigade, key, value)
                brigade.updated_at = written.at  # the mapper increments the version
                report.updated += 1
                written.updated.append(row.id)
                # Who rewrote this fiche, and from what: the trail of the fiche, as for an edit.
                audit.record(
                    session,
                    written.actor,
                    "brigade_importee",
                    "brigade",
                    row.id,
                    diff,
                    at=written.at,
                )
            else:
                report.unchanged += 1

    # -- edits --------------------------------------------------------------------------------
    def check(self, brigade: Brigade, **changes: object) -> list[Problem]:
        """Problems of ``brigade`` with ``changes`` applied (nothing written)."""
        merged = BrigadeRow(**{**_row_values(brigade), **changes})  # type: ignore[arg-type]
        return check_brigade(merged)

    def update(
        self, actor: Principal, brigade_id: str, expected_version: int, **changes: object
    ) -> Brigade:
        """Edit one brigade; refused if invalid, or if someone else changed it meanwhile."""
        require(actor, Permission.EDIT_BRIGADES)
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"champs non modifiables : {sorted(unknown)}")
        changes = _edit_values(changes)
        if not str(changes.get("service", "x")).strip():
            raise BrigadeError("Le nom de l'unité ne peut pas être vide.")
        with self._writing(lambda: self._changed_meanwhile(brigade_id)) as session:
            brigade = session.get(Brigade, brigade_id, with_for_update=True)
            if brigade is None:
                raise BrigadeError(f"La brigade {brigade_id} n'existe plus.")
            if brigade.version != expected_version:
                raise BrigadeError(self._changed_meanwhile(brigade_id, session))
            problems = self.check(brigade, **changes)
            if problems:
                raise BrigadeError(
                    f"Fiche non enregistrée : {describe(problems)}", problems=problems
                )
            if "horaires" in changes:
                changes["horaires"] = parse_hours(str(changes["horaires"])).text()
            if {"lat", "lon"} & changes.keys():
                # The source's Lambert coordinates no longer describe the new position.
                changes.update(geocodage_x="", geocodage_y="", geocodage_epsg="")
            diff = {
                k: [getattr(brigade, k), v] for k, v in changes.items() if getattr(brigade, k) != v
            }
            for key, (_, value) in diff.items():
                setattr(brigade, key, value)
            if diff:  # the mapper increments the version
                brigade.updated_at = self._clock()
                audit.record(session, actor.login, "brigade_modifiee", "brigade", brigade_id, diff)
            return brigade

    @contextmanager
    def _writing(self, changed_meanwhile: Callable[[], str]) -> Iterator[Session]:
        """A transaction changing brigades: when another desk's change committed after this
        one read a fiche, the write matches no row (version column, as for templates) — rolled
        back, and refused with ``changed_meanwhile()`` (French). A database lost, full or busy
        meanwhile rolls everything back too, said as :class:`DatabaseError` (French)."""
        try:
            with self._db.session() as session:
                yield session
                session.flush()  # the version check runs here, inside the transaction
        except StaleDataError:
            raise BrigadeError(changed_meanwhile()) from None
        except SQLAlchemyError as exc:
            raise DatabaseError(explain_failure(exc, self._db.url)) from exc

    def _changed_meanwhile(self, brigade_id: str, session: Session | None = None) -> str:
        """« La fiche 1009301 a été modifiée entre-temps par chef74 le … à … : … » — who and
        when from the audit trail."""
        if session is None:
            with self._db.session() as reading:
                return self._changed_meanwhile(brigade_id, reading)
        event = audit.last_change(session, "brigade", brigade_id, _FICHE_CHANGES)
        return (
            f"La fiche {brigade_id} a été modifiée entre-temps {audit.changed_by(event)} : "
            "rien n'a été enregistré. Rechargez-la pour voir ses nouvelles valeurs."
        )

    # -- reading ------------------------------------------------------------------------------
    def brigades(self, departement: str | None = None) -> list[Brigade]:
        with self._db.session() as session:
            query = select(Brigade).order_by(Brigade.departement, Brigade.service)
            if departement:
                query = query.where(Brigade.departement == departement)
            return list(session.scalars(query))

    def iter_all(self, batch: int = BATCH_ROWS) -> Iterator[Brigade]:
        """Every brigade in identifier order, fetched ``batch`` rows at a time (exports)."""
        with self._db.session() as session:
            result = session.scalars(
                select(Brigade).order_by(Brigade.id).execution_options(yield_per=batch)
            )
            yield from result

    def opening(self, brigade: Brigade, at: datetime | None = None) -> OpeningStatus:
        """« ouverte jusqu'à 18h00 », « fermée, ouvre demain à 8h00 »… now (or at ``at``)."""
        try:
            hours = parse_hours(brigade.horaires)
        except HoursError:
            return OpeningStatus(None, "horaires illisibles")
        return opening_status(hours, brigade.departement, at or self._clock())

    def _hit(self, brigade: Brigade, distance_km: float | None, reason: str) -> BrigadeHit:
        return BrigadeHit(brigade, distance_km, reason, self.opening(brigade))

    def _fingerprint(self, session: Session) -> tuple[Any, ...]:
        row = session.execute(
            select(func.count(Brigade.id), func.max(Brigade.updated_at), func.sum(Brigade.version))
        ).one()
        return tuple(row)

    def located_index(self) -> PointIndex[Brigade]:
        """Index of the brigades whose position is valid (rebuilt when the directory changed)."""
        with self._db.session() as session:
            fingerprint = self._fingerprint(session)
            with self._index_lock:
                if self._index is not None and self._index[0] == fingerprint:
                    return self._index[1]
            located = session.scalars(
                select(Brigade).where(Brigade.lat.is_not(None), Brigade.lon.is_not(None))
            ).all()
        index = PointIndex([b for b in located if _located_validly(b)])
        with self._index_lock:
            self._index = (fingerprint, index)
        return index

    def nearest(
        self, lat: float, lon: float, limit: int = 3, *, max_km: float | None = None
    ) -> list[BrigadeHit]:
        """Brigades closest to a position (geodesic distance), validly located ones only."""
        found = self.located_index().nearest(lon, lat, limit, max_km=max_km)
        return [self._hit(b, round(d, 1), f"à {d:.1f} km") for b, d in found]

    def _near(self, lat: float, lon: float, limit: int) -> list[BrigadeHit]:
        return self.nearest(lat, lon, limit, max_km=NEIGHBOUR_RADIUS_KM)

    def none_near(self, lat: float, lon: float, check: str) -> str:
        """Why no brigade is proposed around a place (French), and what to check: ``check``
        names what the operator typed (« l'adresse avec l'appelant »…)."""
        beyond = self.nearest(lat, lon, 1)
        if not beyond:
            return (
                "l'annuaire ne contient aucune brigade localisée : un administrateur doit "
                "l'importer (Brigades → Importer, ou « stopcamb-desk brigades import »)."
            )
        hit = beyond[0]
        return (
            f"aucune brigade de l'annuaire à moins de {NEIGHBOUR_RADIUS_KM:.0f} km ; la plus "
            f"proche, {hit.brigade.service} ({hit.brigade.departement}), est à "
            f"{hit.distance_km:.0f} km : vérifiez {check}, ou que l'annuaire de ce département "
            "est importé."
        )

    def find_for_position(
        self, lat: float, lon: float, limit: int = 3, *, check: str = _CHECK_POSITION
    ) -> tuple[str, list[BrigadeHit]]:
        """« Trouver la brigade » from a position: (where it is, in French; nearest brigades).

        Only brigades within :data:`NEIGHBOUR_RADIUS_KM` are proposed (in France or off its
        coast), never one hundreds of km away; without any, the description says why and
        what to ``check``. A position outside France whose latitude and longitude look swapped
        is said so instead.
        """
        where = f"Position {_degrees(lat)}, {_degrees(lon)}"
        found = departement_at(lon, lat) if -90 <= lat <= 90 and -180 <= lon <= 180 else None
        if found is not None:
            where = f"{where} — {found.nom} ({found.code})"
            near = self._near(lat, lon, limit)
            if not near:
                return f"{where} : {self.none_near(lat, lon, check)}", []
            return where, near
        swapped = departement_at(lat, lon) if -90 <= lon <= 90 else None
        if swapped is not None:
            return (
                f"{where} hors de France : latitude et longitude inversées ? Dans l'autre ordre "
                f"({_degrees(lon)}, {_degrees(lat)}), la position tombe dans le département "
                f"{swapped.code} ({swapped.nom}).",
                [],
            )
        near = self._near(lat, lon, limit)
        if near:
            return f"{where} (en mer ou à la frontière, hors de France)", near
        return (
            f"{where} hors de France, à plus de {NEIGHBOUR_RADIUS_KM:.0f} km de toute brigade de "
            "l'annuaire : vérifiez la position (latitude puis longitude, en degrés décimaux).",
            [],
        )

    def find_for_commune(self, query: str, limit: int = 3) -> tuple[str, list[BrigadeHit]]:
        """« Trouver la brigade » from a commune name: units in that commune, else the nearest
        within :data:`NEIGHBOUR_RADIUS_KM`.

        Returns the commune description (French; without brigades, why) and the brigades.
        """
        found = search_communes(query, limit=1)
        qualified = None if found else _qualified_commune(query)
        if qualified is not None:
            name, where, found = qualified
            if not found:
                return (f"Aucune commune « {name} » {where}.", [])
        if not found:
            return (f"Aucune commune ne correspond à « {query} ».", [])
        commune = found[0]
        # A name typed alone answers for the most populated commune: say the others exist.
        homonyms = "" if _QUALIFIER.match(query.strip()) else _homonyms_clause(commune)
        hits = self._around_commune(commune, limit)
        if hits:
            return commune.label + (f" — attention : {homonyms}" if homonyms else ""), hits
        also = f" Attention : {homonyms}." if homonyms else ""
        if commune.lat is None or commune.lon is None:
            return (
                f"{commune.label} : aucune brigade de l'annuaire dans la commune, dont la "
                "position n'est pas connue : tapez une commune voisine ou une position." + also,
                [],
            )
        near = self.none_near(commune.lat, commune.lon, _CHECK_COMMUNE)
        return f"{commune.label} : {near}{also}", []

    def _around_commune(self, commune: Any, limit: int) -> list[BrigadeHit]:
        codes = {commune.code_insee, commune.parent_code} - {None}
        with self._db.session() as session:
            local = list(session.scalars(select(Brigade).where(Brigade.code_insee.in_(codes))))
        hits = [self._hit(b, None, "dans la commune") for b in local]
        if commune.lat is not None and commune.lon is not None:
            seen = {h.brigade.id for h in hits}
            hits += [
                h
                for h in self._near(commune.lat, commune.lon, limit + len(hits))
                if h.brigade.id not in seen
            ]
        return hits[:limit]

    # -- addresses ----------------------------------------------------------------------------
    def find_for_address(self, query: str, limit: int = 3) -> AddressSearch:
        """« Je suis au 12 rue … à Lunel » → the nearest brigades of the geocoded address,
        within :data:`NEIGHBOUR_RADIUS_KM` (without any, ``label`` says why).

        Offline, or when the address is not found, the position of the commune named in the
        text is used instead, and ``note`` says so. Blocking (network): call off the GUI thread.
        """
        position = self.locate_address(query)
        if position is None:
            return AddressSearch(
                f"Adresse « {query} » introuvable, et aucune commune reconnue dans le texte.",
                [],
                precise=False,
            )
        label, lat, lon, precise, note = position
        hits = self._near(lat, lon, limit)
        if not hits:
            check = _CHECK_ADDRESS if precise else _CHECK_COMMUNE
            label = f"{label} : {self.none_near(lat, lon, check)}"
        return AddressSearch(label, hits, precise, note)

    def locate_address(self, query: str) -> tuple[str, float, float, bool, str] | None:
        """(label, lat, lon, precise, note) of an address; the commune's position as a fallback."""
        note = ""
        if self._geocoder is None:
            note = "Géocodage non configuré"
        else:
            try:
                found = [a for a in self._geocoder.geocode(query, limit=1) if a.score >= MIN_SCORE]
            except GeocodingError as exc:
                note = exc.message.rstrip(".")
            else:
                if found and found[0].kind != "municipality":
                    best = found[0]
                    return best.label, best.lat, best.lon, True, ""
                if found:  # only the commune was recognised: its centre, said plainly
                    best = found[0]
                    return (
                        f"{best.city} (centre de la commune)",
                        best.lat,
                        best.lon,
                        False,
                        "Adresse introuvable, seule la commune a été reconnue : position de la "
                        f"commune {de(best.city)} proposée à la place, à vérifier avec l'appelant.",
                    )
                note = "Adresse introuvable par le service de géocodage"
        commune = _commune_in(query)
        if commune is None or commune.lat is None or commune.lon is None:
            return None
        return (
            f"{commune.label} (position de la commune)",
            commune.lat,
            commune.lon,
            False,
            f"{note} : position de la commune {de(commune.nom)} proposée à la place, à "
            "vérifier avec l'appelant." + _homonyms_note(commune, query),
        )


def _degrees(value: float) -> str:
    """« 43,6756 »: degrees as an operator reads them."""
    return f"{value:.4f}".replace(".", ",")


_QUALIFIER = re.compile(r"^(?P<name>.*?)[\s,]*\(?\s*(?P<code>\d{5}|\d{2,3}|2[AB])\s*\)?\s*$", re.I)


def _qualified_commune(query: str) -> tuple[str, str, list[Any]] | None:
    """Homonyms: « Saint-Denis (93) », « Saint-Denis 93 », « Saint-Denis 93200 » → (name, where
    it was looked for in French, the communes of that name there); None without a qualifier."""
    match = _QUALIFIER.match(query.strip())
    if match is None or not match["name"].strip():
        return None
    name, code = match["name"].strip(), match["code"].upper()
    if len(code) == 5:
        found = [c for c in search_communes(name, limit=50) if code in c.codes_postaux]
        return name, f"de code postal {code}", found[:1]
    departement = known_departement(code)
    if departement is None:
        return None
    where = f"dans le département {departement} ({departement_name(departement)})"
    return name, where, search_communes(name, limit=1, departements=(departement,))


def _edit_values(changes: dict[str, object]) -> dict[str, object]:
    """The edited values as stored: texts stripped, coordinates as floats (« 43,6756 » too).

    Raises :class:`BrigadeError` (French, nothing written) for a value of the wrong type;
    control characters are problems of :func:`check_brigade` (import and edit alike).
    """
    out: dict[str, object] = {}
    for name, value in changes.items():
        label = FIELD_LABELS[name]
        if name in ("lat", "lon"):
            out[name] = _coordinate(label, value)
            continue
        if not isinstance(value, str):
            raise BrigadeError(
                f"Fiche non enregistrée : {label} « {value} » illisible, tapez-le en texte."
            )
        out[name] = value.strip()
    return out


def _coordinate(label: str, value: object) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(value)
        return float(value.strip().replace(",", ".") if isinstance(value, str) else value)
    except ValueError:
        raise BrigadeError(
            f"Fiche non enregistrée : {label} « {value} » illisible ; tapez des degrés "
            "décimaux, ex. 43,6756."
        ) from None


def _homonym_departements(commune: Any) -> list[str]:
    """The départements that have a commune of the same name (sorted; empty when it is the
    only one)."""
    same = [c for c in search_communes(commune.nom, limit=50) if c.nom == commune.nom]
    departements = sorted({c.departement for c in same})
    return departements if len(departements) > 1 else []


def _homonyms_note(commune: Any, query: str) -> str:
    """« Attention : plusieurs communes s'appellent Saint-Denis … » when the text did not say
    which (no postal code); empty otherwise."""
    departements = [] if re.search(r"\b\d{5}\b", query) else _homonym_departements(commune)
    if not departements:
        return ""
    return (
        f" Attention : plusieurs communes s'appellent {commune.nom} (départements "
        f"{', '.join(departements)}) : précisez le code postal."
    )


def _homonyms_clause(commune: Any) -> str:
    """« plusieurs communes s'appellent Vers (départements 46, 71, 74) : précisez le
    département si ce n'est pas celle-ci, ex. « Vers (46) » », or empty without homonym."""
    departements = _homonym_departements(commune)
    if not departements:
        return ""
    other = next(d for d in departements if d != commune.departement)
    return (
        f"plusieurs communes s'appellent {commune.nom} (départements "
        f"{', '.join(departements)}) : précisez le département si ce n'est pas celle-ci, "
        f"ex. « {commune.nom} ({other}) »"
    )


def _commune_in(text: str) -> Any:
    """The commune named in a free address (postal code first, then the last name found)."""
    found = ReferencePlaceFinder().find_places(text)
    postcode = re.search(r"\b(\d{5})\b", text)
    if postcode:
        by_code = [
            c for c in search_communes(postcode[1], limit=20) if postcode[1] in c.codes_postaux
        ]
        named = {f.code_insee for f in found}
        for c in by_code:
            if c.code_insee in named:
                return c
        if by_code and not found:
            return by_code[0]
    if found:
        entries = communes_by_code(found[-1].code_insee)
        match = [c for c in entries if c.nom == found[-1].nom] or entries
        return match[0] if match else None
    return None


def _row_values(brigade: Brigade) -> dict[str, object]:
    return {"id": brigade.id, **{name: getattr(brigade, name) for name in VALUE_FIELDS}}
