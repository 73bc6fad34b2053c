"""Invitations as CSV: exactly `id,name,role,code,link`, one row per person."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TextIO

from bot.domain.invites.issue import InviteRow
from bot.domain.invites.links import invite_link, username_for
from bot.lib.spreadsheet_safety import csv_writer

COLUMNS = ("id", "name", "role", "code", "link")


def write_csv(
    rows: Iterable[InviteRow],
    username: str | None,
    out: TextIO,
    *,
    by_cohort: Mapping[str, str] | None = None,
) -> int:
    """Write the header and one row per invitation (empty link without a username); names
    and ids that would start a spreadsheet formula are quoted (bot.lib.spreadsheet_safety).
    A cohort in `by_cohort` has its own bot: its people's links open that bot."""
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(
            (
                row.person_id,
                row.name,
                row.role.value,
                row.code,
                invite_link(username_for(username, by_cohort, row.cohort), row.code),
            )
        )
        count += 1
    return count
