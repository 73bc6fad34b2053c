"""An erasure and a transaction writing for the same family at the same time: whichever
goes first, nothing stays under the erased id, neither a message (which names her and
would be sent) nor a conversation. The outbox's and the conversations' person ids have no
foreign key (migrations 0015 and 0018); row locks do what the key did
(bot/db/person_locks.py).

PostgreSQL only: there, two transactions really run at once; on SQLite writers take turns.
Each interleaving is made step by step with events, and a step that must wait is seen
waiting in pg_stat_activity, not guessed with a sleep.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.services import Services
from bot.db.database import Database
from bot.db.models import (
    Cohort,
    Conversation,
    OutboxMessage,
    ParticipantStatus,
    Person,
    Role,
)
from bot.domain.people.erasure import forget
from bot.domain.rounds.opening import open_round
from bot.messaging.messages import Message, Outgoing
from bot.messaging.outbox import enqueue
from conversations.checkin import CHECKIN
from tests.conftest import ON_POSTGRES
from tests.domain.rounds.support import CREATED, seed_cohort

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="two writers at once need PostgreSQL (KABAR_TEST_DATABASE_URL)"
)

SITI, ANI = "tenun-2026-00000", "tenun-2026-00001"
SITI_CHAT, ANI_CHAT = 10_000, 10_001
LATER = CREATED + timedelta(hours=1)

Write = Callable[[AsyncSession, Person], Awaitable[None]]


async def _reply_to_both(session: AsyncSession, siti: Person) -> None:
    """The update processor's group: one enqueue for both families' replies."""
    messages: list[Message] = [
        Outgoing(SITI_CHAT, f"Terima kasih, {siti.name}", person_id=SITI),
        Outgoing(ANI_CHAT, "Terima kasih, Ani", person_id=ANI),
    ]
    await enqueue(session, messages, now=LATER)


async def _take_up_siti(session: AsyncSession, siti: Person) -> None:
    """Siti, paused when the round opened, takes it up: her conversation starts."""
    round_id = await session.scalar(select(func.max(Conversation.round_id)))
    first = await Services().runner.start(
        session,
        person=siti,
        chat_id=SITI_CHAT,
        flow_name=CHECKIN.name,
        now=LATER,
        round_id=round_id,
    )
    await enqueue(session, first, now=LATER)


async def _seed(db: Database) -> None:
    """Two families; Siti paused, so the round opens for Ani only."""
    cohort_id = await seed_cohort(db, 2)
    async with db.transaction() as session:
        await session.execute(
            update(Person).where(Person.id == SITI).values(status=ParticipantStatus.PAUSED)
        )
        cohort = await session.get(Cohort, cohort_id)
        assert cohort is not None
        await open_round(session, cohort, now=CREATED)


async def _until_one_waits(db: Database) -> None:
    """Returns once a transaction of this test's database waits for a lock."""
    async with asyncio.timeout(10), db.sessions() as session:
        while not await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ):
            await session.rollback()  # a fresh snapshot of the activity each time


async def _erase_siti(session: AsyncSession) -> str:
    erased = await forget(session, SITI, actor="operator", now=LATER, media=None)
    return erased.anonymous_id


async def _erasure(db: Database) -> str:
    """Siti's erasure in a transaction of its own; her anonymous id."""
    async with db.transaction() as session:
        return await _erase_siti(session)


async def _writer_holding(db: Database, write: Write) -> tuple[asyncio.Task[None], asyncio.Event]:
    """A writer that read Siti and wrote for her; it commits once the event is set."""
    written, commit = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as session:
            siti = await session.get(Person, SITI)
            assert siti is not None
            await write(session, siti)
            written.set()
            await commit.wait()

    task = asyncio.create_task(writer())
    await written.wait()
    return task, commit


async def _left_under_sitis_id(db: Database) -> list[tuple[str, object]]:
    async with db.sessions() as session:
        messages = await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.payload).where(
                (OutboxMessage.person_id == SITI) | (OutboxMessage.chat_id == SITI_CHAT)
            )
        )
        conversations = await session.scalars(
            select(Conversation.id).where(Conversation.person_id == SITI)
        )
        return [("message", row) for row in messages] + [
            ("conversation", row) for row in conversations
        ]


async def _anis_replies(db: Database) -> int:
    async with db.sessions() as session:
        return int(
            await session.scalar(
                select(func.count()).where(
                    OutboxMessage.person_id == ANI, OutboxMessage.created_at == LATER
                )
            )
            or 0
        )


@pytest.mark.parametrize("write", [_reply_to_both, _take_up_siti])
async def test_a_writer_that_read_her_before_the_erasure_waits_then_writes_nothing_for_her(
    db: Database, write: Write
) -> None:
    await _seed(db)
    read, erased = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as session:
            siti = await session.get(Person, SITI)  # read before the erasure began
            assert siti is not None
            read.set()
            await erased.wait()
            await write(session, siti)  # waits for the erasure's lock on her row

    writing = asyncio.create_task(writer())
    await read.wait()
    async with db.transaction() as session:
        await _erase_siti(session)
        erased.set()
        await _until_one_waits(db)  # the writer, on Siti's row
        assert not writing.done()
    await writing  # the erasure committed: the writer goes on

    assert await _left_under_sitis_id(db) == []
    if write is _reply_to_both:
        assert await _anis_replies(db) == 1  # the rest of the batch went through


