"""From a typed message to tokens: normalising, splitting, and the vocabulary."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from bot.lib.parsing.numbers import (
    Comma,
    Fraction,
    Large,
    Literal,
    NumberItem,
    Quarter,
    Small,
    Teen,
    Value,
    literal_readings,
)
from bot.lib.parsing.units import UNIT_WORDS, Unit


@dataclass(frozen=True)
class UnitWord:
    """A unit ("kg", "lembar"); `unit` is None for the cohort's own unit phrase."""

    unit: Unit | None


@dataclass(frozen=True)
class Currency:
    """A currency word: "Rp", "rupiah", "IDR"."""


@dataclass(frozen=True)
class Dash:
    """A dash: a minus before the first number, a range between two, else nothing."""


@dataclass(frozen=True)
class Slash:
    """A slash: "1/2" is a half; between other numbers it is a range."""


@dataclass(frozen=True)
class Between:
    """A word or sign that stands between alternatives: "atau", "sampai", "~"."""


@dataclass(frozen=True)
class Minus:
    """A minus word: "minus", "negatif"."""


@dataclass(frozen=True)
class Negation:
    """A negation ("tidak", "ga", "belum"): with no number, the answer is zero."""


@dataclass(frozen=True)
class Unknown:
    """Anything not understood; one of these makes the message NOT_A_NUMBER."""

    text: str


Token = NumberItem | UnitWord | Currency | Dash | Slash | Between | Minus | Negation | Unknown


_ONE = Decimal(1)


def _values(*pairs: tuple[str, int]) -> dict[str, tuple[NumberItem, ...]]:
    return {word: (Value(Decimal(value)),) for word, value in pairs}


def _tens(*pairs: tuple[str, int]) -> dict[str, tuple[NumberItem, ...]]:
    return {word: (Value(Decimal(digit)), Small(Decimal(10))) for word, digit in pairs}


def _same(item: NumberItem, *words: str) -> dict[str, tuple[NumberItem, ...]]:
    return dict.fromkeys(words, (item,))


