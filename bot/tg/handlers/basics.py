"""/start, /help and the answer to anything not understood."""

from __future__ import annotations

from telegram import Update

from bot.domain.people import greeting
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
        if person is not None and greeting.is_paused_family(person):
            # Their link tapped again after declining or /berhenti: how to turn messages on.
            work.send(greeting.start(sender, person))
    else:
        # In the middle of a check-in or of signing up: where they are, not the welcome.
        turn = await work.turn()
        where = greeting.resuming(sender, turn.person, turn.conversation.flow) if turn else None
        work.send(where or greeting.start(sender, person))
    if person is not None:
        await ask_again(context)


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
    # brings it back).
    if turn is not None and not greeting.is_paused_family(turn.person):
        context.work.send(await context.runtime.services.runner.again(turn))
