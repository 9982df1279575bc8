"""The main window: navigation on the left, one view at a time, the status bar below.

The window only arranges views; each view is its own module (see ``ui/views/__init__.py``) and
is created the first time it is shown, except the composer which is ready at once.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk import __version__, ui
from stopcamb_desk.services.outbox import sends_in_flight
from stopcamb_desk.ui.awareness import NoticeBanner
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.geometry import restore_window, save_window, ui_settings
from stopcamb_desk.ui.lock import LockScreen
from stopcamb_desk.ui.statusbar import DeskStatusBar, push_mode
from stopcamb_desk.ui.views import Activated, ViewSpec, create_view, visible_views

if TYPE_CHECKING:
    from stopcamb_desk.domain.roles import Principal
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


# What resets the idle lock's countdown: the operator is at the desk.
_PRESENCE_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


def quit_question(count: int) -> tuple[str, str]:
    """The question asked when quitting with sends in flight, and what happens to them."""
    sends = "1 envoi n'est" if count == 1 else f"{count} envois ne sont"
    return (
        f"{sends} pas encore parti(s).",
        "Si vous quittez maintenant, ils restent dans la file d'envoi de la base : le prochain "
        "poste ouvert sur cette base les enverra, ou la commande « stopcamb-desk outbox run ». "
        "Rien n'est perdu, mais rien ne part tant qu'aucun poste n'est ouvert.\n\n"
        "Restez quelques secondes sur ce poste pour qu'ils partent d'ici.",
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


NAVIGATION_SLACK = 16  # pixels beyond the longest title, so that it never touches the edge


class NavigationList(QListWidget):
    """The view list on the left, as wide as its longest title (with the theme's padding and
    coloured border, measured by the list itself each time the layout asks) and no wider: the
    views get the rest of the screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def sizeHint(self) -> QSize:
        self.ensurePolished()
        width = max(self.sizeHintForColumn(0), 0) + NAVIGATION_SLACK + 2 * self.frameWidth()
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.sizeHint().width(), super().minimumSizeHint().height())


