"""Lazy imports in one place (after napari's ``install_lazy``, itself lazy_loader's ``attach``).

Everywhere, a module imports what it uses at its top. What must not load before it is needed —
``stopcamb-desk gui`` paints its login window, ``stopcamb-desk --version`` answers and each
command runs without SQLAlchemy, firebase-admin, shapely… unless it uses them — is declared here
and nowhere else (``tests/test_lazy_imports.py`` counts the imports written inside functions;
``tests/test_ui_startup.py`` and ``bench/startup.py`` hold the start-up line):

- **Our heavy modules**, served as attributes of their package with :func:`install_lazy`: the
  module is imported the first time the attribute is read (PEP 562 module ``__getattr__``).
  ``stopcamb_desk/ui`` serves its main window and views this way. The command line's table of
  sub-commands (``stopcamb_desk/cli/__init__.py``) is the same idea: a command's module is
  imported when that command runs.
- **Heavy libraries** that light modules call in a few functions: bound below with
  :func:`lazy_module`, imported the first time one of their attributes is read. A module
  imports them from here, at its top like any import (``from stopcamb_desk.lazy import
  shapely``); the cost and who pays it are written next to each.

::

    __getattr__, __dir__, __all__ = install_lazy(__name__, {
        "MainWindow": "stopcamb_desk.ui.shell",                  # same name in the module
        "prepare_composer": "stopcamb_desk.ui.composer.view:prepare",  # module:attribute
    })
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any


def install_lazy(
    package: str, attributes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, __all__)`` for ``package``: each name of ``attributes`` is
    ``"module"`` (same attribute name there) or ``"module:attribute"``."""
    table = {name: target.partition(":") for name, target in attributes.items()}
    names = sorted(table)

    def __getattr__(name: str) -> Any:
        try:
            module, _, attribute = table[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        return getattr(importlib.import_module(module), attribute or name)

    def __dir__() -> list[str]:
        return list(names)

    return __getattr__, __dir__, list(names)


class _LazyModule(ModuleType):
    """Stands for the module of the same name until it is needed: each attribute read goes to
    the real module, imported by the first one (``importlib``'s per-module lock makes a second
    thread wait for the import to finish rather than see a half-initialised module)."""

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self.__name__), attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self.__name__!r}>"


def lazy_module(name: str) -> ModuleType:
    """The module ``name`` (``"shapely"``, ``"firebase_admin.messaging"``), imported the first
    time one of its attributes is read (lazy_loader's ``load``)."""
    return _LazyModule(name)


__all__ = [
    "alembic_command",
    "alembic_configuration",
    "alembic_migration",
    "confusables",
    "firebase_admin",
    "firebase_credentials",
    "firebase_db",
    "firebase_errors",
    "firebase_messaging",
    "futures",
    "geopy_distance",
    "geopy_errors",
    "geopy_geocoders",
    "geopy_rate_limiter",
    "google_auth_errors",
    "google_credentials",
    "google_requests",
    "holidays",
    "install_lazy",
    "key_serialization",
    "lazy_module",
    "log_handlers",
    "numpy",
    "phonenumbers",
    "platformdirs",
    "portalocker",
    "psycopg",
    "requests",
    "requests_adapters",
    "shapely",
    "simplemma",
    "sqlalchemy",
    "tomllib",
    "urllib3_retry",
]

# The libraries imported on first use (import times on a 2-core desk). The type checker reads
# the real modules, and so does PyInstaller's analysis of the frozen build (it reads the import
# statements of the block below); at run time each name is a lazy module. Keep the two lists
# in step (tests/test_lazy_imports.py checks it).
if TYPE_CHECKING:
    import concurrent.futures as futures
    import logging.handlers as log_handlers
    import tomllib as tomllib

    import alembic.command as alembic_command
    import alembic.config as alembic_configuration
    import alembic.runtime.migration as alembic_migration
    import confusable_homoglyphs.confusables as confusables
    import cryptography.hazmat.primitives.serialization as key_serialization
    import firebase_admin as firebase_admin
    import firebase_admin.credentials as firebase_credentials
    import firebase_admin.db as firebase_db
    import firebase_admin.exceptions as firebase_errors
    import firebase_admin.messaging as firebase_messaging
    import geopy.distance as geopy_distance
    import geopy.exc as geopy_errors
    import geopy.extra.rate_limiter as geopy_rate_limiter
    import geopy.geocoders as geopy_geocoders
    import google.auth.credentials as google_credentials
    import google.auth.exceptions as google_auth_errors
    import google.auth.transport.requests as google_requests
    import holidays as holidays
    import numpy as numpy
    import phonenumbers as phonenumbers
    import platformdirs as platformdirs
    import portalocker as portalocker
    import psycopg as psycopg
    import requests as requests
    import requests.adapters as requests_adapters
    import shapely as shapely
    import simplemma as simplemma
    import sqlalchemy as sqlalchemy
    import urllib3.util.retry as urllib3_retry
