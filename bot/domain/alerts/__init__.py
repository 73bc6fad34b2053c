"""Alerts to facilitators: the escalation rules and escalation to coordinators.

`rules` runs the rules (`evaluate`) and escalates (`escalate_due`) over `family_facts`,
`episodes` and `statuses`; `help_request` is /tolong; `cards` tells people about alerts.
"""

from bot.domain.alerts.help_request import ask_for_help
from bot.domain.alerts.rules import RuleOutcome, escalate_due, evaluate
from bot.domain.alerts.schema import Rule

__all__ = ["Rule", "RuleOutcome", "ask_for_help", "escalate_due", "evaluate"]
