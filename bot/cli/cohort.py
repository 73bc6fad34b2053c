"""`kabar cohort …`: cohorts and their check-in schedule."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bot.cli.common import (
    fail,
    in_transaction,
    operator,
    operator_translator,
    print_table,
    settings,
)
from bot.lib.i18n import N_

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.db.models import Cohort
    from bot.domain.cohorts import Setting
    from bot.lib.i18n import Translator

T = TypeVar("T")

# Weekday, date, time and zone (Babel prints WIB/WITA/WIT in Indonesian).
WHEN_FORMAT = "EEE d MMM y HH:mm z"


def _option_decorators(*, create: bool) -> list[Callable[[Any], Any]]:
    # On update every option is optional and means "leave as it is" when absent.
    return [
        click.option(
            "--schedule",
            required=create,
            help='When rounds open: "mon 08:00", "every 2 weeks mon 08:00", "monthly 15 08:00" '
            '(Indonesian too: "sen 08:00", "tiap 2 minggu sen 08:00", "bulanan 15 08:00").',
        ),
        click.option(
            "--timezone",
            show_default="KABAR_TIMEZONE" if create else False,
            help="IANA time zone, or WIB / WITA / WIT.",
        ),
        click.option(
            "--unit",
            default="kg" if create else None,
            show_default=create,
            help="Unit families count their product in (at most 16 characters).",
        ),
        click.option(
            "--quiet-hours",
            show_default="21:00-06:00" if create else False,
            help='Local hours nobody is messaged, like "21:00-06:00", or "none".',
        ),
        click.option(
            "--max-quantity",
            show_default="10000" if create else False,
            help="A quantity above this is taken for a typo and asked again.",
        ),
    ]


def _with_options(*, create: bool) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(_option_decorators(create=create)):
            func = option(func)
        return func

    return decorate


def _when(t: Translator, moment: datetime | None, tz: str) -> str:
    return t.format_datetime(moment, tz, WHEN_FORMAT) if moment is not None else "—"


def _summary(t: Translator, cohort: Cohort, now: datetime) -> None:
    from bot.domain.cohorts import cohort_quiet_hours, next_round_at, schedule_in_quiet_hours

    quiet = cohort_quiet_hours(cohort)
    click.echo(
        t.gettext("Next round: {when}.").format(
            when=_when(t, next_round_at(cohort, now), cohort.timezone)
        )
    )
    if schedule_in_quiet_hours(cohort):
        click.echo(
            t.gettext(
                "Note: {schedule} falls within the quiet hours {quiet}; its messages will wait "
                "until {end}."
            ).format(schedule=cohort.schedule, quiet=quiet, end=f"{quiet.end:%H:%M}"),
            err=True,
        )


@click.group()
def cohort() -> None:
    """Cohorts and their check-in schedule."""


# The early-warning thresholds (docs/EARLY_WARNING.md), one option each, on create and
# update (an entry added here is an option of both; bot/domain/cohorts.py checks its range).
WARNING_HELP = {
    "warn_window_rounds": N_("Early warning: the cohort's latest rounds it reads (default 8)."),
    "warn_falling_answers": N_("Early warning: answers in a row that fall (default 3; 0 = off)."),
    "warn_drop_percent": N_("Early warning: how far below usual the last falling answer is (%)."),
    "warn_low_answers": N_("Early warning: latest answers all below usual (default 2; 0 = off)."),
    "warn_low_percent": N_("Early warning: … below this % of the family's usual (default 50)."),
    "warn_later_answers": N_("Early warning: answers, each one later (default 3; 0 = off)."),
    "warn_same_problem_answers": N_("Early warning: answers naming the same problems (default 3)."),
    "warn_steady_answers": N_('Early warning: producing answers before a "no" (default 3).'),
    "warn_sales_falling_answers": N_(
        "Early warning: sales (rupiah) in a row that fall (default 4; 0 = off)."
    ),
    "warn_sales_drop_percent": N_(
        "Early warning: how far below usual the last falling sales are (percent, default 60)."
    ),
    "warn_sales_low_answers": N_(
        "Early warning: latest sales all below usual (default 2; 0 = off)."
    ),
    "warn_sales_low_percent": N_(
        "Early warning: … sales below this percent of the family's usual (default 50)."
    ),
}


# The graduation bar (bot/domain/graduation_bar.py): option -> (metavar, help).
GRADUATION_HELP = {
    "graduation_amount": (
        "RUPIAH",
        N_("Graduation bar: revenue per round a family must reach (default 500000)."),
    ),
    "graduation_rounds": ("N", N_("Graduation bar: in at least N rounds (default 5) …")),
    "graduation_window": ("N", N_("… of the cohort's last N closed rounds (default 6).")),
}


def _tuning_options(func: Callable[..., None]) -> Callable[..., None]:
    """The early-warning and graduation options, the same on create and update; the
    command receives them as keyword arguments, None when not given."""
    options = [(name, "N", text) for name, text in WARNING_HELP.items()]
    options += [(name, metavar, text) for name, (metavar, text) in GRADUATION_HELP.items()]
    for name, metavar, help_text in reversed(options):
        flag = "--" + name.replace("_", "-")
        func = click.option(flag, name, metavar=metavar, help=help_text)(func)
    return func


def _tuning(options: dict[str, str | None]) -> dict[str, Any]:
    """The domain's keyword arguments for the tuning options given."""
    given = {name: value for name, value in options.items() if value is not None}
    graduation = {name: value for name, value in given.items() if name in GRADUATION_HELP}
    # Every other option is a threshold: the domain refuses a name it does not know.
    warnings = {name: value for name, value in given.items() if name not in GRADUATION_HELP}
    return {"warnings": warnings, **graduation}


