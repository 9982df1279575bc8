"""What happens between the login window appearing and the shell opening.

The database is opened in the background as soon as the login window has painted (importing
SQLAlchemy and connecting take longer than drawing the window): the operator types meanwhile.
« Se connecter » waits for it if needed (« Connexion à la base… »); an unreachable database shows
its French explanation with « Réessayer ». Authentication also runs on the database worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

import stopcamb_desk.services
from stopcamb_desk.ui.errors import ErrorHandler, expected_message
from stopcamb_desk.ui.login import LoginDialog
from stopcamb_desk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings
    from stopcamb_desk.domain.roles import Principal
    from stopcamb_desk.services.container import Services

BUSY_DATABASE = "Connexion à la base…"
BUSY_LOGIN = "Vérification du mot de passe…"
UNUSABLE_DATABASE = "La base de données est inutilisable. Réessayez ou prévenez l'administrateur."

Opener = Callable[["Settings"], "Services"]


def default_opener(settings: Settings) -> Services:
    """Open the services (heavy imports happen here, on the database worker)."""
    services: Services = stopcamb_desk.services.open_services(settings)
    return services


class LoginFlow(QObject):
    """Drives a :class:`LoginDialog`; emits :attr:`logged_in` with (Services, Principal)."""

    services_ready = Signal(object)
    logged_in = Signal(object, object)

    def __init__(
        self,
        settings: Settings,
        dialog: LoginDialog,
        tasks: TaskRunner,
        errors: ErrorHandler,
        opener: Opener = default_opener,
    ) -> None:
        super().__init__(dialog)
        self._settings = settings
        self._dialog = dialog
        self._tasks = tasks
        self._errors = errors
        self._opener = opener
        self._services: Services | None = None
        self._opening = False
        self._pending: tuple[str, str] | None = None
        dialog.submitted.connect(self._on_submitted)
        dialog.retry_requested.connect(self.start)
        # Start once the window is on screen, on the next turn of the event loop.
        dialog.first_painted.connect(lambda: QTimer.singleShot(0, self.start))

    @property
    def services(self) -> Services | None:
        return self._services

    @property
    def opening(self) -> bool:
        return self._opening

    @Slot()
    def start(self) -> None:
        """Open the database in the background (idempotent; also « Réessayer »)."""
        if self._opening or self._services is not None:
            return
        self._opening = True
        if self._pending is not None:
            self._dialog.set_busy(BUSY_DATABASE)
        settings = self._settings
        self._tasks.run_db(
            lambda: self._opener(settings),
            self._on_opened,
            self._on_open_failed,
            owner=self._dialog,
        )

    # -- database opening -------------------------------------------------------------------
    def _on_opened(self, services: Services) -> None:
        self._opening = False
        self._services = services
        self.services_ready.emit(services)
        if self._pending is not None:
            login, password = self._pending
            self._pending = None
            self._authenticate(login, password)

    def _on_open_failed(self, exc: BaseException) -> None:
        self._opening = False
        self._pending = None
        message = expected_message(exc)
        if message is None:
            self._errors.report(exc)
            message = UNUSABLE_DATABASE
        self._dialog.show_database_error(message)

    # -- authentication ---------------------------------------------------------------------
    @Slot(str, str)
    def _on_submitted(self, login: str, password: str) -> None:
        if self._services is None:
            self._pending = (login, password)
            self._dialog.set_busy(BUSY_DATABASE)
            self.start()
            return
        self._authenticate(login, password)

    def _authenticate(self, login: str, password: str) -> None:
        services = self._services
        assert services is not None
        self._dialog.set_busy(BUSY_LOGIN)
        self._tasks.run_db(
            # A database failure comes back as its French explanation (DatabaseError).
            lambda: services.accounts.authenticate(login, password),
            self._on_authenticated,
            self._on_refused,
            owner=self._dialog,
        )

    def _on_authenticated(self, principal: Principal) -> None:
        self._dialog.set_busy(None)
        self.logged_in.emit(self._services, principal)

    def _on_refused(self, exc: BaseException) -> None:
        message = expected_message(exc)
        if message is None:
            self._dialog.set_busy(None)
            self._errors.report(exc)
            return
        self._dialog.show_error(message)
