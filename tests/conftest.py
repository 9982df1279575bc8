"""Shared fixtures: isolated settings/data dirs, real SQLite files and real PostgreSQL databases.

PostgreSQL (127.0.0.1:5432, user postgres, trust auth) is mandatory when ``CI`` is set: tests
that need it fail instead of skipping. Each test gets its own throwaway database, cloned from a
template that was migrated once per test session.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The composer tests' ``desk`` fixture (tests/composer_desk.py).
pytest_plugins = ("composer_desk",)

PG_ADMIN_URL = os.environ.get(
    "STOPCAMB_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Never touch the developer's own settings, data or Firebase credentials."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("STOPCAMB_CONFIG", str(home / "settings.toml"))
    monkeypatch.setenv("STOPCAMB_DATA_DIR", str(home / "data"))
    for name in (
        "STOPCAMB_DATABASE_URL",
        "STOPCAMB_FCM_CREDENTIALS",
        "STOPCAMB_FCM_ENDPOINT",
        "STOPCAMB_GEOCODER_URL",
        "STOPCAMB_NEWS_DATABASE_URL",
        "STOPCAMB_PASSWORD",
        "GOOGLE_APPLICATION_CREDENTIALS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    return home


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(
        PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated template database; fails under CI if PostgreSQL is unreachable."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    try:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {exc}")
        pytest.skip("PostgreSQL unreachable on 127.0.0.1:5432")
    name = f"stopcamb_tpl_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    from stopcamb_desk.models.db import Database

    db = Database(url)
    db.upgrade()
    db.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """URL of a fresh, migrated, empty PostgreSQL database for this test."""
    from sqlalchemy import text

    name = f"stopcamb_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def empty_pg_url() -> Iterator[str]:
    """URL of a brand-new PostgreSQL database with no schema at all."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    try:
        admin = _pg_admin_engine()
        name = f"stopcamb_e_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {exc}")
        pytest.skip("PostgreSQL unreachable on 127.0.0.1:5432")
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a fresh, migrated SQLite file for this test."""
    from stopcamb_desk.models.db import Database

    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    db = Database(url)
    db.upgrade()
    db.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on a SQLite file and once on a PostgreSQL database (both migrated)."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def database(db_url: str) -> Iterator[object]:
    """The desk's database on ``db_url``, its sessions carrying this test's audit secrets."""
    from desk import desk_db

    db = desk_db(db_url)
    yield db
    db.dispose()


@pytest.fixture
def rtdb() -> Iterator[object]:
    """A loopback Firebase Realtime Database (``tests/rtdb_server.py``) for this test."""
    from rtdb_server import RtdbTestServer

    with RtdbTestServer() as server:
        yield server


@pytest.fixture
def opp(database: Any) -> object:
    """The national desk's operator (OPP du GGD34) on ``database``."""
    from outbox_fixtures import add_operator

    from stopcamb_desk.domain.roles import Role

    return add_operator(database, "opp34", Role.OPP_NATIONAL)


@pytest.fixture(scope="session")
def addok(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real addok engine on loopback, indexed from tests/data (see tests/addok_server.py)."""
    from addok_server import running_addok

    with running_addok(tmp_path_factory.mktemp("addok")) as server:
        yield server
