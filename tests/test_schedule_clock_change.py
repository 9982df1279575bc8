"""Planning at a time the clocks skip or repeat: refused with what to type, never shifted by
an hour without a word."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from composer_desk import Desk
from outbox_fixtures import draft
from PySide6.QtWidgets import QDateTimeEdit
from pytestqt.qtbot import QtBot

from stopcamb_desk.cli import main
from stopcamb_desk.domain.lifecycle import local_time_refusal
from stopcamb_desk.services.schedule import ScheduleError, ScheduleService
from stopcamb_desk.services.schedule_model import Schedule
from stopcamb_desk.ui.composer.schedule import ScheduleDialog

PARIS = ZoneInfo("Europe/Paris")
SUMMER = (
    "Bientôt les départs en vacances : pensez à vous inscrire à votre brigade dans le cadre "
    "des opérations tranquillité vacances."
)


def test_a_time_skipped_when_the_clocks_go_forward_is_refused_with_a_valid_one() -> None:
    reason = local_time_refusal(datetime(2027, 3, 28, 2, 30), PARIS)
    assert reason is not None
    assert "02:30 n'existe pas le 28/03/2027" in reason and "03:30" in reason


def test_a_time_repeated_when_the_clocks_go_back_asks_which_one() -> None:
    reason = local_time_refusal(datetime(2026, 10, 25, 2, 30), PARIS)
    assert reason is not None
    assert "existe deux fois le 25/10/2026" in reason
    assert "+02:00 pour la première fois, +01:00 pour la seconde" in reason


@pytest.mark.parametrize(
    "moment",
    [datetime(2027, 3, 28, 1, 59), datetime(2027, 3, 28, 3, 0), datetime(2026, 10, 25, 3, 0)],
)
def test_the_times_around_the_change_are_fine(moment: datetime) -> None:
    assert local_time_refusal(moment, PARIS) is None


@pytest.fixture
def paris_desk(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The desk's own clock in France, whatever the machine running the tests."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def next_last_sunday(month: int) -> date:
    """The next last Sunday of ``month`` at least two days ahead (a clock change in France)."""
    today = date.today()
    for year in (today.year, today.year + 1):
        last = date(year, month + 1, 1) - timedelta(days=1)
        sunday = last - timedelta(days=(last.weekday() - 6) % 7)
        if sunday > today + timedelta(days=2):
            return sunday
    raise AssertionError("unreachable")


@pytest.mark.usefixtures("paris_desk")
def test_the_command_line_refuses_a_time_the_clocks_skip_or_repeat(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOPCAMB_PASSWORD", "Un-mot-de-passe-solide-34")
    assert main(["user", "add", "opp34", "--role", "opp_national"]) == 0
    capsys.readouterr()
    send = ["send", "--national", "--text", SUMMER, "--operateur", "opp34"]
    spring, autumn = next_last_sunday(3), next_last_sunday(10)
    # Refused like a past time (code 1), by the service the composer calls too.
    assert main([*send, "--programmer", f"{spring.isoformat()}T02:30"]) == 1
    assert "n'existe pas" in capsys.readouterr().err
    assert main([*send, "--programmer", f"{autumn.isoformat()}T02:30"]) == 1
    assert "existe deux fois" in capsys.readouterr().err
    assert main(["scheduled", "list", "--operateur", "opp34"]) in (0, 1)
    assert "n°" not in capsys.readouterr().out  # nothing was planned
    # With its offset the repeated hour is one moment; an edit to the skipped one is refused.
    assert main([*send, "--programmer", f"{autumn.isoformat()}T02:30+01:00"]) == 0
    assert "(heure locale)" in capsys.readouterr().out
    edit = ["scheduled", "edit", "1", "--operateur", "opp34"]
    assert main([*edit, "--programmer", f"{spring.isoformat()}T02:30"]) == 1
    assert "n'existe pas" in capsys.readouterr().err


def _night(day: date, hour: int = 2, minute: int = 30) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


@pytest.mark.usefixtures("paris_desk")
def test_the_service_refuses_a_time_the_clocks_skip_or_repeat(desk: Desk) -> None:
    """The rule lives in the service the composer and the command line both call: a caller
    that hands it the wall clock cannot get a shifted or a guessed moment."""
    opp = desk.context("opp34").principal
    assert desk.services.outbox is not None
    service = ScheduleService(desk.services.outbox)
    spring, autumn = next_last_sunday(3), next_last_sunday(10)
    with pytest.raises(ScheduleError, match="n'existe pas"):
        service.plan(opp, draft(None, SUMMER), Schedule(_night(spring)))
    with pytest.raises(ScheduleError, match=r"existe deux fois.*\+02:00.*\+01:00"):
        service.plan(opp, draft(None, SUMMER), Schedule(_night(autumn)))
    assert desk.sent == []  # nothing half-written
    # Said with its offset, the second 02:30 is one moment: 01:30 UTC.
    second = _night(autumn).replace(tzinfo=timezone(timedelta(hours=1)))
    planned = service.plan(opp, draft(None, SUMMER), Schedule(second))
    assert desk.sent[0].id == planned
    assert desk.sent[0].scheduled_for == _night(autumn, 1).replace(tzinfo=UTC)
    # An edit to the skipped hour is refused the same way and leaves the message as it was.
    with pytest.raises(ScheduleError, match="n'existe pas"):
        service.edit(opp, planned, at=_night(spring))
    assert desk.sent[0].scheduled_for == _night(autumn, 1).replace(tzinfo=UTC)


def _set_wall_clock(qtbot: QtBot, dialog: ScheduleDialog, moment: datetime) -> None:
    """Type the date and time into « Envoyer le » as an operator does."""
    field = dialog.when
    field.setFocus()
    field.setSelectedSection(QDateTimeEdit.Section.DaySection)
    qtbot.keyClicks(field, moment.strftime("%d%m%Y%H%M"))
    assert field.text() == moment.strftime("%d/%m/%Y %H:%M")


@pytest.mark.usefixtures("paris_desk")
def test_the_composer_refuses_or_asks_which_time_the_night_the_clocks_change(
    qtbot: QtBot, desk: Desk
) -> None:
    view = desk.composer(qtbot, "opp34")
    view.set_text(SUMMER)
    view.schedule_button.click()
    dialog = view.schedule_dialog
    assert dialog is not None
    spring, autumn = next_last_sunday(3), next_last_sunday(10)

    _set_wall_clock(qtbot, dialog, _night(spring))
    dialog.plan_button.click()
    assert f"02:30 n'existe pas le {spring:%d/%m/%Y}" in dialog.message.text()
    assert desk.sent == [] and dialog.plan_button.isEnabled()

    _set_wall_clock(qtbot, dialog, _night(autumn))
    assert dialog.offset.isVisible()  # which 02:30? the operator says it
    dialog.plan_button.click()
    assert "existe deux fois" in dialog.message.text() and desk.sent == []
    dialog.offset.setCurrentIndex(dialog.offset.findData(3600))
    assert "+01:00" in dialog.offset.currentText()
    dialog.plan_button.click()
    assert "programmé pour le" in dialog.message.text(), dialog.message.text()
    assert "+01:00" in dialog.message.text()
    assert [a.scheduled_for for a in desk.sent] == [_night(autumn, 1).replace(tzinfo=UTC)]

    _set_wall_clock(qtbot, dialog, _night(autumn, 8, 0))
    assert not dialog.offset.isVisible()  # an ordinary hour asks nothing