@cohort.command()
@click.argument("name")
@_with_options(create=True)
@_tuning_options
def create(
    name: str,
    schedule: str,
    timezone: str | None,
    unit: str,
    quiet_hours: str | None,
    max_quantity: str | None,
    **tuning: str | None,
) -> None:
    """Create cohort NAME with its check-in schedule, and optionally its graduation bar
    and early-warning thresholds."""
    from bot.domain.cohorts import cohort_quiet_hours, create_cohort
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)
    now = SystemClock().now()

    async def work(session: AsyncSession) -> Cohort:
        return await create_cohort(
            session,
            name,
            schedule=schedule,
            timezone=timezone if timezone is not None else config.timezone,
            unit=unit,
            quiet_hours=quiet_hours,
            max_quantity=max_quantity,
            now=now,
            actor=operator(),
            **_tuning(tuning),
        )

    made = in_transaction(config, work)
    click.echo(
        t.gettext(
            'Created cohort "{name}": {schedule}, time zone {timezone}, unit {unit}, '
            "quiet hours {quiet}."
        ).format(
            name=made.name,
            schedule=made.schedule,
            timezone=made.timezone,
            unit=made.unit,
            quiet=cohort_quiet_hours(made),
        )
    )
    _summary(t, made, now)


@cohort.command()
@click.argument("name")
@_with_options(create=False)
@_tuning_options
def update(
    name: str,
    schedule: str | None,
    timezone: str | None,
    unit: str | None,
    quiet_hours: str | None,
    max_quantity: str | None,
    **tuning: str | None,
) -> None:
    """Change cohort NAME's schedule, time zone, unit, quiet hours, maximum quantity,
    graduation bar or early-warning thresholds."""
    from bot.domain.cohorts import update_cohort
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)
    given = (schedule, timezone, unit, quiet_hours, max_quantity, *tuning.values())
    if all(value is None for value in given):
        fail(
            t.gettext(
                "Nothing to change: give at least one of --schedule, --timezone, --unit, "
                "--quiet-hours, --max-quantity, --graduation-amount, --graduation-rounds, "
                "--graduation-window or a --warn-… option."
            )
        )
    now = SystemClock().now()

    async def work(session: AsyncSession) -> tuple[Cohort, dict[str, tuple[Setting, Setting]]]:
        return await update_cohort(
            session,
            name,
            schedule=schedule,
            timezone=timezone,
            unit=unit,
            quiet_hours=quiet_hours,
            max_quantity=max_quantity,
            now=now,
            actor=operator(),
            **_tuning(tuning),
        )

    changed, changes = in_transaction(config, work)
    if not changes:
        click.echo(t.gettext('Cohort "{name}" already had these settings.').format(name=name))
    else:
        click.echo(t.gettext('Updated cohort "{name}":').format(name=changed.name))
        labels = _field_labels(t)
        for field, (old, new) in changes.items():
            click.echo(
                t.gettext("  {field}: {old} → {new}").format(
                    field=labels[field], old=_shown(t, old), new=_shown(t, new)
                )
            )
    _summary(t, changed, now)


