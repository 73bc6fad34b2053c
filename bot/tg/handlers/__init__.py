"""Every handler, in one ordered place: the first that matches an update handles it.

The commands are those declared in bot/domain/people/commands.py; here is what each does.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.domain.people.commands import COMMANDS
from bot.tg.context import KabarContext
from bot.tg.handlers import (
    alerts,
    basics,
    broadcasts,
    conversation,
    facilitators,
    people,
    reports,
    stock,
)
from bot.tg.router import Handler

Callback = Callable[[Update, KabarContext], Coroutine[Any, Any, None]]

ON_COMMAND: dict[str, Callback] = {
    "start": basics.on_start,
    "bantuan": basics.on_help,
    "batal": conversation.on_cancel,
    "ulang": conversation.on_restart,
    "berhenti": people.on_pause,
    "mulai": people.on_resume,
    "dataku": people.on_my_data,
    "tolong": alerts.on_help_request,
    "peserta": facilitators.on_families,
    "peringatan": facilitators.on_alerts,
    "siaran": broadcasts.on_broadcast,
    "laporan": reports.on_report,
    "stok": stock.on_stock,
}


def handlers() -> tuple[Handler, ...]:
    private = filters.ChatType.PRIVATE
    commands: list[Handler] = [
        CommandHandler(command.names, ON_COMMAND[command.name], filters=private)
        for command in COMMANDS
    ]
    return (
        # An edit first: it is never taken as a new command, contact or message.
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & private, conversation.on_edit),
        *commands,
        MessageHandler(filters.CONTACT & private, people.on_contact),
        CallbackQueryHandler(alerts.on_alert_button, pattern=r"^a:"),
        CallbackQueryHandler(facilitators.on_page_button, pattern=r"^pa?:\d+$"),
        CallbackQueryHandler(broadcasts.on_draft_button, pattern=r"^s:"),
        CallbackQueryHandler(broadcasts.on_cancel_button, pattern=r"^bx:"),
        CallbackQueryHandler(conversation.on_button),
        # Everything else in a private chat: an answer to the open question, or a short reply.
        MessageHandler(private & ~filters.UpdateType.EDITED, conversation.on_message),
    )
