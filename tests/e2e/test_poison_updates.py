"""One bad update stops nobody: what a database refuses is cleaned, what cannot be read is set
aside (quarantined) and acknowledged, its sender told once, and everyone else answered."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.db.database import Database
from bot.db.models import InboxUpdate, QuarantinedUpdate
from bot.sandbox.fakeapi import FakeUser
from tests.app.support import until
from tests.conftest import ON_POSTGRES
from tests.support.inprocess import body, running_kabar

pytestmark = pytest.mark.e2e

WELCOME = "Untuk bergabung"
NOT_READ = {
    "id": "Maaf, pesan terakhir Anda tidak bisa dibaca. Silakan kirim lagi, kalau bisa dengan "
    "kata-kata lain.",
    "jv": "Nyuwun sewu, pesen pungkasan sampeyan mboten saged dipunwaos. Monggo dipunkirim "
    "malih, menawi saged ngagem tembung sanes.",
}


def message(
    user_id: Any, text: str = "halo", *, chat_id: Any = None, language: str | None = None
) -> dict[str, Any]:
    """A private-chat text message update as Telegram's (update_id set by the caller)."""
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Sri"}
    if language is not None:
        user["language_code"] = language
    chat = {"id": user_id if chat_id is None else chat_id, "type": "private"}
    return {
        "update_id": 0,
        "message": {
            "message_id": 1,
            "date": 1_767_000_000,
            "chat": chat,
            "from": user,
            "text": text,
        },
    }


def nested(depth: int) -> Any:
    value: Any = "dasar"
    for _ in range(depth):
        value = {"isi": value}
    return value


async def quarantined(db: Database) -> list[QuarantinedUpdate]:
    async with db.sessions() as session:
        query = select(QuarantinedUpdate).order_by(QuarantinedUpdate.id)
        return list((await session.execute(query)).scalars())


async def replies(user: FakeUser, count: int) -> list[str]:
    return [(await user.next_reply(timeout=15)).text for _ in range(count)]


async def all_handled(db: Database) -> bool:
    async with db.sessions() as session:
        waiting = await session.scalar(
            select(InboxUpdate.update_id).where(InboxUpdate.processed_at.is_(None)).limit(1)
        )
    return waiting is None


# --- long polling -------------------------------------------------------------------------


@pytest.mark.parametrize("poison", ["halo\x00", "halo\ud800"], ids=["nul", "lone-surrogate"])
async def test_a_text_the_database_refuses_is_cleaned_and_answered(
    database_url: str, db: Database, poison: str
) -> None:
    """PostgreSQL refuses NUL and lone surrogates in JSONB: the poller used to retry the
    batch forever and nobody got a reply."""
    async with running_kabar(database_url) as kabar:
        sri = kabar.tg.user(4001, first_name="Sri", language_code="id", started=True)
        budi = kabar.tg.user(4002, first_name="Budi", language_code="id", started=True)
        kabar.push(message(sri.id, poison, language="id"))
        await budi.send_command("start")
        assert WELCOME in (await budi.next_reply(timeout=15)).text
        assert WELCOME in (await sri.next_reply(timeout=15)).text
        await until(lambda: kabar.tg.pending_updates == 0)
    async with db.sessions() as session:
        row = (
            await session.execute(select(InboxUpdate).where(InboxUpdate.chat_id == sri.id))
        ).scalar_one()
    assert row.payload["message"]["text"] in ("halo", "halo\ufffd")
    assert row.raw is not None and json.loads(row.raw)["message"]["text"] == poison
    assert await quarantined(db) == []


async def test_unreadable_ids_are_set_aside_and_the_rest_of_the_batch_is_answered(
    database_url: str, db: Database
) -> None:
    """A non-numeric chat id, a chat id beyond 64 bits: each once made storing the whole
    batch fail, forever."""
    async with running_kabar(database_url) as kabar:
        budi = kabar.tg.user(4102, first_name="Budi", language_code="id", started=True)
        kabar.push(message(4101, chat_id="abc"))
        kabar.push(message(2**70))
        await budi.send_command("start")  # in the same batch, after both
        assert WELCOME in (await budi.next_reply(timeout=15)).text
        await until(lambda: kabar.tg.pending_updates == 0)
        warnings = [r for r in kabar.log.since(0) if "set aside" in r.getMessage()]
    rows = await quarantined(db)
    assert [row.reason for row in rows] == [
        "chat id is not a 64-bit integer",
        "user id is not a 64-bit integer",
    ]
    assert all(row.chat_id is None and row.update_id is not None for row in rows)
    assert len(warnings) == 2 and all(r.exc_info is None for r in warnings)
    assert all("Sri" not in r.getMessage() and "halo" not in r.getMessage() for r in warnings)


