"""History text search: indexed (FTS5 trigram on SQLite, pg_trgm over a stored folded column on
PostgreSQL), accent- and case-insensitive substrings, operator-typed special characters taken
literally."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from desk import desk_db
from history_fixtures import add_alert, add_operator
from sqlalchemy import MetaData, Table, delete, event, insert, inspect, text, update

from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.models import Alert, search
from stopcamb_desk.models.db import Database, alembic_config, table_names
from stopcamb_desk.services import history as history_module
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.history_model import AlertRow, HistoryFilter

TEXTS = {
    "chambery": "CHAMBÉRY, vols dans les voitures",
    "thones": "THÔNES : cambriolages en série, soyez vigilants",
    "echec": "Échec 100%_x",
    "syntax": 'Vols AND cambriolages NEAR la gare (rue "Haute") : 50% * 2, appelez le 17',
    "plain": "Vols et cambriolages près de la gare, appelez le 17",
}


@pytest.fixture
def admin(database: Database) -> Principal:
    return add_operator(database, "admin", Role.ADMINISTRATEUR)


@pytest.fixture
def alerts(database: Database, admin: Principal) -> dict[str, int]:
    return {
        key: add_alert(database, admin, minutes=i, text=body)
        for i, (key, body) in enumerate(TEXTS.items())
    }


def found(database: Database, admin: Principal, query: str) -> set[int]:
    page = HistoryService(database).page(admin, HistoryFilter(text=query), limit=1000)
    return {r.id for r in page.rows}


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("chambery", {"chambery"}),  # without the accent
        ("Chambéry", {"chambery"}),
        ("CHAMBÉRY", {"chambery"}),
        ("thônes", {"thones"}),
        ("SERIE", {"thones"}),
        ("ECHEC", {"echec"}),
        ("ambér", {"chambery"}),  # a substring inside a word, as before
        ("olages", {"thones", "syntax", "plain"}),
        ("  la gare  ", {"syntax", "plain"}),  # surrounding spaces ignored
        ("17", {"syntax", "plain"}),  # shorter than a trigram
        ("prè", {"plain"}),
    ],
)
def test_finds_words_and_substrings_whatever_the_accents_and_case(
    database: Database, admin: Principal, alerts: dict[str, int], query: str, keys: set[str]
) -> None:
    assert found(database, admin, query) == {alerts[k] for k in keys}


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("100%_", {"echec"}),
        ("100%x", set()),
        ("0%_x", {"echec"}),
        ("%", {"echec", "syntax"}),
        ("_", {"echec"}),
        ('"Haute"', {"syntax"}),
        ('(rue "haute")', {"syntax"}),
        ("50% * 2", {"syntax"}),
        ("*", {"syntax"}),
        ("cambriolages*", set()),
        ("vols AND cambriolages", {"syntax"}),  # as FTS syntax it would also match « plain »
        ("NEAR", {"syntax"}),
        ("NEAR(vols gare)", set()),
        ("vols OR rien", set()),
        ("la gare (", {"syntax"}),
        ('"', {"syntax"}),
    ],
)
def test_operator_typed_special_characters_are_literal(
    database: Database, admin: Principal, alerts: dict[str, int], query: str, keys: set[str]
) -> None:
    assert found(database, admin, query) == {alerts[k] for k in keys}


def test_index_and_scan_paths_give_the_same_results(
    database: Database, admin: Principal, alerts: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite scans instead of using the index when a text matches very many alerts;
    PostgreSQL walks the newest alerts before its planner chooses. Same pages either way, the
    same rows, dates in UTC even from a server on Paris time."""
    queries = ["chambery", "olages", "100%_", '(rue "haute")', "vols AND cambriolages", "la gare"]
    queries += ["chambery, vols", "THONES : C", "ppelez le 17"]
    if database.dialect == "postgresql":
        with database.engine.connect() as conn:
            name = conn.execute(text("SELECT current_database()")).scalar()
            conn.execute(text(f"ALTER DATABASE \"{name}\" SET timezone = 'Europe/Paris'"))
            conn.commit()
        database.engine.dispose()  # new connections, on Paris time

    def pages(limit: int) -> list[list[tuple[AlertRow, object, object]]]:
        service = HistoryService(database)
        return [
            [
                (r, r.created_at.tzinfo, r.sent_at and r.sent_at.tzinfo)
                for r in service.page(admin, HistoryFilter(text=q), limit=limit).rows
            ]
            for q in queries
        ]

    indexed = {limit: pages(limit) for limit in (1, 2, 1000)}
    assert {zone for page in indexed[1000] for _row, *zones in page for zone in zones} == {UTC}
    monkeypatch.setattr(history_module, "FTS_CANDIDATES_CAP", 1)
    monkeypatch.setattr(history_module, "TEXT_PROBE_PAGES", 0)  # the planner always chooses
    assert {limit: pages(limit) for limit in (1, 2, 1000)} == indexed
    monkeypatch.setattr(history_module, "TEXT_PROBE_PAGES", 1)
    monkeypatch.setattr(history_module, "TEXT_WALK_ONE_IN", 10**6)  # walking ruled out
    assert {limit: pages(limit) for limit in (1, 2, 1000)} == indexed


