"""User-side API details, the /_fake/ control API and the standalone entry point."""

from __future__ import annotations

import asyncio
import os
import sys

import aiohttp
import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox.fakeapi import FakeTelegram


async def test_user_media_render_in_transcript(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001, first_name="Siti", phone="+6281300002001")
    await user.send_command("start", "INVITECODE")
    await user.share_contact()
    await user.share_contact(phone="+628111111", user_id=999)
    await user.send_photo(caption="panen")
    await user.send_voice(duration=4)
    await user.send_sticker()
    await user.send_location(-6.2, 106.8)
    await user.send_document(file_name="nota.pdf")
    updates = await ptb_bot.get_updates(timeout=0)
    first = updates[0].message
    assert first is not None and first.text == "/start INVITECODE"
    assert first.entities[0].type == "bot_command" and first.entities[0].length == 6
    own = updates[1].message
    other = updates[2].message
    assert own is not None and own.contact is not None and own.contact.user_id == 1001
    assert other is not None and other.contact is not None and other.contact.user_id == 999
    kinds = [u.message.effective_attachment.__class__.__name__ for u in updates[3:] if u.message]
    assert kinds == ["tuple", "Voice", "Sticker", "Location", "Document"]
    assert tg.render_transcript(user.id) == (
        "> /start INVITECODE\n"
        "> (contact) +6281300002001\n"
        "> (contact) +628111111\n"
        "> (photo) panen\n"
        "> (voice) 4s\n"
        "> (sticker) 👍\n"
        "> (location) -6.2, 106.8\n"
        "> (document) nota.pdf\n"
    )


async def test_press_uses_newest_message_with_that_button(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001, started=True)

    def markup(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data=data)]])

    old = await ptb_bot.send_message(user.id, "Q1", reply_markup=markup("q1"))
    new = await ptb_bot.send_message(user.id, "Q2", reply_markup=markup("q2"))
    query = await user.press("Ya")
    assert (query["data"], query["message"]["message_id"]) == ("q2", new.message_id)
    stale = await user.press_data("q1", message_id=old.message_id)
    assert stale["message"]["text"] == "Q1"
    gone = await user.press_data("zzz", message_id=4242)
    assert gone["message"]["date"] == 0  # an inaccessible message, as Telegram sends
    assert user.visible_buttons() == {"inline": ["Ya"], "keyboard": []}


async def test_control_api_drives_users(tg: FakeTelegram, ptb_bot: Bot) -> None:
    async with httpx.AsyncClient(base_url=tg.base_url) as client:
        resp = await client.post("/_fake/users/2001", json={"first_name": "Ani", "phone": "+62812"})
        assert resp.json()["ok"]
        resp = await client.post("/_fake/users/2001/text", json={"text": "halo"})
        assert resp.json()["result"]["text"] == "halo"
        updates = await ptb_bot.get_updates(timeout=0)
        assert updates[-1].message is not None and updates[-1].message.text == "halo"

        waiter = asyncio.create_task(client.get("/_fake/users/2001/next_reply?timeout=3"))
        await asyncio.sleep(0.05)
        await ptb_bot.send_message(
            2001,
            "Pilih",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="y")]]),
        )
        entry = (await waiter).json()["result"]
        assert (entry["who"], entry["text"], entry["buttons"]) == ("bot", "Pilih", [["Ya"]])

        resp = await client.post("/_fake/users/2001/press", json={"text": "Ya"})
        assert resp.json()["result"]["data"] == "y"
        resp = await client.post("/_fake/users/2001/press", json={"text": "Nope"})
        assert resp.status_code == 400
        resp = await client.get("/_fake/users/2001/next_reply?timeout=0.05")
        assert resp.status_code == 408

        text = (await client.get("/_fake/chats/2001/transcript?format=text")).text
        assert text == "> halo\n< Pilih\n  [Ya]\n> (pressed) Ya\n"
        entries = (await client.get("/_fake/chats/2001/transcript")).json()["result"]
        assert [e["kind"] for e in entries] == ["text", "text", "callback"]

        await client.post("/_fake/faults", json={"method": "sendMessage", "status": 500})
        resp = await client.post(
            "/bot1:x/sendMessage", data={"chat_id": "2001", "text": "fails once"}
        )
        assert resp.status_code == 500
        await client.delete("/_fake/faults")
        calls = (await client.get("/_fake/calls")).json()["result"]
        assert calls[-1][1:] == ["sendMessage", 2001, False, 1]  # the last: the bot


async def test_standalone_entry_point_prints_api_url() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.sandbox.fakeapi",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(10):
            line = (await proc.stdout.readline()).decode()
        assert line.startswith("api_url:  http://127.0.0.1:")
        api_url = line.split()[1]
        async with httpx.AsyncClient() as client:
            me = (await client.get(f"{api_url}42:abc/getMe")).json()
        assert me["result"]["id"] == 42
    finally:
        proc.terminate()
        await proc.wait()


async def test_server_sustains_many_sends_per_second(tg: FakeTelegram) -> None:
    # aiohttp as the client: httpx's own per-request cost would dominate the measurement.
    chats = [tg.user(3000 + i, started=True).id for i in range(50)]
    url = f"{tg.api_url}1:x/sendMessage"
    async with aiohttp.ClientSession() as session:

        async def worker(chat_id: int) -> None:
            for i in range(10):
                data = {"chat_id": str(chat_id), "text": f"m{i}"}
                async with session.post(url, data=data) as resp:
                    assert resp.status == 200
                    await resp.read()

        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.gather(*(worker(chat_id) for chat_id in chats))
        elapsed = loop.time() - started
    assert len(tg.sent_messages()) == 500
    # Client and server share one loop here, so this is a loose floor (~2500/s standalone).
    assert 500 / elapsed > 300
