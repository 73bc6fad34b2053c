"""Small SQL pieces that are spelled differently on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from bot.db.types import JSONType


class json_object(FunctionElement[Any]):  # noqa: N801 - named like the SQL function
    """A JSON object built in SQL from key, value pairs: json_object / jsonb_build_object."""

    type = JSONType
    inherit_cache = True
    name = "json_object"


class embed_json(FunctionElement[Any]):  # noqa: N801 - named like the SQL function
    """A JSON column as a value inside json_object (SQLite stores JSON as text)."""

    type = JSONType
    inherit_cache = True
    name = "embed_json"


@compiles(json_object, "sqlite")
def _json_object_sqlite(element: json_object, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_object({compiler.process(element.clauses, **kw)})"


@compiles(json_object, "postgresql")
def _json_object_postgresql(element: json_object, compiler: SQLCompiler, **kw: Any) -> str:
    # Keys are bound parameters: asyncpg cannot infer their type in a VARIADIC "any" call.
    pairs = [compiler.process(clause, **kw) for clause in element.clauses]
    typed = [f"CAST({sql} AS TEXT)" if i % 2 == 0 else sql for i, sql in enumerate(pairs)]
    return f"jsonb_build_object({', '.join(typed)})"


@compiles(embed_json, "sqlite")
def _embed_json_sqlite(element: embed_json, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json({compiler.process(element.clauses, **kw)})"


@compiles(embed_json, "postgresql")
def _embed_json_postgresql(element: embed_json, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


def pairs(**values: ColumnElement[Any] | str | int | None) -> json_object:
    args: list[Any] = []
    for key, value in values.items():
        args.extend((key, value))
    return json_object(*args)


def insert_skipping_conflicts(session: AsyncSession, table: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING, so a race on a unique index is not an error."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()
