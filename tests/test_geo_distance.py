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