NUMBER_WORDS: dict[str, tuple[NumberItem, ...]] = {
    **_values(("nol", 0), ("kosong", 0), ("nihil", 0), ("zero", 0), ("none", 0)),
    **_values(("nothing", 0), ("nil", 0)),
    **_values(("satu", 1), ("dua", 2), ("tiga", 3), ("empat", 4), ("lima", 5), ("enam", 6)),
    **_values(("tujuh", 7), ("delapan", 8), ("sembilan", 9), ("sepuluh", 10), ("sebelas", 11)),
    **_values(("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6)),
    **_values(("seven", 7), ("eight", 8), ("nine", 9), ("ten", 10), ("eleven", 11)),
    **_values(("twelve", 12), ("thirteen", 13), ("fourteen", 14), ("fifteen", 15)),
    **_values(("sixteen", 16), ("seventeen", 17), ("eighteen", 18), ("nineteen", 19)),
    **_tens(("twenty", 2), ("thirty", 3), ("forty", 4), ("fifty", 5), ("sixty", 6)),
    **_tens(("seventy", 7), ("eighty", 8), ("ninety", 9)),
    # Javanese, everyday (ngoko) and polite (krama) forms. The linking forms ("rong",
    # "limang") come before "puluh", "atus", "ewu": "rong puluh" is 20, "limang atus" 500.
    **_values(("siji", 1), ("setunggal", 1), ("loro", 2), ("kalih", 2), ("telu", 3)),
    **_values(("papat", 4), ("sekawan", 4), ("gangsal", 5), ("enem", 6), ("pitu", 7)),
    **_values(("wolu", 8), ("sanga", 9), ("songo", 9), ("sedasa", 10), ("sewelas", 11)),
    **_values(("rolas", 12), ("telulas", 13), ("patbelas", 14), ("limalas", 15)),
    **_values(("nembelas", 16), ("pitulas", 17), ("wolulas", 18), ("sangalas", 19)),
    **_values(("selikur", 21), ("rolikur", 22), ("telulikur", 23), ("patlikur", 24)),
    **_values(("selawe", 25), ("nemlikur", 26), ("pitulikur", 27), ("wolulikur", 28)),
    **_values(("sangalikur", 29), ("seket", 50), ("sekat", 50), ("suwidak", 60)),
    **_values(("rong", 2), ("telung", 3), ("tigang", 3), ("patang", 4), ("limang", 5)),
    **_values(("nem", 6), ("pitung", 7), ("wolung", 8), ("sangang", 9)),
    **_same(Small(Decimal(10)), "dasa"),
    **_same(Small(Decimal(100)), "atus"),
    **_same(Large(Decimal(1000)), "ewu", "iwu"),
    **_same(Large(Decimal(1_000_000)), "yuta"),
    "satus": (Value(_ONE), Small(Decimal(100))),
    "sewu": (Value(_ONE), Large(Decimal(1000))),
    "sayuta": (Value(_ONE), Large(Decimal(1_000_000))),
    "sejuta": (Value(_ONE), Large(Decimal(1_000_000))),
    # Jakarta market slang for round sums.
    **_values(("cepek", 100), ("gopek", 500), ("seceng", 1000), ("goceng", 5000)),
    **_values(("ceban", 10_000), ("goban", 50_000)),
    **_same(Teen(), "belas"),
    **_same(Small(Decimal(10)), "puluh", "pluh"),
    **_same(Small(Decimal(100)), "ratus", "rts", "hundred"),
    **_same(Large(Decimal(1000)), "ribu", "rb", "rbu", "rebu", "thousand"),
    # "k" is a thousand in prices; after a quantity it is more likely a clipped "kg".
    **_same(Large(Decimal(1000), money_only=True), "k"),
    **_same(Large(Decimal(1_000_000)), "juta", "jt", "jta", "million"),
    **_same(Large(Decimal(1_000_000_000)), "miliar", "milyar", "billion"),
    **_same(Large(Decimal(1_000_000_000_000)), "triliun", "trilyun"),
    **_same(Fraction(Decimal("0.5")), "setengah", "stengah", "half"),
    **_same(Fraction(Decimal("0.25")), "seperempat"),
    **_same(Quarter(), "perempat"),
    **_same(Comma(), "koma"),
}
# Words that "se-" (one) can prefix: "seratus", "seribu", "sekilo", "selusin".
_SE_TARGETS = frozenset({"puluh", "belas", "ratus", "ribu", "juta", "miliar", "milyar"})

CURRENCY_WORDS = frozenset({"rp", "rph", "rupiah", "idr"})
NEGATION_WORDS = frozenset(
    {
        "tidak", "tdk", "tak", "ga", "gak", "gk", "nggak", "ngga", "nggk", "enggak", "engga",
        "ndak", "nda", "kagak", "kaga", "belum", "blm", "blum", "tiada", "no", "not", "nope",
        "gaada", "gakada", "gada", "tidakada", "tdkada", "belumada", "blmada",
    }
)  # fmt: skip
BETWEEN_WORDS = frozenset({"atau", "ato", "or", "sampai", "sampe", "hingga", "to", "sd"})
MINUS_WORDS = frozenset({"minus", "negatif", "negative"})
# Harmless words around an answer ("sekitar 5 kg kak", "terjual 10"). Kept short on
# purpose: a word missing here costs one re-ask, a wrong one a wrong figure.
FILLER_WORDS = frozenset(
    {
        "sekitar", "kira", "kisaran", "kurleb", "about", "around", "approx", "approximately",
        "roughly", "ada", "sudah", "udah", "sdh", "dah", "baru", "cuma", "cuman", "hanya",
        "saja", "aja", "doang", "only", "just", "total", "totalnya", "semua", "semuanya",
        "jumlah", "jumlahnya", "hasil", "hasilnya", "terjual", "laku", "jual", "dijual",
        "dapat", "dapet", "dpt", "panen", "produksi", "pendapatan", "penghasilan", "untung",
        "omzet", "omset", "sebanyak", "sebesar", "senilai", "yang", "yg", "ya", "iya", "kak",
        "ka", "pak", "bu", "ibu", "bapak", "bang", "mas", "mbak", "mba", "deh", "sih", "kok",
        "lah", "nih", "tuh", "dong", "an", "dan", "and", "sold", "made", "got", "earned",
    }
)  # fmt: skip
# Signs that would change the meaning if ignored: better to ask again.
_REFUSED_SIGNS = frozenset("%×*@=^÷<>")
_DASHES = frozenset("-‐‑‒–—−﹣－")
_FRACTION_CHARACTERS = {"½": " setengah ", "¼": " seperempat ", "¾": " tiga perempat "}
_PHRASES = [
    (re.compile(r"\bs\s*[./]\s*d\b\.?"), " sampai "),
    (re.compile(r"\+\s*/?\s*-|±"), " sekitar "),
    (re.compile(r"\b(?:kurang\s+lebih|lebih\s+kurang)\b"), " sekitar "),
    (re.compile(r"\bsampai\s+dengan\b"), " sampai "),
    (re.compile(r"\b(?:and\s+)?a\s+half\b"), " setengah "),
    (re.compile(r"\bkilo\s+gram\b"), " kilogram "),
    (re.compile(r"\bg\s+ada\b"), " ga ada "),
    # "dua-puluh", "kira-kira", "twenty-five": a dash inside words is a hyphen.
    (re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])"), " "),
]
_TOKEN = re.compile(
    r"(?P<number>(?<![^\W\d_])[.,][0-9]+(?:[.,][0-9]+)*|[0-9]+(?:[.,][0-9]+)*)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<sign>\S)"
)


def normalize(text: str) -> str:
    """Lower case, ASCII digits, compatibility forms folded, fixed phrases rewritten."""
    for character, words in _FRACTION_CHARACTERS.items():
        text = text.replace(character, words)  # before NFKC, which turns ½ into 1⁄2
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(_ascii_digit(character) for character in text)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return text


def _ascii_digit(character: str) -> str:
    if character.isdigit() and not character.isascii():
        digit = unicodedata.decimal(character, None)
        return str(digit) if digit is not None else character
    return character


def split(text: str) -> list[str]:
    """The raw pieces of normalised text: digit runs, letter runs, single signs."""
    return [match.group() for match in _TOKEN.finditer(text)]


def classify(
    pieces: list[str],
    *,
    decimal_mark: str,
    cohort_phrase: tuple[str, ...] = (),
    extra_fillers: frozenset[str] = frozenset(),
) -> list[Token]:
    """Tokens for the pieces; fillers and harmless punctuation are dropped."""
    tokens: list[Token] = []
    index = 0
    while index < len(pieces):
        if cohort_phrase and tuple(pieces[index : index + len(cohort_phrase)]) == cohort_phrase:
            tokens.append(UnitWord(None))
            index += len(cohort_phrase)
            continue
        tokens.extend(_classify_piece(pieces[index], decimal_mark, extra_fillers))
        index += 1
    return tokens


def _classify_piece(piece: str, decimal_mark: str, extra_fillers: frozenset[str]) -> list[Token]:
    if piece[0] in "0123456789.,":
        if any(character.isdigit() for character in piece):
            return [Literal(piece, literal_readings(piece, decimal_mark))]
        return []
    # Word pieces can start with a non-letter: the word pattern also takes numeric signs
    # such as "𞱱" that are not decimal digits.
    if len(piece) > 1 or piece.isalpha():
        return _classify_word(piece, extra_fillers)
    if piece in _DASHES:
        return [Dash()]
    if piece in "/⁄∕":
        return [Slash()]
    if piece in "~〜":
        return [Between()]
    if piece in _REFUSED_SIGNS:
        return [Unknown(piece)]
    category = unicodedata.category(piece)
    if category[0] in "PSZ":  # punctuation, symbols (emoji), separators: noise
        return []
    return [Unknown(piece)]


def _classify_word(word: str, extra_fillers: frozenset[str]) -> list[Token]:
    if word in FILLER_WORDS or word in extra_fillers:
        return []
    if word in NUMBER_WORDS:
        return list(NUMBER_WORDS[word])
    if word in UNIT_WORDS:
        return [UnitWord(UNIT_WORDS[word])]
    if word in CURRENCY_WORDS:
        return [Currency()]
    if word in NEGATION_WORDS:
        return [Negation()]
    if word in BETWEEN_WORDS:
        return [Between()]
    if word in MINUS_WORDS:
        return [Minus()]
    if word.startswith("se") and len(word) > 3:
        rest = word[2:]
        if rest in _SE_TARGETS:
            return [Value(_ONE), *NUMBER_WORDS[rest]]
        if len(rest) > 1 and rest in UNIT_WORDS:
            return [Value(_ONE), UnitWord(UNIT_WORDS[rest])]
    return [Unknown(word)]
