"""What a person does in a flow, as the engine sees it: typed text, a pressed button, a
file, or something the engine cannot use (a sticker, a location)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Press:
    value: str


@dataclass(frozen=True, slots=True)
class Media:
    kind: str  # photo | voice | video_note | document
    file_id: str
    unique_id: str | None = None
    caption: str | None = None
    size: int | None = None  # bytes, as Telegram says: a file too big is never fetched


@dataclass(frozen=True, slots=True)
class Unsupported:
    kind: str  # sticker | location | contact | ...


Event = Text | Press | Media | Unsupported
