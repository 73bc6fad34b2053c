"""Helpers for CLI tests: run `kabar` in-process against a test database, add people."""

from __future__ import annotations

import asyncio
import getpass
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli.main import cli
from bot.db.database import Database
from bot.db.models import Cohort, Person, Role, TelegramAccount
from bot.lib.i18n import Translator

NOW = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
# The audit log names the operating-system user who ran a command.
OPERATOR = f"cli:{getpass.getuser()}"


def run_kabar(
    database_url: str, *args: str, workdir: Path, env: dict[str, str | None] | None = None
) -> Result:
    """`kabar ARGS` with English messages, no bot username and no stray .env file."""
    environment: dict[str, str | None] = {
        "KABAR_DATABASE_URL": database_url,
        "KABAR_LOCALE": "en",
        "KABAR_BOT_USERNAME": None,
        "KABAR_TIMEZONE": None,
        "KABAR_BOT_TOKEN": None,
        "COLUMNS": "240",
    }
    environment.update(env or {})
    runner = CliRunner()
    previous = Path.cwd()
    os.chdir(workdir)  # settings read ./.env; the test's own directory has none
    try:
        return runner.invoke(cli, list(args), env=environment, catch_exceptions=False)
    finally:
        os.chdir(previous)


@dataclass(frozen=True)
class P:
    """A roster person as tests describe them."""

    id: str
    role: Role = Role.PARTICIPANT
    name: str | None = None
    cohort: str | None = None
    supervisor: str | None = None
    village: str | None = None
    registered: bool = False


async def add_people(db: Database, people: Iterable[P], *, cohorts: Iterable[str] = ()) -> None:
    """Insert cohorts (weekly, Jakarta) and people; supervisors must come first."""
    async with db.transaction() as session:
        ids: dict[str, int] = {}
        for name in cohorts:
            cohort = Cohort(
                name=name, schedule="mon 08:00", timezone="Asia/Jakarta", created_at=NOW
            )
            session.add(cohort)
            await session.flush()
            ids[name] = cohort.id
        for number, person in enumerate(people, start=1):
            session.add(
                Person(
                    id=person.id,
                    role=person.role,
                    name=person.name or f"Name of {person.id}",
                    cohort_id=ids[person.cohort] if person.cohort else None,
                    supervisor_id=person.supervisor,
                    village=person.village,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
            await session.flush()
            if person.registered:
                session.add(
                    TelegramAccount(
                        person_id=person.id,
                        telegram_user_id=1000 + number,
                        chat_id=1000 + number,
                        linked_at=NOW,
                        linked_by="invitation",
                    )
                )
        await session.flush()


def seed(database_url: str, people: Iterable[P], *, cohorts: Iterable[str] = ()) -> None:
    """add_people from a synchronous (CLI) test."""

    async def main() -> None:
        db = Database(database_url)
        try:
            await add_people(db, list(people), cohorts=list(cohorts))
        finally:
            await db.dispose()

    asyncio.run(main())


def indonesian_catalog() -> dict[str, str]:
    """msgid -> Indonesian text from the Indonesian catalog."""
    from babel.messages.pofile import read_po

    locales = Path(__file__).resolve().parents[3] / "locales"
    merged: dict[str, str] = {}
    for path in (locales / "id" / "LC_MESSAGES" / "kabar.po",):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="id"):
                if (
                    isinstance(message.id, str)
                    and message.id
                    and message.string
                    and not message.fuzzy
                ):
                    assert isinstance(message.string, str)
                    merged.setdefault(message.id, message.string)
    return merged


def indonesian_translator() -> Translator:
    """An Indonesian Translator read straight from the catalog file."""
    import gettext

    catalog = indonesian_catalog()

    class _Pending(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return catalog.get(message, message)

    return Translator(locale="id", _translations=_Pending())
