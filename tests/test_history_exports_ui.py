"""The history exports run on the database worker with a progress dialog and « Annuler »: the
file appears complete or not at all."""

from __future__ import annotations

import threading
from pathlib import Path

from desk import desk_db
from history_fixtures import add_alert, add_operator
from pytestqt.qtbot import QtBot
from ui_helpers import shell_context

from stopcamb_desk.domain.roles import Role
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.history_model import HistoryFilter
from stopcamb_desk.services.progress import Cancelled, Progress
from stopcamb_desk.ui.history.printing import export_csv, export_pdf
from stopcamb_desk.ui.tasks import QtTaskRunner


def test_progress_counts_reports_and_cancels() -> None:
    heard: list[int] = []
    progress = Progress(heard.append, every=2)
    assert list(progress.track(range(5))) == [0, 1, 2, 3, 4]
    assert heard == [2, 4, 5] and progress.count == 5
    progress.cancel()
    try:
        list(progress.track(range(3)))
    except Cancelled as exc:
        assert "annulée" in exc.message
    else:
        raise AssertionError("a cancelled job goes on")


def test_exports_run_off_the_gui_thread_and_a_cancelled_one_leaves_no_file(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path
) -> None:
    db = desk_db(sqlite_url)
    tasks = QtTaskRunner()
    try:
        chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
        for i in range(120):
            add_alert(db, chef, minutes=i, status="remplacee")
        ctx = shell_context(db, chef, tasks=tasks)
        history = HistoryService(db)
        parent = _parent(qtbot)

        gui = threading.get_ident()
        threads: list[int] = []
        rows = history.iter_rows

        def iter_rows(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            threads.append(threading.get_ident())
            return rows(*args, **kwargs)  # type: ignore[arg-type]

        history.iter_rows = iter_rows  # type: ignore[method-assign]
        csv_path = tmp_path / "historique.csv"
        job = export_csv(parent, ctx, history, HistoryFilter(), csv_path)
        with qtbot.waitSignal(job.finished, timeout=20_000) as done:
            pass
        assert done.args == [f"120 alerte(s) exportée(s) dans {csv_path}."]
        assert threads and gui not in threads  # paged on the database worker
        assert csv_path.read_bytes().count(b"\r\n") == 121  # headers + one line per alert
        assert job.result_box is not None and job.result_box.isVisible()

        # The worker is busy: the export waits for it; « Annuler » before it starts.
        release = threading.Event()
        tasks.run_db(lambda: release.wait(20))
        pdf_path = tmp_path / "historique.pdf"
        job = export_pdf(parent, ctx, history, HistoryFilter(), pdf_path)
        job.cancel()
        release.set()
        with qtbot.waitSignal(job.finished, timeout=20_000) as done:
            pass
        assert done.args == ["Opération annulée : aucun fichier n'a été écrit."]
        assert list(tmp_path.glob("historique.pdf*")) == []

        job = export_pdf(parent, ctx, history, HistoryFilter(), pdf_path)
        with qtbot.waitSignal(job.finished, timeout=30_000):
            pass
        assert pdf_path.read_bytes().startswith(b"%PDF")
    finally:
        tasks.shutdown()
        db.dispose()


def _parent(qtbot: QtBot):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_the_selected_alert_exports_to_cap_off_the_gui_thread(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path
) -> None:
    from stopcamb_desk.services.exports import cap_message
    from stopcamb_desk.ui.history.printing import export_cap
    from stopcamb_desk.ui.history.view import HistoryView

    db = desk_db(sqlite_url)
    tasks = QtTaskRunner()
    try:
        chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
        first = add_alert(db, chef, minutes=10, status="remplacee")
        second = add_alert(db, chef, minutes=5, replaces=first)
        ctx = shell_context(db, chef, tasks=tasks)
        view = HistoryView(ctx)
        qtbot.addWidget(view)
        view.show()
        assert not view.cap_button.isEnabled()  # nothing selected yet
        view.show_detail(second)
        qtbot.waitUntil(view.cap_button.isEnabled)

        # The database worker is busy: the export waits for it, the GUI thread does not.
        release = threading.Event()
        tasks.run_db(lambda: release.wait(20))
        path = tmp_path / "alerte.cap.xml"
        job = export_cap(view, ctx, second, path)
        assert not path.exists()
        release.set()
        with qtbot.waitSignal(job.finished, timeout=20_000) as done:
            pass
        assert done.args == [f"Alerte n° {second} exportée au format CAP 1.2 dans {path}."]
        expected = cap_message(db, chef, second, ttl_hours=ctx.settings.fcm.ttl_hours)
        assert path.read_bytes() == expected.xml + b"\n"  # what `export cap` prints
        assert b"<msgType>Update</msgType>" in path.read_bytes()

        other = add_operator(db, "chef34", Role.CHEF_DE_QUART, ("34",))
        job = export_cap(view, shell_context(db, other, tasks=tasks), second, tmp_path / "x.xml")
        with qtbot.waitSignal(job.finished, timeout=20_000) as done:
            pass
        assert done.args == [f"Alerte n° {second} introuvable dans votre historique."]
        assert not (tmp_path / "x.xml").exists()
    finally:
        tasks.shutdown()
        db.dispose()
