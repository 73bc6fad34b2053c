"""The Indonesian catalog uses one word for one thing, as locales/GLOSSARY.md says."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parents[2] / "locales"
# Code, not words: `…`, {placeholders}, --options, key=value terms and kabar commands.
CODE = re.compile(r"`[^`]*`|\{[^}]*\}|--[\w-]+|\b\w+=\S+|\bkabar(?: [a-z-]+){1,2}")


def checked_terms() -> list[tuple[str, str]]:
    """(English, Indonesian) from the glossary's first table."""
    text = (LOCALES / "GLOSSARY.md").read_text()
    table = text.split("\n\n")[2]
    rows = [line.split("|")[1:3] for line in table.splitlines()[2:]]
    return [(english.strip(), indonesian.strip()) for english, indonesian in rows]


def test_each_term_is_translated_as_the_glossary_says() -> None:
    terms = checked_terms()
    assert ("cohort", "angkatan") in terms
    with (LOCALES / "id" / "LC_MESSAGES" / "kabar.po").open("rb") as file:
        catalog = read_po(file)
    wrong = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for english, indonesian in terms:
            pattern = re.compile(rf"\b{english}s?\b", re.IGNORECASE)
            if not any(pattern.search(CODE.sub("", i)) for i in ids if i):
                continue
            for text in texts:
                if text and indonesian not in CODE.sub("", text).lower():
                    wrong.append(f"{english} → {indonesian}: {ids[0][:60]!r} = {text[:80]!r}")
    assert wrong == [], "\n".join(wrong)
