"""Updates are stored before Telegram is told we have them, and handled once."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from telegram import Bot

from bot.app.runtime import Runtime
from bot.db.database import Database
from bot.db.models import Cohort, InboxUpdate, OutboxMessage, QuarantinedUpdate
from bot.lib.config import Settings
from bot.messaging import inbox
from bot.sandbox.fakeapi import FakeTelegram
from bot.tg.poller import poll_forever
from tests.support.process import TEST_TOKEN


async def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


async def _round_asking(
    db: Database, families: int, now: datetime
) -> tuple[list[OutboxMessage], dict[int, str]]:
    """A round opened for `families`: its first questions, and each chat's "yes" button."""
    from bot.domain.rounds.opening import open_round
    from tests.domain.rounds.support import seed_cohort

    await seed_cohort(db, families, quiet=("00:00", "00:00"), created=now)
    async with db.transaction() as session:
        cohort = (await session.execute(select(Cohort))).scalar_one()
        await open_round(session, cohort, now=now)
    async with db.sessions() as session:
        questions = list((await session.execute(select(OutboxMessage))).scalars().all())
    yes = {
        row.chat_id: row.payload["buttons"][0][0]["data"]
        for row in questions
        if "buttons" in row.payload
    }
    return questions, yes


def _press(update_id: int, user_id: int, data: str) -> dict[str, object]:
    """A family pressing the button with `data` on the bot's question."""
    chat = {"id": user_id, "type": "private"}
    sender = {"id": user_id, "is_bot": False, "first_name": "Keluarga"}
    keyboard = {"inline_keyboard": [[{"text": "Ya", "callback_data": data}]]}
    message = {
        "message_id": 1,
        "date": 0,
        "chat": chat,
        "text": "Apakah…",
        "reply_markup": keyboard,
    }
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"q{update_id}",
            "from": sender,
            "chat_instance": "c",
            "data": data,
            "message": message,
        },
    }


async def test_the_bot_goes_on_sending_while_a_group_of_answers_is_handled(
    database_url: str, db: Database
) -> None:
    """The event loop is handed back between the updates of a group: a group of 50
    answers is 50-100 ms of work, and the bulk sender's slots that passed meanwhile were
    lost (docs/PERFORMANCE.md, "#14: session 12")."""
    from bot.tg.application import build_application
    from bot.tg.context import UnitOfWork
    from bot.tg.processor import Processor

    now = datetime.now(UTC)
    families = 8
    _, yes = await _round_asking(db, families, now)
    async with db.transaction() as session:
        presses = [_press(i + 1, chat, data) for i, (chat, data) in enumerate(yes.items())]
        await inbox.store(session, presses, now)

    turns = 0
    seen_at: list[int] = []

    class Watched(Processor):
        async def _dispatch(self, unit: UnitOfWork, payload: dict[str, Any]) -> None:
            seen_at.append(turns)
            await super()._dispatch(unit, payload)

    async def other_work(stop: asyncio.Event) -> None:
        nonlocal turns
        while not stop.is_set():
            turns += 1
            await asyncio.sleep(0)

    async with FakeTelegram() as tg:
        settings = Settings(
            bot_token=TEST_TOKEN, database_url=database_url, telegram_api_url=tg.api_url
        )
        runtime = Runtime(settings=settings, db=db)
        async with build_application(runtime) as application:
            stop = asyncio.Event()
            ticker = asyncio.create_task(other_work(stop))
            try:
                assert await Watched(application, runtime).drain_once() == families
            finally:
                stop.set()
                await ticker
    assert len(seen_at) == families
    # Between any two answers of the group, the other task had a turn.
    assert all(later > earlier for earlier, later in itertools.pairwise(seen_at))


async def test_an_update_that_cannot_be_stored_is_not_acknowledged(
    database_url: str, db: Database
) -> None:
    async with FakeTelegram() as tg:
        settings = Settings(database_url=database_url, telegram_api_url=tg.api_url)
        runtime = Runtime(settings=settings, db=db)
        async with db.transaction() as session:  # the inbox is unavailable
            await session.execute(text("ALTER TABLE inbox_updates RENAME TO inbox_away"))
        bot = Bot(TEST_TOKEN, base_url=tg.api_url)
        async with bot:
            poller = asyncio.create_task(poll_forever(bot, runtime, timeout=1))
            try:
                await tg.user(5, first_name="Sri").send_text("halo")
                polls = sum(1 for c in tg.calls if c.method == "getUpdates")
                await _until(lambda: sum(c.method == "getUpdates" for c in tg.calls) > polls + 1)
                assert tg.pending_updates == 1, "acknowledged without being stored"

                async with db.transaction() as session:
                    await session.execute(text("ALTER TABLE inbox_away RENAME TO inbox_updates"))
                await _until(lambda: tg.pending_updates == 0)
            finally:
                poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poller
    async with db.sessions() as session:
        rows = (await session.execute(select(InboxUpdate))).scalars().all()
    assert [row.payload["message"]["text"] for row in rows] == ["halo"]


