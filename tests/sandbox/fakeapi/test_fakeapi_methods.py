"""A real PTB Bot calls each method over HTTP; the fake's state reflects it."""

from __future__ import annotations

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.sandbox.fakeapi import FakeTelegram

TOKEN = "123456:TEST-token_abc"  # the conftest's bot token
BOT_ID = 123456

YA_TIDAK = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Ya", callback_data="yes"),
            InlineKeyboardButton("Tidak", callback_data="no"),
        ]
    ]
)


async def test_get_me_uses_token_id_and_configured_username(ptb_bot: Bot) -> None:
    me = await ptb_bot.get_me()
    assert (me.id, me.is_bot, me.first_name, me.username) == (
        BOT_ID,
        True,
        "Kabar Sandbox",
        "kabar_sandbox_bot",
    )


async def test_send_message_with_inline_keyboard_and_edit(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001, first_name="Siti", started=True)
    sent = await ptb_bot.send_message(user.id, "Apakah sudah panen?", reply_markup=YA_TIDAK)
    assert sent.chat.id == 1001 and sent.chat.type == "private" and sent.chat.first_name == "Siti"
    assert sent.from_user is not None and sent.from_user.id == BOT_ID
    assert sent.reply_markup == YA_TIDAK

    reply = await user.next_reply(timeout=1)
    assert (reply.kind, reply.text, reply.buttons) == (
        "text",
        "Apakah sudah panen?",
        [["Ya", "Tidak"]],
    )
    assert reply.message_id == sent.message_id

    edited = await ptb_bot.edit_message_text(
        "Terima kasih!", chat_id=user.id, message_id=sent.message_id
    )
    assert not isinstance(edited, bool)
    assert edited.text == "Terima kasih!" and edited.reply_markup is None
    assert edited.edit_date is not None
    entry = await user.next_reply(timeout=1)
    assert (entry.kind, entry.text, entry.message_id) == ("edit", "Terima kasih!", sent.message_id)

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await ptb_bot.edit_message_text(
            "Terima kasih!", chat_id=user.id, message_id=sent.message_id
        )

    markup_edit = await ptb_bot.edit_message_reply_markup(
        chat_id=user.id, message_id=sent.message_id, reply_markup=YA_TIDAK
    )
    assert not isinstance(markup_edit, bool) and markup_edit.reply_markup == YA_TIDAK
    assert (await user.next_reply(timeout=1)).kind == "edit_markup"

    assert [m["text"] for m in tg.sent_messages(user.id)] == ["Apakah sudah panen?"]
    current = tg.message(user.id, sent.message_id)
    assert current is not None and current["text"] == "Terima kasih!"
    assert tg.render_transcript(user.id) == (
        "< Apakah sudah panen?\n"
        "  [Ya] [Tidak]\n"
        "< (edited #1) Terima kasih!\n"
        "< (buttons edited #1)\n"
        "  [Ya] [Tidak]\n"
    )


async def test_message_ids_increase_per_chat(tg: FakeTelegram, ptb_bot: Bot) -> None:
    a = tg.user(1, started=True)
    b = tg.user(2, started=True)
    await a.send_text("halo")  # user messages share the chat's id sequence
    ids_a = [(await ptb_bot.send_message(a.id, f"a{i}")).message_id for i in range(3)]
    ids_b = [(await ptb_bot.send_message(b.id, f"b{i}")).message_id for i in range(2)]
    assert ids_a == [2, 3, 4]
    assert ids_b == [1, 2]


