"""What families type for the common buttons, in Indonesian, Javanese and English.

Kept to the words people really write; small misspellings of these and of the labels are
forgiven by bot/flows/matching.py, so no list of typos is needed here.
"""

YES_WORDS = (
    "ya", "iya", "iyaa", "y", "yes", "yup", "ok", "oke", "okay", "sudah", "udah", "sdh",
    "pernah", "ada", "benar", "betul", "bener", "nggih", "inggih", "enggih", "ngih", "iyo",
    "yo", "sampun", "wis", "uwis", "wes", "leres", "wonten", "ono", "ana",
)  # fmt: skip
NO_WORDS = (
    "tidak", "tdk", "tak", "ga", "gak", "gk", "nggak", "ngga", "enggak", "engga", "ndak",
    "nda", "kagak", "no", "nope", "n", "belum", "blm", "blum", "tidak ada", "tdk ada",
    "ga ada", "gak ada", "nggak ada", "gada", "nothing", "ora", "ora ono", "ora ana",
    "mboten", "boten", "mboten wonten", "dereng", "durung", "rung", "not yet",
)  # fmt: skip
# "Yes, I agree" as people write it to a person: "nggih setuju", "iya saya setuju".
_YES_AGREE = tuple(
    f"{yes} {agree}"
    for yes in ("ya", "iya", "ok", "oke", "nggih", "inggih", "enggih", "iyo", "yes")
    for agree in ("setuju", "saya setuju", "kula setuju", "sarujuk", "agree", "i agree")
)
AGREE_WORDS = ("setuju", "agree", "sarujuk", "saya setuju", "kula setuju", *_YES_AGREE, *YES_WORDS)
DISAGREE_WORDS = (
    "tidak setuju", "gak setuju", "ga setuju", "nggak setuju", "ora setuju",
    "mboten setuju", "disagree", "do not agree", *NO_WORDS,
)  # fmt: skip
