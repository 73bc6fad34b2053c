"""Every flow by name; importing this validates them all (a broken flow fails at start-up)."""

from bot.flows.model import Flow
from conversations.alert_note import ALERT_NOTE
from conversations.checkin import CHECKIN
from conversations.onboarding import CONSENT, ONBOARDING

FLOWS: dict[str, Flow] = {flow.name: flow for flow in (CHECKIN, ONBOARDING, CONSENT, ALERT_NOTE)}
