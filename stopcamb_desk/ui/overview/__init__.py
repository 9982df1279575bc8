"""« Tableau national » view: the country's alerts per département and day, phones, CSV."""

from __future__ import annotations

from stopcamb_desk.ui.overview.view import OverviewView

__all__ = ["OverviewView"]