async def test_an_update_delivered_twice_is_stored_once(db: Database) -> None:

    now = datetime(2026, 1, 5, tzinfo=UTC)
    update = {"update_id": 42, "message": {"message_id": 1, "text": "5 kg"}}
    for _ in range(2):
        async with db.transaction() as session:
            await inbox.store(session, [update], now)
    async with db.sessions() as session:
        count = (await session.execute(select(func.count()).select_from(InboxUpdate))).scalar()
    assert count == 1


async def test_a_broken_update_in_a_group_loses_nothing_of_the_others(
    database_url: str, db: Database
) -> None:
    """Updates of different chats are handled in one transaction; when one of them fails,
    the others are still handled, and only the broken one counts a failed attempt."""

    from bot.db.models import FollowUpRecord, OutboxMessage
    from tests.support.updates import handle_updates

    now = datetime.now(UTC)
    questions, yes = await _round_asking(db, 3, now)

    def press(update_id: int, user_id: int) -> dict[str, object]:
        return _press(update_id, user_id, yes[user_id])

    broken = {"update_id": 2, "message": {"message_id": 2, "chat": {"id": 10_001}}}  # no date
    stored = [press(1, 10_000), broken, press(3, 10_002)]
    assert await handle_updates(db, database_url, stored, now) == 3

    async with db.sessions() as session:
        updates = {u.update_id: u for u in (await session.execute(select(InboxUpdate))).scalars()}
        records = (await session.execute(select(FollowUpRecord))).scalars().all()
        asked = (
            await session.execute(
                select(OutboxMessage.chat_id).where(OutboxMessage.id > max(q.id for q in questions))
            )
        ).scalars()
    assert updates[1].processed_at is not None and updates[3].processed_at is not None
    assert updates[2].processed_at is None and updates[2].attempts == 1 and updates[2].error
    assert sorted(r.person_id for r in records if r.produced) == [
        "tenun-2026-00000",
        "tenun-2026-00002",
    ]
    assert set(asked) == {10_000, 10_002}, "the next question went to both families"
    # Handlers see the pressed message without its keyboard; the stored update keeps it.
    assert updates[1].payload == press(1, 10_000)


async def test_a_failing_handler_undoes_its_update_and_the_person_gets_an_apology(
    database_url: str, db: Database
) -> None:
    """What a handler changed and queued before it failed is undone with its update; after
    the last attempt the sender is told, in their own language, to try again."""

    from telegram import Update
    from telegram.ext import CommandHandler

    from bot.db.models import Person
    from bot.messaging.limits import SendLimits
    from bot.messaging.messages import Outgoing
    from bot.tg.application import build_application
    from bot.tg.context import KabarContext
    from bot.tg.handlers import handlers
    from bot.tg.processor import Processor
    from bot.tg.router import Router
    from tests.app.support import start_update
    from tests.domain.rounds.support import seed_cohort
    from tests.messaging.support import drain

    await seed_cohort(db, 1)
    family, chat = "tenun-2026-00000", 10_000
    async with db.transaction() as session:
        person = await session.get(Person, family)
        assert person is not None
        person.language = "en"  # their Telegram app says Indonesian (start_update)

    async def broken(update: Update, context: KabarContext) -> None:
        work = context.work
        found = await work.person()
        assert found is not None and found.id == family
        found.name = "Changed by a handler that then failed"
        work.send([Outgoing(chat_id=chat, text="half an answer")])
        raise RuntimeError("a bug in a handler")

    async with db.transaction() as session:
        await inbox.store(session, [start_update(chat, "/bantuan")], datetime.now(UTC))

    async with FakeTelegram() as tg:
        tg.user(chat, started=True)
        settings = Settings(
            bot_token=TEST_TOKEN, database_url=database_url, telegram_api_url=tg.api_url
        )
        runtime = Runtime(settings=settings, db=db)
        application = build_application(runtime)
        async with application:
            processor = Processor(application, runtime)
            processor.router = Router(
                application, runtime, [CommandHandler("bantuan", broken), *handlers()]
            )
            for _ in range(inbox.MAX_ATTEMPTS):
                assert await processor.drain_once() == 1
            assert await processor.drain_once() == 0, "given up on after the last attempt"
            assert application.bot_data == {}
        await drain(tg, db, SendLimits(), until=lambda: bool(tg.sent_messages(chat)))

    async with db.sessions() as session:
        person = await session.get(Person, family)
        row = (await session.execute(select(InboxUpdate))).scalar_one()
        aside = (await session.execute(select(QuarantinedUpdate))).scalar_one()
    assert person is not None and person.name == "Keluarga 0"
    assert row.processed_at is not None and row.attempts == inbox.MAX_ATTEMPTS
    assert "a bug in a handler" in (row.error or "")
    # Set aside where `kabar status` shows it, the sender told once.
    assert (aside.update_id, aside.chat_id) == (row.update_id, chat)
    assert aside.reason == "handling failed 3 times (RuntimeError)"
    assert aside.notified_at is not None
    assert [m["text"] for m in tg.sent_messages(chat)] == [
        "Sorry, something went wrong on our side and your last message could not be handled. "
        "Please try again in a moment."
    ]
