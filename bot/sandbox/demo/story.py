"""The demo's story: roster, invitations, registration, a round, answers, the figures."""

from __future__ import annotations

import asyncio
import contextlib
import random
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from bot.app.serve import serve
from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import Cohort, FollowUpRecord, Person, RecordStatus, Role
from bot.domain.alerts import escalate_due, evaluate
from bot.domain.alerts.cards import notify_opened
from bot.domain.invites.issue import InviteRow, issue_invitations
from bot.domain.people.onboarding import ROLE_NAMES
from bot.domain.roster.importer import import_roster
from bot.domain.rounds.opening import close_open_rounds, open_round
from bot.lib.clock import FakeClock
from bot.lib.config import Settings
from bot.lib.i18n import N_, Translator
from bot.messaging.outbox import enqueue
from bot.sandbox.demo.families import Family, behaviour_for
from bot.sandbox.demo.staff import announce
from bot.sandbox.fakeapi import FakeTelegram, FakeUser, render_entries

ROSTER = Path(__file__).with_name("roster-sample.csv")
DEMO_TOKEN = "123456:DEMO-sandbox-token-not-real"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 in Jakarta

STEP_SANDBOX = N_("Sandbox Telegram listening on {url} (nothing leaves this machine).")
STEP_ROSTER = N_("Roster imported from {file}: {people} people, cohort {cohort}.")
STEP_INVITES = N_("Invitations issued: {count}. The first few:")
STEP_RUNNING = N_("Kabar is running against the sandbox.")
STEP_REGISTERED = N_("{count} families and {staff} facilitators registered with their codes.")
STEP_ROUND = N_("Round {round} opened for {count} families; they answer now.")
STEP_CLOSED = N_("Round closed: who did not answer is recorded as missed.")
STEP_TRANSCRIPT = N_("One family's chat, as they saw it:")
STEP_SECOND = N_("Six days later round {round} opens; the quiet families stay quiet.")
STEP_ALERTS = N_(
    "The round closes and the rules run: {count} families need a visit; each facilitator "
    "gets an alert card, for example:"
)
STEP_ESCALATED = N_("Three days without a reaction: {count} alerts go up to the coordinator.")
STEP_BROADCAST = N_(
    "{name}, programme staff, announces the dryer with /siaran; her preview becomes the "
    "progress message, then the delivery report comes:"
)
STEP_DB = N_(
    "Everything is in {path}; try: KABAR_DATABASE_URL=sqlite:///{path} kabar records export"
)
COL_ID, COL_NAME, COL_ROLE, COL_CODE = N_("ID"), N_("Name"), N_("Role"), N_("Code")


@dataclass
class DemoResult:
    answered: int
    missed: int
    database: Path
    cohort: str


