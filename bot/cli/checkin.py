"""`kabar checkin …`: open a round now, besides the schedule."""

from __future__ import annotations

from datetime import datetime

import click

from bot.cli.common import (
    fail,
    once,
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
@click.option(
    "--cohort",
    "cohort_name",
    required=True,
    multiple=True,
    callback=once,
    help="The cohort whose round opens.",
)
def send(cohort_name: str) -> None:
    """Open a round now: every active, registered participant gets the first question.

    A running `kabar run` sends the messages within about two seconds.
    """
    from bot.db.database import open_database
    from bot.domain.audit import audit
    from bot.domain.cohorts import CohortError, cohort_quiet_hours, get_cohort
    from bot.domain.rounds.opening import open_round
    from bot.lib.clock import SystemClock
    from bot.lib.scheduling.quiet import is_quiet, next_allowed

    config = settings()
    t = operator_translator(config)
    prepare_database(config)

    class NobodyRegisteredError(Exception):
        """Rolls the empty round back: a round nobody is asked in is only noise."""

    async def main() -> tuple[int, int, datetime | None, str, str] | None:
        async with open_database(config.database_url) as db, db.transaction() as session:
            cohort = await get_cohort(session, cohort_name)
            if cohort is None:
                return None
            name = cohort.name  # as stored: "Tenun-2026" typed, "tenun-2026" shown
            now = SystemClock().now()
            opened = await open_round(session, cohort, now=now)
            if opened.participants == 0:
                raise NobodyRegisteredError(name)
            audit(
                session,
                at=now,
                actor=operator(),
                action="round.opened",
                subject=cohort.name,
                details={"round": opened.round_id, "participants": opened.participants},
            )
            quiet = cohort_quiet_hours(cohort)
            waits_until = (
                next_allowed(now, cohort.timezone, quiet)
                if is_quiet(now, cohort.timezone, quiet)
                else None
            )
            return opened.round_id, opened.participants, waits_until, cohort.timezone, name

    try:
        result = run_async(main())
    except NobodyRegisteredError as nobody:
        fail(
            t.gettext(
                "Nobody in {cohort} is registered yet, so no round was opened: hand out "
                "the invitations first (kabar invites --cohort {cohort})."
            ).format(cohort=nobody.args[0])
        )
    except CohortError as error:  # a name that fits two cohorts only by case
        fail(error.translate(t))
    if result is None:
        fail(
            t.gettext('Unknown cohort "{name}"; see `kabar cohort list`.').format(name=cohort_name)
        )
    round_id, participants, waits_until, timezone, name = result
    click.echo(
        t.gettext("Round {round} opened for {count} participants of {cohort}.").format(
            round=round_id, count=t.format_number(participants), cohort=name
        )
    )
    if waits_until is not None:
        click.echo(
            t.gettext(
                "It is quiet hours in {cohort}: the messages go out from {time} (the "
                "cohort's time)."
            ).format(cohort=name, time=t.format_datetime(waits_until, timezone, "EEEE HH:mm"))
        )
