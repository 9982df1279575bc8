"""« Brigades » view: the directory, « Trouver la brigade », edits and the CSV import."""

from __future__ import annotations

from stopcamb_desk.ui.brigades.view import BrigadesView

__all__ = ["BrigadesView"]