async def test_parse_modes_give_plain_text_and_reject_bad_markup(
    tg: FakeTelegram, ptb_bot: Bot
) -> None:
    user = tg.user(7, started=True)
    html = await ptb_bot.send_message(
        user.id, "<b>Halo</b> &amp; selamat", parse_mode=ParseMode.HTML
    )
    assert html.text == "Halo & selamat"
    md = await ptb_bot.send_message(user.id, r"*Total:* 5 kg\.", parse_mode=ParseMode.MARKDOWN_V2)
    assert md.text == "Total: 5 kg."
    with pytest.raises(BadRequest, match=r"(?i)Character '.' is reserved"):
        await ptb_bot.send_message(user.id, "Total 5 kg.", parse_mode=ParseMode.MARKDOWN_V2)
    with pytest.raises(BadRequest, match=r"(?i)end tag"):
        await ptb_bot.send_message(user.id, "<b>Halo", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await ptb_bot.send_message(user.id, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await ptb_bot.send_message(
            user.id,
            "x",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("A", callback_data="d" * 65)]]
            ),
        )


async def test_send_photo_upload_get_file_and_download(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001, started=True)
    content = b"\x89PNG\r\n\x1a\nfake-image-bytes"
    sent = await ptb_bot.send_photo(user.id, photo=content, caption="Kartu Anda")
    assert sent.caption == "Kartu Anda" and len(sent.photo) == 2
    file = await ptb_bot.get_file(sent.photo[-1].file_id)
    assert file.file_path is not None and file.file_path.startswith(f"{tg.file_url}{TOKEN}/")
    assert bytes(await file.download_as_bytearray()) == content
    assert tg.file_content(sent.photo[-1].file_id) == content

    # Re-sending by file_id reuses the stored file; unknown ids fail like Telegram.
    again = await ptb_bot.send_photo(user.id, photo=sent.photo[-1].file_id)
    assert again.photo[-1].file_id == sent.photo[-1].file_id
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await ptb_bot.send_photo(user.id, photo="no-such-file-id")
    entry = await user.next_reply(timeout=1)
    assert (entry.kind, entry.text) == ("photo", "Kartu Anda")


async def test_a_voice_note_is_sent_again_by_its_file_id(tg: FakeTelegram, ptb_bot: Bot) -> None:
    family, facilitator = tg.user(1001), tg.user(1002, started=True)
    spoken = (await family.send_voice(duration=4, content=b"OggS-suara"))["voice"]["file_id"]
    sent = await ptb_bot.send_voice(facilitator.id, voice=spoken, caption="Pesan suara terakhir")
    assert sent.voice is not None and sent.voice.file_id == spoken
    assert tg.file_content(sent.voice.file_id) == b"OggS-suara"
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await ptb_bot.send_voice(facilitator.id, voice="no-such-file-id")
    assert "< (voice) Pesan suara terakhir" in tg.render_transcript(facilitator.id)


