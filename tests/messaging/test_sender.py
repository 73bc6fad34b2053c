"""The sender against the fake Bot API: limits kept, faults survived, nothing lost."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from sqlalchemy import select
from telegram import Bot

from bot.app.runtime import Runtime
from bot.app.sending import outbox_sender
from bot.db.database import Database
from bot.db.models import (
    OutboxMessage,
    OutboxStatus,
    ParticipantStatus,
    Person,
    Role,
    TelegramAccount,
)
from bot.lib.config import Settings
from bot.messaging.limits import SendLimits
from bot.messaging.messages import ButtonAnswer, Message, Outgoing
from bot.messaging.outbox import Job, enqueue, release
from bot.messaging.outcomes import Outcome
from bot.messaging.sender import OutboxSender
from bot.sandbox.fakeapi import FakeTelegram
from bot.tg.http import AiohttpRequest
from bot.tg.transport import BotTransport
from tests.messaging.support import NOW, add_messages, bulk, drain, text_of, virtual_sender
from tests.support.process import TEST_TOKEN


def _max_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def _statuses(db: Database) -> Counter[OutboxStatus]:
    async with db.sessions() as session:
        return Counter((await session.execute(select(OutboxMessage.status))).scalars())


async def test_rate_limits_hold_and_replies_go_first(db: Database) -> None:
    async with FakeTelegram() as tg:
        chats = [tg.user(5000 + n, first_name=f"K{n}") for n in range(40)]
        for user in chats:
            await user.send_text("halo")  # a chat exists once the user wrote
        await add_messages(db, [bulk(u.id, f"pertanyaan {i}") for i in range(3) for u in chats])
        await add_messages(db, [Outgoing(chat_id=chats[0].id, text="balasan")])
        limits = SendLimits(per_second=30, chat_interval_s=1.0)
        async with virtual_sender(tg, db, limits) as (_, transport, clock):
            await clock.run_until(
                lambda: len(transport.sent()) == 121, busy=lambda: transport.in_flight > 0
            )
        sent = transport.sent()
        assert not any(c.error for c in transport.calls), "no 429 or error"
        assert _max_in_any_second([c.at for c in sent]) <= 30
        per_chat: dict[int, list[float]] = defaultdict(list)
        for call in sent:
            if text_of(call.message) != "balasan":
                per_chat[call.message.chat_id].append(call.at)
        for chat_id, times in per_chat.items():
            gaps = [b - a for a, b in itertools.pairwise(times)]
            assert len(times) == 3 and all(gap >= 1.0 for gap in gaps), (chat_id, gaps)
        # The reply, written last, went ahead of the bulk messages waiting for their turn.
        order = [text_of(c.message) for c in sent]
        assert order.index("balasan") <= 8
    assert await _statuses(db) == {OutboxStatus.SENT: 121}


async def test_a_chat_s_bulk_messages_are_a_second_apart(db: Database) -> None:
    """One family with several questions waiting: at 30 a second overall, they still go
    one a second (Telegram's limit per chat)."""
    async with FakeTelegram() as tg:
        user = tg.user(5101, first_name="Sri")
        await user.send_text("halo")
        await add_messages(db, [bulk(user.id, f"pertanyaan {i}") for i in range(4)])
        limits = SendLimits(per_second=30, chat_interval_s=1.0)
        async with virtual_sender(tg, db, limits) as (_, transport, clock):
            await clock.run_until(
                lambda: len(transport.sent()) == 4, busy=lambda: transport.in_flight > 0
            )
        sent = transport.sent()
        assert [text_of(c.message) for c in sent] == [f"pertanyaan {i}" for i in range(4)]
        gaps = [b.at - a.at for a, b in itertools.pairwise(sent)]
        assert all(gap >= 1.0 for gap in gaps), gaps
        assert sent[-1].at - sent[0].at < 3.1, "and no slower"


async def test_a_429_pauses_every_send_for_its_retry_after(db: Database) -> None:
    async with FakeTelegram() as tg:
        chats = [tg.user(5200 + n) for n in range(20)]
        for user in chats:
            await user.send_text("halo")
        await add_messages(db, [bulk(u.id, "pertanyaan") for u in chats])
        tg.faults.add("sendMessage", status=429, retry_after=5, times=1)
        limits = SendLimits(per_second=10, chat_interval_s=1.0)
        async with virtual_sender(tg, db, limits) as (_, transport, clock):
            await clock.run_until(
                lambda: len(transport.sent()) == 20, busy=lambda: transport.in_flight > 0
            )
        [throttled] = [c for c in transport.calls if c.error is not None]
        assert throttled.failed_at is not None
        pause = (throttled.failed_at, throttled.failed_at + 5)
        during = [c for c in transport.calls if pause[0] < c.at < pause[1]]
        assert during == [], "nothing is sent while Telegram asked to wait"
        assert max(c.at for c in transport.calls) >= pause[1]
        texts = Counter(m["chat"]["id"] for m in tg.sent_messages())
    assert sorted(texts) == sorted(u.id for u in chats) and max(texts.values()) == 1
    assert await _statuses(db) == {OutboxStatus.SENT: 20}


async def test_a_reply_and_a_button_answer_go_before_the_bulk_already_waiting(
    db: Database,
) -> None:
    """A family presses a button while a round is going out at the limit: the spinner's
    answer and the next question leave before the round's messages still waiting."""
    async with FakeTelegram() as tg:
        chats = [tg.user(5300 + n) for n in range(30)]
        for user in chats:
            await user.send_text("halo")
        family = tg.user(5399, first_name="Sri")
        await family.send_text("halo")
        query = await family.press_data("x", message_id=1)
        await add_messages(db, [bulk(u.id, "pertanyaan") for u in chats])
        limits = SendLimits(per_second=10, chat_interval_s=1.0)
        async with virtual_sender(tg, db, limits) as (sender, transport, clock):
            busy = lambda: transport.in_flight > 0  # noqa: E731
            await clock.run_until(lambda: len(transport.sent()) >= 3, busy=busy)
            async with db.transaction() as session:
                replies = await enqueue(
                    session,
                    [
                        ButtonAnswer(family.id, query["id"]),
                        Outgoing(chat_id=family.id, text="pertanyaan berikutnya"),
                    ],
                    now=datetime.now(UTC),
                    claimed_by=sender.runtime.worker,
                )
            written = len(transport.sent())
            assert sender.offer(replies)
            await clock.run_until(lambda: len(transport.sent()) == 32, busy=busy)
        order = [c.message for c in transport.sent()]
        answer = next(i for i, m in enumerate(order) if isinstance(m, ButtonAnswer))
        reply = next(i for i, m in enumerate(order) if m.chat_id == family.id and i != answer)
        # Bulk sends already granted their slot may finish first: at most one.
        assert answer <= written + 1 and reply <= written + 2, (written, answer, reply)
    assert await _statuses(db) == {OutboxStatus.SENT: 32}


async def test_ten_percent_faults_lose_nothing_and_send_nothing_twice(db: Database) -> None:
    async with FakeTelegram() as tg:
        chats = [tg.user(6000 + n) for n in range(40)]
        for user in chats:
            await user.send_text("halo")
        await add_messages(db, [bulk(u.id, f"pesan {i}") for i in range(5) for u in chats])
        tg.faults.random(
            rate=0.10,
            kinds=("429", "500", "timeout"),
            seed=4,
            timeout_delay=0.2,
            methods=["sendMessage"],
        )
        limits = SendLimits(per_second=300, chat_interval_s=0, backoff_s=0.05)
        await drain(tg, db, limits, until=lambda: len(tg.sent_messages()) >= 200, timeout=90)
        assert len(tg.faults.injected) > 8
        texts = Counter((m["chat"]["id"], m["text"]) for m in tg.sent_messages())
        said = _said_per_chat(tg)
    assert len(texts) == 200 and max(texts.values()) == 1
    assert await _statuses(db) == {OutboxStatus.SENT: 200}
    # Whatever failed in between, each family got its messages in the order written.
    assert all(said[u.id] == [f"pesan {i}" for i in range(5)] for u in chats), said


async def test_a_message_put_back_for_a_long_pause_keeps_the_chat_s_order(db: Database) -> None:
    """Telegram asks to wait longer than the sender holds a message: it goes back to the
    table, and the chat's later messages, claimed or not yet, go back behind it."""
    async with FakeTelegram() as tg:
        user = tg.user(6101, first_name="Sri")
        await user.send_text("halo")
        await add_messages(db, [bulk(user.id, f"pesan {i}") for i in range(4)])
        tg.faults.add("sendMessage", status=429, retry_after=1, times=1)
        runtime = Runtime(settings=Settings(telegram_api_url=tg.api_url), db=db)
        async with Bot(TEST_TOKEN, base_url=tg.api_url) as bot:
            limits = SendLimits(per_second=100, chat_interval_s=0)
            sender = outbox_sender(BotTransport(bot), runtime, limits=limits)
            sender.batch = 2  # two claimed, two left in the table
            sender.hold_retry_s = 0.5  # shorter than the pause: put back
            stop = asyncio.Event()
            task = asyncio.create_task(sender.run_until(stop, idle_poll_s=0.05))
            try:
                async with asyncio.timeout(20):
                    while len(tg.sent_messages()) < 4:
                        await asyncio.sleep(0.02)
            finally:
                stop.set()
                await task
        said = _said_per_chat(tg)
    assert tg.faults.injected == [("sendmessage", "429")]
    assert said[user.id] == [f"pesan {i}" for i in range(4)]
    assert await _statuses(db) == {OutboxStatus.SENT: 4}


def _said_per_chat(tg: FakeTelegram) -> dict[int, list[str]]:
    said: dict[int, list[str]] = defaultdict(list)
    for message in tg.sent_messages():
        said[message["chat"]["id"]].append(message["text"])
    return said


async def test_a_user_who_blocked_the_bot_becomes_unreachable(db: Database) -> None:
    async with FakeTelegram() as tg:
        user = tg.user(7001, first_name="Sri")
        await user.send_text("halo")
        user.block_bot()
        async with db.transaction() as session:
            session.add(
                Person(
                    id="KPM-1",
                    role=Role.PARTICIPANT,
                    name="Sri",
                    attributes={},
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
            await session.flush()
            session.add(
                TelegramAccount(
                    person_id="KPM-1",
                    telegram_user_id=7001,
                    chat_id=7001,
                    linked_at=NOW,
                    linked_by="invitation",
                )
            )
        await add_messages(db, [bulk(7001, "pertanyaan")])
        await drain(
            tg, db, SendLimits(), until=lambda: any(c.method == "sendMessage" for c in tg.calls)
        )
        await drain(tg, db, SendLimits(), until=lambda: True)
    async with db.sessions() as session:
        person = await session.get(Person, "KPM-1")
        row = (await session.execute(select(OutboxMessage))).scalar_one()
    assert person is not None and person.status is ParticipantStatus.UNREACHABLE
    assert row.status is OutboxStatus.FAILED and "blocked" in (row.error or "")


async def test_an_outcome_recorded_during_a_flush_is_written_without_a_next_message(
    db: Database,
) -> None:
    """The last message of a burst must be recorded while the sender keeps running;
    left `sending`, it would be sent a second time when its claim went stale."""
    await add_messages(db, [bulk(8001, "satu"), bulk(8002, "dua")])
    runtime = Runtime(settings=Settings(), db=db)
    sender = outbox_sender(BotTransport(Bot(TEST_TOKEN)), runtime)
    first, second = await sender.claim("bulk", 2)
    held, release = asyncio.Event(), asyncio.Event()

    async def hold_the_first_row() -> None:
        # Blocks the flush's write: the row lock on PostgreSQL, the write turn on SQLite.
        async with db.transaction() as session:
            await session.execute(
                select(OutboxMessage.id).where(OutboxMessage.id == first.row_id).with_for_update()
            )
            held.set()
            await release.wait()

    blocker = asyncio.create_task(hold_the_first_row())
    await held.wait()
    sent = Outcome(OutboxStatus.SENT, message_id=1)
    await sender.record(first, sent)
    async with asyncio.timeout(5):
        while sender.recorded:  # the flusher took the first outcome and waits to write it
            await asyncio.sleep(0.01)
    await sender.record(second, sent)
    release.set()
    await blocker
    try:
        async with asyncio.timeout(5):
            while await _statuses(db) != {OutboxStatus.SENT: 2}:
                await asyncio.sleep(0.02)
    finally:
        await sender.flush()


@contextlib.asynccontextmanager
async def _running_sender(
    tg: FakeTelegram, runtime: Runtime, *, idle_poll_s: float
) -> AsyncIterator[OutboxSender]:
    async with Bot(TEST_TOKEN, base_url=tg.api_url) as bot:
        stop = asyncio.Event()
        sender = outbox_sender(BotTransport(bot), runtime, limits=SendLimits(per_second=100))
        task = asyncio.create_task(sender.run_until(stop, idle_poll_s=idle_poll_s))
        try:
            yield sender
        finally:
            stop.set()
            await task


async def test_replies_written_claimed_are_sent_in_order_or_given_back_once_it_stops(
    db: Database,
) -> None:
    """The processor writes replies already claimed and hands them over; a sender that has
    stopped refuses them, and once released they go out with the next sender."""
    async with FakeTelegram() as tg:
        sri, budi = tg.user(9001, first_name="Sri"), tg.user(9002, first_name="Budi")
        for user in (sri, budi):
            await user.send_text("halo")
        runtime = Runtime(settings=Settings(telegram_api_url=tg.api_url), db=db)
        messages = [
            Outgoing(chat_id=sri.id, text="satu"),
            Outgoing(chat_id=budi.id, text="a"),
            bulk(sri.id, "pertanyaan"),  # not a reply: left for the sender to claim
            Outgoing(chat_id=sri.id, text="dua"),
            Outgoing(chat_id=budi.id, text="b"),
        ]
        async with db.transaction() as session:
            jobs = await enqueue(session, messages, now=NOW, claimed_by=runtime.worker)
        assert [(job.chat_id, _text(job)) for job in jobs] == [
            (sri.id, "satu"),
            (budi.id, "a"),
            (sri.id, "dua"),
            (budi.id, "b"),
        ]
        async with db.sessions() as session:
            rows = {
                row.payload["text"]: row
                for row in (await session.execute(select(OutboxMessage))).scalars()
            }
        assert {text: rows[text].status for text in ("satu", "dua", "pertanyaan")} == {
            "satu": OutboxStatus.SENDING,
            "dua": OutboxStatus.SENDING,
            "pertanyaan": OutboxStatus.PENDING,
        }
        assert all(rows[_text(job)].id == job.row_id for job in jobs)

        stopped = outbox_sender(BotTransport(Bot(TEST_TOKEN, base_url=tg.api_url)), runtime)
        assert runtime.reply_sender is None and not stopped.offer(jobs)
        async with db.transaction() as session:
            await release(session, jobs)

        async with _running_sender(tg, runtime, idle_poll_s=0.05), asyncio.timeout(10):
            while len(tg.sent_messages()) < 5:
                await asyncio.sleep(0.02)
        assert runtime.reply_sender is None, "a stopped sender takes no more replies"
        said = defaultdict(list)
        for message in tg.sent_messages():
            said[message["chat"]["id"]].append(message["text"])
        assert said[budi.id] == ["a", "b"]
        assert [t for t in said[sri.id] if t != "pertanyaan"] == ["satu", "dua"]
    async with db.sessions() as session:
        attempts = (await session.execute(select(OutboxMessage.attempts))).scalars().all()
    assert await _statuses(db) == {OutboxStatus.SENT: 5}
    assert sorted(attempts) == [1] * 5, "a released claim is not counted as an attempt"


async def _three_claimed_replies(db: Database, runtime: Runtime, chat_id: int) -> list[Job]:
    async with db.transaction() as session:
        return await enqueue(
            session,
            [Outgoing(chat_id=chat_id, text=f"balasan {n}") for n in range(3)],
            now=datetime.now(UTC),  # a fresh claim, which no lane takes over
            claimed_by=runtime.worker,
        )


async def test_a_running_sender_sends_what_is_handed_over_without_claiming_it(
    db: Database,
) -> None:
    async with FakeTelegram() as tg:
        user = tg.user(9101, first_name="Sri")
        await user.send_text("halo")
        runtime = Runtime(settings=Settings(telegram_api_url=tg.api_url), db=db)
        # The lanes look for due rows only once a minute: what arrives comes by hand.
        async with _running_sender(tg, runtime, idle_poll_s=60) as sender, asyncio.timeout(5):
            while runtime.reply_sender is not sender:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)  # the lanes' first look found nothing
            jobs = await _three_claimed_replies(db, runtime, user.id)
            assert sender.offer(jobs)
            while len(tg.sent_messages()) < 3:
                await asyncio.sleep(0.02)
        assert [m["text"] for m in tg.sent_messages()] == [f"balasan {n}" for n in range(3)]
    assert await _statuses(db) == {OutboxStatus.SENT: 3}


async def test_answers_to_button_presses_do_not_wait_for_a_message_slot(db: Database) -> None:
    """answerCallbackQuery is not a message: the spinner on a family's button stops at
    once, even while messages queue for Telegram's messages-a-second limit."""
    async with FakeTelegram() as tg:
        users = [tg.user(9200 + n, first_name=f"K{n}") for n in range(6)]
        calls: list[Message] = []
        for user in users:
            await user.send_text("halo")
            query = await user.press_data("x", message_id=1)
            calls.append(ButtonAnswer(user.id, query["id"]))
            calls.append(Outgoing(chat_id=user.id, text="pertanyaan berikutnya"))
        async with db.transaction() as session:
            await enqueue(session, calls, now=NOW)
        limits = SendLimits(per_second=4, chat_interval_s=0)
        async with virtual_sender(tg, db, limits) as (_, transport, clock):
            await clock.run_until(
                lambda: len(transport.sent()) == 12, busy=lambda: transport.in_flight > 0
            )
        answered = [c.at for c in transport.sent() if isinstance(c.message, ButtonAnswer)]
        sent = [c.at for c in transport.sent() if isinstance(c.message, Outgoing)]
        assert len(tg.sent_messages()) == 6
    assert len(answered) == 6
    assert max(answered) == 0.0, "no press waited for a message's slot"
    # Replies to people's own messages have no overall limit either, their chat's only.
    assert max(sent) == 0.0, "no reply waited for the bulk budget"
    assert await _statuses(db) == {OutboxStatus.SENT: 12}


async def test_a_chat_s_next_message_does_not_wait_for_outcomes_to_be_written(
    db: Database,
) -> None:
    """While the database's write turn is taken (the processor commits a large group), a
    chat's messages keep going out; their outcomes are written once it is free."""
    async with FakeTelegram() as tg:
        user = tg.user(9301, first_name="Sri")
        await user.send_text("halo")
        runtime = Runtime(settings=Settings(telegram_api_url=tg.api_url), db=db)
        jobs = await _three_claimed_replies(db, runtime, user.id)
        held, free = asyncio.Event(), asyncio.Event()

        async def hold_the_write_turn() -> None:
            async with db.transaction() as session:
                await session.execute(select(OutboxMessage.id).with_for_update())
                held.set()
                await free.wait()

        async with _running_sender(tg, runtime, idle_poll_s=60) as sender:
            sender.record_batch = 1  # every outcome makes a full batch
            blocker = asyncio.create_task(hold_the_write_turn())
            await held.wait()
            try:
                assert sender.offer(jobs)
                async with asyncio.timeout(5):
                    while len(tg.sent_messages()) < 3:
                        await asyncio.sleep(0.02)
            finally:
                free.set()
                await blocker
        assert [m["text"] for m in tg.sent_messages()] == [f"balasan {n}" for n in range(3)]
    assert await _statuses(db) == {OutboxStatus.SENT: 3}


def _text(job: Job) -> str:
    assert isinstance(job.message, Outgoing)
    return job.message.text


async def test_a_slow_answer_from_telegram_is_waited_for_not_sent_twice(db: Database) -> None:
    """Telegram sometimes answers after several seconds, having sent the message: giving
    up after PTB's 5 s and sending it again made the family get it twice."""
    async with FakeTelegram() as tg:
        user = tg.user(6201, first_name="Sri")
        await user.send_text("halo")
        await add_messages(db, [bulk(user.id, "pertanyaan")])
        tg.faults.add("sendMessage", delay=6.0, times=1)  # then performs the call
        runtime = Runtime(settings=Settings(telegram_api_url=tg.api_url), db=db)
        # Kabar's own request transport, with its timeouts (bot/tg/application.py).
        async with Bot(TEST_TOKEN, base_url=tg.api_url, request=AiohttpRequest()) as bot:
            limits = SendLimits(backoff_s=0.1)
            sender = outbox_sender(BotTransport(bot), runtime, limits=limits)
            stop = asyncio.Event()
            task = asyncio.create_task(sender.run_until(stop, idle_poll_s=0.05))
            try:
                async with asyncio.timeout(20):
                    while await _statuses(db) != {OutboxStatus.SENT: 1}:
                        await asyncio.sleep(0.1)
            finally:
                stop.set()
                await task
        await asyncio.sleep(1.5)  # a first attempt given up on would land by now
        assert [m["text"] for m in tg.sent_messages(user.id)] == ["pertanyaan"]


async def _round_and_family(tg: FakeTelegram, db: Database, first: int, size: int) -> int:
    """A round's question waiting for each of `size` chats, and a family who just wrote."""
    chats = [tg.user(first + n) for n in range(size)]
    for user in chats:
        await user.send_text("halo")
    family = tg.user(first + 99, first_name="Sri")
    await family.send_text("5 kg")
    await add_messages(db, [bulk(u.id, "pertanyaan") for u in chats])
    return family.id


async def _offer_reply(sender: OutboxSender, chat_id: int, text: str) -> None:
    async with sender.runtime.db.transaction() as session:
        replies = await enqueue(
            session,
            [Outgoing(chat_id=chat_id, text=text)],
            now=datetime.now(UTC),
            claimed_by=sender.runtime.worker,
        )
    assert sender.offer(replies)


async def test_a_family_s_reply_is_not_held_to_the_bulk_budget_of_a_round_going_out(
    db: Database,
) -> None:
    """Replies to a family's own message have no overall limit at Telegram: while a round
    goes out at the bulk rate, a family's next question leaves at once, and the round keeps
    its rate."""
    async with FakeTelegram() as tg:
        family = await _round_and_family(tg, db, 5600, 60)
        limits = SendLimits(per_second=10, chat_interval_s=1.0)
        async with virtual_sender(tg, db, limits) as (sender, transport, clock):
            busy = lambda: transport.in_flight > 0  # noqa: E731
            await clock.run_until(lambda: len(transport.sent()) >= 20, busy=busy)
            asked = clock.now()
            await _offer_reply(sender, family, "pertanyaan berikutnya")
            await clock.run_until(lambda: len(transport.sent()) == 61, busy=busy)
        sent = transport.sent()
        [reply] = [c for c in sent if c.message.chat_id == family]
        assert reply.at == asked, "the reply waited for nothing"
        round_ = [c.at for c in sent if c.message.chat_id != family]
        assert _max_in_any_second(round_) <= 10
        assert round_[-1] - round_[0] < 60 / 9, "and the round kept its rate"


async def test_a_429_slows_replies_too_and_a_chat_s_replies_keep_its_limit(
    db: Database,
) -> None:
    """Telegram's 429 asks the bot to wait: every lane waits, replies as well; and a burst
    of replies to one chat is spread to the chat's limit (3 in a window)."""
    async with FakeTelegram() as tg:
        family = await _round_and_family(tg, db, 5700, 5)
        tg.faults.add("sendMessage", status=429, retry_after=5, times=1)
        limits = SendLimits(per_second=10, chat_interval_s=1.0)
        async with virtual_sender(tg, db, limits) as (sender, transport, clock):
            busy = lambda: transport.in_flight > 0  # noqa: E731
            await clock.run_until(lambda: any(c.error for c in transport.calls), busy=busy)
            [throttled] = [c for c in transport.calls if c.error is not None]
            assert throttled.failed_at is not None
            for n in range(5):
                await _offer_reply(sender, family, f"balasan {n}")
            await clock.run_until(lambda: len(transport.sent()) == 10, busy=busy)
        replies = [c.at for c in transport.sent() if c.message.chat_id == family]
        assert min(replies) >= throttled.failed_at + 5, "no reply went during the pause"
        assert replies[3] - replies[0] >= 1.0, "at most three to one chat in a second"
        assert [m["text"] for m in tg.sent_messages(family)] == [f"balasan {n}" for n in range(5)]
