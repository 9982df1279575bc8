"""Settings: TOML file overridden by the environment; clear French errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from stopcamb_desk.config import ConfigError, describe_database, load_settings


def test_defaults_use_an_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    env = {"STOPCAMB_CONFIG": str(tmp_path / "absent.toml"), "STOPCAMB_DATA_DIR": str(tmp_path)}
    settings = load_settings(env)
    assert settings.database_url == f"sqlite:///{tmp_path / 'stopcamb.sqlite3'}"
    assert not settings.fcm.configured
    assert settings.fcm.ttl_hours == 24


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text(
        '[database]\nurl = "sqlite:////fichier/inutilise.sqlite3"\n'
        '[fcm]\ncredentials = "/etc/stopcamb/sa.json"\nttl_hours = 12\n',
        encoding="utf-8",
    )
    env = {
        "STOPCAMB_CONFIG": str(config),
        "STOPCAMB_DATABASE_URL": "postgresql+psycopg://desk:secret@pg.corg74/stopcamb",
        "STOPCAMB_FCM_ENDPOINT": "http://127.0.0.1:9999/",
    }
    settings = load_settings(env)
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.fcm.credentials == Path("/etc/stopcamb/sa.json")
    assert settings.fcm.endpoint == "http://127.0.0.1:9999"
    assert settings.fcm.ttl_hours == 12
    description = describe_database(settings.database_url)
    assert description == "PostgreSQL : pg.corg74:5432/stopcamb"
    assert "secret" not in description


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[database\nurl=", "illisible"),
        ("[fcm]\nttl_hours = 200\n", "entre 1 et 72"),
        ('database = "x"\n', "mal formée"),
    ],
)
def test_bad_settings_file_is_explained(tmp_path: Path, content: str, expected: str) -> None:
    config = tmp_path / "settings.toml"
    config.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected):
        load_settings({"STOPCAMB_CONFIG": str(config)})
