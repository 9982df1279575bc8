"""Planning at a time the clocks skip or repeat: refused with what to type, never shifted by
an hour without a word."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from stopcamb_desk.cli import main
from stopcamb_desk.domain.lifecycle import local_time_refusal

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
    assert main([*send, "--programmer", f"{spring.isoformat()}T02:30"]) == 2
    assert "n'existe pas" in capsys.readouterr().err
    assert main([*send, "--programmer", f"{autumn.isoformat()}T02:30"]) == 2
    assert "existe deux fois" in capsys.readouterr().err
    assert main(["scheduled", "list", "--operateur", "opp34"]) in (0, 1)
    assert "n°" not in capsys.readouterr().out  # nothing was planned
