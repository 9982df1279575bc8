"""Typed settings: a TOML file in the platformdirs config dir, overridden by the environment.

Precedence (last wins): built-in defaults < TOML file < environment variables.

Environment variables:
- ``STOPCAMB_CONFIG``: path of the TOML file (default: ``<user config dir>/settings.toml``)
- ``STOPCAMB_DATA_DIR``: data directory (SQLite file, simulation journal, logs)
- ``STOPCAMB_DATABASE_URL``: any SQLAlchemy URL (``postgresql+psycopg://…`` for shared desks)
- ``STOPCAMB_FCM_CREDENTIALS``: path of the Firebase service-account JSON
- ``STOPCAMB_FCM_ENDPOINT``: base URL replacing ``https://fcm.googleapis.com`` (relay, tests)
- ``STOPCAMB_NEWS_DATABASE_URL``: Firebase Realtime Database holding the app's news feed (and the
  brigade directory the app reads)
- ``STOPCAMB_GEOCODER_URL``: addok engine answering address searches (default: the national
  address API)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.lazy import platformdirs, sqlalchemy, tomllib

APP_NAME = "stopcamb-desk"
APP_AUTHOR = "Gendarmerie"

DEFAULT_GEOCODER_URL = "https://api-adresse.data.gouv.fr"
# The desk locks itself after this many minutes without a key press or a mouse move (0: never).
DEFAULT_IDLE_LOCK_MINUTES = 10.0
DEFAULT_RETRACTION_TEXT = (
    "Le message précédent a été retiré. Restez vigilants. En cas d'urgence, composez le 17."
)


class ConfigError(DeskError):
    """The settings file cannot be used; the message is French and says what to do."""


@dataclass(frozen=True, slots=True)
class FcmSettings:
    credentials: Path | None = None
    endpoint: str | None = None
    ttl_hours: int = 24

    @property
    def configured(self) -> bool:
        return self.credentials is not None


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    config_file: Path
    fcm: FcmSettings = field(default_factory=FcmSettings)
    retraction_text: str = DEFAULT_RETRACTION_TEXT
    # Firebase Realtime Database URL of the app's « Flux d'actualité » (OPP GGD34 only).
    news_database_url: str | None = None
    # The audit trail's HMAC keyring (private; shared by the desks of one database).
    audit_key_file: Path | None = None
    # addok engine (national address API or an on-premises one) for « géocoder l'adresse ».
    geocoder_url: str = DEFAULT_GEOCODER_URL
    # ``[interface] verrouillage_minutes``: idle delay before the lock screen, 0 disables it.
    idle_lock_minutes: float = DEFAULT_IDLE_LOCK_MINUTES
    demo: bool = False

    @property
    def audit_key_path(self) -> Path:
        return self.audit_key_file or self.data_dir / "cle-audit.json"

    @property
    def audit_anchor_path(self) -> Path:
        """The newest audit event this desk wrote or verified (private, per desk)."""
        return self.data_dir / "ancre-audit.json"

    @property
    def journal_path(self) -> Path:
        """The fsync'ed journal of the pushes FCM accepted (see services/outbox_journal.py)."""
        return self.data_dir / "envois-acceptes.jsonl"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def with_demo(self, demo: bool = True) -> Settings:
        return replace(self, demo=demo)


def _default_config_file() -> Path:
    return platformdirs.user_config_path(APP_NAME, APP_AUTHOR) / "settings.toml"


def _default_data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, APP_AUTHOR)


def _read_toml(path: Path) -> dict[str, object]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"Le fichier de configuration {path} est illisible ({exc}). "
            "Corrigez-le ou supprimez-le pour revenir aux réglages par défaut."
        ) from exc
    except OSError as exc:
        raise ConfigError(
            f"Impossible de lire le fichier de configuration {path} : {exc.strerror}."
        ) from exc


def _section(data: dict[str, object], name: str) -> dict[str, object]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"La section [{name}] du fichier de configuration est mal formée.")
    return value


def _ttl(value: object) -> int:
    if not isinstance(value, int) or not 1 <= value <= 72:
        raise ConfigError(
            "fcm.ttl_hours doit être un nombre entier d'heures entre 1 et 72 "
            f"(valeur lue : {value!r})."
        )
    return value


def _idle_lock(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1440:
        raise ConfigError(
            "interface.verrouillage_minutes doit être un nombre de minutes entre 0 (jamais) et "
            f"1440 (valeur lue : {value!r})."
        )
    return float(value)


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read the settings; ``env`` defaults to ``os.environ`` (tests pass their own)."""
    env = dict(os.environ) if env is None else env
    config_file = Path(env["STOPCAMB_CONFIG"]) if env.get("STOPCAMB_CONFIG") else None
    config_file = config_file or _default_config_file()
    data = _read_toml(config_file)
    general = _section(data, "general")
    database = _section(data, "database")
    fcm = _section(data, "fcm")
    news = _section(data, "news")
    audit = _section(data, "audit")
    geocoder = _section(data, "geocoder")
    interface = _section(data, "interface")

    data_dir_value = env.get("STOPCAMB_DATA_DIR") or general.get("data_dir")
    data_dir = Path(str(data_dir_value)).expanduser() if data_dir_value else _default_data_dir()

    url = env.get("STOPCAMB_DATABASE_URL") or database.get("url")
    database_url = str(url) if url else f"sqlite:///{data_dir / 'stopcamb.sqlite3'}"

    cred = env.get("STOPCAMB_FCM_CREDENTIALS") or fcm.get("credentials")
    endpoint = env.get("STOPCAMB_FCM_ENDPOINT") or fcm.get("endpoint")
    fcm_settings = FcmSettings(
        credentials=Path(str(cred)).expanduser() if cred else None,
        endpoint=str(endpoint).rstrip("/") if endpoint else None,
        ttl_hours=_ttl(fcm.get("ttl_hours", 24)),
    )
    retraction = general.get("retraction_text", DEFAULT_RETRACTION_TEXT)
    news_url = env.get("STOPCAMB_NEWS_DATABASE_URL") or news.get("database_url")
    key_file = env.get("STOPCAMB_AUDIT_KEY_FILE") or audit.get("key_file")
    geocoder_url = env.get("STOPCAMB_GEOCODER_URL") or geocoder.get("url") or DEFAULT_GEOCODER_URL
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        config_file=config_file,
        fcm=fcm_settings,
        retraction_text=str(retraction),
        news_database_url=str(news_url).strip() if news_url else None,
        audit_key_file=Path(str(key_file)).expanduser() if key_file else None,
        geocoder_url=str(geocoder_url).strip(),
        idle_lock_minutes=_idle_lock(
            interface.get("verrouillage_minutes", DEFAULT_IDLE_LOCK_MINUTES)
        ),
    )


def describe_database(url: str) -> str:
    """A short French description of the database in use, without any password."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1] or "mémoire"
        return f"SQLite : {path}"
    u = sqlalchemy.make_url(url)
    return f"PostgreSQL : {u.host or 'local'}:{u.port or 5432}/{u.database}"
