"""Whether a press of an alert card's button may be carried out, or what to answer instead.

A card stays in the chat after its alert closes, and a button can be pressed twice (a slow
network, a second look): each action is recorded once per person, and a closed alert's
buttons, "Note" and the digest's numbers included, answer that it is closed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Alert, AlertAction, AlertStatus, Person
from bot.domain.alerts.cards import ACTION_LABELS, ALREADY_CLOSED, NOT_YOURS, may_act
from bot.lib.i18n import N_, Translator

ALREADY_RECORDED = N_("You have already recorded “{action}” on this alert.")
CLOSED = (AlertStatus.RESOLVED, AlertStatus.CLOSED)


@dataclass(frozen=True, slots=True)
class Refusal:
    text: str  # the answer to the press, in the presser's language
    forged: bool = False  # the alert was never the presser's to act on


async def refusal(
    session: AsyncSession, actor: Person, alert: Alert, action: str, t: Translator
) -> Refusal | None:
    """Why a press changes nothing, in `t`'s language; None to carry it out."""
    if not await may_act(session, actor, alert):
        return Refusal(t.gettext(NOT_YOURS), forged=True)
    if alert.status in CLOSED:
        return Refusal(t.gettext(ALREADY_CLOSED))
    if action in ("show", "note"):  # a card shown again, or one more note: nothing repeated
        return None
    done = await session.scalar(
        select(AlertAction.id)
        .where(
            AlertAction.alert_id == alert.id,
            AlertAction.actor_id == actor.id,
            AlertAction.action == action,
        )
        .limit(1)
    )
    if done is None:
        return None
    return Refusal(t.gettext(ALREADY_RECORDED).format(action=t.gettext(ACTION_LABELS[action])))
