"""Reference geography: départements, communes, outlines, place finding, distances.

Qt-free; data ship in ``stopcamb_desk/resources`` and load lazily on first use. Importing this
package is cheap (no shapely, no data): heavy work happens in the functions.
"""

from __future__ import annotations

from stopcamb_desk.geo.communes import commune, communes, communes_by_code, search_communes
from stopcamb_desk.geo.data import ReferenceDataError, manifest
from stopcamb_desk.geo.departements import (
    UnknownDepartementError,
    contains,
    departement,
    departement_at,
    departements,
    outline,
)
from stopcamb_desk.geo.distance import distance_km, nearest
from stopcamb_desk.geo.model import Commune, Departement
from stopcamb_desk.geo.places import PlaceIndex, ReferencePlaceFinder

__all__ = [
    "Commune",
    "Departement",
    "PlaceIndex",
    "ReferenceDataError",
    "ReferencePlaceFinder",
    "UnknownDepartementError",
    "commune",
    "communes",
    "communes_by_code",
    "contains",
    "departement",
    "departement_at",
    "departements",
    "distance_km",
    "manifest",
    "nearest",
    "outline",
    "search_communes",
]
