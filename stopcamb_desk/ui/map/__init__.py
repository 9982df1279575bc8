"""« Carte » view: alert activity by département, what the phones show, brigades, communes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stopcamb_desk.ui.map.view import MapView

if TYPE_CHECKING:
    from stopcamb_desk.services.container import Services

__all__ = ["MapView", "prepare"]


def prepare(services: Services) -> None:
    """Trace France and the overseas départements once, on a worker thread, while the operator
    logs in (the national map needs them all; a chef de quart's needs metropolitan France)."""
    from stopcamb_desk.geo.projection import METROPOLE
    from stopcamb_desk.ui.map.sheet import OVERSEAS
    from stopcamb_desk.ui.map.view import load_areas

    load_areas((METROPOLE, *OVERSEAS))
