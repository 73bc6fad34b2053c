"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps stored as UTC.

    SQLite keeps no offset, so naive values read back are UTC by contract; naive values
    written are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = _to_utc(value)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        # On SQLite this and the DATETIME column's own processor in one step: its text,
        # the same as SQLAlchemy's storage format, from C's isoformat instead of a Python
        # dict of seven fields (3% of a busy check-in's CPU went there). A group of
        # updates binds its one `now` many times: the last one's text is kept.
        last: list[tuple[datetime | None, str | None]] = [(None, None)]

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            seen, text = last[0]  # one tuple, read and replaced whole: no torn pair
            if value is seen:
                return text
            text = _to_utc(value).replace(tzinfo=None).isoformat(" ", "microseconds")
            last[0] = (value, text)
            return text

        return process

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        parse = datetime.fromisoformat  # what SQLAlchemy's SQLite DATETIME reads with

        # Read and made aware in one step, not the DATETIME's processor then ours.
        def process(value: str | None) -> datetime | None:
            if value is None:
                return None
            return _as_utc(parse(value))

        return process

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else _as_utc(value)


def _to_utc(value: datetime) -> datetime:
    """A timestamp written: aware, as UTC; a naive one is refused rather than guessed."""
    if value.tzinfo is UTC:
        return value
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTCDateTime column")
    return value.astimezone(UTC)


def _as_utc(value: datetime) -> datetime:
    """A timestamp read: naive ones are UTC by contract (SQLite keeps no offset)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSONB on PostgreSQL (indexable, compact); plain JSON text elsewhere.
JSONType: Any = JSON().with_variant(JSONB(), "postgresql")
