"""Reading and writing the data.gouv.fr CSV « Liste des unités de gendarmerie accueillant du
public ».

Pure Python. :class:`BrigadeCsvReader` streams a binary file: encoding (UTF-8 with or without
BOM, cp1252, UTF-16 with BOM) and separator are guessed from the first 64 KiB, then rows come one
at a time (a 50 MB file never sits in memory), each a :class:`BrigadeRow` or a French
:class:`LineError`. :func:`write_brigades_csv` writes the same
format back (UTF-8 with BOM, ``;``, hours joined by ``$``), so export → import → export gives the
same bytes. The service decides what to write (nothing at all when the file is malformed).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from stopcamb_desk.domain.departements import known_departement, normalize_departement
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.spreadsheet import SafeCsvWriter, typed_cell

# Every column of the data.gouv.fr file, in its order (the export writes them all).
CSV_COLUMNS = (
    "identifiant_public_unite",
    "service",
    "telephone",
    "adresse_geographique",
    "voie",
    "code_postal",
    "commune",
    "departement",
    "code_commune_insee",
    "geocodage_x",
    "geocodage_y",
    "geocodage_epsg",
    "geocodage_x_GPS",
    "geocodage_y_GPS",
    "url",
    "horaires_accueil",
)
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
SAMPLE_BYTES = 65536
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
# The unit's key in the app's Realtime Database (« /annuaire_brigades/brigades/<id> »): no
# « / » (a path), « . $ # [ ] » (refused keys), no space nor control character; at most the
# 20 characters the database column holds.
_IDENT = re.compile(r"[0-9A-Za-z_-]{1,20}")


class BrigadeFileError(DeskError):
    """The whole file is unusable; ``message`` is French and says what to do."""


@dataclass(frozen=True, slots=True)
class BrigadeRow:
    id: str
    service: str
    telephone: str
    adresse: str  # « voie »
    code_postal: str
    commune: str
    departement: str
    code_insee: str
    lat: float | None
    lon: float | None
    url: str
    horaires: str  # one line per day, "Lundi : 8h00-12h00 14h00-18h00"
    # Kept verbatim from the source file so that the export gives them back.
    adresse_geographique: str = ""
    geocodage_x: str = ""
    geocodage_y: str = ""
    geocodage_epsg: str = ""


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    message: str
    unit: str | None = None  # identifiant_public_unite, when the line has one


def shown_unit_id(ident: str) -> str:
    """The identifier as an operator can read it: invisible characters as « U+0007 »."""
    return "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in ident)


def unit_id_refusal(ident: str) -> str | None:
    """Why ``ident`` cannot be a unit's identifier (French), or None: the one rule for the
    import, the checks of a stored record and the publication to the app."""
    if _IDENT.fullmatch(ident):
        return None
    return (
        f"identifiant_public_unite « {shown_unit_id(ident)} » invalide : chiffres et lettres "
        "seulement (« - » et « _ » admis, 20 caractères au plus ; ex. 1009402), tel que dans le "
        "fichier de data.gouv.fr."
    )


# The GPS columns: (column, what it holds, largest magnitude, example from the Lunel unit).
_GPS_COLUMNS = (
    ("geocodage_x_GPS", "longitude", 180.0, "4.1360"),
    ("geocodage_y_GPS", "latitude", 90.0, "43.6756"),
)


def _coordinate(value: str, low: float, high: float) -> float | None:
    value = value.strip().replace(",", ".")
    if not value:
        return None
    number = float(value)
    if not low <= number <= high:
        raise ValueError(value)
    return number


def _leading_zero(code: str) -> str:
    """« 1000 » → « 01000 »: the leading zero a spreadsheet takes off a five-digit code (postal
    code or INSEE code of départements 01 to 09) when it saves the file again."""
    return "0" + code if len(code) == 4 and code.isascii() and code.isdigit() else code


def _row(record: dict[str, str], line: int) -> BrigadeRow | LineError:
    def get(name: str) -> str:  # the desk's own export wrote formula-like cells as « '= »
        return typed_cell((record.get(name) or "").strip())

    ident = get("identifiant_public_unite")
    if not ident:
        return LineError(line, "identifiant_public_unite manquant.")
    refusal = unit_id_refusal(ident)
    if refusal is not None:
        return LineError(line, refusal)
    if not get("service"):
        return LineError(line, f"Unité {ident} : nom du service manquant.", ident)
    departement = known_departement(get("departement"))
    if departement is None:
        shown = normalize_departement(get("departement"))
        return LineError(
            line,
            f"Unité {ident} : département « {shown} » inconnu (codes valides : 01 à 95, 2A, 2B, "
            "971 à 974 et 976).",
            ident,
        )
    insee = _leading_zero(get("code_commune_insee").upper())
    if insee and not _INSEE.match(insee):
        return LineError(line, f"Unité {ident} : code INSEE « {insee} » invalide.", ident)
    coordinates: list[float | None] = []
    for column, what, limit, example in _GPS_COLUMNS:
        try:
            coordinates.append(_coordinate(get(column), -limit, limit))
        except ValueError:
            return LineError(
                line,
                f"Unité {ident} : {column} ({what}) « {get(column)} » invalide : attendu des "
                f"degrés décimaux de -{limit:.0f} à {limit:.0f}, ex. {example} (point ou "
                "virgule, sans « ° » ni minutes).",
                ident,
            )
    lon, lat = coordinates
    if (lat is None) != (lon is None):
        return LineError(
            line, f"Unité {ident} : une seule des deux coordonnées GPS est donnée.", ident
        )
    horaires = "\n".join(p.strip() for p in get("horaires_accueil").split("$") if p.strip())
    return BrigadeRow(
        id=ident,
        service=get("service"),
        telephone=get("telephone"),
        adresse=get("voie") or get("adresse_geographique"),
        code_postal=_leading_zero(get("code_postal")),
        commune=get("commune"),
        departement=departement,
        code_insee=insee,
        lat=lat,
        lon=lon,
        url=get("url"),
        horaires=horaires,
        adresse_geographique=get("adresse_geographique"),
        geocodage_x=get("geocodage_x"),
        geocodage_y=get("geocodage_y"),
        geocodage_epsg=get("geocodage_epsg"),
    )


def _utf16_text(sample: bytes) -> bool:
    """UTF-16 with its BOM, as Excel's « Texte Unicode » and « CSV UTF-16 » save it: French text
    is mostly Latin letters, whose high byte is zero (random bytes behind a BOM are not)."""
    if sample.startswith(codecs.BOM_UTF16_LE):
        high = sample[3::2]
    elif sample.startswith(codecs.BOM_UTF16_BE):
        high = sample[2::2]
    else:
        return False
    return bool(high) and high.count(0) * 2 >= len(high)


def _encoding(sample: bytes) -> str:
    if _utf16_text(sample):
        return "utf-16"  # the BOM says the byte order
    if b"\x00" in sample[:4096]:
        raise BrigadeFileError(
            "Ce n'est pas un fichier CSV (contenu binaire, ou tableur non exporté) : "
            "enregistrez-le au format CSV UTF-8 séparé par des points-virgules."
        )
    try:  # not final: the sample may end in the middle of a character
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


class BrigadeCsvReader:
    """Streams the rows of a seekable binary file; the header is checked on construction.

    Memory is bounded by one row (plus the 64 KiB sample), whatever the file size.
    """

    def __init__(self, stream: BinaryIO) -> None:
        start = stream.tell()
        sample = stream.read(SAMPLE_BYTES)
        stream.seek(start)
        encoding = _encoding(sample)
        text_sample = sample.decode(encoding, errors="ignore")
        if not text_sample.strip():
            raise BrigadeFileError("Le fichier est vide.")
        header = text_sample.splitlines()[0] if text_sample.splitlines() else ""
        # The separator that splits the header most: « ; » (data.gouv.fr), « , » or a tab.
        delimiter = max((";", ",", "\t"), key=header.count)
        self.encoding = encoding
        self._text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        self._reader = csv.DictReader(self._text, delimiter=delimiter, strict=True)
        try:
            self._check_header()
        except BaseException:
            self._text.detach()  # the caller's stream stays open
            raise

    def _check_header(self) -> None:
        try:
            fieldnames = self._reader.fieldnames or []
        except (csv.Error, UnicodeDecodeError) as exc:
            raise BrigadeFileError(f"En-tête du CSV illisible ({exc}).") from exc
        missing = [c for c in REQUIRED_COLUMNS if c not in fieldnames]
        if missing:
            raise BrigadeFileError(
                "Ce fichier n'est pas la liste des unités de gendarmerie attendue : colonnes "
                f"manquantes : {', '.join(missing)}. Téléchargez le CSV de data.gouv.fr sans le "
                "modifier."
            )

    def __iter__(self) -> Generator[tuple[int, BrigadeRow | LineError], None, None]:
        """``(line number, row or error)`` for each record (the line where the record ends)."""
        reader = self._reader
        try:
            for record in reader:
                line = reader.line_num
                if None in record:
                    yield line, LineError(line, "Trop de colonnes sur cette ligne.")
                    continue
                yield line, _row(record, line)
        except csv.Error as exc:
            raise BrigadeFileError(
                f"CSV mal formé ligne {reader.line_num} ({exc}). Rien n'a été importé."
            ) from exc
        except UnicodeDecodeError as exc:
            raise BrigadeFileError(
                f"Caractère illisible vers la ligne {reader.line_num + 1} : le fichier mélange "
                f"deux encodages (début lu en {self.encoding}). Réenregistrez-le en UTF-8. "
                "Rien n'a été importé."
            ) from exc
        finally:
            self._text.detach()


def format_coordinate(value: float | None) -> str:
    """Shortest text that reads back as the same float (``6.088``), empty when absent."""
    return "" if value is None else repr(float(value))


def csv_record(row: BrigadeRow) -> list[str]:
    """The CSV fields of one unit, in :data:`CSV_COLUMNS` order."""
    return [
        row.id,
        row.service,
        row.telephone,
        row.adresse_geographique,
        row.adresse,
        row.code_postal,
        row.commune,
        row.departement,
        row.code_insee,
        row.geocodage_x,
        row.geocodage_y,
        row.geocodage_epsg,
        format_coordinate(row.lon),
        format_coordinate(row.lat),
        row.url,
        "".join("$" + line for line in row.horaires.splitlines() if line.strip()),
    ]


def write_brigades_csv(rows: Iterable[BrigadeRow], out: io.TextIOBase) -> int:
    """Write the data.gouv.fr format (BOM, ``;``, CRLF like the official file; formula-like
    cells prefixed with « ' », which the import takes off); returns the number of units
    written. ``out`` is a text stream opened with ``newline=""``."""
    out.write("\ufeff")
    writer = SafeCsvWriter(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(csv_record(row))
        count += 1
    return count