async def run_demo(
    console: Console, t: Translator, *, workdir: Path | None = None, seed: int = 7
) -> DemoResult:
    folder = workdir or Path(tempfile.mkdtemp(prefix="kabar-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kabar-demo.db"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    upgrade(url)
    clock = FakeClock(START)
    rng = random.Random(seed)
    db = Database(url)
    say = console.print
    try:
        async with FakeTelegram() as tg:
            say("[bold]1.[/] " + t.gettext(STEP_SANDBOX).format(url=tg.api_url))
            result = await import_roster(db, ROSTER, now=clock.now(), timezone="Asia/Jakarta")
            async with db.sessions() as session:
                people = await session.scalar(select(func.count()).select_from(Person))
                cohort = (await session.execute(select(Cohort))).scalars().first()
            assert cohort is not None and result.ok
            say(
                "[bold]2.[/] "
                + t.gettext(STEP_ROSTER).format(
                    file=ROSTER.name, people=t.format_number(people or 0), cohort=cohort.name
                )
            )
            async with db.transaction() as session:
                issued = await issue_invitations(session, now=clock.now(), actor="demo")
            say("[bold]3.[/] " + t.gettext(STEP_INVITES).format(count=len(issued.rows)))
            table = Table(
                t.gettext(COL_ID), t.gettext(COL_NAME), t.gettext(COL_ROLE), t.gettext(COL_CODE)
            )
            for row in issued.rows[:4]:
                table.add_row(row.person_id, row.name, t.gettext(ROLE_NAMES[row.role]), row.code)
            console.print(table)

            # The sandbox has no per-chat limit to respect: the story runs at full speed.
            settings = Settings(
                bot_token=DEMO_TOKEN,
                database_url=url,
                telegram_api_url=tg.api_url,
                send_chat_interval_s=0,
            )
            stop = asyncio.Event()
            # The demo moves its own clock and opens rounds itself; the round clock only ticks
            # once at start, so no scheduled round joins in.
            bot_task = asyncio.create_task(
                serve(settings, clock=clock, stop=stop, tick_every_s=3600)
            )
            try:
                await _until_polling(tg)
                say("[bold]4.[/] " + t.gettext(STEP_RUNNING))
                families, supervisors, staff = await _register(tg, issued.rows, rng, cohort.unit)
                say(
                    "[bold]5.[/] "
                    + t.gettext(STEP_REGISTERED).format(count=len(families), staff=len(supervisors))
                )

                async with db.transaction() as session:
                    opened = await open_round(
                        session,
                        cohort,
                        now=clock.now(),
                        kind="manual",
                    )
                say(
                    "[bold]6.[/] "
                    + t.gettext(STEP_ROUND).format(round=opened.round_id, count=opened.participants)
                )
                answering = [f for f in families if not f.behaviour.declines]
                await asyncio.gather(*(f.check_in() for f in answering))
                await _settled(db)
                async with db.transaction() as session:
                    await close_open_rounds(session, cohort.id, now=clock.now())
                say("[bold]7.[/] " + t.gettext(STEP_CLOSED))

                shown = next(f for f in answering if f.behaviour.problems and f.language == "id")
                say("\n[bold]" + t.gettext(STEP_TRANSCRIPT) + "[/]")
                console.print(shown.user.render_transcript(), markup=False, highlight=False)

                # A week on, a second round: the quiet families stay quiet.
                clock.advance(timedelta(days=6))
                async with db.transaction() as session:
                    second = await open_round(session, cohort, now=clock.now())
                say("\n[bold]8.[/] " + t.gettext(STEP_SECOND).format(round=second.round_id))
                await asyncio.gather(*(f.check_in() for f in answering))
                await _settled(db)
                clock.advance(timedelta(days=6))
                async with db.transaction() as session:
                    await close_open_rounds(session, cohort.id, now=clock.now())
                    outcome = await evaluate(session, now=clock.now())
                    cards = await notify_opened(session, outcome.opened)
                    await enqueue(session, cards, now=clock.now())
                await _settled(db)
                say("[bold]9.[/] " + t.gettext(STEP_ALERTS).format(count=len(outcome.opened)))
                _show_first_card(console, supervisors.values())

                # Three days without a reaction: the alerts go up to the coordinator.
                clock.advance(timedelta(days=3, hours=1))
                async with db.transaction() as session:
                    escalated = await escalate_due(session, clock.now())
                    await enqueue(session, await notify_opened(session, escalated), now=clock.now())
                await _settled(db)
                say("[bold]10.[/] " + t.gettext(STEP_ESCALATED).format(count=len(escalated)))

                await announce(staff, db, clock)
                await _settled(db)
                say("\n[bold]11.[/] " + t.gettext(STEP_BROADCAST).format(name=staff.first_name))
                console.print(_since_command(staff), markup=False, highlight=False)
            finally:
                stop.set()
                with contextlib.suppress(asyncio.CancelledError):
                    await bot_task
            say(t.gettext(STEP_DB).format(path=path))
            async with db.sessions() as session:
                counts = dict(
                    (
                        await session.execute(
                            select(FollowUpRecord.status, func.count()).group_by(
                                FollowUpRecord.status
                            )
                        )
                    ).all()
                )
            return DemoResult(
                answered=counts.get(RecordStatus.ANSWERED, 0),
                missed=counts.get(RecordStatus.MISSED, 0),
                database=path,
                cohort=cohort.name,
            )
    finally:
        await db.dispose()


async def _until_polling(tg: FakeTelegram) -> None:
    while not any(call.method == "setMyCommands" for call in tg.calls):  # noqa: ASYNC110
        await asyncio.sleep(0.02)


async def _register(
    tg: FakeTelegram,
    rows: list[InviteRow],
    rng: random.Random,
    unit: str,
) -> tuple[list[Family], dict[str, FakeUser], FakeUser]:
    """Families, facilitators, coordinators and one staff member open their invitations."""
    families: list[Family] = []
    supervisors: dict[str, FakeUser] = {}
    staff: FakeUser | None = None
    tasks = []
    for index, row in enumerate(rows):
        if row.role is Role.STAFF:
            if staff is not None:
                continue
            staff = tg.user(900_000 + index, first_name=row.name.split()[0], language_code="id")
            tasks.append(Family(staff, behaviour_for(index, rng), "id", unit).register(row.code))
            continue
        language = "en" if index % 9 == 5 and row.role is Role.PARTICIPANT else "id"
        user = tg.user(900_000 + index, first_name=row.name.split()[0], language_code=language)
        behaviour = behaviour_for(index, rng)
        if row.role is not Role.PARTICIPANT:
            behaviour.declines = False
            supervisors[row.person_id] = user
        family = Family(user, behaviour, language, unit)
        tasks.append(family.register(row.code))
        if row.role is Role.PARTICIPANT:
            families.append(family)
    await asyncio.gather(*tasks)
    for family in families:
        await family.user.replies_until(lambda e: e.kind == "text" and "/" in e.text, timeout=30)
    assert staff is not None, "the sample roster has staff"
    return families, supervisors, staff


def _since_command(user: FakeUser) -> str:
    """The user's chat from their last command on, as they saw it; of the progress edits
    only the first and the last, so the story stays readable."""
    entries = user.transcript()
    last = max(i for i, e in enumerate(entries) if e.who == "user" and e.text.startswith("/"))
    shown = entries[last:]
    edits = [i for i, e in enumerate(shown) if e.kind == "edit" and "📣" in e.text]
    middle = set(edits[1:-1])
    return render_entries([e for i, e in enumerate(shown) if i not in middle])


def _show_first_card(console: Console, users: Iterable[FakeUser]) -> None:
    """An alert card as a facilitator saw it (the newest one of the first who got any)."""
    for user in users:
        cards = [e for e in user.transcript() if e.who == "bot" and e.text.startswith("⚠️")]
        if cards:
            console.print(render_entries(cards[-1:]), markup=False, highlight=False)
            return


async def _settled(db: Database) -> None:
    """Wait until the outbox is drained, so the transcripts are complete."""
    from bot.messaging.outbox import pending_count

    for _ in range(500):
        async with db.sessions() as session:
            if await pending_count(session) == 0:
                return
        await asyncio.sleep(0.05)
