"""The export's columns: machine-readable names (never translated) and their meanings."""

from __future__ import annotations

from bot.lib.i18n import N_

# (name, meaning): the names are a contract with Monev analysts' scripts; the meanings are
# shown, translated, on the XLSX "about" sheet.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("record_id", N_("Kabar's number for this follow-up record.")),
    ("participant_id", N_("The participant's id from the roster.")),
    ("participant_name", N_("The participant's name from the roster.")),
    ("cohort", N_("The cohort the check-in round belongs to.")),
    ("village", N_("The participant's village from the roster.")),
    ("district", N_("The participant's district from the roster.")),
    ("facilitator_id", N_("Roster id of the participant's facilitator (supervisor_id).")),
    ("round_id", N_("Kabar's number for the check-in round.")),
    ("round_opened_at", N_("When the round opened and the question was sent.")),
    ("answered_at", N_("When the participant finished answering; empty if they did not.")),
    (
        "status",
        N_("answered (all questions), partial (some questions) or missed (no answer)."),
    ),
    ("produced", N_("Whether the family produced anything since the last round.")),
    ("quantity_produced", N_("How much they produced, in the unit column.")),
    ("unit", N_("The unit of the quantities, such as kg.")),
    ("quantity_sold", N_("How much they sold, in the unit column.")),
    ("revenue_idr", N_("Sales revenue in rupiah.")),
    (
        "problems",
        N_(
            "Problems named, joined by ';': tools, raw_material, market, capital, health, "
            "skills, other."
        ),
    ),
    ("problem_note", N_("The participant's own words about the problem.")),
    ("needs_help", N_("Whether the participant asked the facilitator for help.")),
    (
        "attachments",
        N_("Photos, voice notes and documents sent, as kind:telegram_file_id joined by ';'."),
    ),
    ("late", N_("Whether the answer came after the round had closed.")),
    (
        "media_files",
        N_(
            "Where Kabar saved a copy of each attachment, relative to the media folder, "
            "joined by ';'; empty until it is downloaded."
        ),
    ),
    (
        "offer_stock",
        N_(
            "Whether the family asked to offer their unsold stock to buying partners; "
            "empty when they were not asked (no stock left, or an older check-in)."
        ),
    ),
)

HEADER: tuple[str, ...] = tuple(name for name, _meaning in COLUMNS)
