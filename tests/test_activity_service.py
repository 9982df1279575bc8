"""Alert activity per département and day (map choropleth, national overview), on SQLite and
PostgreSQL: what is counted, local days, rights, the CSV an analyst opens in a spreadsheet."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import pytest
from history_fixtures import T0, add_alert, add_operator

from stopcamb_desk.domain.roles import PermissionDenied, Role
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.activity import ActivityError, ActivityService, write_overview_csv
from stopcamb_desk.services.history import HistoryService

PARIS_WINTER = timezone(timedelta(hours=1))  # a fixed zone: the test does not depend on the host


def retraction_payload(topic: str) -> dict[str, object]:
    return {"message": {"topic": topic, "data": {"retraction": "1", "replaces": "1"}}}


def service(db: Database, now: datetime = T0 + timedelta(days=1)) -> ActivityService:
    return ActivityService(db, clock=lambda: now, tz=PARIS_WINTER)


def test_counts_per_departement_and_local_day(database: Database) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74", "34"))
    opp = add_operator(database, "opp34", Role.OPP_NATIONAL)
    # T0 is 1 March 08:00 UTC. 23:30 UTC is already 2 March in Paris (UTC+1).
    add_alert(database, chef, status="remplacee")
    add_alert(database, chef, status="remplacee", minutes=60)
    add_alert(database, chef, minutes=15 * 60 + 30)  # 23:30 UTC: 2 March local
    add_alert(database, chef, departement="34", minutes=30)
    add_alert(database, chef, departement="34", minutes=40, exercise=True)
    add_alert(database, chef, departement="34", minutes=50, status="echec")
    add_alert(database, chef, departement="34", minutes=55, status="en_attente")
    add_alert(database, opp, departement=None, kind="prevention", minutes=5)

    activity = service(database).national(opp, date(2026, 3, 1), date(2026, 3, 3))

    assert activity.days == (date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3))
    assert activity.row("74").per_day == (2, 1, 0)
    assert activity.alerts("74") == 3
    # The exercise, the failure and the alert still waiting are not alerts sent to the public.
    assert activity.row("34").per_day == (1, 0, 0)
    assert set(activity.departements) == {"74", "34"}
    assert activity.row("01").per_day == (0, 0, 0)
    assert activity.total == 4 and activity.per_day == (3, 1, 0)
    assert [d.code for d in activity.ranking()] == ["74", "34"]

    with_exercises = service(database).national(
        opp, date(2026, 3, 1), date(2026, 3, 1), include_exercise=True
    )
    assert with_exercises.alerts("34") == 2


def test_a_retraction_message_is_not_an_alert_and_the_withdrawn_one_is_reported(
    database: Database,
) -> None:
    chef = add_operator(database, "chef34", Role.CHEF_DE_QUART, ("34",))
    mistaken = add_alert(database, chef, departement="34", status="retiree", sequence=1)
    add_alert(
        database,
        chef,
        departement="34",
        minutes=18,
        sequence=2,
        replaces=mistaken,
        text="Le message précédent a été retiré. Restez vigilants.",
        payload=retraction_payload("dep_34"),
    )
    activity = service(database).recent(chef, timedelta(days=7))
    row = activity.row("34")
    assert (row.alerts, row.withdrawn) == (1, 1)

    # « Sur les téléphones » says the phones show the retraction, not an alert.
    (entry,) = HistoryService(database).on_phones(chef)
    assert entry.retraction and entry.label == "Message de retrait affiché"


def test_rights_chef_sees_own_departements_overview_is_opp_and_admin(
    database: Database,
) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    other = add_operator(database, "chef34", Role.CHEF_DE_QUART, ("34",))
    admin = add_operator(database, "admin", Role.ADMINISTRATEUR)
    add_alert(database, chef)
    add_alert(database, other, departement="34")

    assert set(service(database).recent(chef, timedelta(hours=24)).departements) == {"74"}
    assert set(service(database).recent(admin, timedelta(hours=24)).departements) == {"74", "34"}
    with pytest.raises(PermissionDenied) as refused:
        service(database).national(chef, date(2026, 3, 1), date(2026, 3, 1))
    assert refused.value.message == (
        "Le tableau national est réservé à l'OPP du GGD34 et aux administrateurs."
    )
    assert service(database).national(admin, date(2026, 3, 1), date(2026, 3, 1)).total == 2


def test_recent_window_ends_now(database: Database) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    add_alert(database, chef, minutes=-25 * 60)  # 25 h before T0
    add_alert(database, chef)
    now = T0 + timedelta(hours=1)
    assert service(database, now).recent(chef, timedelta(hours=24)).alerts("74") == 1
    assert service(database, now).recent(chef, timedelta(days=7)).alerts("74") == 2


def test_period_checks(database: Database) -> None:
    opp = add_operator(database, "opp34", Role.OPP_NATIONAL)
    with pytest.raises(ActivityError, match="précède"):
        service(database).national(opp, date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(ActivityError, match="366 jours au plus"):
        service(database).national(opp, date(2025, 1, 1), date(2026, 3, 1))


def test_overview_csv_lists_every_departement_with_days_and_phones(database: Database) -> None:
    chef = add_operator(database, "chef34", Role.CHEF_DE_QUART, ("34", "74"))
    opp = add_operator(database, "opp34", Role.OPP_NATIONAL)
    add_alert(database, chef, departement="74", minutes=60 * 24)
    mistaken = add_alert(database, chef, departement="34", status="retiree", sequence=1)
    retraction = add_alert(
        database,
        chef,
        departement="34",
        minutes=5,
        sequence=2,
        replaces=mistaken,
        payload=retraction_payload("dep_34"),
    )
    activity = service(database).national(opp, date(2026, 3, 1), date(2026, 3, 2))
    phones = HistoryService(database).on_phones(opp)
    out = io.BytesIO()
    lines = write_overview_csv(activity, phones, out, phones_at=T0 + timedelta(days=2))

    assert lines == 101
    raw = out.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the accents
    rows = [line.split(";") for line in raw.decode("utf-8-sig").split("\r\n") if line]
    assert rows[0][:6] == [
        "Code",
        "Département",
        "Alertes (période)",
        "Dont retirées",
        "01/03/2026",
        "02/03/2026",
    ]
    assert rows[0][6].startswith("Sur les téléphones (le ")
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["34"][1:] == ["Hérault", "1", "1", "1", "0", "Message de retrait affiché",
                                 str(retraction)]  # fmt: skip
    assert by_code["74"][2:7] == ["1", "0", "0", "1", "Alerte affichée"]
    assert by_code["2A"][1:] == ["Corse-du-Sud", "0", "0", "0", "0", "Aucune alerte affichée", ""]


def test_a_day_is_the_local_day_across_the_change_to_summer_time(database: Database) -> None:
    from zoneinfo import ZoneInfo

    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    opp = add_operator(database, "opp34", Role.OPP_NATIONAL)
    # Paris moves from UTC+1 to UTC+2 on Sunday 29 March 2026 at 01:00 UTC.
    add_alert(database, chef, minutes=(27 * 24 + 15.5) * 60)  # 28/03 23:30 UTC: 29/03 00:30
    add_alert(database, chef, minutes=(28 * 24 + 14.5) * 60)  # 29/03 22:30 UTC: 30/03 00:30
    paris = ActivityService(database, clock=lambda: T0, tz=ZoneInfo("Europe/Paris"))
    activity = paris.national(opp, date(2026, 3, 28), date(2026, 3, 30))
    assert activity.row("74").per_day == (0, 1, 1)
