"""Alerts to facilitators: the escalation rules and escalation to coordinators."""

from bot.domain.alerts.rules import Rule, RuleOutcome, ask_for_help, escalate_due, evaluate

__all__ = ["Rule", "RuleOutcome", "ask_for_help", "escalate_due", "evaluate"]
