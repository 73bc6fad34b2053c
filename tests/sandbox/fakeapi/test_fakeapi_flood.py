"""The fake's limits mode answers 429 where Telegram would: beyond 30 messages in a second,
or a burst in one chat; answers to button presses are not counted."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.sandbox.fakeapi import FakeTelegram

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_the_31st_message_in_a_second_is_refused(tg: FakeTelegram, ptb_bot: Bot) -> None:
    clock = [100.0]
    flood = tg.enforce_limits(30, retry_after=2)
    flood.now = lambda: clock[0]
    users = [tg.user(2000 + n, started=True) for n in range(31)]
    for user in users[:30]:
        await ptb_bot.send_message(user.id, "pertanyaan")
    with pytest.raises(RetryAfter) as caught:
        await ptb_bot.send_message(users[30].id, "pertanyaan")
    retry = caught.value.retry_after
    assert (retry.total_seconds() if isinstance(retry, dtm.timedelta) else retry) == 2
    assert tg.sent_messages(users[30].id) == []
    clock[0] += 1.0  # a second later the window is free again
    await ptb_bot.send_message(users[30].id, "pertanyaan")
    assert len(tg.sent_messages()) == 31 and flood.refused == 1


async def test_one_chat_takes_a_burst_of_three_and_presses_are_not_counted(
    tg: FakeTelegram, ptb_bot: Bot
) -> None:
    flood = tg.enforce_limits(30, chat_burst=3)
    flood.now = lambda: 5.0
    sri, budi = tg.user(3001, started=True), tg.user(3002, started=True)
    for n in range(3):
        await ptb_bot.send_message(sri.id, f"pesan {n}")
    with pytest.raises(RetryAfter):
        await ptb_bot.send_message(sri.id, "pesan 3")
    await ptb_bot.send_message(budi.id, "pesan 0")  # another chat is not held back
    query = await sri.press_data("x", message_id=1)
    await ptb_bot.answer_callback_query(query["id"])  # not a message
    assert flood.refused == 1


async def test_each_bot_has_its_own_30_a_second(tg: FakeTelegram, ptb_bot: Bot) -> None:
    """Telegram counts a bot's messages, not a server's: another bot's 30 in the same
    second are all taken, while the first bot's 31st is refused."""
    flood = tg.enforce_limits(30)
    flood.now = lambda: 7.0
    users = [tg.user(4000 + n, started=True) for n in range(31)]
    async with Bot(tg.add_bot(222, "kabar_dua_bot"), base_url=tg.api_url) as other:
        for user in users[:30]:
            await ptb_bot.send_message(user.id, "pertanyaan")
            await other.send_message(user.id, "pertanyaan")
        with pytest.raises(RetryAfter):
            await ptb_bot.send_message(users[30].id, "pertanyaan")
        with pytest.raises(RetryAfter):
            await other.send_message(users[30].id, "pertanyaan")
    senders = [m["from"]["username"] for m in tg.sent_messages()]
    assert senders.count("kabar_dua_bot") == 30 and len(senders) == 60


async def test_replies_to_people_who_wrote_are_held_to_their_chat_s_limit_only(
    tg: FakeTelegram, ptb_bot: Bot
) -> None:
    """Telegram has no overall limit on replies to a user's own messages: a bulk second
    already full refuses a new chat, not a chat whose user just wrote; edits share the
    chat's limit."""
    clock = [50.0]
    flood = tg.enforce_limits(30, chat_burst=3)
    flood.now = lambda: clock[0]
    family = tg.user(4001, started=True)
    await family.send_text("5 kg")  # she wrote: what the bot sends her is a reply
    others = [tg.user(4100 + n, started=True) for n in range(31)]
    for user in others[:30]:
        await ptb_bot.send_message(user.id, "pertanyaan")
    with pytest.raises(RetryAfter):
        await ptb_bot.send_message(others[30].id, "pertanyaan")  # the bulk second is full
    sent = await ptb_bot.send_message(family.id, "pertanyaan berikutnya")
    await ptb_bot.edit_message_text("diubah", chat_id=family.id, message_id=sent.message_id)
    await ptb_bot.send_message(family.id, "satu lagi")
    with pytest.raises(RetryAfter):  # the fourth in her chat within a second
        await ptb_bot.send_message(family.id, "terlalu banyak")
    assert flood.refused == 2
    clock[0] += 31.0  # long after she wrote, a message to her is bulk again
    for user in others[:30]:
        await ptb_bot.send_message(user.id, "pengingat")
    with pytest.raises(RetryAfter):
        await ptb_bot.send_message(family.id, "pengingat")
