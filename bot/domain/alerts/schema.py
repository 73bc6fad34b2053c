"""What the alert rules' SQL works on: Core handles on the tables, the rules an alert can
come from, the statuses in which an alert is live, and the columns a new alert is given."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, literal

from bot.db.models import (
    Alert,
    AlertStatus,
    Cohort,
    FollowUpRecord,
    Person,
    Round,
    TelegramAccount,
)
from bot.db.models.base import table_of
from bot.db.types import UTCDateTime


class Rule(StrEnum):
    UNRESPONSIVE = "unresponsive"
    NOT_PRODUCING = "not-producing"
    UNREACHABLE = "unreachable"
    PAUSED = "paused"
    HELP = "help"
    EARLY_WARNING = "early-warning"


# Open or acknowledged: such an alert blocks a new one for the same person and rule.
LIVE = (AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value)

people = table_of(Person)
cohorts = table_of(Cohort)
records = table_of(FollowUpRecord)
accounts = table_of(TelegramAccount)
rounds = table_of(Round)
alerts = table_of(Alert)

ALERT_COLUMNS = [
    "person_id",
    "rule",
    "status",
    "level",
    "assigned_to_id",
    "round_id",
    "details",
    "opened_at",
    "escalated_at",
]


def at(now: datetime) -> ColumnElement[datetime]:
    return literal(now, UTCDateTime())
