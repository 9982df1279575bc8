"""Planned national prevention messages: sent once at their time by whichever sender runs,
late within their validity window, else « expirée »; editable and cancellable until due."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from desk import desk_db, desk_journal, tamper
from fcm_server import FcmTestServer
from outbox_fixtures import OTV, Clock, add_operator, alert_row, audit_actions, draft, sendable

from stopcamb_desk.cli import main
from stopcamb_desk.domain.roles import PermissionDenied, Principal, Role
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.fcm import FcmGateway
from stopcamb_desk.push.payload import payload_from_json
from stopcamb_desk.services import audit_alerts
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.outbox import Outbox
from stopcamb_desk.services.schedule import ScheduleError, ScheduleService
from stopcamb_desk.services.schedule_model import Schedule

SUMMER = (
    "Bientôt les départs en vacances : pensez à vous inscrire à votre brigade dans le cadre "
    "des opérations tranquillité vacances."
)
HOUR = 3600


@pytest.fixture
def server() -> Iterator[FcmTestServer]:
    with FcmTestServer() as srv:
        yield srv


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 7, 1, 6, 0, tzinfo=UTC))


@pytest.fixture
def opp(database: Database) -> Principal:
    return add_operator(database, "opp34", Role.OPP_NATIONAL)


def _outbox(db: Database, server: FcmTestServer, tmp_path: Path, clock: Clock) -> Outbox:
    credentials = server.write_service_account(tmp_path / "sa.json")
    gateway = FcmGateway(credentials, endpoint=server.base_url)
    return Outbox(db, gateway, journal=desk_journal(db), clock=clock)


@pytest.fixture
def outbox(
    database: Database, server: FcmTestServer, tmp_path: Path, clock: Clock
) -> Iterator[Outbox]:
    box = _outbox(database, server, tmp_path, clock)
    yield box
    box.gateway.close()


def _plan(outbox: Outbox, opp: Principal, at: datetime, text: str = SUMMER, hours: int = 12) -> int:
    return ScheduleService(outbox).plan(opp, draft(None, text), Schedule(at, hours))


def _verify(database: Database) -> None:
    with database.session() as session:
        report = audit_alerts.verify(session)
    assert report.ok, report.reason


def test_a_planned_message_goes_once_at_its_time(
    database: Database, outbox: Outbox, opp: Principal, clock: Clock, server: FcmTestServer
) -> None:
    at = clock() + timedelta(hours=2)
    planned = _plan(outbox, opp, at)
    assert alert_row(database, planned).status == "programmee"
    assert outbox.release_due() == [] and outbox.process_due() == []  # not before its time
    now_sent = outbox.enqueue(opp, *sendable(opp, draft(None, OTV)))  # another one, today
    assert outbox.deliver(now_sent).status == "envoyee"  # type: ignore[union-attr]

    clock.advance(2 * HOUR)
    assert outbox.release_due() == [(planned, "en_attente")]
    (outcome,) = outbox.process_due()
    assert (outcome.alert_id, outcome.status) == (planned, "envoyee")
    # It took its place after the message sent meanwhile: the phones show it, not the older.
    row = alert_row(database, planned)
    assert row.sequence > alert_row(database, now_sent).sequence
    assert alert_row(database, now_sent).status == "remplacee"
    assert payload_from_json(row.payload_json)["data"]["sequence"] == str(row.sequence)
    assert [r.message["data"]["alert_id"] for r in server.received] == [
        str(now_sent),
        str(planned),
    ]
    assert audit_actions(database, planned) == [
        "programmation",
        "programmation_declenchee",
        "acceptee",
    ]
    _verify(database)


def test_late_within_its_validity_it_still_goes_past_it_it_expires(
    database: Database, outbox: Outbox, opp: Principal, clock: Clock, server: FcmTestServer
) -> None:
    late = _plan(outbox, opp, clock() + timedelta(hours=1), hours=4)
    stale = _plan(outbox, opp, clock() + timedelta(minutes=30), text=SUMMER + " Merci.", hours=2)
    clock.advance(3 * HOUR)  # no sender ran: the desks were closed
    changed = dict(outbox.release_due())
    assert changed == {stale: "expiree", late: "en_attente"}
    row = alert_row(database, stale)
    assert row.status == "expiree" and "message non envoyé" in (row.last_error or "")
    (outcome,) = outbox.process_due()
    assert outcome.alert_id == late and outcome.status == "envoyee"
    assert [r.message["data"]["alert_id"] for r in server.received] == [str(late)]
    # The push of the late one lives until the end of its validity window, no longer.
    assert payload_from_json(alert_row(database, late).payload_json)["android"]["ttl"] == "7200s"
    _verify(database)


def test_only_national_prevention_is_planned_by_the_opp(
    database: Database, outbox: Outbox, opp: Principal, clock: Clock
) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    service = ScheduleService(outbox)
    at = clock() + timedelta(hours=1)
    with pytest.raises(PermissionDenied):
        service.plan(chef, draft(None, SUMMER), Schedule(at))
    with pytest.raises(ScheduleError, match="Seuls les messages de prévention"):
        service.plan(opp, draft("74"), Schedule(at))
    with pytest.raises(ScheduleError, match="passée ou trop proche"):
        service.plan(opp, draft(None, SUMMER), Schedule(clock() - timedelta(minutes=5)))
    assert service.planned(opp) == []


def test_edit_and_cancel_until_due_then_no_more(
    database: Database, outbox: Outbox, opp: Principal, clock: Clock
) -> None:
    service = ScheduleService(outbox)
    first = _plan(outbox, opp, clock() + timedelta(hours=1))
    second = _plan(outbox, opp, clock() + timedelta(hours=2), text=SUMMER + " Bon été.")
    service.edit(opp, first, text=OTV, at=clock() + timedelta(hours=3))
    (kept, moved) = service.planned(opp)
    assert (kept.id, moved.id) == (second, first) and moved.text == OTV
    service.cancel(opp, second, version=kept.version)
    assert alert_row(database, second).status == "annulee"
    clock.advance(3 * HOUR)
    assert outbox.release_due() == [(first, "en_attente")]
    with pytest.raises(ScheduleError, match="n'est plus programmé"):
        service.cancel(opp, first)
    _verify(database)


@pytest.mark.parametrize("hours", [0, -5, 73])
def test_an_edit_to_a_validity_out_of_range_is_refused_not_ignored(
    database: Database, outbox: Outbox, opp: Principal, clock: Clock, hours: int
) -> None:
    planned = _plan(outbox, opp, clock() + timedelta(hours=1), hours=12)
    with pytest.raises(ScheduleError, match=f"entre 1 et 72 heures \\(reçu : {hours}\\)"):
        ScheduleService(outbox).edit(opp, planned, validity_hours=hours)
    (kept,) = ScheduleService(outbox).planned(opp)
    assert kept.valid_until - kept.at == timedelta(hours=12)


def test_two_senders_send_a_planned_message_once(
    database: Database, db_url: str, opp: Principal, server: FcmTestServer, tmp_path: Path
) -> None:
    clock = Clock(datetime(2026, 7, 1, 6, 0, tzinfo=UTC))
    desks = [_outbox(desk_db(db_url), server, tmp_path, clock) for _ in range(2)]
    try:
        planned = _plan(desks[0], opp, clock() + timedelta(hours=1))
        clock.advance(HOUR)
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def sender(outbox: Outbox) -> None:
            try:
                barrier.wait()
                outbox.release_due()
                outbox.process_due()
                outbox.release_due()
                outbox.process_due()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=sender, args=(d,)) for d in desks]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        assert [r.message["data"]["alert_id"] for r in server.received] == [str(planned)]
        assert alert_row(database, planned).status == "envoyee"
        assert audit_actions(database, planned).count("programmation_declenchee") == 1
    finally:
        for d in desks:
            d.gateway.close()
            d.db.dispose()
    _verify(database)


def test_planning_from_the_command_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOPCAMB_PASSWORD", "Un-mot-de-passe-solide-34")
    assert main(["user", "add", "opp34", "--role", "opp_national"]) == 0
    capsys.readouterr()
    send = ["send", "--national", "--text", SUMMER, "--operateur", "opp34"]
    assert main([*send, "--programmer", "2020-01-01T08:00"]) == 1
    assert "passée ou trop proche" in capsys.readouterr().err
    assert main([*send, "--programmer", "le 4 juillet"]) == 2
    assert "AAAA-MM-JJTHH:MM" in capsys.readouterr().err
    when = (datetime.now() + timedelta(days=3)).strftime("%Y-%m-%dT08:00")
    assert main([*send, "--programmer", when, "--valable", "6"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Message n° 1 programmé pour le") and "expirera" in out
    assert main(["scheduled", "list", "--operateur", "opp34"]) == 0
    assert "n°      1" in capsys.readouterr().out
    assert main(["scheduled", "cancel", "1", "--operateur", "opp34"]) == 0
    assert main(["scheduled", "cancel", "1", "--operateur", "opp34"]) == 1
    assert "n'est plus programmé" in capsys.readouterr().err


def test_the_opp_plans_from_the_composer(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """« Programmer… » in the OPP's composer plans the message; the planned list shows it and
    cancels it; a chef de quart never sees the button."""
    from PySide6.QtCore import QDateTime
    from ui_helpers import RecordingPresenter

    from stopcamb_desk.config import Settings
    from stopcamb_desk.domain.rules.model import MessageKind
    from stopcamb_desk.services.container import open_services
    from stopcamb_desk.ui.composer.view import ComposerView
    from stopcamb_desk.ui.context import ShellContext
    from stopcamb_desk.ui.errors import ErrorHandler
    from stopcamb_desk.ui.tasks import ImmediateTaskRunner

    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'desk.sqlite3'}",
        config_file=tmp_path / "settings.toml",
        demo=True,
    )
    services = open_services(settings)
    try:
        errors = ErrorHandler(RecordingPresenter())

        def view_for(login: str, password: str) -> ComposerView:
            principal = services.accounts.authenticate(login, password)
            tasks = ImmediateTaskRunner(on_unhandled=errors.report)
            view = ComposerView(ShellContext(settings, services, principal, tasks, errors))
            qtbot.addWidget(view)
            view.resize(1280, 760)
            view.show()
            view.activated()
            return view

        chef = view_for("chef74", "demo-chef74")
        assert not chef.schedule_button.isVisible()
        view = view_for("opp34", "demo-opp34")
        assert view.current_kind() is MessageKind.PREVENTION
        assert view.schedule_button.isVisible() and not view.guided_button.isVisible()
        view.set_text(SUMMER)
        view.schedule_button.click()
        dialog = view.schedule_dialog
        assert dialog is not None and dialog.table.rowCount() == 0
        dialog.when.setDateTime(QDateTime.currentDateTime().addDays(2))
        dialog.plan_button.click()
        assert "programmé pour le" in dialog.message.text()
        assert not dialog.plan_button.isEnabled()  # planned once, not twice by a double click
        assert dialog.table.rowCount() == 1 and SUMMER[:40] in dialog.table.item(0, 2).text()
        dialog.table.selectRow(0)
        dialog.cancel_button.click()
        assert "annulée" in dialog.message.text() and dialog.table.rowCount() == 0
        dialog.reject()
        view.set_text("Sécurité routière : ralentissez à l'approche des écoles.")
        view.schedule_button.click()
        refused = view.schedule_dialog
        assert refused is not None
        refused.plan_button.click()
        assert refused.message.text().startswith("Envoi impossible")  # the same rules as a send
        assert refused.plan_button.isEnabled()
    finally:
        services.close()


def test_a_planned_message_due_before_a_newer_send_never_covers_it(
    database: Database, outbox: Outbox, opp: Principal, clock: Clock, server: FcmTestServer
) -> None:
    """No sender ran at the planned time; the OPP then sends a newer message « maintenant »:
    the planned one, due before it, must not land over it on the phones afterwards."""
    planned = ScheduleService(outbox).plan(
        opp, draft(None, SUMMER), Schedule(clock() + timedelta(hours=1), 12)
    )
    clock.advance(2 * HOUR)  # the planned time is past: no desk was open
    newer = outbox.enqueue(opp, *sendable(opp, draft(None, OTV)), claim=True)
    outcome = outbox.deliver(newer)
    assert outcome is not None and outcome.status == "envoyee"

    outbox.release_due()  # a sender starts
    outbox.process_due()
    assert [r.message["notification"]["body"] for r in server.received] == [
        OTV
    ]  # the newer push stays on the phones
    assert alert_row(database, newer).status == "envoyee"
    assert alert_row(database, planned).status == "remplacee_attente"
    (shown,) = [s for s in HistoryService(database, clock=clock).on_phones(opp)]
    assert shown.alert.id == newer
    _verify(database)


def test_a_planned_text_edited_by_sql_is_never_sent(
    database: Database, outbox: Outbox, opp: Principal, clock: Clock, server: FcmTestServer
) -> None:
    """The payload of a planned message is built when it falls due: a text edited in the
    table by SQL meanwhile must not be turned into an authenticated push."""
    planned = ScheduleService(outbox).plan(
        opp, draft(None, SUMMER), Schedule(clock() + timedelta(hours=1), 12)
    )
    with database.session() as session:
        tamper(session, "UPDATE alerts SET text = 'Évacuez' WHERE id = :a", {"a": planned})
    clock.advance(HOUR)
    outbox.release_due()
    outbox.process_due()
    assert server.received == []  # nothing went out
    row = alert_row(database, planned)
    assert row.status == "echec"
    assert "journal d'audit" in (row.last_error or "")
    with database.session() as session:
        report = audit_alerts.verify(session)
    assert not report.ok and report.alert_id == planned  # the edit stays detected


def test_an_edit_never_binds_a_planned_text_edited_by_sql(
    database: Database, outbox: Outbox, opp: Principal, clock: Clock
) -> None:
    """Moving a planned message whose text was edited by SQL would bind that text in a new
    authenticated event: refused, and the message can still be cancelled."""
    service = ScheduleService(outbox)
    planned = service.plan(opp, draft(None, SUMMER), Schedule(clock() + timedelta(hours=1), 12))
    with database.session() as session:
        tamper(session, "UPDATE alerts SET text = 'Évacuez' WHERE id = :a", {"a": planned})
    with pytest.raises(ScheduleError, match="ne correspond plus au journal d'audit"):
        service.edit(opp, planned, at=clock() + timedelta(hours=3))
    service.cancel(opp, planned)
    assert alert_row(database, planned).status == "annulee"
