"""« National » view of the shell (``NationalView(ctx, parent)``): the app's news feed and
national prevention messages, for the OPP of GGD34 only (the service re-checks the role)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stopcamb_desk.ui.national.view import NationalView

if TYPE_CHECKING:
    from stopcamb_desk.services.container import Services


def prepare(services: Services) -> None:
    """Warm the commune index (identity rule) on a worker thread, as the composer does."""
    from stopcamb_desk.geo.places import default_index

    default_index()


__all__ = ["NationalView", "prepare"]
