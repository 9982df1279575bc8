"""Value objects of the reference data: plain, immutable, Qt-free."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from stopcamb_desk.domain.french import de

COMMUNE_TYPES: tuple[str, ...] = (
    "commune-actuelle",
    "commune-deleguee",
    "commune-associee",
    "arrondissement-municipal",
)
# French labels for what an operator reads.
TYPE_LABELS: dict[str, str] = {
    "commune-actuelle": "commune",
    "commune-deleguee": "commune déléguée",
    "commune-associee": "commune associée",
    "arrondissement-municipal": "arrondissement municipal",
}


@dataclass(frozen=True, slots=True)
class Departement:
    code: str  # "01" … "95", "2A", "2B", "971" … "976"
    nom: str
    region: str  # name of the région, e.g. "Auvergne-Rhône-Alpes"
    region_code: str
    chef_lieu: str | None  # code INSEE of the prefecture
    has_outline: bool


class Commune(NamedTuple):
    """One entry of the official list (immutable).

    A NamedTuple rather than a frozen dataclass: 37 590 of them are built at load time and a
    tuple is five times cheaper to create. A commune nouvelle and its chef-lieu commune
    déléguée may share one code INSEE (Annecy 74010 is both): ``(code_insee, type)``
    identifies an entry, not ``code_insee`` alone.
    """

    code_insee: str
    nom: str
    departement: str
    type: str  # one of COMMUNE_TYPES
    parent_code: str | None  # commune of attachment, for déléguées / associées / arrondissements
    parent_nom: str | None
    codes_postaux: tuple[str, ...]
    population: int | None  # only known for current communes
    lat: float | None
    lon: float | None
    common_word: bool = False  # the name is also an ordinary French word (« Orange », « Vente »)

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.type, self.type)

    @property
    def label(self) -> str:
        """« Meythet (74), commune déléguée d'Annecy » — what an operator reads."""
        text = f"{self.nom} ({self.departement})"
        if self.parent_nom and self.parent_code != self.code_insee:
            text += f", {self.type_label} {de(self.parent_nom)}"
        return text

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None
