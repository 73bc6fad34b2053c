"""Invitations: single-use codes that link a roster person to their Telegram account."""

from bot.domain.invites.codes import CODE_PATTERN, looks_like_code, new_code, normalize_code
from bot.domain.invites.issue import (
    InvitationStatus,
    InviteError,
    InviteRow,
    IssueResult,
    find_invitation,
    issue_invitations,
    redeem_invitation,
)
from bot.domain.invites.links import bot_username, cohort_bots, invite_link

__all__ = [
    "CODE_PATTERN",
    "InvitationStatus",
    "InviteError",
    "InviteRow",
    "IssueResult",
    "bot_username",
    "cohort_bots",
    "find_invitation",
    "invite_link",
    "issue_invitations",
    "looks_like_code",
    "new_code",
    "normalize_code",
    "redeem_invitation",
]
