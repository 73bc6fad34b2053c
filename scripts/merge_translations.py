"""Merge PO fragments (e.g. locales/_pending/*.id.po) into a locale's catalog.

Usage: python scripts/merge_translations.py id FRAGMENT.po [FRAGMENT.po ...]
Only entries that exist in the catalog (run scripts/update_catalogs.sh first) are filled;
existing translations are replaced by the fragment's.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]


def main(locale: str, fragments: list[str]) -> None:
    path = ROOT / "locales" / locale / "LC_MESSAGES" / "kabar.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    filled = unknown = 0
    for fragment in fragments:
        with Path(fragment).open("rb") as handle:
            source = read_po(handle, locale=locale)
        for message in source:
            if not message.id or not message.string:
                continue
            target = catalog.get(message.id)
            if target is None:
                unknown += 1
                print(f"not in catalog: {message.id!r}", file=sys.stderr)
                continue
            target.string = message.string
            target.flags.discard("fuzzy")
            filled += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=88)
    print(f"{path}: {filled} filled, {unknown} not in catalog")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