def test_an_edited_text_is_searched_by_its_new_words(
    database: Database, admin: Principal, alerts: dict[str, int]
) -> None:
    with database.session() as session:
        session.execute(
            update(Alert).where(Alert.id == alerts["chambery"]).values(text="AIX-LES-BAINS, vols")
        )
    assert found(database, admin, "chambery") == set()
    assert found(database, admin, "aix-les") == {alerts["chambery"]}


def test_a_deleted_alert_is_no_longer_found(
    database: Database, admin: Principal, alerts: dict[str, int]
) -> None:
    with database.session() as session:
        session.execute(delete(Alert).where(Alert.id == alerts["plain"]))
    assert found(database, admin, "près de la gare") == set()
    assert found(database, admin, "la gare") == {alerts["syntax"]}


@pytest.fixture
def statements(database: Database) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_args: Any) -> None:
        seen.append((statement, params))

    event.listen(database.engine, "before_cursor_execute", record)
    yield seen
    event.remove(database.engine, "before_cursor_execute", record)


def _plan(database: Database, statement: str, params: Any, *off: str) -> str:
    """The plan of ``statement``; on PostgreSQL without the ``off`` plan types (a few test
    rows make a scan cheaper than any index: only whether an index *can* serve is tested)."""
    with database.engine.connect() as conn:
        if database.dialect == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            return " / ".join(row[-1] for row in rows)
        for plan_type in off:
            conn.exec_driver_sql(f"SET enable_{plan_type} = off")
        return " / ".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", params))


def test_the_search_query_uses_the_text_index(
    database: Database, admin: Principal, alerts: dict[str, int], statements: list[Any]
) -> None:
    # A rare word: the newest pages of alerts hold less than a page of it, the index answers.
    for i in range(10):
        add_alert(database, admin, minutes=10 + i, text=f"ANNECY : vols à la roulotte n° {i}")
    statements.clear()
    page = HistoryService(database).page(admin, HistoryFilter(text="chambéry"), limit=1)
    assert [r.id for r in page.rows] == [alerts["chambery"]]
    searches = [s for s in statements if "ORDER BY" in s[0]]
    # The query that answered the page (without seq and date-index scans on PostgreSQL).
    plan = _plan(database, *searches[-1], "seqscan", "indexscan")
    if database.dialect == "sqlite":
        assert f"{search.FTS_TABLE} VIRTUAL TABLE INDEX" in plan, plan
        return
    # The stored folded column and its index: nothing is folded while searching.
    assert f"Bitmap Index Scan on {search.PG_INDEX}" in plan, plan
    assert f"{search.FOLDED_COLUMN} ~~ " in plan and search.PG_FUNCTION not in plan, plan
    # Before it, the walk over the newest alerts, which the trigram index cannot serve.
    probe = _plan(database, *searches[0], "seqscan")
    assert "Index Scan Backward using ix_alerts_created_id" in probe, probe
    assert search.PG_INDEX not in probe, probe


