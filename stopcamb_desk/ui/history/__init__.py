"""« Historique » view of the shell (``HistoryView(ctx, parent)``), with the audit journal tab."""
