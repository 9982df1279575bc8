"""Distances on the WGS 84 ellipsoid (geopy) and "nearest first" ordering.

Used to answer « quelle brigade ? » from a position: ``nearest(lon, lat, brigades)``.
Coordinates are always given as (lon, lat) in this package, like shapely and GeoJSON; geopy
wants (lat, lon), the swap happens here and nowhere else.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_EARTH_RADIUS_KM = 6371.0088


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance in kilometres between two (lon, lat) points (geopy, WGS 84)."""
    from geopy.distance import geodesic

    return float(geodesic((lat1, lon1), (lat2, lon2)).kilometers)


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _lon_lat(item: Any) -> tuple[float, float] | None:
    lon, lat = getattr(item, "lon", None), getattr(item, "lat", None)
    if lon is None or lat is None:
        return None
    return float(lon), float(lat)


def nearest(
    lon: float,
    lat: float,
    candidates: Iterable[T],
    *,
    limit: int | None = 1,
    position: Callable[[T], tuple[float, float] | None] = _lon_lat,
) -> list[tuple[T, float]]:
    """Candidates sorted by geodesic distance from (lon, lat): ``[(candidate, km), …]``.

    ``position(candidate)`` returns its (lon, lat) or ``None`` (skipped); by default the
    ``lon`` / ``lat`` attributes are used (communes, brigades). Candidates are pre-sorted with
    the cheap haversine formula; the exact geodesic distance is computed for the first ones
    only (the two differ by < 0.5 %, so the order of the kept ones is exact).
    """
    located: list[tuple[float, int, T, float, float]] = []
    for n, item in enumerate(candidates):
        pos = position(item)
        if pos is not None:
            located.append((_haversine_km(lon, lat, pos[0], pos[1]), n, item, pos[0], pos[1]))
    located.sort(key=lambda x: (x[0], x[1]))
    if limit is not None:
        if limit <= 0:
            return []
        # Keep everything that could still be within the first `limit` after the exact
        # computation: haversine and geodesic differ by at most 0.5 %.
        cutoff = located[min(limit, len(located)) - 1][0] * 1.01 + 0.01 if located else 0.0
        located = [x for x in located if x[0] <= cutoff]
    exact = [(distance_km(lon, lat, x_lon, x_lat), n, item) for _, n, item, x_lon, x_lat in located]
    exact.sort(key=lambda x: (x[0], x[1]))
    if limit is not None:
        exact = exact[:limit]
    return [(item, km) for km, _, item in exact]


class PointIndex(Generic[T]):
    """Many fixed points, asked « which are nearest to here? » many times (brigades).

    Built once (numpy arrays of the positions in radians). A query computes the haversine
    distance to every point in one vectorised pass, keeps the few that can still be among the
    nearest (haversine and geodesic differ by < 0.5 %), then computes their exact geodesic
    distance (geographiclib, which geopy uses). Over the 3 200 units of the national directory a
    query takes well under a millisecond (bench/brigades.py).
    """

    def __init__(
        self,
        items: Iterable[T],
        position: Callable[[T], tuple[float, float] | None] = _lon_lat,
    ) -> None:
        import numpy as np

        located = [(item, pos) for item in items if (pos := position(item)) is not None]
        self.items: list[T] = [item for item, _ in located]
        self._lon = np.radians(np.array([p[0] for _, p in located], dtype=float))
        self._lat = np.radians(np.array([p[1] for _, p in located], dtype=float))
        self._cos_lat = np.cos(self._lat)
        self._degrees = [p for _, p in located]

    def __len__(self) -> int:
        return len(self.items)

    def nearest(
        self, lon: float, lat: float, limit: int = 1, *, max_km: float | None = None
    ) -> list[tuple[T, float]]:
        """Up to ``limit`` items nearest to (lon, lat), ``[(item, km), …]``, nearest first."""
        import numpy as np
        from geographiclib.geodesic import Geodesic

        count = len(self.items)
        if count == 0 or limit <= 0:
            return []
        lat_r, lon_r = math.radians(lat), math.radians(lon)
        a = (
            np.sin((self._lat - lat_r) / 2) ** 2
            + math.cos(lat_r) * self._cos_lat * np.sin((self._lon - lon_r) / 2) ** 2
        )
        km = 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        k = min(limit, count)
        first = np.argpartition(km, k - 1)[:k] if k < count else np.arange(count)
        cutoff = float(km[first].max()) * 1.01 + 0.01
        if max_km is not None:
            cutoff = min(cutoff, max_km * 1.01 + 0.01)
        candidates = np.nonzero(km <= cutoff)[0]
        wgs84 = Geodesic.WGS84
        exact: list[tuple[float, int]] = []
        for i in candidates.tolist():
            p_lon, p_lat = self._degrees[i]
            s12 = wgs84.Inverse(lat, lon, p_lat, p_lon, Geodesic.DISTANCE)["s12"]
            exact.append((s12 / 1000.0, i))
        exact.sort()
        if max_km is not None:
            exact = [(d, i) for d, i in exact if d <= max_km]
        return [(self.items[i], d) for d, i in exact[:limit]]