async def test_send_document_upload_and_url(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001, started=True)
    doc = await ptb_bot.send_document(user.id, document=b"a,b\n1,2\n", filename="laporan.csv")
    assert doc.document is not None and doc.document.file_name == "laporan.csv"
    file = await ptb_bot.get_file(doc.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"a,b\n1,2\n"
    by_url = await ptb_bot.send_document(user.id, document="https://example.org/panduan.pdf")
    assert by_url.document is not None and by_url.document.file_name == "panduan.pdf"
    assert "< (document) laporan.csv" in tg.render_transcript(user.id)


async def test_user_media_can_be_downloaded_by_the_bot(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(5)
    await user.send_photo(b"jpeg-bytes", caption="bukti")
    updates = await ptb_bot.get_updates(timeout=0)
    message = updates[0].message
    assert message is not None and message.caption == "bukti"
    file = await ptb_bot.get_file(message.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == b"jpeg-bytes"


async def test_commands_per_scope(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001, started=True)
    await ptb_bot.set_my_commands([BotCommand("start", "Mulai"), BotCommand("help", "Bantuan")])
    await ptb_bot.set_my_commands(
        [BotCommand("laporan", "Kirim laporan")], scope=BotCommandScopeChat(user.id)
    )
    await ptb_bot.set_my_commands([BotCommand("start", "Start")], language_code="en")

    assert [c.command for c in await ptb_bot.get_my_commands()] == ["start", "help"]
    chat_cmds = await ptb_bot.get_my_commands(scope=BotCommandScopeChat(user.id))
    assert [c.command for c in chat_cmds] == ["laporan"]
    assert tg.commands() == [
        {"command": "start", "description": "Mulai"},
        {"command": "help", "description": "Bantuan"},
    ]
    assert tg.commands({"type": "chat", "chat_id": user.id})[0]["command"] == "laporan"
    assert tg.commands(language_code="en") == [{"command": "start", "description": "Start"}]
    assert tg.commands_for_chat(user.id)[0]["command"] == "laporan"

    await ptb_bot.delete_my_commands(scope=BotCommandScopeChat(user.id))
    assert await ptb_bot.get_my_commands(scope=BotCommandScopeChat(user.id)) == ()
    assert tg.commands_for_chat(user.id)[0]["command"] == "start"

    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await ptb_bot.set_my_commands([BotCommand("x", "y")], scope=BotCommandScopeChat(424242))
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await ptb_bot.set_my_commands([BotCommand("Bad-Command", "y")])


async def test_webhook_set_info_and_delete(tg: FakeTelegram, ptb_bot: Bot) -> None:
    assert (await ptb_bot.get_webhook_info()).url == ""
    await ptb_bot.set_webhook("http://127.0.0.1:9/hook", secret_token="s3cret")
    info = await ptb_bot.get_webhook_info()
    assert info.url == "http://127.0.0.1:9/hook"
    await ptb_bot.delete_webhook(drop_pending_updates=True)
    info = await ptb_bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("", 0)


async def test_chat_action_close_and_unknown_method(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(9, started=True)
    assert await ptb_bot.send_chat_action(user.id, "typing")
    assert tg.chat_actions(user.id) == ["typing"] and user.chat_actions == ["typing"]
    assert await ptb_bot.close()
    assert await ptb_bot.log_out()
    async with httpx.AsyncClient() as client:
        resp = await client.post(f"{tg.api_url}{TOKEN}/noSuchMethod")
        assert resp.status_code == 404
        assert resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        # Method names are case-insensitive; GET with a query string and JSON bodies work.
        resp = await client.get(f"{tg.api_url}{TOKEN}/GETME")
        assert resp.json()["result"]["username"] == "kabar_sandbox_bot"
        resp = await client.post(
            f"{tg.api_url}{TOKEN}/sendMessage", json={"chat_id": user.id, "text": "json body"}
        )
        assert resp.json()["result"]["text"] == "json body"
        resp = await client.get(f"{tg.api_url}{TOKEN}/sendMessage?chat_id={user.id}&text=q")
        assert resp.json()["result"]["text"] == "q"
        resp = await client.get(f"{tg.api_url}not-a-token/getMe")
        assert resp.status_code == 404


async def test_reply_keyboard_press_sends_text_or_contact(tg: FakeTelegram, ptb_bot: Bot) -> None:
    user = tg.user(1001, first_name="Siti", phone="+6281300002001", started=True)
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Kirim nomor", request_contact=True)], [KeyboardButton("Batal")]]
    )
    sent = await ptb_bot.send_message(user.id, "Bagikan nomor Anda", reply_markup=keyboard)
    assert sent.reply_markup is None  # Telegram only echoes inline keyboards
    entry = await user.next_reply(timeout=1)
    assert entry.keyboard == [["Kirim nomor"], ["Batal"]]

    await user.press("Kirim nomor")
    await user.press("Batal")
    updates = await ptb_bot.get_updates(timeout=0)
    contact = updates[0].message.contact if updates[0].message else None
    assert contact is not None
    assert (contact.phone_number, contact.user_id) == ("+6281300002001", 1001)
    assert updates[1].message is not None and updates[1].message.text == "Batal"
    with pytest.raises(LookupError, match=r"(?i)Nope"):
        await user.press("Nope")
