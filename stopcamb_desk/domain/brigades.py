"""Parsing the data.gouv.fr CSV « Liste des unités de gendarmerie accueillant du public».

Pure Python: the CSV text goes in, validated rows and French line-level errors come out. The
service decides what to write (nothing at all when the file is malformed).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from stopcamb_desk.domain.errors import DeskError

REQUIRED_COLUMNS = (
    "identifiant_public_unite",
    "service",
    "telephone",
    "voie",
    "code_postal",
    "commune",
    "departement",
    "code_commune_insee",
    "geocodage_x_GPS",
    "geocodage_y_GPS",
)
_DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])$")
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


class BrigadeFileError(DeskError):
    """The whole file is unusable; ``message`` is French and says what to do."""


@dataclass(frozen=True, slots=True)
class BrigadeRow:
    id: str
    service: str
    telephone: str
    adresse: str
    code_postal: str
    commune: str
    departement: str
    code_insee: str
    lat: float | None
    lon: float | None
    url: str
    horaires: str  # one line per day, "Lundi : 8h00-12h00 14h00-18h00"


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    message: str


@dataclass
class ParsedBrigades:
    rows: list[BrigadeRow] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise BrigadeFileError(
            "Ce n'est pas un fichier CSV (contenu binaire, ou tableur non exporté) : "
            "enregistrez-le au format CSV UTF-8 séparé par des points-virgules."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BrigadeFileError("Fichier illisible : encodage inconnu (attendu : UTF-8).")


def _coordinate(value: str, low: float, high: float) -> float | None:
    value = value.strip().replace(",", ".")
    if not value:
        return None
    number = float(value)
    if not low <= number <= high:
        raise ValueError(value)
    return number


def _row(record: dict[str, str], line: int) -> BrigadeRow | LineError:
    get = lambda name: (record.get(name) or "").strip()  # noqa: E731
    ident = get("identifiant_public_unite")
    if not ident:
        return LineError(line, "identifiant_public_unite manquant.")
    if not get("service"):
        return LineError(line, f"Unité {ident} : nom du service manquant.")
    departement = get("departement").upper()
    if len(departement) == 1:
        departement = "0" + departement
    if not _DEPARTEMENT.match(departement):
        return LineError(line, f"Unité {ident} : département « {departement} » inconnu.")
    insee = get("code_commune_insee").upper()
    if insee and not _INSEE.match(insee):
        return LineError(line, f"Unité {ident} : code INSEE « {insee} » invalide.")
    try:
        lon = _coordinate(get("geocodage_x_GPS"), -180.0, 180.0)
        lat = _coordinate(get("geocodage_y_GPS"), -90.0, 90.0)
    except ValueError:
        return LineError(line, f"Unité {ident} : coordonnées GPS invalides.")
    if (lat is None) != (lon is None):
        return LineError(line, f"Unité {ident} : une seule des deux coordonnées GPS est donnée.")
    horaires = "\n".join(p.strip() for p in get("horaires_accueil").split("$") if p.strip())
    return BrigadeRow(
        id=ident,
        service=get("service"),
        telephone=get("telephone"),
        adresse=get("voie") or get("adresse_geographique"),
        code_postal=get("code_postal"),
        commune=get("commune"),
        departement=departement,
        code_insee=insee,
        lat=lat,
        lon=lon,
        url=get("url"),
        horaires=horaires,
    )


def parse_brigades_csv(data: bytes) -> ParsedBrigades:
    """Parse the file; raise :class:`BrigadeFileError` if it is not that CSV at all."""
    text = _decode(data)
    if not text.strip():
        raise BrigadeFileError("Le fichier est vide.")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise BrigadeFileError(
            "Ce fichier n'est pas la liste des unités de gendarmerie attendue : colonnes "
            f"manquantes : {', '.join(missing)}. Téléchargez le CSV de data.gouv.fr sans le "
            "modifier."
        )
    parsed = ParsedBrigades()
    seen: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if None in record:
                parsed.errors.append(LineError(line, "Trop de colonnes sur cette ligne."))
                continue
            result = _row(record, line)
            if isinstance(result, LineError):
                parsed.errors.append(result)
            elif result.id in seen:
                parsed.errors.append(
                    LineError(line, f"Unité {result.id} déjà présente ligne {seen[result.id]}.")
                )
            else:
                seen[result.id] = line
                parsed.rows.append(result)
    except csv.Error as exc:
        raise BrigadeFileError(
            f"CSV mal formé ligne {reader.line_num} ({exc}). Rien n'a été importé."
        ) from exc
    return parsed
