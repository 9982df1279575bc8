"""« Modèles » view of the shell (``TemplatesView(ctx, parent)``): the message templates the
operator manages — their départements' for a chef de quart, the national prevention ones for
the OPP of GGD34, all for an administrator (the service re-checks the role on every call)."""
