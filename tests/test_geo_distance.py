"""Distances and "nearest first", as used to find the brigade for a position."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from stopcamb_desk.geo.communes import commune
from stopcamb_desk.geo.distance import distance_km, nearest


@dataclass
class Unit:
    nom: str
    lon: float | None
    lat: float | None


def test_geodesic_distance_paris_bordeaux() -> None:
    # Paris (Notre-Dame) – Bordeaux (place de la Comédie): ~499.5 km on the ellipsoid.
    km = distance_km(2.3499, 48.8530, -0.5750, 44.8425)
    assert km == pytest.approx(499.0, abs=3.0)
    assert distance_km(6.1, 45.9, 6.1, 45.9) == 0.0


def test_nearest_orders_by_distance_and_skips_units_without_position() -> None:
    units = [
        Unit("Brigade de Chambéry", 5.9178, 45.5646),
        Unit("Brigade sans adresse", None, None),
        Unit("Brigade d'Annecy", 6.1294, 45.8992),
        Unit("Brigade de Genève (fictive)", 6.1432, 46.2044),
    ]
    meythet = commune("74182")
    assert meythet is not None and meythet.lon is not None and meythet.lat is not None
    ranked = nearest(meythet.lon, meythet.lat, units, limit=None)
    assert [u.nom for u, _ in ranked] == [
        "Brigade d'Annecy",
        "Brigade de Genève (fictive)",
        "Brigade de Chambéry",
    ]
    kms = [km for _, km in ranked]
    assert kms == sorted(kms) and 2 < kms[0] < 4
    best = nearest(meythet.lon, meythet.lat, units)
    assert [u.nom for u, _ in best] == ["Brigade d'Annecy"]
    assert best[0][1] == pytest.approx(kms[0])


def test_nearest_with_custom_position_and_empty_input() -> None:
    points = {"a": (0.0, 0.0), "b": (0.0, 1.0), "c": (0.0, 0.5)}
    ranked = nearest(0.0, 0.9, points, limit=2, position=points.get)
    assert [name for name, _ in ranked] == ["b", "c"]
    assert nearest(0.0, 0.0, [], limit=3) == []
    assert nearest(0.0, 0.0, points, limit=0, position=points.get) == []


def test_the_point_index_finds_the_nearest_as_geopy_would_anywhere() -> None:
    """The brigade finder's index (sphere pre-ranking, Vincenty) gives geopy's order and
    distances: metropolitan units, overseas ones, the poles, the antimeridian, the same point."""
    import random

    from stopcamb_desk.geo.distance import PointIndex

    rng = random.Random(7)
    points = [(rng.uniform(-4.8, 8.2), rng.uniform(42.3, 51.1)) for _ in range(800)]
    points += [(55.45, -20.88), (-61.53, 16.24), (45.17, -12.78), (179.9, 0.1), (0.0, 90.0)]
    index = PointIndex(points, position=lambda p: p)
    queries = [(rng.uniform(-10, 12), rng.uniform(40, 53)) for _ in range(40)]
    queries += [(55.45, -20.88), (-179.8, -0.1), (0.0, -90.0), (-124.55, 20.88)]
    for lon, lat in queries:
        for limit in (1, 3, 10):
            ranked = sorted(points, key=lambda p: distance_km(lon, lat, *p))[:limit]
            found = index.nearest(lon, lat, limit)
            assert [p for p, _ in found] == ranked
            for p, km in found:
                assert km == pytest.approx(distance_km(lon, lat, *p), abs=1e-6)
    within = index.nearest(6.12, 45.9, 50, max_km=5.0)
    assert all(km <= 5.0 for _, km in within)
