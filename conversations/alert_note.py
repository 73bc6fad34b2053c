"""A facilitator's note on an alert: a few words typed, or a voice note."""

from bot.flows.model import Flow, Kind, Step
from bot.lib.i18n import N_

ALERT_NOTE = Flow(
    name="alert_note",
    version=1,
    steps=(
        Step(
            "note",
            Kind.TEXT,
            N_("Type your note about this family, or send a voice note."),
            accepts_media=True,
            label=N_("Note"),
        ),
    ),
)
