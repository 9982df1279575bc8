"""« Carte » view: département outlines, alerts on the phones, brigades, commune search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stopcamb_desk.ui.map.view import MapView

if TYPE_CHECKING:
    from stopcamb_desk.services.container import Services

__all__ = ["MapView", "prepare"]


def prepare(services: Services) -> None:
    """Trace metropolitan France once, on a worker thread, while the operator logs in."""
    from stopcamb_desk.geo.projection import METROPOLE
    from stopcamb_desk.ui.map.paths import area_paths

    area_paths(METROPOLE)
