"""`kabar status`: how the running bot is doing, one section after another.

Each section reads what it shows in the command's one transaction and renders itself as a
table or as JSON. To show more, write a section (a function returning a `Section`) and add
it to SECTIONS; the JSON output has one key per section.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import click

from bot.cli.common import in_transaction, operator_translator, print_table, settings

if TYPE_CHECKING:
    from rich.table import Table
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.lib.config import Settings
    from bot.lib.i18n import Translator
    from bot.messaging.quarantine import Entry

WHEN_FORMAT = "d MMM y HH:mm"


class Section(Protocol):
    @property
    def key(self) -> str: ...  # the section's key in the JSON output

    def as_json(self) -> dict[str, Any]: ...

    def table(self, t: Translator, config: Settings) -> Table: ...


@dataclass(frozen=True, slots=True)
class Quarantine:
    """Updates set aside unread (bot/tg/intake.py): how many, and the latest."""

    count: int
    latest: list[Entry]
    key: str = "quarantine"

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "latest": [
                {
                    "update_id": entry.update_id,
                    "reason": entry.reason,
                    "quarantined_at": entry.quarantined_at.isoformat(),
                }
                for entry in self.latest
            ],
        }

    def table(self, t: Translator, config: Settings) -> Table:
        from rich.table import Table

        title = t.ngettext(
            "Quarantine: {count} update set aside unread",
            "Quarantine: {count} updates set aside unread",
            self.count,
        ).format(count=t.format_number(self.count))
        table = Table(title=title, title_justify="left")
        table.add_column(t.gettext("When"))
        table.add_column(t.gettext("Update"), justify="right")
        table.add_column(t.gettext("Reason"), overflow="fold")
        for entry in self.latest:
            table.add_row(
                t.format_datetime(entry.quarantined_at, config.timezone, WHEN_FORMAT),
                "—" if entry.update_id is None else str(entry.update_id),
                entry.reason,
            )
        return table


async def quarantine_section(session: AsyncSession, latest: int) -> Section:
    from bot.messaging import quarantine

    return Quarantine(await quarantine.count(session), await quarantine.latest(session, latest))


SECTIONS: list[Callable[[AsyncSession, int], Awaitable[Section]]] = [quarantine_section]


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--latest",
    type=click.IntRange(0, 1000),
    default=10,
    show_default=True,
    help="How many of the latest entries each section lists.",
)
def status(fmt: str, latest: int) -> None:
    """How the bot is doing: updates set aside unread (the quarantine), latest first."""
    config = settings()

    async def work(session: AsyncSession) -> list[Section]:
        return [await section(session, latest) for section in SECTIONS]

    sections = in_transaction(config, work)
    if fmt == "json":
        click.echo(json.dumps({s.key: s.as_json() for s in sections}, ensure_ascii=False))
        return
    t = operator_translator(config)
    for section in sections:
        print_table(section.table(t, config))
