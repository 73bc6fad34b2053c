"""Long polling: getUpdates offset semantics and a PTB Application talking to fake users."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Conflict
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox.fakeapi import FakeTelegram


async def test_offset_confirms_and_never_returns_older_updates(
    tg: FakeTelegram, ptb_bot: Bot
) -> None:
    user = tg.user(1001)
    for text in ("a", "b", "c"):
        await user.send_text(text)
    first = await ptb_bot.get_updates(timeout=0, limit=2)
    assert [u.message.text for u in first if u.message] == ["a", "b"]
    ids = [u.update_id for u in first]
    assert ids[1] == ids[0] + 1

    again = await ptb_bot.get_updates(offset=ids[1], timeout=0)
    assert [u.update_id for u in again] == [ids[1], ids[1] + 1]
    rest = await ptb_bot.get_updates(offset=ids[1] + 1, timeout=0)
    assert [u.message.text for u in rest if u.message] == ["c"]
    assert await ptb_bot.get_updates(offset=ids[1] + 2, timeout=0) == ()
    assert tg.pending_updates == 0


async def test_long_poll_returns_early_when_an_update_arrives(
    tg: FakeTelegram, ptb_bot: Bot
) -> None:
    user = tg.user(1001)

    async def send_later() -> None:
        await asyncio.sleep(0.2)
        await user.send_text("halo")

    started = time.monotonic()
    sender = asyncio.create_task(send_later())
    updates = await ptb_bot.get_updates(timeout=5)
    await sender
    assert 0.15 < time.monotonic() - started < 2
    assert [u.message.text for u in updates if u.message] == ["halo"]

    started = time.monotonic()
    assert (
        await ptb_bot.get_updates(
            offset=updates[0].update_id + 1, timeout=dtm.timedelta(milliseconds=300)
        )
        == ()
    )
    assert time.monotonic() - started >= 0.25


async def test_allowed_updates_filters_update_types(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001)
    await user.send_text("text")
    await user.press_data("data")
    updates = await ptb_bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates if u.callback_query] == ["data"]
    assert len(updates) == 1
    await user.send_text("dropped: not an allowed type")
    assert tg.pending_updates == 1


async def test_get_updates_conflicts_with_webhook(tg: FakeTelegram, ptb_bot: Bot) -> None:
    await ptb_bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await ptb_bot.get_updates(timeout=0)


@pytest.fixture
async def application(tg: FakeTelegram, token: str) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message and update.effective_user
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Ya", callback_data="ans:yes"),
                    InlineKeyboardButton("Tidak", callback_data="ans:no"),
                ]
            ]
        )
        args = " ".join(context.args or [])
        await update.effective_message.reply_text(
            f"Selamat datang, {update.effective_user.first_name}! ({args})", reply_markup=keyboard
        )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message and update.effective_message.text
        await update.effective_message.reply_text(f"Dicatat: {update.effective_message.text}")

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data
        await query.answer("Terima kasih")
        await query.edit_message_text(f"Jawaban: {query.data.split(':')[1]}")

    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(tg.api_url)
        .base_file_url(tg.file_url)
        .get_updates_read_timeout(2)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(answer))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1, poll_interval=0)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def test_application_polling_round_trip(
    tg: FakeTelegram,
    application: Application,  # type: ignore[type-arg]
) -> None:
    siti = tg.user(1001, first_name="Siti", language_code="id")
    await siti.send_command("start", "ABC")
    welcome = await siti.next_reply(timeout=5)
    assert welcome.text == "Selamat datang, Siti! (ABC)"
    assert welcome.buttons == [["Ya", "Tidak"]]

    await siti.send_text("5 kg")
    assert (await siti.next_reply(timeout=5)).text == "Dicatat: 5 kg"

    await siti.press("Ya")
    replies = await siti.replies_until(lambda e: e.kind == "edit", timeout=5)
    assert [(e.kind, e.text) for e in replies] == [
        ("callback_answer", "Terima kasih"),
        ("edit", "Jawaban: yes"),
    ]
    await siti.assert_no_reply(within=0.1)
    assert tg.render_transcript(siti.id) == (
        "> /start ABC\n"
        "< Selamat datang, Siti! (ABC)\n"
        "  [Ya] [Tidak]\n"
        "> 5 kg\n"
        "< Dicatat: 5 kg\n"
        "> (pressed) Ya\n"
        "< (callback answer) Terima kasih\n"
        "< (edited #2) Jawaban: yes\n"
    )
    methods = {call.method for call in tg.calls}
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage"} <= methods


async def test_next_reply_timeout_lists_transcript(tg: FakeTelegram) -> None:
    user = tg.user(77, first_name="Budi")
    await user.send_text("halo?")
    with pytest.raises(TimeoutError, match=r"(?s)no reply.*> halo\?"):
        await user.next_reply(timeout=0.05)
