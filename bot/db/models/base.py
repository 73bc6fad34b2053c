"""Declarative base shared by every model."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import BigInteger, Enum, Integer, MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from bot.db.types import JSONType, UTCDateTime

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# `info` of a column holding a person's id without a foreign key (an outbox row's): code
# that moves or deletes a person's rows (erasure) must find it as it finds the keyed ones.
PERSON_REFERENCE = {"refers_to": "people"}


def refers_to_people(column: Any) -> bool:
    """Whether a column holds a person's id: a foreign key to `people`, or marked so."""
    return column.info.get("refers_to") == "people" or any(
        fk.column.table.name == "people" for fk in column.foreign_keys
    )


# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it from the class
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[str]: JSONType,
    }


def str_enum(enum_cls: type[StrEnum], name: str) -> Enum:
    """A VARCHAR + CHECK enum storing the values (not the Python names)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda e: [member.value for member in e],
        validate_strings=True,
    )


def table_of(model: type[Base]) -> Table:
    """A model's Core table, for bulk inserts that skip the ORM's per-row work."""
    return cast(Table, model.__table__)