class MainWindow(QMainWindow):
    """``operator_changed(principal)``: another operator logged in on the lock screen; the desk
    opens a new window for them and retires this one."""

    operator_changed = Signal(object)

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
        # The window system adds « — Stop Cambriolages » (the application's display name).
        self.setWindowTitle(f"{ctx.principal.nom}{suffix}")
        self.setObjectName("mainWindow")
        self.lock_screen: LockScreen | None = None
        self._menu_actions: list[QAction] = []  # disabled while the lock screen is up
        self._quit_confirmed = False
        self.quit_box: QMessageBox | None = None

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.navigation = NavigationList()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Navigation")
        self.stack = QStackedWidget()
        self.notices = NoticeBanner(self.ctx, lambda: self.current_view_key() == "composer")
        self.notices.opened.connect(self.show_alert)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self.notices)
        right.addWidget(self.stack, 1)
        layout.addWidget(self.navigation)
        layout.addLayout(right, 1)
        self.pages = QStackedWidget()  # the desk, or the lock screen covering it
        self.pages.addWidget(central)
        self.setCentralWidget(self.pages)
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

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self.lock)
        minutes = ctx.settings.idle_lock_minutes
        if minutes > 0:
            self.idle_timer.setInterval(max(1, round(minutes * 60_000)))
            self.idle_timer.start()
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)

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
            # Click-to-target: the composer's département. Only the map's page is asked for its
            # class, so that opening the composer does not wait for the map view's import.
            if spec.view == "MapView" and isinstance(page, ui.MapView):
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
        composer = self.view("composer")
        assert isinstance(composer, ui.ComposerView)
        page: ComposerView = composer
        return page

    # -- the navigator of the views (ui/context.py) ------------------------------------------
    def show_alert(self, alert_id: int) -> None:
        page = self.show_view("historique")
        assert isinstance(page, ui.HistoryView)
        page.show_detail(alert_id)

    def start_replacement(self, target: ReplacementTarget) -> None:
        self.show_view("composer")
        self.composer().start_replacement(target)

    def compose(self, kind: MessageKind) -> None:
        self.show_view("composer")
        self.composer().set_kind(kind)

    def show_help(self, topic: str | None) -> None:
        page = self.show_view("aide")
        assert isinstance(page, ui.HelpView)
        page.show_topic(topic)

    @Slot()
    def _show_context_help(self) -> None:
        """F1: the section of the rule the current view points at, else the rules page."""
        page = self.stack.currentWidget()
        topic = page.help_topic() if isinstance(page, ui.HelpTopic) else None
        self.show_help(topic or ui.RULES)

    @Slot(str)
    def _set_composer_target(self, code: str) -> None:
        self.composer().set_departement(code)

    @Slot(int)
    def _on_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._specs):
            self.show_view(self._specs[row].key)

    # -- lock screen ------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.lock_screen is not None and self.pages.currentWidget() is self.lock_screen

    @Slot()
    def lock(self) -> None:
        """« Verrouiller »: the desk is hidden until the operator's password (or another
        operator's login) is given; the sender and the listener go on."""
        self._cover(change_operator=False)

    @Slot()
    def change_operator(self) -> None:
        """« Changer d'opérateur »: the next operator logs in; the desk reopens for them."""
        self._cover(change_operator=True)

    def _cover(self, *, change_operator: bool) -> None:
        if self.lock_screen is None:
            self.lock_screen = LockScreen(self.ctx)
            self.lock_screen.authenticated.connect(self._on_authenticated)
            self.pages.addWidget(self.lock_screen)
        self.idle_timer.stop()
        for action in self._menu_actions:
            action.setEnabled(False)
        self.lock_screen.prepare(self.ctx.principal, change_operator=change_operator)
        self.pages.setCurrentWidget(self.lock_screen)
        self.lock_screen.login.focus_first_empty()

    def unlock(self) -> None:
        self.pages.setCurrentIndex(0)
        for action in self._menu_actions:
            action.setEnabled(True)
        if self.idle_timer.interval() > 0 and self.ctx.settings.idle_lock_minutes > 0:
            self.idle_timer.start()

    def _on_authenticated(self, principal: Principal) -> None:
        if principal.operator_id == self.ctx.principal.operator_id:
            self.unlock()
        else:
            self.operator_changed.emit(principal)

    def retire(self) -> None:
        """Close for good without asking (another operator's window has replaced this one)."""
        self._quit_confirmed = True
        self.close()
        self.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _PRESENCE_EVENTS and self.idle_timer.isActive():
            self.idle_timer.start()  # the operator is here: the countdown starts over
        return False

    # -- menus ------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Fichier")
        lock_action = QAction("&Verrouiller", self)
        lock_action.setShortcut(QKeySequence("Ctrl+L"))
        lock_action.setToolTip("Masquer le poste jusqu'à la saisie de votre mot de passe")
        lock_action.triggered.connect(self.lock)
        change_action = QAction("&Changer d'opérateur…", self)
        change_action.setToolTip("Passer le poste à l'opérateur suivant (relève)")
        change_action.triggered.connect(self.change_operator)
        quit_action = QAction("&Quitter", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setToolTip("Fermer le poste")
        quit_action.triggered.connect(self.close)
        file_menu.addAction(lock_action)
        file_menu.addAction(change_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self.addActions([lock_action, quit_action])  # shortcuts with the menu bar hidden too
        self._menu_actions += [lock_action, change_action]

        view_menu = bar.addMenu("&Affichage")
        for index, spec in enumerate(self._specs, start=1):
            action = QAction(spec.title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{index}"))
            action.setToolTip(spec.tooltip)
            action.triggered.connect(lambda _checked=False, key=spec.key: self.show_view(key))
            view_menu.addAction(action)
            self.addAction(action)  # shortcuts work even with the menu bar hidden
            self._menu_actions.append(action)
        self._add_phone_action(view_menu)

        bar.addMenu(self.notices.menu)
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
        self._menu_actions += [
            view_menu.menuAction(),
            self.notices.menu.menuAction(),
            help_menu.menuAction(),
        ]

    def _add_phone_action(self, menu: QMenu) -> None:
        """« Téléphone simulé » (Ctrl+T), offered only when sending is simulated."""
        if ui.simulation_gateway(self.ctx.services.gateway) is None:
            return
        action = QAction("&Téléphone simulé", self)
        action.setShortcut(QKeySequence("Ctrl+T"))
        action.setToolTip("Ce qu'affiche en ce moment un téléphone abonné (SIMULATION)")
        action.triggered.connect(self.show_phone)
        menu.addSeparator()
        menu.addAction(action)
        self.addAction(action)
        self._menu_actions.append(action)
        self.phone_action = action

    @Slot()
    def show_phone(self) -> QWidget | None:
        """Open (or bring back) the simulated phone window."""
        gateway = ui.simulation_gateway(self.ctx.services.gateway)
        if gateway is None:
            return None
        if self.phone_window is None:
            self.phone_window = ui.PhoneWindow(gateway, self.ctx.principal, self)
            self.phone_window.setGeometry(
                ui.phone_geometry(self.screen().availableGeometry(), self.phone_window.sizeHint())
            )
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
        if not self._quit_confirmed and not self._nothing_in_flight():
            event.ignore()  # the operator is asked (or the check is still running)
            return
        self.idle_timer.stop()
        self.notices.stop()
        save_window(self, self._store)
        self.ctx.changes.stop()  # the views' listener thread ends with the window
        super().closeEvent(event)

    def _nothing_in_flight(self) -> bool:
        """True when the count of sends in flight came back at once and is zero. Otherwise the
        count goes on in the background and its answer asks, or quits, when it arrives."""
        if self.quit_box is not None:
            self.quit_box.raise_()
            return False
        answered: list[int] = []
        waiting = [True]

        def counted(count: int) -> None:
            if waiting[0]:
                answered.append(count)  # still inside this close event
            else:
                self._ask_or_quit(count)

        db = self.ctx.services.db
        self.ctx.tasks.run_db(lambda: sends_in_flight(db), counted, self._quit_anyway, owner=self)
        waiting[0] = False
        if not answered:
            return False
        if answered[0] == 0:
            return True
        self._ask_or_quit(answered[0])
        return False

    def _quit_anyway(self, exc: BaseException) -> None:
        self.ctx.errors.report(exc)
        QTimer.singleShot(0, self.quit_now)

    def _ask_or_quit(self, count: int) -> None:
        if count == 0:
            self.quit_now()
            return
        text, informative = quit_question(count)
        box = QMessageBox(self)
        box.setObjectName("quitWithSends")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Envois en cours")
        box.setText(text)
        box.setInformativeText(informative)
        quit_button = box.addButton("&Quitter quand même", QMessageBox.ButtonRole.AcceptRole)
        stay = box.addButton("&Rester sur le poste", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered() -> None:
            self.quit_box = None
            if box.clickedButton() is quit_button:
                self.quit_now()

        box.finished.connect(answered)
        self.quit_box = box
        box.open()  # window-modal, non-blocking: the sender goes on meanwhile

    def quit_now(self) -> None:
        self._quit_confirmed = True
        self.close()