async def test_an_update_set_aside_is_told_once_in_the_senders_language(
    database_url: str, db: Database
) -> None:
    """Nested far deeper than Telegram nests: set aside, and the sender is told (once an
    hour, however many such messages) in their language; Indonesian when unknown."""
    async with running_kabar(database_url) as kabar:
        sri = kabar.tg.user(4201, first_name="Sri", language_code="jv", started=True)
        tono = kabar.tg.user(4202, first_name="Tono", started=True)
        for user, language in ((sri, "jv"), (sri, "jv"), (tono, None)):
            deep = message(user.id, language=language)
            deep["message"]["reply_markup"] = nested(100)
            kabar.push(deep)
        assert await replies(sri, 1) == [NOT_READ["jv"]]
        assert await replies(tono, 1) == [NOT_READ["id"]]
        await sri.assert_no_reply(within=0.5)
    rows = await quarantined(db)
    assert [(row.chat_id, row.reason) for row in rows] == [
        (4201, "nested too deeply"),
        (4201, "nested too deeply"),
        (4202, "nested too deeply"),
    ]
    assert [row.notified_at is not None for row in rows] == [True, False, True]
    assert all(row.raw and json.loads(row.raw)["message"]["chat"]["id"] for row in rows)


async def _refuse_update_of_chat(db: Database, chat_id: int) -> None:
    """The database refuses one chat's updates (as it would a value it cannot store)."""
    async with db.transaction() as session:
        if ON_POSTGRES:
            await session.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"IF NEW.chat_id = {chat_id} THEN RAISE EXCEPTION 'refused' "
                    "USING ERRCODE = 'data_exception'; END IF; RETURN NEW; END $$"
                )
            )
            await session.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON inbox_updates "
                    "FOR EACH ROW EXECUTE FUNCTION refuse()"
                )
            )
        else:
            await session.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON inbox_updates "
                    f"WHEN NEW.chat_id = {chat_id} BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )


async def test_an_update_the_database_keeps_refusing_is_set_aside_after_a_few_tries(
    database_url: str, db: Database
) -> None:
    await _refuse_update_of_chat(db, 4301)
    async with running_kabar(database_url) as kabar:
        sri = kabar.tg.user(4301, first_name="Sri", language_code="id", started=True)
        budi = kabar.tg.user(4302, first_name="Budi", language_code="id", started=True)
        await sri.send_text("halo")
        await budi.send_command("start")
        assert WELCOME in (await budi.next_reply(timeout=15)).text
        assert await replies(sri, 1) == [NOT_READ["id"]]
        await until(lambda: kabar.tg.pending_updates == 0)
        log = [r.getMessage() for r in kabar.log.since(0)]
    rows = await quarantined(db)
    assert [(row.chat_id, row.reason[:29]) for row in rows] == [
        (4301, "could not be stored 3 times ("),
    ]
    assert sum("could not be stored (" in line for line in log) == 2  # tries 1 and 2
    assert sum("set aside" in line for line in log) == 1


# --- webhooks -----------------------------------------------------------------------------


async def test_by_webhook_an_update_the_database_keeps_refusing_is_set_aside_after_a_few_tries(
    database_url: str, db: Database
) -> None:
    """Answered 500 (Telegram delivers it again) until the last try, then set aside and 200."""
    await _refuse_update_of_chat(db, 4501)
    async with running_kabar(database_url, webhook=True) as kabar:
        sri = kabar.tg.user(4501, first_name="Sri", language_code="jv", started=True)
        update = body(message(sri.id, language="jv") | {"update_id": 10**10})
        assert [await kabar.post(update) for _ in range(4)] == [500, 500, 200, 200]
        assert await replies(sri, 1) == [NOT_READ["jv"]]
        await sri.assert_no_reply(within=0.5)
    assert [(row.update_id, row.chat_id) for row in await quarantined(db)] == [(10**10, 4501)]


def _webhook_cases() -> list[tuple[str, bytes, int, str | None]]:
    """(name, body, status, reason it is set aside with, if it is)."""
    not_a_number = message(4401) | {"update_id": 13}
    not_a_number["message"]["text"] = float("nan")
    deep = b'{"update_id": 9, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    return [
        ("update_id 2^70", body(message(4401) | {"update_id": 2**70}), 400, None),
        ("100,000 deep", deep, 400, None),
        (
            "non-numeric chat id",
            body(message(4401, chat_id="abc") | {"update_id": 11}),
            200,
            "chat id is not a 64-bit integer",
        ),
        (
            "nested 100 deep",
            body(message(4401, text="x") | {"update_id": 12, "x": nested(100)}),
            200,
            "nested too deeply",
        ),
        ("NaN", body(not_a_number), 200, None),
    ]


@pytest.mark.parametrize(
    ("name", "raw", "status", "reason"), _webhook_cases(), ids=[c[0] for c in _webhook_cases()]
)
async def test_a_hostile_webhook_body_gets_a_clear_answer_and_nobody_waits(
    database_url: str, db: Database, name: str, raw: bytes, status: int, reason: str | None
) -> None:
    async with running_kabar(database_url, webhook=True) as kabar:
        budi = kabar.tg.user(4402, first_name="Budi", language_code="id", started=True)
        start = len(kabar.log.records)
        assert await kabar.post(raw) == status
        assert await kabar.post(raw) == status  # Telegram delivers again: the same answer
        await budi.send_command("start")
        assert WELCOME in (await budi.next_reply(timeout=15)).text
        await until(lambda: all_handled(db))
        logged = kabar.log.since(start)
    rows = await quarantined(db)
    assert [row.reason for row in rows] == ([reason] if reason else [])
    assert all(r.exc_info is None for r in logged), "no traceback"
    assert len(logged) <= 2, [r.getMessage() for r in logged]  # a line each delivery at most
