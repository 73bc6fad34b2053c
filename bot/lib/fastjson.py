"""JSON on the hot paths (Bot API bodies and answers, the database's JSON columns) through
orjson, with the standard library's exact behaviour wherever orjson would differ.

orjson parses and writes JSON several times faster than the `json` module, which was about
8% of `kabar run`'s CPU while families answer (docs/PERFORMANCE.md, #14). Where it refuses
what `json` takes (NaN, lone surrogates, integers beyond 64 bits, non-string keys) the
`json` module is asked instead, so nothing is read or written differently; dates and
dataclasses, which orjson would write and `json` refuses, are refused as before.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

# Refused by `json`: refused here too (they go to no `default`, so orjson raises).
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(value: Any) -> str:
    """`json.dumps(value)`, faster (the text may hold UTF-8 where `json` writes \\u escapes;
    it reads back the same)."""
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(value)


def dumps_bytes(value: Any) -> bytes:
    """`dumps` as UTF-8 bytes, for a request body."""
    try:
        return orjson.dumps(value, option=_OPTIONS)
    except TypeError:
        return json.dumps(value).encode()


def loads(text: str | bytes) -> Any:
    """`json.loads(text)`, faster."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
