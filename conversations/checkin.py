"""The check-in: what a family produced, sold and earned, and what stands in their way.

Declared as data; bot/flows/engine.py runs it. Texts are msgids (English source), translated
into the family's language when shown. Bump VERSION when steps change meaning; check-ins
under way then go on under the new version, by an `Upgrade` declared here in `upgrades=`
when the default (keep the answers that still fit, ask the first gap) is not right.
"""

from bot.flows.model import Condition, Flow, Kind, Option, Step
from bot.lib.i18n import N_
from conversations.words import NO_WORDS, YES_WORDS

VERSION = 2  # 2: the offer of stock to buying partners

YES_NO = (
    Option("yes", N_("Yes"), words=YES_WORDS),
    Option("no", N_("No"), words=NO_WORDS),
)

PROBLEMS = (
    Option("tools", N_("Tools or equipment")),
    Option("raw_material", N_("Raw material")),
    Option("market", N_("Market or buyers")),
    Option("capital", N_("Capital")),
    Option("health", N_("Health or family")),
    Option("skills", N_("Skills")),
    Option("other", N_("Something else")),
)

NO_PRODUCTION = Condition("produced", "is", "no")

CHECKIN = Flow(
    name="checkin",
    version=VERSION,
    steps=(
        Step(
            "produced",
            Kind.CHOICE,
            N_("Did you produce anything for your business since the last check-in?"),
            options=YES_NO,
            label=N_("Produced"),
        ),
        Step(
            "quantity_produced",
            Kind.QUANTITY,
            N_("How much did you produce? Type a number in {unit}."),
            skip_if=(NO_PRODUCTION,),
            label=N_("Amount produced"),
            hint=N_("For example: 5 or 2,5"),
        ),
        Step(
            "quantity_sold",
            Kind.QUANTITY,
            N_("How much of it did you sell? Type a number in {unit} (0 if nothing)."),
            skip_if=(NO_PRODUCTION,),
            at_most="quantity_produced",  # more: asked whether from earlier stock
            label=N_("Sold"),
            hint=N_("For example: 3 or 0"),
        ),
        Step(
            "revenue_idr",
            Kind.MONEY,
            N_("How much money did you receive from the sales, in rupiah?"),
            skip_if=(NO_PRODUCTION, Condition("quantity_sold", "is_zero")),
            # Far from the family's usual income, or the cohort's usual price times the
            # quantity sold: asked once whether it is right ("Rp7 — did you mean Rp7.000?").
            plausible=True,
            per="quantity_sold",
            label=N_("Income"),
            hint=N_("For example: 150000, 150rb or 1,5 jt"),
        ),
        Step(
            # Asked only while the family holds stock (made and not yet sold, this round
            # or before: bot/domain/stock/holdings.py); the latest answer stands.
            "offer_stock",
            Kind.CHOICE,
            N_(
                "Some of your product is not sold yet. Shall Kabar offer it to buying "
                "partners (mitra) for pickup? They see only your village and the amount, "
                "not your name or phone."
            ),
            options=YES_NO,
            skip_if=(Condition("quantity_sold", "no_stock", "quantity_produced"),),
            label=N_("Offer stock to buyers"),
        ),
        Step(
            "problems",
            Kind.MULTI,
            N_("Is anything holding your business back? Tap all that apply, then “Done”."),
            options=PROBLEMS,
            label=N_("Problems"),
            none_label=N_("No problems"),
        ),
        Step(
            "problem_note",
            Kind.TEXT,
            N_("Tell us a little more about the problem: type it, or send a voice note."),
            skip_if=(Condition("problems", "is_empty"),),
            optional=True,
            accepts_media=True,
            label=N_("Note"),
        ),
        Step(
            "needs_help",
            Kind.CHOICE,
            N_("Would you like your facilitator (pendamping) to contact you about this?"),
            options=YES_NO,
            skip_if=(Condition("problems", "is_empty"),),
            label=N_("Wants a visit"),
        ),
        Step(
            "photo",
            Kind.PHOTO,
            N_("If you can, send a photo of your product. Or tap “Skip”."),
            optional=True,
            label=N_("Photo"),
        ),
        Step(
            "confirm",
            Kind.CONFIRM,
            N_("Please check your answers:"),
        ),
    ),
)
