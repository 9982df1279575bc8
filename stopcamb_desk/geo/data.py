"""Loading of the reference files shipped inside the package (``stopcamb_desk/resources``).

Files are found with :mod:`importlib.resources`, so an installed wheel or a frozen app finds
them too. Everything is parsed once, on first use, and cached for the process lifetime (the
data are immutable).
"""

from __future__ import annotations

import gc
import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.geo.model import COMMUNE_TYPES, Commune, Departement

RESOURCE_PACKAGE = "stopcamb_desk.resources"


class ReferenceDataError(DeskError, RuntimeError):
    """The shipped reference data are missing or damaged (installation problem)."""


def read_resource(name: str) -> bytes:
    try:
        data = resources.files(RESOURCE_PACKAGE).joinpath(name).read_bytes()
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise ReferenceDataError(
            f"Données de référence introuvables ({name}). Réinstallez l'application ou "
            "reconstruisez-les avec « python tools/build_resources.py »."
        ) from exc
    return gzip.decompress(data) if name.endswith(".gz") else data


def read_json(name: str) -> Any:
    return json.loads(read_resource(name))


@cache
def manifest() -> dict[str, Any]:
    """Sources, versions, licences and counts of the shipped data."""
    return read_json("manifest.json")  # type: ignore[no-any-return]


@cache
def outline_geojson() -> dict[str, dict[str, Any]]:
    """Département code → GeoJSON geometry (lon/lat)."""
    return read_json("outlines.json.gz")  # type: ignore[no-any-return]


@cache
def load_departements() -> tuple[Departement, ...]:
    table = read_json("departements.json")
    with_outline = set(outline_geojson())
    return tuple(
        Departement(
            code=code,
            nom=nom,
            region=region_nom,
            region_code=region_code,
            chef_lieu=chef_lieu,
            has_outline=code in with_outline,
        )
        for code, nom, region_code, region_nom, chef_lieu in table["rows"]
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while tens of thousands of small tuples are allocated.

    None of them can form a cycle; without this the collector runs dozens of useless passes
    and loading takes ~30 % longer (see bench/refdata.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@cache
def load_communes() -> tuple[Commune, ...]:
    """All 37 590 entries, in the order of the official file."""
    with _gc_paused():
        return _build_communes(read_json("communes.json.gz"))


def _build_communes(cols: dict[str, list[Any]]) -> tuple[Commune, ...]:
    codes: list[str] = cols["code"]
    noms: list[str] = cols["nom"]
    types: list[int] = cols["type"]
    parent_nom = {code: nom for code, nom, t in zip(codes, noms, types, strict=True) if t == 0}
    empty: tuple[str, ...] = ()
    new = tuple.__new__  # skips NamedTuple.__new__'s argument handling: ~2x faster here
    return tuple(
        new(
            Commune,
            (
                code,
                nom,
                dep,
                COMMUNE_TYPES[t],
                parent,
                parent_nom.get(parent) if parent else None,
                tuple(cp.split(" ")) if cp else empty,
                pop,
                lat,
                lon,
                bool(common),
            ),
        )
        for code, nom, dep, t, parent, cp, pop, lat, lon, common in zip(
            codes,
            noms,
            cols["dep"],
            types,
            cols["parent"],
            cols["cp"],
            cols["pop"],
            cols["lat"],
            cols["lon"],
            cols["common"],
            strict=True,
        )
    )
