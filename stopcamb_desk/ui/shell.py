"""The main window: navigation on the left, one view at a time, the status bar below.

The window only arranges views; each view is its own module (see ``ui/views/__init__.py``) and
is created the first time it is shown, except the composer which is ready at once.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from stopcamb_desk import __version__
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.geometry import restore_window, save_window, ui_settings
from stopcamb_desk.ui.statusbar import DeskStatusBar, push_mode
from stopcamb_desk.ui.views import Activated, ViewSpec, create_view, visible_views

if TYPE_CHECKING:
    from stopcamb_desk.domain.rules.model import MessageKind
    from stopcamb_desk.services.replacement import ReplacementTarget
    from stopcamb_desk.ui.composer.view import ComposerView

DEFAULT_SIZE = (1280, 800)

ABOUT_TEXT = (
    "<h3>Stop Cambriolages — poste CORG</h3>"
    f"<p>Version {__version__}</p>"
    "<p>Rédaction, contrôle et envoi des alertes push de l'application « Stop Cambriolages » "
    "aux habitants d'un département. Une alerte ne porte que sur une infraction constatée, "
    "sans détail permettant d'identifier une personne.</p>"
)


def _default_size() -> tuple[int, int]:
    """1280x800, or 90 % of a smaller screen."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return DEFAULT_SIZE
    available = screen.availableGeometry()
    return (
        min(DEFAULT_SIZE[0], int(available.width() * 0.9)),
        min(DEFAULT_SIZE[1], int(available.height() * 0.9)),
    )


