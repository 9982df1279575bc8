"""« National » view of the shell (``NationalView(ctx, parent)``): the app's news feed and
national prevention messages, for the OPP of GGD34 only (the service re-checks the role)."""