else:
    # 10 ms (sockets, pickle, queues): logs.py; the GUI opens its log after the first paint.
    log_handlers = lazy_module("logging.handlers")
    # 6 ms (its regular expressions, datetime): config reads the settings file, when there is one.
    tomllib = lazy_module("tomllib")
    # 4 ms (threads, queues): ui/tasks starts its worker pools with the first task, after the
    # login window has painted.
    futures = lazy_module("concurrent.futures")
    # 3 ms on the start path: config asks it where settings and data go unless the environment
    # says (STOPCAMB_CONFIG, STOPCAMB_DATA_DIR).
    platformdirs = lazy_module("platformdirs")
    # 50 ms (it reads its version with importlib.metadata): private_files, imported on the
    # start path, locks the push journal and the audit anchor with it — from the first send.
    portalocker = lazy_module("portalocker")
    # 140 ms: config.describe_database parses a PostgreSQL URL with it (the statusbar, the CLI).
    sqlalchemy = lazy_module("sqlalchemy")

    # The database (models/, services/), once SQLAlchemy is there.
    # 105 ms: migrating (db.upgrade, when the services open with upgrade=True and `db upgrade`),
    # `db current`; the commands that open the services without migrating never load it.
    alembic_command = lazy_module("alembic.command")
    alembic_configuration = lazy_module("alembic.config")
    alembic_migration = lazy_module("alembic.runtime.migration")
    # 80 ms: the change feed of a PostgreSQL desk (services/sync, LISTEN); a desk on its
    # embedded SQLite file never loads it.
    psycopg = lazy_module("psycopg")
    # 13 ms: the first telephone number checked or formatted (services/brigade_checks).
    phonenumbers = lazy_module("phonenumbers")

    # The rule checker (domain/): the desk warms them up at login, on a worker thread.
    # 40 ms, then ~0.25 s for its French dictionary: the first word looked up (morphology).
    simplemma = lazy_module("simplemma")
    # 30 ms of Unicode tables: the first non-Latin letter typed (rules/text.clean_char).
    confusables = lazy_module("confusable_homoglyphs.confusables")
    # 35 ms: the first public holiday asked for (opening_hours).
    holidays = lazy_module("holidays")

    # Geography (geo/): looking up départements and communes by code needs none of them.
    # 70 ms with numpy: the first outline or point-in-département (departements).
    shapely = lazy_module("shapely")
    # 50 ms: the first commune search index (communes) or brigade index (distance).
    numpy = lazy_module("numpy")
    # 80 ms each (geopy imports all its geocoders): the first address geocoded (geocoding),
    # distance_km (distance).
    geopy_geocoders = lazy_module("geopy.geocoders")
    geopy_rate_limiter = lazy_module("geopy.extra.rate_limiter")
    geopy_errors = lazy_module("geopy.exc")
    geopy_distance = lazy_module("geopy.distance")

    # Firebase (push/), ~250 ms together: the first connection to FCM or to the Realtime
    # Database, the first payload encoded. Building the gateways, checking a draft's topic,
    # reading the outbox and the simulations need none of them.
    firebase_admin = lazy_module("firebase_admin")
    firebase_credentials = lazy_module("firebase_admin.credentials")
    firebase_db = lazy_module("firebase_admin.db")
    firebase_errors = lazy_module("firebase_admin.exceptions")
    firebase_messaging = lazy_module("firebase_admin.messaging")
    google_auth_errors = lazy_module("google.auth.exceptions")
    google_credentials = lazy_module("google.auth.credentials")
    google_requests = lazy_module("google.auth.transport.requests")
    requests = lazy_module("requests")
    requests_adapters = lazy_module("requests.adapters")
    urllib3_retry = lazy_module("urllib3.util.retry")
    # 18 ms: the service-account key check (push/credentials), when a gateway is built.
    key_serialization = lazy_module("cryptography.hazmat.primitives.serialization")
