"""Kabar's messages go into the outbox as Kabar's own JSON and come back the same."""

from __future__ import annotations

import json

import pytest

from bot.db.models import Priority
from bot.messaging.messages import (
    Button,
    ButtonAnswer,
    CommandMenu,
    Document,
    Edit,
    KeyboardButton,
    Message,
    Outgoing,
    Photo,
    Voice,
    decode,
)

QUESTION = (
    (Button("Ya", "f:12:1:yes"), Button("Tidak", "f:12:1:no")),
    (Button("Situs", url="https://kabar.example"),),
)

EVERY_KIND: list[Message] = [
    Outgoing(chat_id=7, text="Halo"),
    Outgoing(7, "Apakah Anda berproduksi?", QUESTION, person_id="KPM-1", priority=Priority.CHECKIN),
    Outgoing(
        7,
        "Bagikan nomor",
        keyboard=((KeyboardButton("📱 Nomor", request_contact=True), KeyboardButton("Nanti")),),
    ),
    Outgoing(7, "Terima kasih", remove_keyboard=True, dedup_key="thanks-7"),
    Edit(7, 301, "Apakah Anda berproduksi?\n→ Ya", person_id="KPM-1"),
    Edit(7, 302, "Halaman 2", QUESTION),
    Photo(7, content=b"\x89PNG\r\n", caption="Ringkasan", filename="chart.png"),
    Photo(7, file_id="AgADBAAD", buttons=QUESTION, priority=Priority.BROADCAST),
    Document(7, content=b"id,name\n", caption="Ekspor", filename="records.csv"),
    Document(7, file_id="BQADBAAD"),
    Voice(7, file_id="AwACAgQ", caption="Pesan suara terakhir", priority=Priority.CHECKIN),
    CommandMenu(7, (("bantuan", "bantuan"), ("dataku", "data saya")), "id", person_id="KPM-1"),
    ButtonAnswer(7, "q-991", toast="Tersimpan"),
    ButtonAnswer(7, "q-992"),
]


@pytest.mark.parametrize("message", EVERY_KIND, ids=lambda m: type(m).__name__)
def test_a_message_comes_back_from_its_outbox_row_as_it_was_written(message: Message) -> None:
    stored = json.loads(json.dumps(message.to_json()))  # as the JSON column keeps it
    again = decode(
        message.kind,
        message.chat_id,
        stored,
        person_id=message.person_id,
        priority=message.priority,
        dedup_key=message.dedup_key,
    )
    assert again == message
    assert type(again) is type(message)


def test_each_kind_has_its_own_name_and_none_is_a_bot_api_method() -> None:
    kinds = [type(message).kind for message in EVERY_KIND]
    assert set(kinds) == {"text", "edit", "photo", "voice", "document", "menu", "answer"}
    assert "sendMessage" not in json.dumps([m.to_json() for m in EVERY_KIND if m.kind != "photo"])


def test_a_text_in_place_of_an_earlier_message_is_an_edit_and_without_one_a_new_message() -> None:
    page = Outgoing(7, "Keluarga 1-10", QUESTION, person_id="F-1")
    assert page.editing(None) is page
    assert page.editing(55) == Edit(7, 55, "Keluarga 1-10", QUESTION, person_id="F-1")


def test_a_file_is_its_bytes_or_a_telegram_file_id_never_both_or_neither() -> None:
    with pytest.raises(ValueError):
        Photo(7)
    with pytest.raises(ValueError):
        Document(7, content=b"x", file_id="BQAD")


def test_a_row_of_an_unknown_kind_is_not_read_as_some_other_message() -> None:
    with pytest.raises(KeyError):
        decode("sendMessage", 7, {"chat_id": 7, "text": "Halo"})