def test_a_frequent_word_is_answered_from_the_newest_alerts(
    database: Database, admin: Principal, statements: list[Any]
) -> None:
    """Whatever the statistics say, a word in most of the newest alerts is found by walking
    them (one query), not by collecting all its matches from the index."""
    ids = [
        add_alert(database, admin, minutes=i, text=f"ANNECY : vols à la roulotte n° {i}")
        for i in range(30)
    ]
    statements.clear()
    page = HistoryService(database).page(admin, HistoryFilter(text="roulotte"), limit=10)
    assert [r.id for r in page.rows] == ids[::-1][:10]
    # (SQLite first reads the date that bounds the newest pages, no row: the date index.)
    searches = [s for s in statements if "ORDER BY" in s[0] and "alerts.text" in s[0]]
    assert len(searches) == 1
    assert not [s for s in statements if "MATCH" in s[0]]  # the FTS index is not asked
    if database.dialect == "postgresql":
        assert search.PG_INDEX not in _plan(database, *searches[0], "seqscan", "indexscan")


def test_sql_folding_matches_the_python_folding(database: Database) -> None:
    sample = search.FOLD_FROM + " CHAMBÉRY, Thônes, œuvre, Ærø, 100%_x"
    with database.engine.connect() as conn:
        if database.dialect == "sqlite":
            sql = search.sqlite_fold_select("1", ":s")
            folded = conn.execute(text(sql), {"s": sample}).one()[1]
        else:
            folded = conn.execute(text("SELECT stopcamb_fold(:s)"), {"s": sample}).scalar_one()
    assert folded.lower() == search.fold(sample)
    assert search.fold("CHAMBÉRY") == "chambery"


def _alert_of_revision_0003(db: Database, author_id: int, body: str) -> int:
    """An alert row with only the columns the schema had at revision 0003."""
    now = datetime.now(UTC)
    row = {
        "created_at": now,
        "updated_at": now,
        "kind": "operationnel",
        "exercise": False,
        "departement": "74",
        "topic": "dep_74",
        "replacement_key": "stopcamb_dep_74",
        "sequence": 1,
        "text": body,
        "author_id": author_id,
        "status": "envoyee",
        "verdict_json": "{}",
        "payload_json": "{}",
        "attempt_count": 1,
        "gateway": "simulation",
        "version": 1,
    }
    table = Table("alerts", MetaData(), autoload_with=db.engine)
    with db.engine.begin() as conn:
        return int(conn.execute(insert(table).values(**row).returning(table.c.id)).scalar_one())


def test_upgrade_indexes_existing_alerts_and_downgrade_removes_the_index(
    db_url: str, tmp_path: Path
) -> None:
    from alembic import command

    db = desk_db(db_url)
    try:
        command.downgrade(alembic_config(db.engine), "0003_news")
        assert search.FTS_TABLE not in table_names(db.engine)
        chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
        old = _alert_of_revision_0003(db, chef.operator_id, "ANNECY, vols à la roulotte")
        db.upgrade()  # the existing alert is indexed by the migration
        assert found(db, chef, "ANNECY, VOLS A LA") == {old}
        with db.engine.connect() as conn:
            if db.dialect == "sqlite":
                count = conn.execute(text(f"SELECT count(*) FROM {search.FTS_TABLE}")).scalar()
                assert count == 1
            else:
                index = text("SELECT 1 FROM pg_indexes WHERE indexname = :n")
                assert conn.execute(index, {"n": search.PG_INDEX}).scalar() == 1
    finally:
        db.dispose()


@pytest.mark.postgres
def test_a_search_leaves_the_connection_settings_as_they_were(pg_url: str) -> None:
    """The plan settings of a search are the transaction's: the next query on the pooled
    connection is planned as usual."""
    db = desk_db(pg_url)
    try:
        admin = add_operator(db, "admin", Role.ADMINISTRATEUR)
        add_alert(db, admin, text="ANNECY, vols à la roulotte")
        settings = text(
            "SELECT pg_backend_pid(), current_setting('enable_indexscan'), "
            "current_setting('plan_cache_mode')"
        )
        with db.engine.connect() as conn:
            before = conn.execute(settings).one()
        assert found(db, admin, "thônes") == set()  # no match: the planner chose, walk ruled out
        with db.engine.connect() as conn:
            assert conn.execute(settings).one() == before  # the same connection, as it was
    finally:
        db.dispose()


