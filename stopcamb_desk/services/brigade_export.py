"""The directory out of the desk: the data.gouv.fr CSV (lossless) and the JSON the app reads.

CSV: every column of the data.gouv.fr file, the source's own columns given back verbatim, so
that export → import → export gives the same bytes. JSON: one entry per unit in the shape of
``/annuaire_brigades`` (docs/brigades.md). The app computes « ouverte maintenant » itself from
``horaires``, ``fuseau_horaire`` and the public holidays of ``meta.jours_feries`` (the same rule
as the desk's, :func:`stopcamb_desk.domain.opening_hours.opening_status`): a time-dependent
field would change every entry at every publication.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

from stopcamb_desk.domain.brigades import BrigadeRow, write_brigades_csv
from stopcamb_desk.domain.opening_hours import (
    HoursError,
    holiday_zone,
    parse_hours,
    public_holidays,
    time_zone,
)
from stopcamb_desk.models import Brigade
from stopcamb_desk.services.brigade_checks import check_position, e164

FORMAT_VERSION = 1


def brigade_row(b: Brigade) -> BrigadeRow:
    return BrigadeRow(
        id=b.id,
        service=b.service,
        telephone=b.telephone,
        adresse=b.adresse,
        code_postal=b.code_postal,
        commune=b.commune,
        departement=b.departement,
        code_insee=b.code_insee,
        lat=b.lat,
        lon=b.lon,
        url=b.url,
        horaires=b.horaires,
        adresse_geographique=b.adresse_geographique,
        geocodage_x=b.geocodage_x,
        geocodage_y=b.geocodage_y,
        geocodage_epsg=b.geocodage_epsg,
    )


def export_csv(brigades: Iterable[Brigade], out: TextIO) -> int:
    """The data.gouv.fr CSV of ``brigades`` (streamed); returns the number of units."""
    return write_brigades_csv((brigade_row(b) for b in brigades), out)  # type: ignore[arg-type]


def holiday_key(departement: str) -> str:
    """« FR », « FR-57 », « FR-6AE » (Alsace), « FR-973 »…: which list of ``jours_feries``."""
    zone = holiday_zone(departement)
    return f"FR-{zone}" if zone else "FR"


def app_entry(b: Brigade) -> dict[str, Any]:
    """One unit as the app reads it (keys in French, see docs/brigades.md)."""
    try:
        hours = parse_hours(b.horaires).as_json()
    except HoursError:
        hours = {}
    located = b.lat is not None and b.lon is not None
    valid = located and check_position(b.lat, b.lon, b.departement) is None
    return {
        "nom": b.service,
        "telephone": b.telephone,
        "telephone_international": e164(b.telephone, b.departement),
        "adresse": b.adresse,
        "code_postal": b.code_postal,
        "commune": b.commune,
        "code_insee": b.code_insee,
        "departement": b.departement,
        # A position outside the unit's département is never published: the app's
        # « en se géolocalisant » must not propose it either.
        "position": {"lat": b.lat, "lon": b.lon} if valid else None,
        "url": b.url,
        "horaires": hours,
        "fuseau_horaire": time_zone(b.departement).key,
        "jours_feries": holiday_key(b.departement),
    }


def entry_hash(entry: dict[str, Any]) -> str:
    body = json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def holidays_meta(departements: Iterable[str], now: datetime) -> dict[str, dict[str, str]]:
    """Public holidays of this year and the next, per list used by the units."""
    out: dict[str, dict[str, str]] = {}
    for dep in sorted(set(departements)):
        key = holiday_key(dep)
        if key not in out:
            days = public_holidays(dep, (now.year, now.year + 1))
            out[key] = {d.isoformat(): name for d, name in sorted(days.items())}
    return out


def app_document(brigades: Iterable[Brigade], now: datetime) -> dict[str, Any]:
    """The whole directory as ``brigades export --format json`` prints it."""
    entries: dict[str, dict[str, Any]] = {}
    departements: list[str] = []
    for b in brigades:
        entries[b.id] = app_entry(b)
        departements.append(b.departement)
    return {
        "brigades": entries,
        "meta": meta(entries, departements, now),
    }


def meta(entries: dict[str, Any], departements: Iterable[str], now: datetime) -> dict[str, Any]:
    return {
        "version": FORMAT_VERSION,
        "publie_le": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "nombre": len(entries),
        "jours_feries": holidays_meta(departements, now),
    }
