"""« Historique » view of the shell (``HistoryView(ctx, parent)``), with the audit journal tab."""

from __future__ import annotations

from stopcamb_desk.ui.history.view import HistoryView

__all__ = ["HistoryView"]
