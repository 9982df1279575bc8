"""Indexed text search over the alerts: accent/case folding and the database objects behind it.

Both backends keep a *folded* copy of ``alerts.text`` (lower case, French accents removed:
« Échec » → « echec ») in the column :data:`FOLDED_COLUMN`, computed once when an alert is
written, so that a substring typed with or without accents finds the alert and the search
compares it with a plain ``LIKE '%…%'`` (the pattern folded by :func:`fold`; folding in the
query cost ~13 µs an alert, more than the scan it replaced):

- PostgreSQL: a STORED generated column (``stopcamb_fold(text)``, the SQL function
  :data:`PG_FOLD_FUNCTION`, migration 0009) carrying the pg_trgm GIN index :data:`PG_INDEX`.
  Without the pg_trgm extension the index is absent and the same query scans.
- SQLite: a plain column (migration 0010) that triggers on ``alerts`` fill when an alert is
  inserted or its text changes (a generated column cannot be added to an existing table, nor
  nest the 60 ``replace`` calls of the folding). The same triggers keep an FTS5 table
  :data:`FTS_TABLE` (``tokenize='trigram'``: substring matching) whose rowid is the alert id
  and whose ``body`` is the folded text: the index for rare words.

These objects live outside the ORM metadata (the ORM neither reads nor writes the column):
:func:`include_name` hides them from Alembic's autogenerate comparison. Changing
:data:`FOLD_FROM` needs a new migration recomputing the column and rebuilding the FTS table.
Beware: a SQLite « batch » migration that recreates ``alerts`` drops its triggers; it must
recreate them (:func:`sqlite_trigger_statements`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Literal

FTS_TABLE = "alerts_search"
FOLDED_COLUMN = "text_folded"
PG_INDEX = "ix_alerts_text_folded_trgm"
PG_FUNCTION = "stopcamb_fold"
SQLITE_TRIGGERS = ("alerts_search_insert", "alerts_search_update", "alerts_search_delete")
# Trigram search needs at least this many characters (shorter texts are matched by a scan).
MIN_INDEXED_CHARS = 3

# One character in, one character out (PostgreSQL ``translate`` semantics).
FOLD_FROM = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ"
FOLD_TO = "".join(unicodedata.normalize("NFD", c)[0].lower() for c in FOLD_FROM)
_FOLD_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)


def fold(text: str) -> str:
    """The Python twin of the SQL folding: ``fold("CHAMBÉRY")`` == ``"chambery"``."""
    return text.lower().translate(_FOLD_TABLE)


PG_FOLD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT translate(lower(t), '{FOLD_FROM}', '{FOLD_TO}') $$
"""


# SQLite's parser overflows beyond ~30 nested calls: the replaces are chained in subqueries.
_SQLITE_CHUNK = 20


def sqlite_fold_select(rowid: str, value: str, source: str = "") -> str:
    """``SELECT rowid, folded value [FROM source]``: SQLite has no ``translate``, so nested
    ``replace`` calls over ``lower`` (ASCII only), a chunk per subquery level."""
    query = f"SELECT {rowid} AS r, lower({value}) AS t" + (f" FROM {source}" if source else "")
    pairs = list(zip(FOLD_FROM, FOLD_TO, strict=True))
    for start in range(0, len(pairs), _SQLITE_CHUNK):
        expr = "t"
        for src, dst in pairs[start : start + _SQLITE_CHUNK]:
            expr = f"replace({expr}, '{src}', '{dst}')"
        query = f"SELECT r, {expr} AS t FROM ({query})"
    return query


def sqlite_fold_value(value: str) -> str:
    """A scalar subquery: the folded ``value`` (an expression of the enclosing statement)."""
    return f"(SELECT t FROM ({sqlite_fold_select('NULL', value)}))"


def sqlite_trigger_statements(*, folded_column: bool = True) -> list[str]:
    """The triggers that keep the folded text of each alert: in the column
    :data:`FOLDED_COLUMN` (from which the FTS row is copied) or, as revision 0004 made them
    (``folded_column=False``), in the FTS table only."""
    insert, update, delete = SQLITE_TRIGGERS
    if folded_column:
        add_new = (
            f"UPDATE alerts SET {FOLDED_COLUMN} = {sqlite_fold_value('new.text')} "
            f"WHERE id = new.id; INSERT INTO {FTS_TABLE}(rowid, body) "
            f"SELECT id, {FOLDED_COLUMN} FROM alerts WHERE id = new.id;"
        )
    else:
        add_new = (
            f"INSERT INTO {FTS_TABLE}(rowid, body) {sqlite_fold_select('new.id', 'new.text')};"
        )
    return [
        f"CREATE TRIGGER {insert} AFTER INSERT ON alerts BEGIN {add_new} END",
        f"""CREATE TRIGGER {update} AFTER UPDATE OF id, text ON alerts BEGIN
            DELETE FROM {FTS_TABLE} WHERE rowid = old.id; {add_new} END""",
        f"""CREATE TRIGGER {delete} AFTER DELETE ON alerts BEGIN
            DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END""",
    ]


def sqlite_backfill_statement() -> str:
    """Revision 0004's: the FTS table filled from the existing alerts."""
    return f"INSERT INTO {FTS_TABLE}(rowid, body) {sqlite_fold_select('id', 'text', 'alerts')}"


def sqlite_backfill_column_statements() -> list[str]:
    """Revision 0010's: the folded column computed for the existing alerts, and the FTS table
    refilled from it (healing an index whose triggers an older downgrade had dropped)."""
    fold = sqlite_fold_select("id", "text", "alerts")
    return [
        f"UPDATE alerts SET {FOLDED_COLUMN} = f.t FROM ({fold}) AS f WHERE f.r = alerts.id",
        f"DELETE FROM {FTS_TABLE}",
        f"INSERT INTO {FTS_TABLE}(rowid, body) SELECT id, {FOLDED_COLUMN} FROM alerts",
    ]


_ParentName = Literal["schema_name", "table_name", "schema_qualified_table_name"]


def include_name(
    name: str | None, type_: str, parent_names: Mapping[_ParentName, str | None]
) -> bool:
    """Alembic ``include_name`` hook: ignore the search table (and its shadow tables), the
    folded column and its index."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == FOLDED_COLUMN:
        return parent_names.get("table_name") != "alerts"
    return not (type_ == "index" and name == PG_INDEX)
