"""`kabar checkin …`: open a round now, besides the schedule."""

from __future__ import annotations

import click

from bot.cli.common import (
    fail,
    operator,
    operator_translator,
    prepare_database,
    run_async,
    settings,
)


@click.group()
def checkin() -> None:
    """Check-in rounds."""


@checkin.command()
@click.option("--cohort", "cohort_name", required=True, help="The cohort whose round opens.")
def send(cohort_name: str) -> None:
    """Open a round now: every active, registered participant gets the first question.

    A running `kabar run` sends the messages within about two seconds.
    """
    from sqlalchemy import select

    from bot.db.database import open_database
    from bot.db.models import Cohort
    from bot.domain.audit import audit
    from bot.domain.rounds.opening import open_round
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)
    prepare_database(config)

    async def main() -> tuple[int, int] | None:
        async with open_database(config.database_url) as db, db.transaction() as session:
            cohort = (
                await session.execute(select(Cohort).where(Cohort.name == cohort_name))
            ).scalar_one_or_none()
            if cohort is None:
                return None
            now = SystemClock().now()
            opened = await open_round(session, cohort, now=now)
            audit(
                session,
                at=now,
                actor=operator(),
                action="round.opened",
                subject=cohort.name,
                details={"round": opened.round_id, "participants": opened.participants},
            )
            return opened.round_id, opened.participants

    result = run_async(main())
    if result is None:
        fail(
            t.gettext('Unknown cohort "{name}"; see `kabar cohort list`.').format(name=cohort_name)
        )
    round_id, participants = result
    click.echo(
        t.gettext("Round {round} opened for {count} participants of {cohort}.").format(
            round=round_id, count=t.format_number(participants), cohort=cohort_name
        )
    )
