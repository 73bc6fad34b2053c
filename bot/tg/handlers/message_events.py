"""Turns a Telegram message into a flow event."""

from __future__ import annotations

from telegram import Message

from bot.flows.engine import Event, Media, Text, Unsupported


def event_of(message: Message) -> Event:
    if message.text is not None:
        return Text(message.text)
    if message.photo:
        biggest = message.photo[-1]
        return Media(
            "photo", biggest.file_id, biggest.file_unique_id, message.caption, biggest.file_size
        )
    if message.voice is not None:
        voice = message.voice
        return Media("voice", voice.file_id, voice.file_unique_id, size=voice.file_size)
    if message.video_note is not None:
        note = message.video_note
        return Media("video_note", note.file_id, note.file_unique_id, size=note.file_size)
    if message.audio is not None:
        audio = message.audio
        return Media("voice", audio.file_id, audio.file_unique_id, size=audio.file_size)
    if message.document is not None:
        return Media(
            "document",
            message.document.file_id,
            message.document.file_unique_id,
            message.caption,
            message.document.file_size,
        )
    if message.sticker is not None:
        return Unsupported("sticker")
    if message.location is not None:
        return Unsupported("location")
    if message.contact is not None:
        return Unsupported("contact")
    return Unsupported("other")
