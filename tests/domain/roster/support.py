"""Helpers for roster tests: run `kabar` in-process, write roster files, read the database."""

from __future__ import annotations

import asyncio
import csv
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from sqlalchemy import select

from bot.cli.main import cli
from bot.db.database import Database
from bot.db.models import AuditEntry, Cohort, Person

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "roster-sample.csv"
HEADER = [
    "id",
    "role",
    "name",
    "phone",
    "cohort",
    "village",
    "district",
    "regency",
    "supervisor_id",
    "language",
]
# A minimal valid hierarchy that other rows can hang from.
BASE_ROWS = [
    ["STF-1", "staff", "Siti Staf", "0811-1000-0001", "", "", "", "Probolinggo", "", ""],
    ["KRD-1", "coordinator", "Koko Ordinator", "0811-1000-0002", "", "", "", "", "STF-1", ""],
    ["PDP-1", "facilitator", "Pipit Damping", "0811-1000-0003", "", "", "", "", "KRD-1", ""],
    ["KPM-1", "participant", "Kirana", "0813-1000-0001", "c-1", "Desa", "Kec", "", "PDP-1", ""],
]


def run_kabar(database_url: str, *args: str, workdir: Path, locale: str | None = "en") -> Result:
    """`kabar ARGS` in-process; locale None means KABAR_LOCALE unset (Indonesian)."""
    environment: dict[str, str | None] = {
        "KABAR_DATABASE_URL": database_url,
        "KABAR_LOCALE": locale,
        "KABAR_TIMEZONE": None,
        "KABAR_BOT_TOKEN": None,
        "KABAR_BOT_USERNAME": None,
        "COLUMNS": "200",
    }
    previous = Path.cwd()
    os.chdir(workdir)  # settings read ./.env; the test's own directory has none
    try:
        return CliRunner().invoke(cli, list(args), env=environment, catch_exceptions=False)
    finally:
        os.chdir(previous)


def write_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    header: Sequence[str] = HEADER,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def people(database_url: str) -> dict[str, dict[str, Any]]:
    """Every person as a dict of the roster columns, with the cohort by name."""

    async def main() -> dict[str, dict[str, Any]]:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                query = select(Person, Cohort.name).outerjoin(Cohort, Person.cohort_id == Cohort.id)
                result: dict[str, dict[str, Any]] = {}
                for person, cohort in await session.execute(query):
                    result[person.id] = {
                        "role": person.role.value,
                        "name": person.name,
                        "phone": person.phone,
                        "cohort": cohort,
                        "village": person.village,
                        "district": person.district,
                        "regency": person.regency,
                        "supervisor_id": person.supervisor_id,
                        "language": person.language,
                        "attributes": person.attributes,
                        "updated_at": person.updated_at,
                    }
                return result
        finally:
            await db.dispose()

    return asyncio.run(main())


def cohort_names(database_url: str) -> list[str]:
    async def main() -> list[str]:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                return list(await session.scalars(select(Cohort.name).order_by(Cohort.name)))
        finally:
            await db.dispose()

    return asyncio.run(main())


def audit_entries(database_url: str) -> list[AuditEntry]:
    async def main() -> list[AuditEntry]:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                query = select(AuditEntry).order_by(AuditEntry.id)
                return list(await session.scalars(query))
        finally:
            await db.dispose()

    return asyncio.run(main())