@cohort.command()
@click.argument("name")
def show(name: str) -> None:
    """Every setting of cohort NAME: schedule, time zone, unit, quiet hours, maximum
    quantity, graduation bar and early-warning thresholds, and its next round."""
    from bot.domain.cohorts import cohort_settings, require_cohort
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)
    now = SystemClock().now()

    async def work(session: AsyncSession) -> Cohort:
        return await require_cohort(session, name)

    found = in_transaction(config, work)
    click.echo(t.gettext('Cohort "{name}":').format(name=found.name))
    labels = _field_labels(t)
    for field, value in cohort_settings(found).items():
        click.echo(
            t.gettext("  {field}: {value}").format(field=labels[field], value=_shown(t, value))
        )
    _summary(t, found, now)


# A graduation bar as the operator reads it.
BAR_SHORT = N_("{amount} in at least {rounds} of the last {window} closed rounds")


def _shown(t: Translator, value: Setting) -> str:
    """A setting in the operator's language: numbers and rupiah through Babel."""
    from decimal import Decimal

    from bot.domain.graduation_bar import GraduationBar, bar_words
    from bot.lib.scheduling import QuietHours

    if isinstance(value, GraduationBar):
        return t.gettext(BAR_SHORT).format(**bar_words(t, value))
    if isinstance(value, QuietHours) and value.is_empty:
        return t.gettext("none")
    if isinstance(value, int | Decimal):
        return t.format_number(value)
    return str(value)


def _field_labels(t: Translator) -> dict[str, str]:
    return {
        "schedule": t.gettext("schedule"),
        "timezone": t.gettext("time zone"),
        "unit": t.gettext("unit"),
        "quiet_hours": t.gettext("quiet hours"),
        "max_quantity": t.gettext("maximum quantity"),
        # The options' own names: they are what an operator types.
        **{name: "--" + name.replace("_", "-") for name in WARNING_HELP},
        "graduation": t.gettext("graduation bar"),
    }


@cohort.command(name="list")
def list_() -> None:
    """Every cohort: schedule, time zone, unit, participants and the next round."""
    from rich.table import Table

    from bot.domain.cohorts import CohortOverview, list_cohorts
    from bot.lib.clock import SystemClock

    config = settings()
    t = operator_translator(config)
    now = SystemClock().now()

    async def work(session: AsyncSession) -> list[CohortOverview]:
        return await list_cohorts(session, now=now)

    rows = in_transaction(config, work)
    if not rows:
        click.echo(
            t.gettext(
                'No cohorts yet. Create one with: kabar cohort create NAME --schedule "mon 08:00"'
            )
        )
        return
    table = Table(title=t.gettext("Cohorts"), title_justify="left")
    table.add_column(t.gettext("Name"), overflow="fold")
    table.add_column(t.gettext("Schedule"))
    table.add_column(t.gettext("Time zone"))
    table.add_column(t.gettext("Unit"))
    table.add_column(t.gettext("Max. quantity"), justify="right")
    table.add_column(t.gettext("Quiet hours"))
    table.add_column(t.gettext("Participants"), justify="right")
    table.add_column(t.gettext("Registered"), justify="right")
    table.add_column(t.gettext("Next round"))
    for row in rows:
        table.add_row(
            row.name,
            row.schedule,
            row.timezone,
            row.unit,
            t.format_number(row.max_quantity),
            t.gettext("none") if row.quiet_hours == "none" else row.quiet_hours,
            t.format_number(row.participants),
            t.format_number(row.registered),
            _when(t, row.next_round, row.timezone),
        )
    print_table(table)
