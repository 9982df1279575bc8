"""Render the real window offscreen to a PNG (``stopcamb-desk screenshot``), for docs and support.

A throw-away demo database (SQLite in a temporary directory, demo data seeded) is opened, a demo
account suited to the view logs in, the view is shown and the window is grabbed. Background work
runs synchronously here so that the picture shows loaded data, not a spinner.

Two states that no view key reaches: ``verrouillage``, the lock screen (« Verrouiller »,
Ctrl+L), and ``notification=True``, the banner once a colleague on another desk has sent an
alert for the operator's département (a real send through the outbox, announced by the desk's
own change bus and :class:`~stopcamb_desk.services.awareness.AwarenessWatch`).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from stopcamb_desk.config import Settings
from stopcamb_desk.domain.demo import DEMO_ACCOUNTS, DemoAccount
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.domain.rules.model import Attestation, ProcedureType
from stopcamb_desk.services.composer import Draft, validate_for_send
from stopcamb_desk.services.container import Services, open_services
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.errors import ErrorHandler
from stopcamb_desk.ui.geometry import ui_settings
from stopcamb_desk.ui.login import LoginDialog
from stopcamb_desk.ui.shell import DEFAULT_SIZE, MainWindow
from stopcamb_desk.ui.tasks import ImmediateTaskRunner
from stopcamb_desk.ui.theme import apply_theme
from stopcamb_desk.ui.views import spec_for

LOGIN_VIEW = "login"
LOCK_VIEW = "verrouillage"  # the lock screen, over the composer
# The colleague whose send the banner announces (an account of the throw-away database only).
COLLEAGUE_LOGIN = "chef-nuit"
COLLEAGUE_NAME = "MDL Blanc (CORG {departement})"
COLLEAGUE_TEXT = (
    "CRAN-GEVRIER, cambriolages de maisons la nuit dernière\u00a0: fermez portes et fenêtres, "
    "signalez tout fait suspect au 17."
)
NOTICE_WAIT_SECONDS = 10.0


class ScreenshotError(DeskError):
    """The picture cannot be made; ``message`` is French."""


class _StderrPresenter:
    """Errors during a screenshot are printed, never shown in a dialog."""

    def show_expected(self, message: str) -> None:
        print(message, file=sys.stderr)

    def show_unexpected(self, details: str) -> None:
        print(f"Erreur inattendue :\n{details}", file=sys.stderr)


def default_operator(view: str) -> str:
    if view == "comptes":
        return "admin"
    return "opp34" if view in ("national", "tableau") else "chef74"


def demo_account(login: str) -> DemoAccount:
    for account in DEMO_ACCOUNTS:
        if account.login == login:
            return account
    choices = ", ".join(a.login for a in DEMO_ACCOUNTS)
    raise ScreenshotError(f"Compte de démonstration inconnu : « {login} » (choix : {choices}).")


def _settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QCoreApplication.sendPostedEvents()


def _settle_until(app: QApplication, done: Callable[[], bool], what: str) -> None:
    """Process events until ``done()`` (the change bus coalesces bursts for a moment)."""
    deadline = time.monotonic() + NOTICE_WAIT_SECONDS
    while not done():
        if time.monotonic() > deadline:
            raise ScreenshotError(f"{what} n'est pas arrivée à temps : image non produite.")
        pause = QEventLoop()
        QTimer.singleShot(50, pause.quit)
        pause.exec()  # the coalescing timer and the listener's thread run meanwhile


def _colleague_sends(services: Services, principal: Principal) -> int:
    """A colleague of ``principal``, on another desk, sends an alert for their département."""
    if (
        principal.role is not Role.CHEF_DE_QUART
        or not principal.departements
        or (services.outbox is None)
    ):
        raise ScreenshotError(
            "Le bandeau de notification se montre avec un compte de chef de quart "
            "(ex. : --operateur chef74)."
        )
    departement = principal.departements[0]
    colleague = services.accounts.create(
        COLLEAGUE_LOGIN,
        "capture-seulement",
        Role.CHEF_DE_QUART,
        (departement,),
        nom=COLLEAGUE_NAME.format(departement=departement),
    )
    today = date.today()
    proof = Attestation(ProcedureType.PLAINTE, f"{today.year}/00871", today)
    draft = Draft(COLLEAGUE_TEXT, departement=departement, attestation=proof)
    verdict = validate_for_send(colleague, draft, None, today)
    alert_id = services.outbox.enqueue(colleague, draft, verdict)
    services.outbox.deliver(alert_id)
    return alert_id


def _save(widget: QWidget, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(out), "PNG"):
        raise ScreenshotError(f"Impossible d'écrire l'image {out}.")
    return out


def render(
    view: str,
    out: Path,
    size: tuple[int, int] | None = None,
    text: str | None = None,
    operator: str | None = None,
    *,
    notification: bool = False,
) -> Path:
    """Render ``view`` (a view key, ``login`` or ``verrouillage``) to ``out``, with the
    notification banner up if ``notification``; returns the path written."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    if view == LOGIN_VIEW:
        return _render_login(app, out, size)
    return _render_shell(app, view, out, size, text, operator, notification)


