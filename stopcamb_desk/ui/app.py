"""Start-up of the desk: the login window first, everything heavy after it has painted.

``run_gui`` is what ``stopcamb-desk gui`` calls. :class:`Desk` holds the pieces (login dialog,
flow, main window) and is what tests drive with their own task runner and error presenter.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from stopcamb_desk import ui
from stopcamb_desk.domain.demo import DEMO_ACCOUNTS
from stopcamb_desk.logs import setup_logging
from stopcamb_desk.ui.errors import ErrorHandler
from stopcamb_desk.ui.login import LoginDialog
from stopcamb_desk.ui.login_flow import LoginFlow, Opener, default_opener
from stopcamb_desk.ui.tasks import QtTaskRunner, TaskRunner
from stopcamb_desk.ui.theme import apply_theme

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings
    from stopcamb_desk.domain.roles import Principal
    from stopcamb_desk.services.container import Services
    from stopcamb_desk.ui.shell import MainWindow

BENCH_EXIT_AFTER_PAINT = "STOPCAMB_BENCH_EXIT_AFTER_PAINT"
HEAVY_MODULES = ("sqlalchemy", "firebase_admin", "shapely", "alembic")


class Desk(QObject):
    """One desk session: login, then the main window."""

    shell_opened = Signal(object)  # MainWindow

    def __init__(
        self,
        settings: Settings,
        tasks: TaskRunner,
        errors: ErrorHandler,
        opener: Opener = default_opener,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.tasks = tasks
        self.errors = errors
        self.login = LoginDialog(DEMO_ACCOUNTS if settings.demo else ())
        self.flow = LoginFlow(settings, self.login, tasks, errors, opener)
        self.flow.services_ready.connect(self._warm_up)
        self.flow.logged_in.connect(self.open_shell)
        self.window: MainWindow | None = None

    def start(self) -> None:
        self.login.show()

    def _warm_up(self, services: Services) -> None:
        """While the operator types: import the shell and let views prepare their caches."""

        def warm() -> None:
            ui.MainWindow  # noqa: B018 (imports the shell now)
            ui.prepare_views(services)

        self.tasks.run_net(warm)

    def open_shell(self, services: Services, principal: Principal) -> MainWindow:
        ctx = ui.ShellContext(self.settings, services, principal, self.tasks, self.errors)
        previous = self.window
        self.window = ui.MainWindow(ctx)
        self.window.operator_changed.connect(lambda successor: self.open_shell(services, successor))
        self.window.show()
        if previous is not None:  # « Changer d'opérateur »: the new operator's window replaces it
            previous.retire()
        self.login.close()
        # The sender thread prepares the FCM client and token now, so that the first send
        # costs one request like the next ones.
        services.start_sender()
        self.shell_opened.emit(self.window)
        return self.window

    def close(self) -> None:
        services = self.flow.services
        if self.window is not None:
            self.window.quit_now()  # the application is ending: no question any more
        self.login.close()
        self.tasks.shutdown()
        if services is not None:
            services.close()


def _bench_hook() -> None:
    """Benchmark hook (first paint of the login window): note which heavy modules are loaded,
    then, once the event loop has finished the frame, print the time and exit."""
    loaded = [name for name in HEAVY_MODULES if name in sys.modules]

    def done() -> None:
        print(f"painted {time.time():.6f} heavy={','.join(loaded) or '-'}", flush=True)
        os._exit(0)

    QTimer.singleShot(0, done)


def run_gui(settings: Settings) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Stop Cambriolages")
    app.setApplicationDisplayName("Stop Cambriolages")
    apply_theme(app)
    errors = ErrorHandler()
    errors.install()
    tasks = QtTaskRunner(on_unhandled=errors.report)
    desk = Desk(settings, tasks, errors)
    if os.environ.get(BENCH_EXIT_AFTER_PAINT):
        desk.login.first_painted.connect(_bench_hook)
    # The technical log (a rotating file handler, ~10 ms) opens once the login window is on
    # screen: logging calls before that go to the root logger's default handling.
    desk.login.first_painted.connect(
        lambda: QTimer.singleShot(0, lambda: setup_logging(settings.data_dir))
    )
    desk.start()
    try:
        return app.exec()
    finally:
        desk.close()
        errors.uninstall()
