"""Audit log writes, made in the same transaction as the change they describe."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEntry


def audit(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(at=at, actor=actor, action=action, subject=subject, details=details or {})
    )


async def audit_entries(
    session: AsyncSession, *, since: datetime | None = None
) -> list[AuditEntry]:
    """The audit log in the order things happened, from `since` on."""
    statement = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
    if since is not None:
        statement = statement.where(AuditEntry.at >= since)
    return list((await session.execute(statement)).scalars())
