"""First contact after registration: the language, then consent to what Kabar collects;
and the consent alone, for a family who declined it and asks to join after all."""

from bot.flows.model import Flow, Kind, Option, Step
from bot.lib.i18n import N_
from conversations.words import AGREE_WORDS, DISAGREE_WORDS

VERSION = 1

# The data notice. Asked at registration, and again on its own (CONSENT) when a family who
# declined it sends /mulai: only agreeing to it is consent.
CONSENT_STEP = Step(
    "consent",
    Kind.CHOICE,
    N_(
        "Before we start, about your data:\n"
        "• Kabar keeps your answers about production, sales and problems, and the "
        "photos and voice notes you send.\n"
        "• Your facilitator (pendamping) and the programme staff can see them; they "
        "use them only to support your business and to report on the programme.\n"
        "• You can stop messages at any time with /berhenti, and see what Kabar holds "
        "about you with /dataku.\n\n"
        "Do you agree?"
    ),
    options=(
        Option("yes", N_("I agree"), words=AGREE_WORDS),
        Option("no", N_("I do not agree"), words=DISAGREE_WORDS),
    ),
)

ONBOARDING = Flow(
    name="onboarding",
    version=VERSION,
    steps=(
        Step(
            "language",
            Kind.CHOICE,
            # Shown before a language is chosen, so it carries the languages offered (the
            # Javanese catalog adds "Pilih basa" for people the roster lists as Javanese).
            N_("Pilih bahasa / Choose your language:"),
            options=(
                Option("id", N_("Bahasa Indonesia"), words=("indonesia", "indonesian", "indo")),
                Option(
                    "jv",
                    N_("Basa Jawa"),
                    words=("jawa", "bahasa jawa", "javanese", "jowo", "boso jowo", "basa jawi"),
                ),
                Option(
                    "en",
                    N_("English"),
                    words=("inggris", "bahasa inggris", "basa inggris", "enggres", "eng"),
                ),
            ),
        ),
        CONSENT_STEP,
    ),
)

CONSENT = Flow(name="consent", version=1, steps=(CONSENT_STEP,))
