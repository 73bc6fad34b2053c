"""How much of each language's catalog is translated: the texts families receive, those
facilitators and coordinators receive in Telegram, and all.

Counts come from the catalogs in locales/ against the messages in the code (the family-facing
and field-staff ones as locales/coverage.py computes them). English is the source language:
its texts are the msgids. Usage: .venv/bin/python scripts/catalog_coverage.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.lib.i18n import LOCALE_NAMES, SUPPORTED_LOCALES
from locales.coverage import (
    Entry,
    code_entries,
    family_entries,
    field_staff_entries,
    load_catalog,
    untranslated,
)


def _share(locale: str, entries: set[Entry]) -> str:
    if locale == "en":
        return f"{len(entries)}/{len(entries)} (source)"
    done = len(entries) - len(untranslated(load_catalog(locale), entries))
    return f"{done}/{len(entries)} ({100 * done // len(entries)}%)"


def main() -> None:
    family, staff, every = family_entries(), field_staff_entries(), code_entries()
    rows = [("language", "family-facing", "facilitators", "all texts")]
    for locale in SUPPORTED_LOCALES:
        name = f"{locale} {LOCALE_NAMES.get(locale, locale)}"
        shares = (_share(locale, family), _share(locale, staff), _share(locale, every))
        rows.append((name, *shares))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    print("An untranslated text is shown in Indonesian.")


if __name__ == "__main__":
    main()
