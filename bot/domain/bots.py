"""A deployment's bots: the default one (from the settings) and the extra ones in `bots`.

A round for a province is millions of messages; one bot sends about 30 a second. Each extra
bot has its own limits and sender, its own families (those who registered with it) and its
cohorts (whose invitations carry its link).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Bot, Cohort, TelegramAccount
from bot.domain.audit import audit
from bot.domain.cohorts import CohortError, require_cohort
from bot.lib.i18n import N_

MSG_DEFAULT_BOT = N_(
    "This token is the default bot's (KABAR_BOT_TOKEN): it needs no `kabar bot add`."
)
MSG_USERNAME_TAKEN = N_("Bot @{username} is already added with another token.")


class BotError(CohortError):
    """A bot request that cannot be done; `translate(t)` gives the operator's text (the
    form of a cohort request's errors: a msgid and its parameters)."""


@dataclass(frozen=True, slots=True)
class BotOverview:
    """One line of `kabar bot list`; `id` None for the default bot."""

    id: int | None
    username: str
    token: str  # masked
    cohorts: tuple[str, ...]
    families: int
    paid_broadcast: bool


def masked(token: str | None) -> str:
    """A token as it may be shown: the bot's number and the last three characters."""
    if not token:
        return "—"
    number, _, secret = token.partition(":")
    return f"{number}:…{secret[-3:]}" if len(secret) > 6 else "…"


async def check_request(
    session: AsyncSession, *, token: str, cohorts: Sequence[str], default_token: str | None
) -> list[Cohort]:
    """What the database alone can refuse in `kabar bot add`, asked before Telegram is: an
    unknown cohort must not wait behind an unreachable network, nor be retried as one."""
    if default_token and token == default_token:
        raise BotError(MSG_DEFAULT_BOT)
    return [await require_cohort(session, name) for name in cohorts]


async def add_bot(
    session: AsyncSession,
    *,
    token: str,
    username: str,
    cohorts: Sequence[str],
    paid_broadcast: bool,
    default_token: str | None,
    now: datetime,
    actor: str,
) -> Bot:
    """Store a bot whose `username` getMe gave for `token`, and give it `cohorts`. Adding a
    bot again updates its cohorts and paid broadcasts (its token may have been renewed)."""
    named = await check_request(session, token=token, cohorts=cohorts, default_token=default_token)
    username = username.removeprefix("@")
    bot = (await session.execute(select(Bot).where(Bot.username == username))).scalar_one_or_none()
    if bot is None:
        same_token = await session.execute(select(Bot).where(Bot.token == token))
        if same_token.scalar_one_or_none() is not None:
            raise BotError(MSG_USERNAME_TAKEN, username=username)
        bot = Bot(username=username, token=token, paid_broadcast=paid_broadcast, created_at=now)
        session.add(bot)
        await session.flush()
    else:
        bot.token, bot.paid_broadcast = token, paid_broadcast
    for cohort in named:
        cohort.bot_id = bot.id
    audit(
        session,
        at=now,
        actor=actor,
        action="bot.add",
        subject=f"@{username}",
        details={"cohorts": [c.name for c in named], "paid_broadcast": paid_broadcast},
    )
    return bot


async def extra_bots(session: AsyncSession) -> list[Bot]:
    return list((await session.execute(select(Bot).order_by(Bot.id))).scalars())


async def overview(
    session: AsyncSession,
    *,
    default_username: str | None,
    default_token: str | None,
    default_paid: bool,
) -> list[BotOverview]:
    """The default bot first, then the extra ones, each with its cohorts and families."""
    cohorts: dict[int | None, list[str]] = {}
    for name, bot_id in await session.execute(
        select(Cohort.name, Cohort.bot_id).order_by(Cohort.name)
    ):
        cohorts.setdefault(bot_id, []).append(name)
    families = dict(
        (bot_id, count)
        for bot_id, count in await session.execute(
            select(TelegramAccount.bot_id, func.count()).group_by(TelegramAccount.bot_id)
        )
    )
    lines = [
        BotOverview(
            None,
            (default_username or "").removeprefix("@") or "—",
            masked(default_token),
            tuple(cohorts.get(None, [])),
            int(families.get(None, 0)),
            default_paid,
        )
    ]
    for bot in await extra_bots(session):
        lines.append(
            BotOverview(
                bot.id,
                bot.username,
                masked(bot.token),
                tuple(cohorts.get(bot.id, [])),
                int(families.get(bot.id, 0)),
                bot.paid_broadcast,
            )
        )
    return lines
