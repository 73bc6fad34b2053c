"""Each of Kabar's messages becomes the Bot API call it always was."""

from __future__ import annotations

from bot.messaging.messages import (
    Button,
    ButtonAnswer,
    CommandMenu,
    Document,
    Edit,
    KeyboardButton,
    Outgoing,
    Photo,
    Voice,
)
from bot.tg.botapi import request, unlimited

YES_NO = ((Button("Ya", "f:12:1:yes"), Button("Tidak", "f:12:1:no")),)
INLINE = {
    "inline_keyboard": [
        [
            {"text": "Ya", "callback_data": "f:12:1:yes"},
            {"text": "Tidak", "callback_data": "f:12:1:no"},
        ]
    ]
}


def test_a_text_with_buttons_a_keyboard_or_none_is_a_sendmessage() -> None:
    assert request(Outgoing(7, "Apakah?", YES_NO)) == (
        "sendMessage",
        {"chat_id": 7, "text": "Apakah?", "reply_markup": INLINE},
    )
    contact = Outgoing(7, "Nomor?", keyboard=((KeyboardButton("📱", request_contact=True),),))
    assert request(contact)[1]["reply_markup"] == {
        "keyboard": [[{"text": "📱", "request_contact": True}]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }
    assert request(Outgoing(7, "Oke", remove_keyboard=True))[1]["reply_markup"] == {
        "remove_keyboard": True
    }
    assert request(Outgoing(7, "Halo")) == ("sendMessage", {"chat_id": 7, "text": "Halo"})


def test_telegram_s_limits_are_kept_and_a_button_without_data_sends_its_label() -> None:
    _, params = request(
        Outgoing(7, "x" * 5000, ((Button("Lihat"), Button("Web", url="https://k.id")),))
    )
    assert len(params["text"]) == 4096
    assert params["reply_markup"]["inline_keyboard"] == [
        [{"text": "Lihat", "callback_data": "Lihat"}, {"text": "Web", "url": "https://k.id"}]
    ]
    _, photo = request(Photo(7, file_id="AgAD", caption="c" * 2000))
    assert len(photo["caption"]) == 1024


def test_the_other_kinds() -> None:
    assert request(Edit(7, 301, "Ya, sudah", YES_NO)) == (
        "editMessageText",
        {"chat_id": 7, "message_id": 301, "text": "Ya, sudah", "reply_markup": INLINE},
    )
    assert request(ButtonAnswer(7, "q-1", toast="Tersimpan")) == (
        "answerCallbackQuery",
        {"callback_query_id": "q-1", "text": "Tersimpan"},
    )
    assert request(ButtonAnswer(7, "q-2")) == ("answerCallbackQuery", {"callback_query_id": "q-2"})
    assert request(CommandMenu(7, (("bantuan", "bantuan"),), "id")) == (
        "setMyCommands",
        {
            "commands": [{"command": "bantuan", "description": "bantuan"}],
            "scope": {"type": "chat", "chat_id": 7},
        },
    )
    assert request(Photo(7, file_id="AgAD", caption="Grafik")) == (
        "sendPhoto",
        {"chat_id": 7, "photo": "AgAD", "caption": "Grafik"},
    )
    assert request(Voice(7, file_id="AwAC", caption="Pesan suara")) == (
        "sendVoice",
        {"chat_id": 7, "voice": "AwAC", "caption": "Pesan suara"},
    )
    # Bytes are uploaded by `send`, not put in the JSON parameters.
    assert request(Document(7, content=b"id\n", filename="a.csv")) == (
        "sendDocument",
        {"chat_id": 7},
    )


def test_only_answers_to_button_presses_are_outside_the_messages_a_second_limit() -> None:
    assert unlimited(ButtonAnswer(7, "q-1"))
    assert not unlimited(Outgoing(7, "Halo"))
    assert not unlimited(Edit(7, 1, "Halo"))
