"""The composer screen (« Rédiger une alerte »), plugged into the shell as ``ComposerView``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stopcamb_desk.ui.composer.view import ComposerView

if TYPE_CHECKING:
    from stopcamb_desk.services.container import Services


def prepare(services: Services) -> None:
    """Warm the commune index and the French lemmatiser on a worker thread so the first
    keystroke is instant."""
    from stopcamb_desk.domain.rules.morphology import warm_up
    from stopcamb_desk.geo.places import default_index

    default_index()
    warm_up()


__all__ = ["ComposerView", "prepare"]
