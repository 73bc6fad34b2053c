"""All models, imported here so the metadata is complete for Alembic."""

from bot.db.models.alerts import Alert, AlertAction, AlertStatus
from bot.db.models.audit import AuditEntry, BotState
from bot.db.models.base import Base
from bot.db.models.bots import Bot
from bot.db.models.checkins import (
    Attachment,
    Conversation,
    ConversationStatus,
    FamilyStock,
    FollowUpRecord,
    RecordStatus,
    Round,
)
from bot.db.models.messaging import (
    Broadcast,
    BroadcastReply,
    BroadcastSkip,
    BroadcastStatus,
    InboxUpdate,
    OutboxMessage,
    OutboxStatus,
    Priority,
    QuarantinedUpdate,
)
from bot.db.models.people import (
    Cohort,
    Invitation,
    InvitationAttempt,
    ParticipantStatus,
    Person,
    Role,
    TelegramAccount,
)

__all__ = [
    "Alert",
    "AlertAction",
    "AlertStatus",
    "Attachment",
    "AuditEntry",
    "Base",
    "Bot",
    "BotState",
    "Broadcast",
    "BroadcastReply",
    "BroadcastSkip",
    "BroadcastStatus",
    "Cohort",
    "Conversation",
    "ConversationStatus",
    "FamilyStock",
    "FollowUpRecord",
    "InboxUpdate",
    "Invitation",
    "InvitationAttempt",
    "OutboxMessage",
    "OutboxStatus",
    "ParticipantStatus",
    "Person",
    "Priority",
    "QuarantinedUpdate",
    "RecordStatus",
    "Role",
    "Round",
    "TelegramAccount",
]