class MainWindow(QMainWindow):
    def __init__(
        self, ctx: ShellContext, store: QSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = replace(ctx, navigator=self)
        self._store = store or ui_settings(ctx.settings.data_dir)
        self._specs: list[ViewSpec] = visible_views(ctx.principal)
        self._pages: dict[str, QWidget] = {}
        self.phone_action: QAction | None = None
        self.phone_window: QWidget | None = None
        _mode, real = push_mode(ctx.settings)
        suffix = "" if real else " [SIMULATION]"
        self.setWindowTitle(f"Stop Cambriolages — {ctx.principal.nom}{suffix}")
        self.setObjectName("mainWindow")

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Navigation")
        self.navigation.setFixedWidth(260)
        self.stack = QStackedWidget()
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        status_bar = DeskStatusBar(ctx.settings, ctx.principal)
        self.setStatusBar(status_bar)

        self._build_menus()
        if self.phone_action is not None:
            status_bar.add_phone_button(self.phone_action)
        for index, spec in enumerate(self._specs, start=1):
            item = QListWidgetItem(f"{spec.title}")
            item.setToolTip(f"{spec.tooltip} (Ctrl+{index})")
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.navigation.addItem(item)
        self.navigation.currentRowChanged.connect(self._on_row_changed)

        self.resize(*_default_size())
        restore_window(self, self._store)
        self.show_view(self._specs[0].key)

    # -- views ------------------------------------------------------------------------------
    @property
    def view_keys(self) -> list[str]:
        return [spec.key for spec in self._specs]

    def current_view_key(self) -> str:
        return self._specs[self.navigation.currentRow()].key

    def view(self, key: str) -> QWidget:
        """The view widget for ``key``, created on first use (KeyError if not allowed)."""
        if key not in self._pages:
            spec = next((s for s in self._specs if s.key == key), None)
            if spec is None:
                raise KeyError(key)
            page = create_view(spec, self.ctx)
            self._pages[key] = page
            self.stack.addWidget(page)
            from stopcamb_desk.ui.map.view import MapView

            if isinstance(page, MapView):  # click-to-target: the composer's département
                page.target_chosen.connect(self._set_composer_target)
        return self._pages[key]

    def show_view(self, key: str) -> QWidget:
        page = self.view(key)
        row = self.view_keys.index(key)
        if self.navigation.currentRow() != row:
            self.navigation.setCurrentRow(row)  # re-enters through _on_row_changed
            return page
        self.stack.setCurrentWidget(page)
        if isinstance(page, Activated):
            page.activated()
        return page

    def composer(self) -> ComposerView:
        from stopcamb_desk.ui.composer.view import ComposerView

        page = self.view("composer")
        assert isinstance(page, ComposerView)
        return page

    # -- the navigator of the views (ui/context.py) ------------------------------------------
    def show_alert(self, alert_id: int) -> None:
        from stopcamb_desk.ui.history.view import HistoryView

        page = self.show_view("historique")
        assert isinstance(page, HistoryView)
        page.show_detail(alert_id)

    def start_replacement(self, target: ReplacementTarget) -> None:
        self.show_view("composer")
        self.composer().start_replacement(target)

    def compose(self, kind: MessageKind) -> None:
        self.show_view("composer")
        self.composer().set_kind(kind)

    def show_help(self, topic: str | None) -> None:
        from stopcamb_desk.ui.help.view import HelpView

        page = self.show_view("aide")
        assert isinstance(page, HelpView)
        page.show_topic(topic)

    @Slot()
    def _show_context_help(self) -> None:
        """F1: the section of the rule the current view points at, else the rules page."""
        from stopcamb_desk.ui.help.view import RULES, HelpTopic

        page = self.stack.currentWidget()
        topic = page.help_topic() if isinstance(page, HelpTopic) else None
        self.show_help(topic or RULES)

    @Slot(str)
    def _set_composer_target(self, code: str) -> None:
        self.composer().set_departement(code)

    @Slot(int)
    def _on_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._specs):
            self.show_view(self._specs[row].key)

    # -- menus ------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Fichier")
        quit_action = QAction("&Quitter", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setToolTip("Fermer le poste")
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = bar.addMenu("&Affichage")
        for index, spec in enumerate(self._specs, start=1):
            action = QAction(spec.title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{index}"))
            action.setToolTip(spec.tooltip)
            action.triggered.connect(lambda _checked=False, key=spec.key: self.show_view(key))
            view_menu.addAction(action)
            self.addAction(action)  # shortcuts work even with the menu bar hidden
        self._add_phone_action(view_menu)

        help_menu = bar.addMenu("&Aide")
        first_steps = QAction("&Premiers pas", self)
        first_steps.setToolTip("Ce que fait votre rôle dans le poste, pas à pas")
        first_steps.triggered.connect(lambda: self.show_help(None))
        help_menu.addAction(first_steps)
        rules = QAction("&Règles de rédaction", self)
        rules.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        rules.setToolTip("Les règles de rédaction ; dans le rédacteur, celle qui bloque (F1)")
        rules.triggered.connect(self._show_context_help)
        help_menu.addAction(rules)
        self.addAction(rules)
        help_menu.addSeparator()
        about = QAction("À &propos", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _add_phone_action(self, menu: QMenu) -> None:
        """« Téléphone simulé » (Ctrl+T), offered only when sending is simulated."""
        from stopcamb_desk.ui.phone.window import simulation_gateway

        if simulation_gateway(self.ctx.services.gateway) is None:
            return
        action = QAction("&Téléphone simulé", self)
        action.setShortcut(QKeySequence("Ctrl+T"))
        action.setToolTip("Ce qu'affiche en ce moment un téléphone abonné (SIMULATION)")
        action.triggered.connect(self.show_phone)
        menu.addSeparator()
        menu.addAction(action)
        self.addAction(action)
        self.phone_action = action

    @Slot()
    def show_phone(self) -> QWidget | None:
        """Open (or bring back) the simulated phone window."""
        from stopcamb_desk.ui.phone.window import PhoneWindow, simulation_gateway

        gateway = simulation_gateway(self.ctx.services.gateway)
        if gateway is None:
            return None
        if self.phone_window is None:
            self.phone_window = PhoneWindow(gateway, self.ctx.principal, self)
            available = self.screen().availableGeometry().height()
            self.phone_window.resize(540, min(900, int(available * 0.95)))
        self.phone_window.show()
        self.phone_window.raise_()
        self.phone_window.activateWindow()
        return self.phone_window

    @Slot()
    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("À propos")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(ABOUT_TEXT)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- lifecycle --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        save_window(self, self._store)
        self.ctx.changes.stop()  # the views' listener thread ends with the window
        super().closeEvent(event)
