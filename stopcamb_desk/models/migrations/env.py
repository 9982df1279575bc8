"""Alembic environment: the engine is passed in by ``models.db.upgrade``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

import stopcamb_desk.models  # noqa: F401  (registers the tables)
from stopcamb_desk.models.base import Base
from stopcamb_desk.models.search import include_name

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,  # the text-search index/table live outside the ORM
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Les migrations hors ligne ne sont pas prises en charge.")
run_migrations_online()
