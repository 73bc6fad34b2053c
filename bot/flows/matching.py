"""Typed text read as a button: "iya", "ya.", "✅ kirim", "bahan bku" are the buttons they
look like.

A button is known by its label (as shown, in the reader's language, and the English msgid),
its value, and the words its option declares (`Option.words`). Text and labels are
compared without case, emoji or punctuation; a small misspelling (one edit in a word of
four letters or more, two from nine) still matches, but only when one button is nearest:
a typo that is as close to "Ya" as to "Tidak" matches neither. Between phrases of as many
words, each word gets only its own allowance: two edits spent on one short word turned
"nggih setuju" (yes, agree) into "nggak setuju" (do not agree). Words of address people
add as they would to a person ("iya bu", "nggih pak") are not part of the answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

# (the button's value, the texts it answers to)
Candidate = tuple[str, Iterable[str]]

_NOT_A_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"[\s_]+")
# Said to a person, not part of the answer: "iya bu", "pak, nggih", "sampun mbak".
_ADDRESS = frozenset(
    ("pak", "bu", "bapak", "ibu", "mas", "mbak", "mba", "kak", "bang", "dik", "mbah", "bunda")
)


def normal(text: str) -> str:
    """Lower case, no accents, emoji or punctuation, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", _NOT_A_WORD.sub(" ", plain)).strip()


def _allowed_edits(length: int) -> int:
    if length >= 9:
        return 2
    return 1 if length >= 4 else 0


def distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent swaps (Damerau, restricted); limit + 1 once past it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _unaddressed(typed: str) -> str:
    """`typed` without words of address, unless nothing else is left."""
    words = [word for word in typed.split(" ") if word not in _ADDRESS]
    return " ".join(words) if words else typed


def _word_by_word(typed: str, known: str) -> bool:
    """Whether phrases of as many words are each within their own word's allowance."""
    pairs = zip(typed.split(" "), known.split(" "), strict=True)
    return all(_near(a, b, _allowed_edits(max(len(a), len(b)))) for a, b in pairs)


def _near(a: str, b: str, limit: int) -> bool:
    return distance(a, b, limit) <= limit


def match(text: str, candidates: Sequence[Candidate]) -> str | None:
    """The value of the one button `text` stands for, or None."""
    typed = _unaddressed(normal(text))
    if not typed:
        return None
    best: dict[str, int] = {}
    for value, texts in candidates:
        for label in texts:
            known = normal(label)
            if not known:
                continue
            if known == typed:
                return value
            limit = _allowed_edits(min(len(known), len(typed)))
            if limit:
                found = distance(typed, known, limit)
                same_count = typed.count(" ") == known.count(" ")
                if found <= limit and (not same_count or _word_by_word(typed, known)):
                    best[value] = min(found, best.get(value, found))
    if not best:
        return None
    nearest = min(best.values())
    winners = [value for value, found in best.items() if found == nearest]
    return winners[0] if len(winners) == 1 else None


def labels(msgid: str, translate: Callable[[str], str]) -> tuple[str, ...]:
    """A button's texts from its label msgid: as shown, and the English source."""
    return (translate(msgid), msgid)


# What people type for the engine's own buttons, besides their labels.
SKIP_WORDS = (
    "lewati", "lewat", "skip", "liwati", "nanti", "nanti saja", "tidak ada", "ga ada",
    "gak ada", "nggak ada", "tidak punya", "gak punya", "mboten wonten", "ora ana", "ora ono",
)  # fmt: skip
DONE_WORDS = ("selesai", "sudah", "udah", "cukup", "done", "rampung", "sampun", "wis", "sampun")
NONE_WORDS = (
    "tidak ada", "ga ada", "gak ada", "nggak ada", "tidak ada masalah", "none", "nothing",
    "aman", "lancar", "mboten wonten", "ora ana", "ora ono",
)  # fmt: skip
SEND_WORDS = (
    "kirim", "kirimkan", "send", "ok", "oke", "ya", "iya", "yes", "benar", "betul",
    "sudah benar", "nggih", "sampun", "leres", "kintun",
)  # fmt: skip
# "Everything": the most a step may be (all that was produced was sold), not a number.
ALL_WORDS = (
    "semua", "semuanya", "habis", "habis semua", "semua habis", "laku semua", "terjual semua",
    "semua terjual", "semua laku", "kabeh", "sedaya", "payu kabeh", "kabeh payu", "entek",
    "all", "all of it", "everything", "sold out",
)  # fmt: skip
FIX_WORDS = ("ubah", "ganti", "ubah jawaban", "change", "salah", "gantos", "owah")
BACK_WORDS = ("kembali", "back", "batal ubah", "wangsul", "mbalik")
# Answers to "is it right?" (bot/flows/checks.py): as typed, or type it again.
RIGHT_WORDS = (
    "ya", "iya", "y", "yes", "benar", "betul", "bener", "sudah benar", "ok", "oke", "nggih",
    "inggih", "leres", "sampun", "stok", "stock", "dari stok", "stok lama", "iyo",
)  # fmt: skip
AGAIN_WORDS = (
    "tidak", "gak", "ga", "nggak", "bukan", "salah", "ulang", "ketik ulang", "no", "again",
    "mboten", "ora", "dudu", "lepat",
)  # fmt: skip
