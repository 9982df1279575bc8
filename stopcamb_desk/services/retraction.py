"""Whether a stored alert is a retraction, in SQL: the twin of ``push.payload.is_retraction``.

A retraction is the neutral message that withdraws the alert shown on the phones: it replaces
it (``replaces_id``) and its stored push carries ``data.retraction == "1"``. The expression
compiles for the dialect of the query (JSON functions differ between SQLite and PostgreSQL),
so the history, the activity counts and the notifications ask the same question.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_, case, cast, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from stopcamb_desk.models import Alert


class _RetractionFlag(FunctionElement[bool]):
    type = Boolean()
    inherit_cache = True
    name = "retraction_flag"


def _flag(flag: ColumnElement[Any]) -> ColumnElement[bool]:
    return case((and_(Alert.replaces_id.is_not(None), flag == "1"), True), else_=False)


@compiles(_RetractionFlag)
def _compile_sqlite(_element: _RetractionFlag, compiler: SQLCompiler, **kw: Any) -> str:
    flag = func.json_extract(Alert.payload_json, "$.message.data.retraction")
    return compiler.process(_flag(flag), **kw)


@compiles(_RetractionFlag, "postgresql")
def _compile_postgresql(_element: _RetractionFlag, compiler: SQLCompiler, **kw: Any) -> str:
    path = ("message", "data", "retraction")
    flag = func.jsonb_extract_path_text(cast(Alert.payload_json, JSONB), *path)
    return compiler.process(_flag(flag), **kw)


def is_retraction_sql() -> ColumnElement[bool]:
    """True for the rows of ``alerts`` that are retractions (any dialect)."""
    return _RetractionFlag()
