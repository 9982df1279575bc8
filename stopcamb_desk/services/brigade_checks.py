"""Checks of one brigade record, shared by the import, the edit form and the finder.

A record is valid when its phone number is a French number (``phonenumbers``, with the region
of its département: a Guyane unit dials 0594…; a foreign number is refused), its web page, if
any, is an http(s) address (the app links to it: no ``javascript:``), its hours can be read
(:mod:`opening_hours`), its postal code and its commune name are those of its code INSEE
(reference data) and its position lies in its département (shipped outlines, ~3 km of
tolerance on the coast). A position whose longitude and latitude are swapped is recognised:
the problem carries the fix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from stopcamb_desk.domain.french import de
from stopcamb_desk.domain.opening_hours import HoursError, parse_hours
from stopcamb_desk.geo.communes import communes_by_code, names_of_code
from stopcamb_desk.geo.departements import departement_at, within
from stopcamb_desk.geo.text import name_key
from stopcamb_desk.lazy import phonenumbers

# phonenumbers region of each overseas département (metropolitan France and Corsica: FR).
PHONE_REGIONS: dict[str, str] = {
    "971": "GP",
    "972": "MQ",
    "973": "GF",
    "974": "RE",
    "976": "YT",
}
# Regions whose numbers a French unit may publish (metropolitan and overseas France).
FRENCH_PHONE_REGIONS = frozenset({"FR", "BL", "MF", *PHONE_REGIONS.values()})
_POSTCODE = re.compile(r"^\d{5}$")
# Characters no field may hold: control (NUL, bell…), format (zero-width, bidi overrides),
# line/paragraph separators, private use, lone surrogates. Spaces, even non-breaking, are fine.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs"})
TEXT_FIELDS: dict[str, str] = {
    "service": "nom de l'unité",
    "telephone": "téléphone",
    "adresse": "adresse",
    "commune": "commune",
    "horaires": "horaires",
}
# Characters that end or make an HTML attribute: never in a page address the app links to.
_URL_FORBIDDEN = frozenset("<>\"'`{}|\\^")


class BrigadeValues(Protocol):
    """What the checks read: a CSV row or a stored brigade."""

    @property
    def id(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def adresse(self) -> str: ...
    @property
    def commune(self) -> str: ...
    @property
    def telephone(self) -> str: ...
    @property
    def code_postal(self) -> str: ...
    @property
    def departement(self) -> str: ...
    @property
    def code_insee(self) -> str: ...
    @property
    def lat(self) -> float | None: ...
    @property
    def lon(self) -> float | None: ...
    @property
    def horaires(self) -> str: ...
    @property
    def url(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a record is refused; ``fix`` (field → value) corrects it when known."""

    field: str  # "telephone", "horaires", "code_postal", "position", "url"
    message: str  # French
    fix: dict[str, float] | None = None


def phone_region(departement: str) -> str:
    return PHONE_REGIONS.get(departement, "FR")


def check_phone(telephone: str, departement: str) -> Problem | None:
    if not telephone.strip():
        return None  # not every unit publishes one; the table says « non renseigné »
    try:
        number = phonenumbers.parse(telephone, phone_region(departement))
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.region_code_for_number(number) not in FRENCH_PHONE_REGIONS
    ):
        return Problem(
            "telephone",
            f"téléphone « {telephone} » invalide (attendu un numéro français à 10 chiffres, "
            "ex. 04 67 00 00 00).",
        )
    return None


def e164(telephone: str, departement: str) -> str | None:
    """« +33467000006 » for the app's « appeler » button; None when absent or invalid."""
    try:
        number = phonenumbers.parse(telephone, phone_region(departement))
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def check_url(url: str) -> Problem | None:
    """The unit's web page, published as a link in the app: empty, or an http(s) address."""
    if not url.strip():
        return None
    parts = urlsplit(url.strip())
    if (
        parts.scheme not in ("http", "https")
        or "." not in (parts.hostname or "")
        or any(ch.isspace() or ch in _URL_FORBIDDEN or not ch.isprintable() for ch in url.strip())
    ):
        return Problem(
            "url",
            f"site « {url} » invalide : donnez l'adresse d'une page web commençant par https:// "
            "(copiée depuis la barre du navigateur), ou laissez le champ vide.",
        )
    return None


def check_hidden(field: str, value: str) -> Problem | None:
    """A control or invisible character in a text field (a line break only in the hours)."""
    allowed = "\n" if field == "horaires" else ""
    bad = next(
        (c for c in value if c not in allowed and unicodedata.category(c) in _HIDDEN_CATEGORIES),
        None,
    )
    if bad is None:
        return None
    return Problem(
        field,
        f"{TEXT_FIELDS[field]} : caractère de contrôle U+{ord(bad):04X} (invisible, souvent "
        "venu d'un copier-coller) : retapez ce champ.",
    )


