"""Smartphone banner previews: where iOS and Android cut an alert, measured with Qt fonts."""
