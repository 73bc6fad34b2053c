"""Turns a Telegram message into a flow event."""

from __future__ import annotations

from telegram import Message

from bot.flows.engine import Event, Media, Text, Unsupported


def event_of(message: Message) -> Event:
    if message.text is not None:
        return Text(message.text)
    if message.photo:
        biggest = message.photo[-1]
        return Media("photo", biggest.file_id, biggest.file_unique_id, message.caption)
    if message.voice is not None:
        return Media("voice", message.voice.file_id, message.voice.file_unique_id)
    if message.video_note is not None:
        return Media("video_note", message.video_note.file_id, message.video_note.file_unique_id)
    if message.audio is not None:
        return Media("voice", message.audio.file_id, message.audio.file_unique_id)
    if message.document is not None:
        return Media(
            "document",
            message.document.file_id,
            message.document.file_unique_id,
            message.caption,
        )
    if message.sticker is not None:
        return Unsupported("sticker")
    if message.location is not None:
        return Unsupported("location")
    if message.contact is not None:
        return Unsupported("contact")
    return Unsupported("other")
