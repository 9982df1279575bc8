"""« Ouverte maintenant » at the awkward moments: midnight, public holidays (national and
Alsace-Moselle), the days the clocks change, and units open through the night or all day."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from stopcamb_desk.domain.opening_hours import opening_status, parse_hours

PARIS = ZoneInfo("Europe/Paris")
WORKING_WEEK = "$".join(
    f"{day} : 8h00-12h00 14h00-18h00"
    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi")
)


def status(hours: str, departement: str, moment: datetime) -> str:
    return opening_status(parse_hours(hours), departement, moment).text


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("departement", "moment", "expected"),
    [
        ("34", paris(2026, 5, 1, 10), "fermée (jour férié)"),  # 1 May, a Friday
        ("57", paris(2026, 12, 26, 10), "fermée (jour férié)"),  # Saint-Étienne in Moselle
        ("34", paris(2026, 12, 26, 10), "ouverte jusqu'à 12h00"),  # a Saturday elsewhere
        ("67", paris(2026, 4, 3, 10), "fermée (jour férié)"),  # Good Friday in the Bas-Rhin
        ("34", paris(2026, 4, 30, 19), "fermée, ouvre samedi à 8h00"),  # 1 May in between
        ("34", paris(2026, 12, 5, 23, 59), "fermée, ouvre lundi à 8h00"),
        ("34", paris(2026, 12, 6, 0, 0), "fermée, ouvre demain à 8h00"),
    ],
)
def test_public_holidays_and_midnight(departement: str, moment: datetime, expected: str) -> None:
    assert status(WORKING_WEEK, departement, moment) == expected


def test_the_days_the_clocks_change_use_the_local_time() -> None:
    # 31 Oct 2026 is a Saturday; 2026-10-25 (Sunday) clocks go back at 03:00 CEST.
    assert status(WORKING_WEEK, "34", datetime(2026, 10, 31, 7, 0, tzinfo=UTC)) == (
        "ouverte jusqu'à 12h00"  # 8h00 in Paris (UTC+1 since last Sunday)
    )
    assert status(WORKING_WEEK, "34", datetime(2026, 10, 24, 6, 30, tzinfo=UTC)) == (
        "ouverte jusqu'à 12h00"  # 8h30 in Paris (UTC+2 before the change)
    )
    # 2027-03-28: 02:00 → 03:00; the Monday after is Easter Monday.
    assert status(WORKING_WEEK, "34", datetime(2027, 3, 28, 1, 30, tzinfo=UTC)) == (
        "fermée, ouvre mardi à 8h00"
    )


def test_a_unit_open_through_midnight_says_when_it_really_closes() -> None:
    night = "Lundi : 20h00-24h00$Mardi : 0h00-2h00"
    assert status(night, "34", paris(2026, 12, 7, 23, 30)) == "ouverte jusqu'à demain 2h00"
    assert status(night, "34", paris(2026, 12, 8, 1, 0)) == "ouverte jusqu'à 2h00"
    assert status("Lundi : 20h00-24h00", "34", paris(2026, 12, 7, 23, 30)) == (
        "ouverte jusqu'à minuit"
    )


def test_a_unit_open_all_week_round_the_clock() -> None:
    days = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
    always = "$".join(f"{day} : 0h00-24h00" for day in days) + "$Jours Fériés : 0h00-24h00"
    assert status(always, "34", paris(2026, 12, 7, 23, 30)) == "ouverte 24h/24"
    assert status(always, "34", paris(2026, 5, 1, 3, 0)) == "ouverte 24h/24"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Lundi : 8h00 - 12h00 14h00 - 18h00", "Lundi : 8h00-12h00 14h00-18h00"),
        ("Lundi : 8h - 12h", "Lundi : 8h00-12h00"),
        ("Lundi : 8h00 – 12h00", "Lundi : 8h00-12h00"),
    ],
)
def test_spaces_around_the_dash_are_read(typed: str, stored: str) -> None:
    assert parse_hours(typed).text() == stored


def test_a_range_of_days_says_to_write_one_line_per_day() -> None:
    from stopcamb_desk.domain.opening_hours import HoursError

    with pytest.raises(HoursError) as refused:
        parse_hours("Lundi au vendredi : 8h00-12h00")
    assert "une ligne par jour" in refused.value.message
    assert "Lundi : 8h00-12h00" in refused.value.message