@pytest.mark.parametrize("write", [_reply_to_both, _take_up_siti])
async def test_an_erasure_waits_for_a_writer_that_locked_first_then_takes_its_rows_along(
    db: Database, write: Write
) -> None:
    await _seed(db)
    writing, commit = await _writer_holding(db, write)
    erasing = asyncio.create_task(_erasure(db))
    await _until_one_waits(db)  # the erasure, on Siti's row
    assert not erasing.done()
    commit.set()
    await writing
    anonymous = await erasing

    assert await _left_under_sitis_id(db) == []
    async with db.sessions() as session:
        kept = await session.scalar(select(func.count()).where(Conversation.person_id == anonymous))
    # Her conversation, if one was started, counts on under the anonymous id.
    assert kept == (1 if write is _take_up_siti else 0)
    if write is _reply_to_both:
        assert await _anis_replies(db) == 1


async def _open(session: AsyncSession) -> int:
    cohort = (await session.execute(select(Cohort))).scalar_one()
    return (await open_round(session, cohort, now=LATER)).participants


async def test_a_round_opening_during_an_erasure_waits_and_leaves_her_out(db: Database) -> None:
    await seed_cohort(db, 2)
    erased = asyncio.Event()

    async def opening() -> int:
        await erased.wait()
        async with db.transaction() as session:
            return await _open(session)

    opening_task = asyncio.create_task(opening())
    async with db.transaction() as session:
        await _erase_siti(session)
        erased.set()
        await _until_one_waits(db)  # the opening, before it reads the families
    assert await opening_task == 1  # Ani only
    assert await _left_under_sitis_id(db) == []


async def test_an_erasure_during_a_round_opening_waits_and_takes_her_check_in_along(
    db: Database,
) -> None:
    await seed_cohort(db, 2)
    opened, commit = asyncio.Event(), asyncio.Event()

    async def opening() -> int:
        async with db.transaction() as session:
            participants = await _open(session)
            opened.set()
            await commit.wait()
            return participants

    opening_task = asyncio.create_task(opening())
    await opened.wait()
    erasing = asyncio.create_task(_erasure(db))
    await _until_one_waits(db)  # the erasure, for the opening
    commit.set()
    assert await opening_task == 2
    anonymous = await erasing
    assert await _left_under_sitis_id(db) == []
    async with db.sessions() as session:
        roles = await session.scalars(select(Person.role).where(Person.id == anonymous))
        assert list(roles) == [Role.PARTICIPANT]
        moved = await session.scalar(
            select(func.count()).where(Conversation.person_id == anonymous)
        )
    assert moved == 1


async def test_a_writer_that_changed_her_conversation_and_an_erasure_deadlock_and_one_gives_way(
    db: Database,
) -> None:
    """The group changed her conversation, then enqueues for her: it waits for the erasure,
    which waits for the conversation. PostgreSQL ends one; nothing is left under her id."""
    await seed_cohort(db, 2)
    async with db.transaction() as session:
        await _open(session)
    changed, erasing_started = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as session:
            siti = await session.get(Person, SITI)
            assert siti is not None
            await session.execute(
                update(Conversation).where(Conversation.person_id == SITI).values(step="sold")
            )
            changed.set()
            await erasing_started.wait()
            await _reply_to_both(session, siti)

    writing = asyncio.create_task(writer())
    await changed.wait()
    erasing = asyncio.create_task(_erasure(db))
    await _until_one_waits(db)  # the erasure, on her conversation
    erasing_started.set()
    outcomes = await asyncio.gather(writing, erasing, return_exceptions=True)

    wrote, erased = (not isinstance(o, BaseException) for o in outcomes)
    assert wrote != erased  # one of them was ended
    ended = next(o for o in outcomes if isinstance(o, BaseException))
    assert "deadlock" in str(ended)
    async with db.sessions() as session:
        assert (await session.get(Person, SITI) is None) == erased
    if erased:  # then the group's rows were moved along, or never written
        assert await _left_under_sitis_id(db) == []


async def test_writers_for_the_same_family_and_a_change_of_her_status_do_not_wait_for_each_other(
    db: Database,
) -> None:
    """The lock is the one a key's check takes: only an erasure waits for it."""
    await _seed(db)
    holding, done = await _writer_holding(db, _reply_to_both)
    async with asyncio.timeout(10):  # would wait for the first for good if they conflicted
        async with db.transaction() as session:
            siti = await session.get(Person, SITI)
            assert siti is not None
            await _reply_to_both(session, siti)
        async with db.transaction() as session:
            await session.execute(
                update(Person).where(Person.id == SITI).values(status=ParticipantStatus.ACTIVE)
            )
    done.set()
    await holding
    async with db.sessions() as session:
        replies = await session.scalar(select(func.count()).where(OutboxMessage.person_id == SITI))
    assert replies == 2
