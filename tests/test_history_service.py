"""History queries: visibility, filters, keyset pages, detail with chain, phones panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from history_fixtures import T0, add_alert, add_operator

from stopcamb_desk.domain.roles import PermissionDenied, Role
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.history_model import HistoryError, HistoryFilter, format_age


@pytest.fixture
def world(database: Database) -> dict[str, object]:
    chef74 = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    chef73 = add_operator(database, "chef73", Role.CHEF_DE_QUART, ("73",))
    opp = add_operator(database, "opp", Role.OPP_NATIONAL)
    admin = add_operator(database, "admin", Role.ADMINISTRATEUR)
    ids = {
        "a74": add_alert(database, chef74, minutes=1, status="remplacee", sequence=1),
        "a73": add_alert(database, chef73, departement="73", minutes=2, text="CHAMBÉRY, vols"),
        "nat": add_alert(
            database, opp, departement=None, kind="prevention", minutes=3, text="Vacances : OTV"
        ),
        "fail74": add_alert(database, chef74, minutes=4, status="echec", text="Échec 100%_x"),
    }
    ids["b74"] = add_alert(
        database, chef74, minutes=5, replaces=ids["a74"], sequence=2, text="ANNECY, cambriolages"
    )
    return {"chef74": chef74, "chef73": chef73, "opp": opp, "admin": admin, **ids}


def ids_of(page) -> list[int]:  # type: ignore[no-untyped-def]
    return [r.id for r in page.rows]


def test_chef_de_quart_sees_only_their_departement(database: Database, world) -> None:  # type: ignore[no-untyped-def]
    history = HistoryService(database)
    page = history.page(world["chef74"])
    assert ids_of(page) == [world["b74"], world["fail74"], world["a74"]]
    assert {r.departement for r in page.rows} == {"74"}
    with pytest.raises(PermissionDenied, match="73"):
        history.page(world["chef74"], HistoryFilter(departement="73"))


@pytest.mark.parametrize("who", ["opp", "admin"])
def test_national_and_admin_see_everything(database: Database, world, who: str) -> None:  # type: ignore[no-untyped-def]
    page = HistoryService(database).page(world[who])
    assert len(page.rows) == 5 and page.next_cursor is None
    assert page.rows[0].id == world["b74"]  # newest first


def test_filters_combine(database: Database, world) -> None:  # type: ignore[no-untyped-def]
    history = HistoryService(database)
    admin = world["admin"]
    assert ids_of(history.page(admin, HistoryFilter(departement="73"))) == [world["a73"]]
    assert ids_of(history.page(admin, HistoryFilter(statuses=("echec",)))) == [world["fail74"]]
    assert ids_of(history.page(admin, HistoryFilter(author="opp"))) == [world["nat"]]
    period = HistoryFilter(since=T0 + timedelta(minutes=2), until=T0 + timedelta(minutes=4))
    assert ids_of(history.page(admin, period)) == [world["nat"], world["a73"]]
    # Text search: case-insensitive, and % or _ typed by the operator are literal characters.
    assert ids_of(history.page(admin, HistoryFilter(text="annecy"))) == [world["b74"]]
    assert ids_of(history.page(admin, HistoryFilter(text="100%_"))) == [world["fail74"]]
    assert ids_of(history.page(admin, HistoryFilter(text="100%x"))) == []


def test_keyset_pages_cover_everything_once_even_with_equal_times(database: Database) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    # Pairs of alerts share the same created_at: the id breaks the tie.
    created = [add_alert(database, chef, minutes=i // 2) for i in range(23)]
    history = HistoryService(database)
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = history.page(chef, after=cursor, limit=5)
        seen += ids_of(page)
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 5
    assert seen == sorted(created, key=lambda i: ((i - 1) // 2, i), reverse=True)
    assert len(set(seen)) == 23


def test_detail_has_attempts_verdict_and_both_sides_of_the_chain(database: Database) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    first = add_alert(database, chef, status="remplacee", sequence=1)
    middle = add_alert(
        database,
        chef,
        minutes=1,
        status="retiree",
        replaces=first,
        sequence=2,
        attempts=[
            {"outcome": "transitoire", "http_status": 503, "error": "Service indisponible"},
            {"outcome": "succes", "http_status": 200},
        ],
    )
    failed = add_alert(database, chef, minutes=2, status="echec", replaces=middle, sequence=3)
    neutral = add_alert(database, chef, minutes=3, replaces=middle, sequence=4)
    detail = HistoryService(database).detail(chef, middle)
    assert [r.id for r in detail.replaced] == [first]
    assert [r.id for r in detail.replaced_by] == [neutral]
    assert [r.id for r in detail.other_replacements] == [failed]
    assert [(a.outcome, a.http_status) for a in detail.attempts] == [
        ("transitoire", 503),
        ("succes", 200),
    ]
    assert detail.attempts[0].error == "Service indisponible"
    assert detail.verdict == {"ok": True, "regles": []}
    assert detail.procedure_number == "2026/00123"
    assert not detail.is_chain_head
    assert HistoryService(database).detail(chef, neutral).is_chain_head


def test_detail_of_another_departement_is_not_revealed(database: Database, world) -> None:  # type: ignore[no-untyped-def]
    history = HistoryService(database)
    with pytest.raises(HistoryError, match="introuvable"):
        history.detail(world["chef73"], world["a74"])
    with pytest.raises(HistoryError, match="introuvable"):
        history.detail(world["admin"], 999_999)


def test_on_phones_shows_latest_delivered_per_topic_with_age(database: Database) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74", "73"))
    admin = add_operator(database, "admin", Role.ADMINISTRATEUR)
    add_alert(database, chef, minutes=0, status="remplacee", sequence=1)
    shown74 = add_alert(database, chef, minutes=10, sequence=2)
    add_alert(database, chef, minutes=20, status="echec", sequence=3)  # not on the phones
    shown73 = add_alert(database, chef, departement="73", minutes=30, sequence=1)
    drill = add_alert(database, chef, exercise=True, minutes=40, sequence=1)
    add_alert(database, chef, departement="01", minutes=50, sequence=1)  # not visible to chef
    now = T0 + timedelta(minutes=70)
    history = HistoryService(database, clock=lambda: now)
    entries = history.on_phones(chef)
    assert [(e.topic, e.alert.id) for e in entries] == [
        ("dep_73", shown73),
        ("dep_74", shown74),
        ("exercice_dep_74", drill),
    ]
    assert entries[1].age == timedelta(minutes=60, seconds=-1)
    assert format_age(entries[1].age) == "59 min"
    assert len(history.on_phones(admin)) == 4
    assert len(history.on_phones(chef, include_exercise=False)) == 2


def test_format_age_in_french() -> None:
    assert format_age(timedelta(seconds=5)) == "à l'instant"
    assert format_age(timedelta(hours=2, minutes=5)) == "2 h 05"
    assert format_age(timedelta(days=3)) == "3 j"
