"""The Qt shell: login, main window, one package per view (``ui/views`` lists them).

The main window, the views and what they warm up at login are served lazily from this table
(:func:`stopcamb_desk.lazy.install_lazy`): the login window paints before any of them is
imported.
"""

from __future__ import annotations

from stopcamb_desk.lazy import install_lazy

__getattr__, __dir__, __all__ = install_lazy(
    __name__,
    {
        "MainWindow": "stopcamb_desk.ui.shell",
        "ShellContext": "stopcamb_desk.ui.context",
        "prepare_views": "stopcamb_desk.ui.views",
        "DialogErrorPresenter": "stopcamb_desk.ui.error_dialogs",
        "ComposerView": "stopcamb_desk.ui.composer.view",
        "HistoryView": "stopcamb_desk.ui.history.view",
        "MapView": "stopcamb_desk.ui.map.view",
        "BrigadesView": "stopcamb_desk.ui.brigades.view",
        "NationalView": "stopcamb_desk.ui.national.view",
        "TemplatesView": "stopcamb_desk.ui.templates.view",
        "OverviewView": "stopcamb_desk.ui.overview.view",
        "AccountsView": "stopcamb_desk.ui.accounts.view",
        "HelpView": "stopcamb_desk.ui.help.view",
        "HelpTopic": "stopcamb_desk.ui.help.view",
        "RULES": "stopcamb_desk.ui.help.view",
        "PhoneWindow": "stopcamb_desk.ui.phone.window",
        "phone_geometry": "stopcamb_desk.ui.phone.window",
        "simulation_gateway": "stopcamb_desk.ui.phone.window",
        "prepare_composer": "stopcamb_desk.ui.composer.view:prepare",
        "prepare_map": "stopcamb_desk.ui.map.view:prepare",
        "prepare_national": "stopcamb_desk.ui.national.view:prepare",
    },
)
