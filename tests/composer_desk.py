"""The composer tests' desk (a real SQLite desk with the demo accounts) and typing helpers.

Registered as a pytest plugin in conftest.py, so that the ``desk`` fixture serves every composer
test file without being imported (a module's own ``desk`` fixture takes precedence).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from ui_helpers import RecordingPresenter, type_keys

from stopcamb_desk.config import Settings
from stopcamb_desk.domain.demo import DEMO_ACCOUNTS
from stopcamb_desk.domain.rules.model import ProcedureType
from stopcamb_desk.models import Alert
from stopcamb_desk.services.container import Services, open_services
from stopcamb_desk.ui.composer.view import ComposerView
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.errors import ErrorHandler
from stopcamb_desk.ui.shell import MainWindow
from stopcamb_desk.ui.tasks import ImmediateTaskRunner


@dataclass
class Desk:
    services: Services
    presenter: RecordingPresenter
    settings: Settings
    first_id: int  # alerts after this one were queued by the test (the demo data comes first)

    @property
    def sent(self) -> list[Alert]:
        """The alerts the composer handed to the outbox, oldest first."""
        with self.services.db.session() as session:
            query = select(Alert).where(Alert.id > self.first_id).order_by(Alert.id)
            return list(session.scalars(query))

    def context(self, login: str = "chef74") -> ShellContext:
        """What the shell gives a view once the demo account ``login`` has logged in."""
        password = {account.login: account.password for account in DEMO_ACCOUNTS}
        principal = self.services.accounts.authenticate(login, password[login])
        errors = ErrorHandler(self.presenter)
        tasks = ImmediateTaskRunner(on_unhandled=errors.report)
        return ShellContext(self.settings, self.services, principal, tasks, errors)

    def window(self, qtbot: QtBot, login: str = "chef74") -> MainWindow:
        """The main window of ``login``, shown (its geometry kept in the test's data dir)."""
        window = MainWindow(self.context(login))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    def composer(self, qtbot: QtBot, login: str = "chef74") -> ComposerView:
        view = ComposerView(self.context(login))
        qtbot.addWidget(view)
        view.resize(1100, 760)
        view.show()
        qtbot.waitExposed(view)
        view.activated()
        return view


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'desk.sqlite3'}",
        config_file=tmp_path / "settings.toml",
        demo=True,
    )
    services = open_services(settings)
    with services.db.session() as session:
        first_id = session.scalar(select(func.max(Alert.id))) or 0
    yield Desk(services, RecordingPresenter(), settings, first_id)
    services.close()


def type_text(qtbot: QtBot, view: ComposerView, text: str) -> None:
    view.editor.setFocus()
    type_keys(qtbot, view.editor, text)


def replace_text(qtbot: QtBot, view: ComposerView, text: str) -> None:
    view.editor.setFocus()
    qtbot.keyClick(view.editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view.editor, Qt.Key.Key_Delete)
    type_keys(qtbot, view.editor, text)


def fill_attestation(qtbot: QtBot, view: ComposerView, numero: str = "2024/001234") -> None:
    combo = view.attestation.procedure
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # « Plainte »
    assert combo.currentData() == ProcedureType.PLAINTE
    qtbot.keyClicks(view.attestation.numero, numero)