def _search_objects(db: Database) -> tuple[bool, set[str]]:
    """(is the folded column there, the names of the indexes on ``alerts`` — PostgreSQL — or of
    its triggers — SQLite)."""
    columns = {c["name"] for c in inspect(db.engine).get_columns("alerts")}
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            names = conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'alerts'"
                )
            )
        else:
            names = conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'alerts'")
            )
        return search.FOLDED_COLUMN in columns, set(names.scalars())


def _fts_ids(db: Database) -> set[int]:
    with db.engine.connect() as conn:
        return set(conn.execute(text(f"SELECT rowid FROM {search.FTS_TABLE}")).scalars())


OLD_PG_INDEX = "ix_alerts_text_trgm"  # revision 0004's, on stopcamb_fold(text)


def test_upgrade_from_0008_folds_the_existing_alerts_and_downgrade_restores_the_index(
    db_url: str,
) -> None:
    """Back to 0008 (before the folded column on either backend) and up again: the alerts
    written meanwhile are folded by the upgrade; on SQLite the FTS index follows the alerts
    at every revision (0004's triggers survive 0008's downgrade)."""
    from alembic import command

    db = desk_db(db_url)
    try:
        config = alembic_config(db.engine)
        chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
        head_alert = add_alert(db, chef, text="ANNECY : vols à la roulotte")
        command.downgrade(config, "0008_schedule")
        has_column, names = _search_objects(db)
        assert not has_column
        if db.dialect == "postgresql":
            assert OLD_PG_INDEX in names
        else:
            assert names == set(search.SQLITE_TRIGGERS)
        command.downgrade(config, "0007_brigades")
        if db.dialect == "sqlite":
            assert _search_objects(db)[1] == set(search.SQLITE_TRIGGERS)
        command.upgrade(config, "0008_schedule")
        body = "THÔNES : cambriolages à Évian, soyez vigilants"
        old = _alert_of_revision_0003(db, chef.operator_id, body)
        if db.dialect == "sqlite":  # 0004's triggers index it
            assert _fts_ids(db) == {head_alert, old}
            with db.engine.begin() as conn:  # an index out of step, as older downgrades left it
                conn.execute(text(f"DELETE FROM {search.FTS_TABLE} WHERE rowid = :i"), {"i": old})
        db.upgrade()  # the existing alert gets its folded text
        has_column, names = _search_objects(db)
        assert has_column
        if db.dialect == "postgresql":
            assert search.PG_INDEX in names and OLD_PG_INDEX not in names
        else:
            assert names == set(search.SQLITE_TRIGGERS)
            assert _fts_ids(db) == {head_alert, old}  # refilled from the column
        with db.engine.connect() as conn:
            stored = conn.execute(
                text(f"SELECT {search.FOLDED_COLUMN} FROM alerts WHERE id = :i"), {"i": old}
            ).scalar()
            if db.dialect == "postgresql":  # the planner knows the column at once
                analyzed = conn.execute(
                    text("SELECT 1 FROM pg_stats WHERE tablename = 'alerts' AND attname = :c"),
                    {"c": search.FOLDED_COLUMN},
                ).scalar()
                assert analyzed == 1
        assert stored == "thones : cambriolages a evian, soyez vigilants"
        for query in ("thones", "THÔNES", "à évian", "A EVIAN", "cambriolages à", "roulotte"):
            expected = {head_alert} if query == "roulotte" else {old}
            assert found(db, chef, query) == expected, query

        command.downgrade(config, "0008_schedule")
        has_column, names = _search_objects(db)
        assert not has_column
        if db.dialect == "postgresql":
            assert OLD_PG_INDEX in names and search.PG_INDEX not in names
            with db.engine.connect() as conn:  # 0004's query, on its index
                hits = conn.execute(
                    text("SELECT id FROM alerts WHERE stopcamb_fold(text) ILIKE '%a evian%'")
                )
                assert list(hits.scalars()) == [old]
        else:  # 0004's triggers are back: a new alert is indexed, an edited one re-indexed
            assert names == set(search.SQLITE_TRIGGERS)
            newer = _alert_of_revision_0003(db, chef.operator_id, "SÉVRIER, vols")
            with db.engine.begin() as conn:
                conn.execute(
                    text("UPDATE alerts SET text = 'MENTHON, vols' WHERE id = :i"), {"i": old}
                )
                bodies = dict(
                    conn.execute(text(f"SELECT rowid, body FROM {search.FTS_TABLE}")).all()
                )
            assert bodies[newer] == "sevrier, vols" and bodies[old] == "menthon, vols"
        db.upgrade()
        expected = {old} if db.dialect == "sqlite" else set()
        assert found(db, chef, "menthon") == expected
        assert found(db, chef, "Évian") == ({old} if db.dialect == "postgresql" else set())
    finally:
        db.dispose()


