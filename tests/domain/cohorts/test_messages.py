"""Every message of the cohort, schedule and invitation code has an Indonesian translation."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from tests.domain.cohorts.support import indonesian_catalog, indonesian_translator

ROOT = Path(__file__).resolve().parents[3]
FILES = [
    "bot/lib/scheduling/schedule.py",
    "bot/lib/scheduling/quiet.py",
    "bot/lib/scheduling/zones.py",
    "bot/domain/cohorts.py",
    "bot/domain/cohort_values.py",
    "bot/domain/invites/issue.py",
    "bot/domain/invites/html_sheet.py",
    "bot/cli/cohort.py",
    "bot/cli/invites.py",
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _messages() -> list[str]:
    found: list[str] = []
    for name in FILES:
        for _line, message, _comments, _context in extract_from_file(
            "python", str(ROOT / name), keywords=KEYWORDS
        ):
            assert isinstance(message, str)
            found.append(message)
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_an_indonesian_translation_with_its_placeholders() -> None:
    catalog = indonesian_catalog()
    missing: list[str] = []
    for message in _messages():
        translated = catalog.get(message)
        if not translated:
            missing.append(message)
        else:
            assert _fields(translated) == _fields(message), message
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    "text", ['Unknown day "{day}"', "The schedule is empty", "Cannot read the quiet hours"]
)
def test_indonesian_errors_use_indonesian_examples(text: str) -> None:
    t = indonesian_translator()
    message = next(m for m in _messages() if m.startswith(text))
    assert t.gettext(message) != message
    assert '"sen 08:00"' in t.gettext(message) or "tidak ada" in t.gettext(message)