def _render_login(app: QApplication, out: Path, size: tuple[int, int] | None) -> Path:
    dialog = LoginDialog(DEMO_ACCOUNTS)
    dialog.adjustSize()
    if size is not None:
        dialog.resize(*size)
    dialog.show()
    _settle(app)
    try:
        return _save(dialog, out)
    finally:
        dialog.close()
        dialog.deleteLater()


def _render_shell(
    app: QApplication,
    view: str,
    out: Path,
    size: tuple[int, int] | None,
    text: str | None,
    operator: str | None,
    notification: bool,
) -> Path:
    locked = view == LOCK_VIEW
    if locked:
        view = "composer"
    spec = spec_for(view)
    account = demo_account(operator or default_operator(view))
    with tempfile.TemporaryDirectory(prefix="stopcamb-capture-") as tmp:
        data_dir = Path(tmp)
        settings = Settings(
            data_dir=data_dir,
            database_url=f"sqlite:///{data_dir / 'demo.sqlite3'}",
            config_file=data_dir / "settings.toml",
            demo=True,
        )
        services = open_services(settings)
        errors = ErrorHandler(_StderrPresenter())
        window: MainWindow | None = None
        try:
            principal = services.accounts.authenticate(account.login, account.password)
            if not spec.allowed(principal):
                raise ScreenshotError(
                    f"La vue « {spec.title} » n'est pas accessible au compte {account.login} "
                    f"({principal.role.label})."
                )
            tasks = ImmediateTaskRunner(on_unhandled=errors.report)
            ctx = ShellContext(settings, services, principal, tasks, errors)
            window = MainWindow(ctx, ui_settings(data_dir))
            window.resize(*(size or DEFAULT_SIZE))
            page = window.show_view(view)
            if text is not None:
                window.composer().set_text(text)
                if view != "composer":
                    window.show_view(view)
            window.show()
            page.setFocus()
            _settle(app)
            if notification:
                sent = _colleague_sends(services, principal)
                banner = window.notices
                _settle_until(
                    app,
                    lambda: banner.current is not None and banner.current.alert_id == sent,
                    "La notification",
                )
            if locked:
                window.lock()
            _settle(app)
            wanted = size or DEFAULT_SIZE
            if (window.width(), window.height()) != wanted:
                print(
                    f"Attention : la vue « {spec.title} » impose une fenêtre d'au moins "
                    f"{window.width()}x{window.height()} ; l'image a cette taille.",
                    file=sys.stderr,
                )
            return _save(window, out)
        finally:
            if window is not None:
                window.hide()
                window.deleteLater()
            _settle(app, 1)
            services.close()