def test_the_sqlite_folded_column_follows_each_alert(database: Database, admin: Principal) -> None:
    """Written by the triggers on insert and on an edit of the text (both backends keep it)."""
    alert = add_alert(database, admin, text="CHAMBÉRY, vols dans les voitures")

    def stored() -> str:
        with database.engine.connect() as conn:
            query = text(f"SELECT {search.FOLDED_COLUMN} FROM alerts WHERE id = :i")
            return str(conn.execute(query, {"i": alert}).scalar())

    assert stored() == "chambery, vols dans les voitures"
    with database.session() as session:
        session.execute(update(Alert).where(Alert.id == alert).values(text="ÉVIAN, vols"))
    assert stored() == "evian, vols"
    with database.session() as session:  # another column: the text stays folded as it was
        session.execute(update(Alert).where(Alert.id == alert).values(status="remplacee"))
    assert stored() == "evian, vols"


@pytest.mark.parametrize("change", ["a new alert", "an alert leaves the filter"])
def test_a_search_page_holds_each_match_once_when_the_history_changes_meanwhile(
    database: Database, admin: Principal, change: str
) -> None:
    """A word found in a few of the newest alerts and further back takes more than one
    statement; whatever another desk writes between them, the page is the history as it was
    before the change or as it is after: each match once, in order, none skipped."""
    probed = history_module._probe_size(10)
    matching = set(range(0, probed, probed // 4)) | set(range(probed, probed + 12))
    ids = [
        add_alert(
            database,
            admin,
            minutes=probed + 12 - i,
            text=f"ANNECY : {'roulotte' if i in matching else 'maison'} n° {i}",
        )
        for i in range(probed + 12)
    ]
    flt = HistoryFilter(text="roulotte", statuses=("envoyee",))
    service = HistoryService(database)
    before = [r.id for r in service.page(admin, flt, limit=10).rows]
    assert before == [ids[i] for i in sorted(matching)][:10]
    other = desk_db(database.engine.url.render_as_string(False))
    searches: list[str] = []

    def meanwhile(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "LIKE" in statement and "ORDER BY" in statement:
            searches.append(statement)
            if len(searches) == 2 and change == "a new alert":
                add_alert(other, admin, minutes=probed + 20, text="ANNECY : roulotte, neuve")
            elif len(searches) == 2:
                with other.session() as session:
                    session.execute(update(Alert).where(Alert.id == ids[1]).values(status="echec"))

    event.listen(database.engine, "before_cursor_execute", meanwhile)
    try:
        during = [r.id for r in service.page(admin, flt, limit=10).rows]
    finally:
        event.remove(database.engine, "before_cursor_execute", meanwhile)
        other.dispose()
    assert len(searches) >= 2  # the search did take more than one statement
    after = [r.id for r in service.page(admin, flt, limit=10).rows]
    assert during in (before, after), (during, before, after)
