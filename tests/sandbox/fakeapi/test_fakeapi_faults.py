"""Injected faults and chat states surface as the PTB exceptions a real bot would see."""

from __future__ import annotations

import datetime as dtm
import time

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.sandbox.fakeapi import FakeTelegram

# PTB warns about RetryAfter.retry_after becoming a timedelta; not this suite's concern.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def _seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_429_raises_retry_after_once(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001, started=True)
    tg.faults.add(method="sendMessage", status=429, retry_after=3, times=1)
    with pytest.raises(RetryAfter) as caught:
        await ptb_bot.send_message(user.id, "x")
    assert _seconds(caught.value.retry_after) == 3
    await ptb_bot.send_message(user.id, "x")  # the rule is used up
    assert [(c.method, c.chat_id, c.ok) for c in tg.calls if c.method == "sendMessage"] == [
        ("sendMessage", 1001, False),
        ("sendMessage", 1001, True),
    ]
    assert len(tg.sent_messages(user.id)) == 1


async def test_500_raises_network_error(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001, started=True)
    tg.faults.add(method="*", status=500, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await ptb_bot.send_message(user.id, "x")
    await ptb_bot.send_message(user.id, "x")


async def test_slow_answer_times_out_then_clear(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001, started=True)
    tg.faults.add(method="sendMessage", delay=0.5, times=None)
    with pytest.raises(TimedOut):
        await ptb_bot.send_message(user.id, "slow", read_timeout=0.1)
    started = time.monotonic()
    await ptb_bot.send_message(user.id, "slow but fine", read_timeout=2)
    assert time.monotonic() - started >= 0.45
    tg.faults.clear()
    await ptb_bot.send_message(user.id, "fast", read_timeout=0.5)


async def test_blocked_deleted_and_unknown_chats(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001, started=True)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await ptb_bot.send_message(999, "never talked")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await ptb_bot.send_message(tg.user(1002).id, "created but never wrote")

    user.block_bot()
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await ptb_bot.send_message(user.id, "x")
    user.unblock_bot()
    await ptb_bot.send_message(user.id, "x")

    user.delete_chat()
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await ptb_bot.send_message(user.id, "x")
    await user.send_text("halo lagi")  # writing again reopens the chat
    await ptb_bot.send_message(user.id, "x")

    updates = await ptb_bot.get_updates(timeout=0)
    kinds = [u.my_chat_member.new_chat_member.status for u in updates if u.my_chat_member]
    assert kinds == ["kicked", "member"]


async def test_random_faults_are_seeded_and_skip_get_updates(
    tg: FakeTelegram, ptb_bot: Bot
) -> None:
    user = tg.user(1001, started=True)
    tg.faults.random(rate=0.3, kinds=("429", "500"), seed=42)
    failures = 0
    for i in range(40):
        try:
            await ptb_bot.send_message(user.id, f"m{i}")
        except (RetryAfter, NetworkError):
            failures += 1
    assert 4 <= failures <= 20
    assert failures == len(tg.faults.injected)
    for _ in range(5):
        await ptb_bot.get_updates(timeout=0)  # never faulted by the wildcard
    tg.faults.clear()
    await ptb_bot.send_message(user.id, "ok")


async def test_random_timeout_does_not_perform_the_call(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001, started=True)
    tg.faults.random(rate=1.0, kinds=("timeout",), timeout_delay=0.3)
    with pytest.raises(TimedOut):
        await ptb_bot.send_message(user.id, "lost", read_timeout=0.1)
    tg.faults.clear()
    assert tg.sent_messages(user.id) == []


async def test_callback_query_can_be_answered_once(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001)
    query = await user.press_data("forged:payload")
    assert "message" not in query  # nothing sent yet, so no message to attach
    assert await ptb_bot.answer_callback_query(query["id"], text="Kedaluwarsa", show_alert=True)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await ptb_bot.answer_callback_query(query["id"])
    entry = await user.next_reply(timeout=1)
    assert (entry.kind, entry.text) == ("callback_answer", "Kedaluwarsa")
    assert tg.render_transcript(user.id).endswith("< (alert) Kedaluwarsa\n")
