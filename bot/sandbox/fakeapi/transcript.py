"""Transcript entries (both directions of a chat) and their stable plain-text rendering."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Who = Literal["user", "bot"]


@dataclass(slots=True)
class TranscriptEntry:
    """One event in a private chat.

    ``kind`` is one of: text, photo, voice, sticker, contact, location, document, callback
    (user side: a button press or forged callback data), edited (the user's own message),
    blocked, unblocked, chat_deleted;
    and on the bot side: text, photo, voice, document, edit, edit_markup, callback_answer,
    delete.
    ``buttons`` are the inline keyboard rows (button texts); ``keyboard`` the reply keyboard
    rows this message set (None when it did not set one); ``time`` is ``time.monotonic()``.
    ``raw`` is the full Message JSON (or the callback query / answer parameters).
    """

    who: Who
    kind: str
    text: str = ""
    buttons: list[list[str]] = field(default_factory=list)
    keyboard: list[list[str]] | None = None
    keyboard_removed: bool = False
    message_id: int | None = None
    time: float = 0.0
    raw: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def inline_buttons(markup: Any) -> list[list[str]]:
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or []
    return [[str(b.get("text", "")) for b in row if isinstance(b, dict)] for row in rows]


def keyboard_rows(markup: Any) -> list[list[str]] | None:
    if not isinstance(markup, dict) or "keyboard" not in markup:
        return None
    return [
        [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
        for row in markup["keyboard"]
    ]


def _row(cells: list[str]) -> str:
    return " ".join(f"[{c}]" for c in cells)


def _headline(entry: TranscriptEntry) -> str:
    text = entry.text
    if entry.who == "user":
        match entry.kind:
            case "text":
                return text
            case "callback":
                if "button_text" in entry.raw:
                    return f"(pressed) {text}"
                return f"(callback data) {text}"
            case "blocked" | "unblocked":
                return f"({entry.kind} the bot)"
            case "chat_deleted":
                return "(deleted the chat)"
            case "edited":
                return f"(edited #{entry.message_id}) {text}"
    match entry.kind:
        case "text":
            return text
        case "edit":
            return f"(edited #{entry.message_id}) {text}"
        case "edit_markup":
            return f"(buttons edited #{entry.message_id})"
        case "callback_answer":
            label = "alert" if entry.raw.get("show_alert") else "callback answer"
            return f"({label}) {text}".rstrip()
        case "delete":
            return f"(deleted #{entry.message_id})"
    return f"({entry.kind}) {text}".rstrip()


def render_entries(entries: Iterable[TranscriptEntry]) -> str:
    """Stable text: ``> `` user lines, ``< `` bot lines, two-space continuation lines."""
    lines: list[str] = []
    for entry in entries:
        marker = ">" if entry.who == "user" else "<"
        head, *rest = _headline(entry).split("\n")
        lines.append(f"{marker} {head}".rstrip())
        lines.extend(f"  {line}".rstrip() for line in rest)
        lines.extend(f"  {_row(row)}" for row in entry.buttons)
        if entry.keyboard is not None:
            lines.extend(f"  (keyboard) {_row(row)}" for row in entry.keyboard)
        if entry.keyboard_removed:
            lines.append("  (keyboard removed)")
    return "\n".join(lines) + ("\n" if lines else "")
