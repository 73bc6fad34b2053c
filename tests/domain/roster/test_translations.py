"""Every roster message has an Indonesian translation with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [
    *sorted((ROOT / "bot" / "domain" / "roster").glob("*.py")),
    ROOT / "bot" / "cli" / "roster.py",
]
CATALOGS = [ROOT / "locales" / "id" / "LC_MESSAGES" / "kabar.po"]
KEYWORDS = {"N_": None, "gettext": None, "ngettext": (1, 2)}


def _messages() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for path in SOURCES:
        for _, message, _, _ in extract_from_file("python", path, keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def _catalogs() -> list[Catalog]:
    loaded = []
    for path in CATALOGS:
        if path.is_file():
            with path.open("rb") as handle:
                loaded.append(read_po(handle, locale="id"))
    return loaded


def _fields(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_every_message_is_translated() -> None:
    catalogs = _catalogs()
    assert catalogs, "the Indonesian catalog does not exist"
    messages = _messages()
    assert len(messages) > 30
    missing = []
    for message in messages:
        msgid = message if isinstance(message, str) else message[0]
        entries = [c[msgid] for c in catalogs if c.get(msgid) and c[msgid].string]
        if not entries:
            missing.append(msgid)
        for entry in entries:
            # Every plural form is filled: an empty one falls back to the English text.
            forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            for translation in forms:
                assert isinstance(translation, str)
                assert _fields(translation) == _fields(msgid), (msgid, translation)
    assert missing == []
