"""Look-ups on the answer path that must not grow with the outbox (#14): after a round or a
broadcast for a province, each family's press or reply still costs the same.

- press: a press that moves on (and an answer typed as a button's word) asks which of the
  bot's messages shows the family's question (bot/dialogue/screen.py). A round for N
  families is opened, its messages marked sent as the sender would, and the look-up timed
  (median of 50) for the round's first, middle and last family: the first families'
  messages are the oldest in the outbox.
- reply: a message a family sends outside a check-in is passed on if it answers a broadcast
  sent to them in the last hours (bot/domain/broadcasts/replies.py). A broadcast's rows are
  written for N families as the sender leaves them, and that look-up timed for the first
  and the last family.

Run: .venv/bin/python tests/benchmarks/bench_lookups_at_scale.py press|reply [--families N]
     [--database postgresql://postgres@127.0.0.1:5432/postgres --name kabar_lookup]
     [--kabar-root OTHER_CHECKOUT]   # that checkout's code (its look-ups and migrations)
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPEAT = 50
FIRST_CHAT = 1_000_000


async def median_time(call: Callable[[], Awaitable[object]]) -> float:
    """The median of REPEAT timed calls."""
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def press(url: str, families: int) -> list[tuple[str, float]]:
    from sqlalchemy import select, update

    from bot.db.database import Database
    from bot.db.migrate import upgrade
    from bot.db.models import Cohort, Conversation, OutboxMessage, TelegramAccount
    from bot.dialogue.screen import question_message_id
    from bot.domain.rounds.opening import open_round
    from tests.benchmarks.bench_round_open import NOW, seed

    upgrade(url)
    db = Database(url)
    try:
        cohort_id = await seed(db, families)
        async with db.transaction() as session:
            cohort = await session.get(Cohort, cohort_id)
            assert cohort is not None
            await open_round(session, cohort, now=NOW)
            # As the sender leaves them: sent, each with its Telegram message id.
            await session.execute(
                update(OutboxMessage).values(status="sent", telegram_message_id=OutboxMessage.id)
            )
        # The look-up of the code under test: by the person (before) or by the chat.
        by_chat = "chat_id" in inspect.signature(question_message_id).parameters
        results = []
        for label, number in (("first", 0), ("middle", families // 2), ("last", families - 1)):
            person = f"KPM-{number:07d}"
            async with db.sessions() as session:
                conversation = await session.scalar(
                    select(Conversation.id).where(Conversation.person_id == person)
                )
                chat = await session.scalar(
                    select(TelegramAccount.chat_id).where(TelegramAccount.person_id == person)
                )
                assert conversation is not None and chat is not None
                key = chat if by_chat else person
                assert await question_message_id(session, key, conversation, 1) is not None
                taken = await median_time(
                    partial(question_message_id, session, key, conversation, 1)
                )
            results.append((label, taken))
        return results
    finally:
        await db.dispose()


async def reply(url: str, families: int) -> list[tuple[str, float]]:
    from sqlalchemy import insert

    from bot.db.database import Database
    from bot.db.migrate import upgrade
    from bot.db.models import Broadcast, OutboxMessage
    from bot.domain.broadcasts.replies import last_broadcast

    upgrade(url)
    db = Database(url)
    now = datetime.now(UTC)
    try:
        async with db.transaction() as session:
            broadcast = Broadcast(text="Pengumuman", send_at=now, created_at=now)
            session.add(broadcast)
            await session.flush()
            for start in range(0, families, 20_000):
                rows = [
                    {
                        "chat_id": FIRST_CHAT + n,
                        "person_id": f"KPM-{n:07d}",
                        "kind": "send",
                        "payload": {"text": "Pengumuman"},
                        "status": "sent",
                        "broadcast_id": broadcast.id,
                        "sent_at": now - timedelta(minutes=1),
                        "created_at": now,
                        "not_before": now,
                    }
                    for n in range(start, min(start + 20_000, families))
                ]
                await session.execute(insert(OutboxMessage), rows)
        # The look-up of the code under test: by the person (before) or by the chat.
        by_chat = "chat_id" in inspect.signature(last_broadcast).parameters
        results = []
        async with db.sessions() as session:
            for label, n in (("first", 0), ("last", families - 1)):
                key: int | str = FIRST_CHAT + n if by_chat else f"KPM-{n:07d}"
                assert await last_broadcast(session, key, now) == broadcast.id  # type: ignore[arg-type]
                taken = await median_time(partial(last_broadcast, session, key, now))  # type: ignore[arg-type]
                results.append((label, taken))
        return results
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("which", choices=sorted(LOOKUPS))
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--database", help="a PostgreSQL admin URL; default: a SQLite file")
    parser.add_argument("--name", default="kabar_lookup", help="PostgreSQL: the database made")
    parser.add_argument("--kabar-root", help="measure that checkout's code (its bot/)")
    args = parser.parse_args()
    # The other checkout's bot package first; this checkout's benchmarks after.
    sys.path[:0] = [str(Path(args.kabar_root).resolve())] if args.kabar_root else []
    sys.path.insert(1 if args.kabar_root else 0, str(ROOT))
    from tests.benchmarks.bench_round_open import fresh_postgres

    print(f"load: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        if args.database:
            url = fresh_postgres(args.database, args.name)
        else:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
        results = asyncio.run(LOOKUPS[args.which](url, args.families))
    code = args.kabar_root or "this checkout"
    for label, seconds in results:
        print(
            f"| {code} | {args.families:,} | {label} family's {args.which} "
            f"| {seconds * 1000:.2f} ms |",
            flush=True,
        )


LOOKUPS: dict[str, Callable[[str, int], Awaitable[list[tuple[str, float]]]]] = {
    "press": press,
    "reply": reply,
}

if __name__ == "__main__":
    main()
