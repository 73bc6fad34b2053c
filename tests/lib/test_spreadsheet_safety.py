"""The one rule for spreadsheet cells, and that every exporter uses it."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import bot
from bot.lib.spreadsheet_safety import csv_cell, csv_writer, safe_cell

BOT = Path(bot.__file__).parent


def test_text_that_would_start_a_formula_is_quoted_and_numbers_are_not() -> None:
    for text in ("=1+1", "+62811", "-x", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_cell(text) == "'" + text
        assert safe_cell(text) == "'" + text
    assert csv_cell("Siti =1") == "Siti =1"
    assert csv_cell(Decimal("-0.250")) == "-0.25"  # a number keeps its minus
    assert csv_cell(Decimal("1E+2")) == "100"
    assert csv_cell(-3) == "-3"
    assert csv_cell("-3") == "'-3"  # the same characters as text are quoted
    assert csv_cell(None) == ""
    assert safe_cell(-3) == -3


def test_the_writer_quotes_every_text_cell() -> None:
    out = io.StringIO()
    csv_writer(out, lineterminator="\n").writerow(["=A1", -1, Decimal("2.50"), None, "ok"])
    assert out.getvalue() == "'=A1,-1,2.5,,ok\n"


def test_no_module_writes_csv_around_the_safe_writer() -> None:
    # A new exporter with its own csv.writer would bypass the rule.
    direct = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(BOT))
        for path in BOT.rglob("*.py")
        if path.name != "spreadsheet_safety.py" and direct.search(path.read_text("utf-8"))
    ]
    assert offenders == []
