"""/start, /help and the answer to anything not understood."""

from __future__ import annotations

from telegram import Update

from bot.domain.people import greeting
from bot.messaging.messages import Outgoing
from bot.tg.context import KabarContext


async def on_start(update: Update, context: KabarContext) -> None:
    work, services = context.work, context.runtime.services
    sender = work.sender
    if sender is None:
        return
    # Read before a registration: a new one opens onboarding, which must not be re-asked.
    person = await work.person()
    payload = (context.args or [""])[0]
    if payload:
        work.send(
            await services.registration.by_code(
                work.session, sender, payload, work.now, existing=person
            )
        )
        # Their link tapped again after declining or /berhenti: how to turn messages on
        # (the data notice, when it is open, says it).
        if person and greeting.is_paused_family(person) and await _where(context) is None:
            work.send(greeting.start(sender, person))
    else:
        # In the middle of a check-in or of signing up: where they are, not the welcome.
        where = await _where(context)
        work.send(greeting.start(sender, person) if where is None else where)
    if person is not None:
        await ask_again(context)


async def _where(context: KabarContext) -> list[Outgoing] | None:
    """What /start says of the sender's open flow (its question follows); None: greeted."""
    turn, sender = await context.work.turn(), context.work.sender
    if turn is None or sender is None:
        return None
    return greeting.resuming(sender, turn.person, turn.conversation.flow)


async def on_help(update: Update, context: KabarContext) -> None:
    work = context.work
    sender = work.sender
    if sender is None:
        return
    person = await work.person()
    work.send(greeting.help_text(sender, person))
    if person is not None:
        await ask_again(context)


async def ask_again(context: KabarContext) -> None:
    """After help, a greeting or any other side reply, repeat the open question so the
    person can carry on (nothing when no flow is open)."""
    turn = await context.work.turn()
    # A family who stopped messages is asked nothing, not even the open question (/mulai
    # brings it back); the data notice shown again to one who declined is their way back.
    if turn is not None and not greeting.reads_nothing_in(turn.person, turn.conversation.flow):
        context.work.send(await context.runtime.services.runner.again(turn))
