"""A button press's look-up of the message that shows its question, after a big round opens.

A press that moves on (and an answer typed as a button's word) asks which of the bot's
messages shows the family's current question (bot/dialogue/screen.py). This opens a round
for N families, marks its messages sent as the sender would, and times that look-up for
families at the start, middle and end of the round: the round's first families' messages
are the oldest in the outbox.

Run: .venv/bin/python tests/benchmarks/bench_press_lookup.py [--families 100000]
     [--database postgresql://postgres@127.0.0.1:5432/postgres --name kabar_press]
     [--kabar-root OTHER_CHECKOUT]   # that checkout's code (its look-up and migrations)
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPEAT = 50


async def measure(url: str, families: int) -> list[tuple[str, float]]:
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
                times = []
                for _ in range(REPEAT):
                    started = time.perf_counter()
                    await question_message_id(session, key, conversation, 1)
                    times.append(time.perf_counter() - started)
            results.append((label, statistics.median(times)))
        return results
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--database", help="a PostgreSQL admin URL; default: a SQLite file")
    parser.add_argument("--name", default="kabar_press", help="PostgreSQL: the database made")
    parser.add_argument("--kabar-root", help="measure that checkout's code (its bot/)")
    args = parser.parse_args()
    # The other checkout's bot package first; this checkout's benchmarks and tests after.
    sys.path[:0] = [str(Path(args.kabar_root).resolve())] if args.kabar_root else []
    sys.path.insert(1 if args.kabar_root else 0, str(ROOT))
    from tests.benchmarks.bench_round_open import fresh_postgres

    print(f"load: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        if args.database:
            url = fresh_postgres(args.database, args.name)
        else:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
        results = asyncio.run(measure(url, args.families))
    code = args.kabar_root or "this checkout"
    for label, seconds in results:
        print(
            f"| {code} | {args.families:,} | {label} family's press | {seconds * 1000:.2f} ms |",
            flush=True,
        )


if __name__ == "__main__":
    main()