def check_hours(horaires: str) -> Problem | None:
    try:
        parse_hours(horaires)
    except HoursError as exc:
        return Problem("horaires", exc.message)
    return None


def check_postcode(code_postal: str, code_insee: str, departement: str) -> Problem | None:
    if not _POSTCODE.match(code_postal):
        return Problem(
            "code_postal", f"code postal « {code_postal} » invalide (5 chiffres attendus)."
        )
    if not code_insee:
        return None
    entries = communes_by_code(code_insee)
    if not entries:
        return Problem("code_postal", f"commune de code INSEE {code_insee} inconnue.")
    commune = entries[0]
    if commune.departement != departement:
        return Problem(
            "code_postal",
            f"la commune {commune.nom} ({code_insee}) est dans le département "
            f"{commune.departement}, pas dans le {departement}.",
        )
    codes = {cp for c in entries for cp in c.codes_postaux}
    if commune.parent_code and commune.parent_code != code_insee:
        codes.update(cp for c in communes_by_code(commune.parent_code) for cp in c.codes_postaux)
    if codes and code_postal not in codes:
        return Problem(
            "code_postal",
            f"le code postal {code_postal} n'est pas celui de {commune.nom} "
            f"({', '.join(sorted(codes))}).",
        )
    return None


_CEDEX = re.compile(r"\s+cedex(\s+\d+)?\s*$", re.IGNORECASE)


def check_commune(commune: str, code_insee: str) -> Problem | None:
    """The commune named must be the one of the code INSEE (reference data), written in any
    case, with or without accents and hyphens, « St » for « Saint », a « CEDEX » suffix; the
    commune it is attached to or one of its communes déléguées also fits."""
    names = names_of_code(code_insee) if code_insee else []
    if not names or not commune.strip():
        return None  # no reference to compare with (an unknown code is check_postcode's)
    typed = name_key(_CEDEX.sub("", commune))
    if any(name_key(name) == typed for name in names):
        return None
    expected = names[0]
    others = [n for n in names[1:] if name_key(n) != name_key(expected)]
    also = f" (ou « {others[0]} »)" if len(others) == 1 else ""
    return Problem(
        "commune",
        f"commune « {commune} » : le code INSEE {code_insee} de l'unité est celui {de(expected)}, "
        f"écrivez « {expected} »{also} (si l'unité a changé de commune, corrigez son code INSEE "
        "dans le fichier data.gouv.fr, puis réimportez-le).",
    )


def _where(lon: float, lat: float) -> str:
    found = departement_at(lon, lat)
    return f"dans le département {found.code} — {found.nom}" if found else "hors de France"


def check_position(lat: float | None, lon: float | None, departement: str) -> Problem | None:
    if (lat is None) != (lon is None):
        return Problem(
            "position",
            "une seule des deux coordonnées est donnée : tapez la latitude et la longitude, ou "
            "effacez les deux.",
        )
    if lat is None or lon is None:
        return None  # no position: absent from the map and from the finder, said as a warning
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return Problem("position", f"position {lat}, {lon} impossible.")
    if within(departement, lon, lat):
        return None
    if -90 <= lon <= 90 and within(departement, lat, lon):
        return Problem(
            "position",
            f"latitude et longitude inversées ({lat}, {lon} tombe {_where(lon, lat)}) : "
            f"corrigez en latitude {lon}, longitude {lat}.",
            fix={"lat": lon, "lon": lat},
        )
    return Problem(
        "position",
        f"position {lat}, {lon} hors du département {departement} (elle tombe {_where(lon, lat)}).",
    )


def check_brigade(values: BrigadeValues) -> list[Problem]:
    """Every problem of the record, in form order (empty: valid)."""
    found = (
        *(check_hidden(name, getattr(values, name)) for name in TEXT_FIELDS),
        check_phone(values.telephone, values.departement),
        check_postcode(values.code_postal, values.code_insee, values.departement),
        check_commune(values.commune, values.code_insee),
        check_hours(values.horaires),
        check_position(values.lat, values.lon, values.departement),
        check_url(values.url),
    )
    return [p for p in found if p is not None]


def describe(problems: list[Problem]) -> str:
    """« téléphone … ; code postal … » — one French sentence per record (after a colon)."""
    return " ; ".join(p.message.rstrip(".") for p in problems) + "."
