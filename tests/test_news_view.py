"""The « National » view driven like the OPP would: write, preview, publish, withdraw, retry.

Real widgets (offscreen), a real SQLite file, and the desk's feed pointed at a loopback
Realtime Database through ``Settings.news_database_url`` (firebase-admin's emulator mode).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from markup_oracle import assert_no_markup
from outbox_fixtures import add_operator
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from rtdb_server import RtdbTestServer, Step
from ui_helpers import RecordingPresenter, type_keys

from stopcamb_desk.config import Settings
from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.domain.rules.model import MessageKind
from stopcamb_desk.services.container import Services, open_services
from stopcamb_desk.services.news_draft import NewsDraft
from stopcamb_desk.services.news_service import open_news_service
from stopcamb_desk.services.news_state import NewsStatus
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.errors import ErrorHandler
from stopcamb_desk.ui.national.view import NationalView
from stopcamb_desk.ui.tasks import ImmediateTaskRunner, QtTaskRunner, TaskRunner

TITLE = "Vacances : pensez à l'OTV"
BODY = "Inscrivez-vous auprès de votre brigade avant de partir en vacances."


@dataclass
class Desk:
    settings: Settings
    services: Services
    opp: Principal
    server: RtdbTestServer
    presenter: RecordingPresenter = field(default_factory=RecordingPresenter)

    def context(self, tasks: TaskRunner | None = None) -> ShellContext:
        errors = ErrorHandler(self.presenter)
        runner = tasks or ImmediateTaskRunner(on_unhandled=errors.report)
        return ShellContext(self.settings, self.services, self.opp, runner, errors)

    def view(self, qtbot: QtBot, tasks: TaskRunner | None = None) -> NationalView:
        view = NationalView(self.context(tasks))
        qtbot.addWidget(view)
        view.resize(1100, 760)
        view.show()
        with qtbot.waitActive(view):
            view.activateWindow()
        view.activated()
        return view


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    with RtdbTestServer() as server:
        settings = Settings(
            data_dir=tmp_path,
            database_url=f"sqlite:///{tmp_path / 'desk.sqlite3'}",
            config_file=tmp_path / "settings.toml",
            news_database_url=server.database_url,
        )
        services = open_services(settings)
        opp = add_operator(services.db, "opp34", Role.OPP_NATIONAL)
        yield Desk(settings, services, opp, server)
    services.close()


def write(qtbot: QtBot, view: NationalView, title: str, body: str, url: str = "") -> None:
    view.editor.title.setFocus()
    type_keys(qtbot, view.editor.title, title)
    qtbot.keyClick(view.editor.title, Qt.Key.Key_Tab)  # on to the text, as an operator would
    assert view.focusWidget() is view.editor.body
    type_keys(qtbot, view.editor.body, body)
    if url:
        type_keys(qtbot, view.editor.url, url)


def ctrl_enter(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_write_preview_confirm_publish(qtbot: QtBot, desk: Desk) -> None:
    view = desk.view(qtbot)
    write(qtbot, view, TITLE, BODY, "https://www.service-public.fr/particuliers/vosdroits/R41033")

    assert view.editor.title_counter.text() == f"{len(TITLE)} / 80 caractères"
    assert view.editor.body_counter.text() == f"{len(BODY)} / 1\u202f000 caractères"
    assert view.card.title.text() == TITLE and view.card.body.text() == BODY
    assert view.card.link.isVisibleTo(view.card)
    assert view.publish_button.isEnabled()

    ctrl_enter(qtbot, view.editor.body)
    dialog = view.confirmation
    assert dialog is not None and dialog.isVisible()
    assert dialog.mode.text().startswith("ÉMULATEUR")
    assert dialog.title_label.text() == TITLE and dialog.body_label.text() == BODY
    assert dialog.cancel_button.isDefault()
    assert desk.server.writes() == []  # nothing leaves before the confirmation

    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)

    assert view.status.text().startswith("✓ Article n° 1 publié"), view.status.text()
    entries = desk.server.value("/flux_actualite")
    assert [e["titre"] for e in entries.values()] == [TITLE]
    assert view.model.rowCount() == 1
    assert view.model.index(0, 0).data() == "Publiée"
    assert "Publié le " in view.model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert view.model.index(0, 2).data()  # since its publication
    assert view.editing.text() == "Article n° 1 — Publiée"
    assert view.publish_button.text() == "&Mettre à jour…"


def test_cancelling_the_confirmation_sends_nothing(qtbot: QtBot, desk: Desk) -> None:
    view = desk.view(qtbot)
    write(qtbot, view, TITLE, BODY)
    ctrl_enter(qtbot, view.editor.body)
    dialog = view.confirmation
    assert dialog is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert view.confirmation is None
    assert desk.server.writes() == [] and view.model.rowCount() == 0


def test_blocking_problems_and_limits_disable_publication(qtbot: QtBot, desk: Desk) -> None:
    view = desk.view(qtbot)
    write(qtbot, view, "Sécurité routière", "Ralentissez sur la route des vacances.")

    assert not view.publish_button.isEnabled()
    assert "hors du champ de l'application" in view.editor.problems.text()
    ctrl_enter(qtbot, view.editor.body)
    assert view.confirmation is None

    view.editor.title.selectAll()
    type_keys(qtbot, view.editor.title, "x" * 81)
    assert view.editor.title_counter.property("over") is True
    assert "81 caractères : 80 au plus" in view.editor.problems.text()
    assert not view.publish_button.isEnabled()


def test_server_down_shows_what_to_do_and_keeps_the_item(qtbot: QtBot, desk: Desk) -> None:
    desk.server.stop()
    view = desk.view(qtbot)
    write(qtbot, view, TITLE, BODY)
    ctrl_enter(qtbot, view.editor.body)
    assert view.confirmation is not None
    view.confirmation.accept()

    assert view.status.property("ok") is False
    assert "injoignable" in view.status.text() and "rien n'est perdu" in view.status.text()
    assert view.model.index(0, 0).data() == "Non publiée"
    assert view.retry_button.isEnabled()
    assert view.editor.draft().title == TITLE  # the text is still on screen


def test_retry_after_a_server_error_publishes(qtbot: QtBot, desk: Desk) -> None:
    view = desk.view(qtbot)  # reads the feed back once (automatic check)
    desk.server.script(Step(status=503))
    write(qtbot, view, TITLE, BODY)
    ctrl_enter(qtbot, view.editor.body)
    assert view.confirmation is not None
    view.confirmation.accept()
    assert "erreur 503" in view.status.text()

    qtbot.mouseClick(view.retry_button, Qt.MouseButton.LeftButton)

    assert view.status.text().startswith("✓ Article n° 1 publié")
    assert view.model.index(0, 0).data() == "Publiée"
    assert not view.retry_button.isEnabled()
    assert len(desk.server.value("/flux_actualite")) == 1


def test_withdraw_a_published_item(qtbot: QtBot, desk: Desk) -> None:
    service = open_news_service(desk.services)
    row = service.publish(desk.opp, NewsDraft(TITLE, BODY)).row
    service.close()
    view = desk.view(qtbot)
    assert view.model.index(0, 1).data() == TITLE

    view.table.setFocus()
    view.table.selectRow(0)
    assert view.withdraw_button.isEnabled()
    qtbot.mouseClick(view.withdraw_button, Qt.MouseButton.LeftButton)
    dialog = view.confirmation
    assert dialog is not None and dialog.windowTitle() == "Confirmer le retrait"
    assert dialog.title_label.text() == TITLE
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)

    assert "retiré du flux" in view.status.text()
    assert desk.server.value(f"/flux_actualite/{row.remote_key}") is None
    assert view.model.index(0, 0).data() == "Retirée"
    assert "Retiré le " in view.model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert not view.withdraw_button.isEnabled()


def test_checking_the_feed_shows_what_the_app_shows_unlike_the_record(
    qtbot: QtBot, desk: Desk
) -> None:
    service = open_news_service(desk.services)
    row = service.publish(desk.opp, NewsDraft(TITLE, BODY)).row
    service.close()
    view = desk.view(qtbot)  # the automatic check at activation: all agree, nothing shown
    assert not view.gaps.isVisible() and view.status.text() == ""
    desk.server.apply("DELETE", ["flux_actualite", row.remote_key], None)  # Firebase console

    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)

    assert view.gaps.isVisible()
    assert view.gaps.text().startswith("⚠ Le flux de l'application ne correspond pas")
    assert "absent de l'application" in view.gaps.text()
    assert view.status.property("ok") is False
    assert view.model.index(0, 0).data() == "Non publiée"
    selected = view.selected_row()  # the item to repair, ready for « Réessayer »
    assert selected is not None and selected.id == row.id and view.retry_button.isEnabled()
    qtbot.mouseClick(view.retry_button, Qt.MouseButton.LeftButton)
    assert view.status.text().startswith("✓ Article n° 1 publié")
    assert desk.server.value(f"/flux_actualite/{row.remote_key}/titre") == TITLE

    qtbot.keyClick(view.table, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.status.text().startswith("✓ Le flux"))  # animated click

    assert not view.gaps.isVisible()
    assert view.status.text() == (
        "✓ Le flux de l'application correspond au registre (1 article visible)."
    )


def test_unsaved_text_is_not_dropped_silently(qtbot: QtBot, desk: Desk) -> None:
    service = open_news_service(desk.services)
    service.save_draft(desk.opp, NewsDraft("Ancien brouillon", "Texte."))
    view = desk.view(qtbot)
    write(qtbot, view, TITLE, BODY)

    view.table.selectRow(0)  # another item while the editor holds unsaved text
    box = view.discard_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    box.button(QMessageBox.StandardButton.NoButton)  # buttons are custom
    keep = next(b for b in box.buttons() if "Continuer" in b.text())
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert view.editor.draft().title == TITLE and view.current is None

    qtbot.keyClick(view.editor.body, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert view.status.text().startswith("✓ Brouillon n° 2 enregistré")
    assert view.model.index(0, 0).data() == "Brouillon"
    assert [r.status for r in service.list_items(desk.opp)] == [NewsStatus.BROUILLON] * 2


def test_prevention_button_opens_the_composer_on_national_prevention(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    from stopcamb_desk.ui.shell import MainWindow

    store = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(desk.context(), store)
    qtbot.addWidget(window)
    view = window.show_view("national")
    assert isinstance(view, NationalView)

    qtbot.mouseClick(view.prevention_button, Qt.MouseButton.LeftButton)

    assert window.current_view_key() == "composer"
    composer = window.composer()
    assert composer.current_kind() is MessageKind.PREVENTION  # type: ignore[attr-defined]


def test_publication_runs_off_the_gui_thread(qtbot: QtBot, desk: Desk) -> None:
    presenter = desk.presenter
    tasks = QtTaskRunner(on_unhandled=lambda exc: presenter.unexpected.append(repr(exc)))
    view = desk.view(qtbot, tasks)
    try:
        qtbot.waitUntil(lambda: view.editor.problems.text() != "")
        write(qtbot, view, TITLE, BODY)
        ctrl_enter(qtbot, view.editor.body)
        assert view.confirmation is not None
        view.confirmation.accept()
        assert not view.publish_button.isEnabled()  # busy until the outcome is recorded
        qtbot.waitUntil(lambda: view.status.text().startswith("✓"), timeout=10_000)
        qtbot.waitUntil(lambda: view.model.rowCount() == 1)
        assert desk.server.value("/flux_actualite") is not None
        assert presenter.unexpected == []
    finally:
        tasks.shutdown()


def test_typing_does_not_erode_the_reference_count_of_true(qtbot: QtBot, desk: Desk) -> None:
    """PySide6 6.12's ``SignalInstance.emit`` drops a reference to ``True`` per call: a view
    emitting a Python signal per keystroke crashes the desk (« bool_dealloc ») after a few
    thousand keys. The editor relies on C++-emitted signals only."""
    import sys

    view = desk.view(qtbot)
    view.editor.title.setFocus()
    before = sys.getrefcount(True)
    type_keys(qtbot, view.editor.title, "x" * 60)
    assert sys.getrefcount(True) >= before - 5


def test_markup_blocks_publication_and_retirer_le_code_says_what_went(
    qtbot: QtBot, desk: Desk
) -> None:
    view = desk.view(qtbot)
    write(qtbot, view, TITLE + " <b>!</b>", BODY)
    cursor = view.editor.body.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    view.editor.body.setTextCursor(cursor)
    view.editor.body.insertPlainText(" <script>alert(1)</script> <img src=x onerror=alert(1)>")

    problems = view.editor.problems.text()
    assert "✗ Texte : code ou lien non permis" in problems
    assert "« <script>alert(1)</script> » : élément <script> et son contenu" in problems
    assert "« <img src=x onerror=alert(1)> » : balise <img> — gestionnaire d'événement" in problems
    assert "✗ Titre : code ou lien non permis" in problems
    assert not view.publish_button.isEnabled()
    ctrl_enter(qtbot, view.editor.body)
    assert view.confirmation is None
    qtbot.keyClick(view.editor.body, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "code ou lien non permis" in view.status.text()  # not even kept as a draft
    assert view.model.rowCount() == 0

    clean = view.editor.clean_button
    assert clean.isVisibleTo(view)
    qtbot.mouseClick(clean, Qt.MouseButton.LeftButton)

    assert view.editor.draft().body == BODY
    assert view.editor.draft().title == TITLE + " !"
    removed = view.editor.removed.text()
    assert removed.startswith("Retiré — relisez l'aperçu avant de publier")
    assert "Texte — « <script>alert(1)</script> » : élément <script>" in removed
    assert "Texte — « <img src=x onerror=alert(1)> » : balise <img>" in removed
    assert "Titre — « <b> » : balise <b>" in removed
    assert view.card.body.text() == BODY
    assert not clean.isVisibleTo(view) and view.publish_button.isEnabled()

    qtbot.keyClick(view.editor.body, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "<script>" in view.editor.draft().body  # the OPP may take it back
    assert not view.publish_button.isEnabled()
    qtbot.mouseClick(clean, Qt.MouseButton.LeftButton)

    ctrl_enter(qtbot, view.editor.body)
    assert view.confirmation is not None
    assert view.confirmation.body_label.text() == BODY
    qtbot.mouseClick(view.confirmation.accept_button, Qt.MouseButton.LeftButton)
    assert view.status.text().startswith("✓ Article n° 1 publié"), view.status.text()
    assert_no_markup(desk.server.value("/"))
