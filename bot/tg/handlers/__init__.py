"""Every handler, registered in one ordered place: the first that matches handles it."""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.tg.handlers import alerts, basics, conversation, errors, facilitators, people


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", basics.on_start, filters=private))
    application.add_handler(CommandHandler(["help", "bantuan"], basics.on_help, filters=private))
    application.add_handler(CommandHandler("batal", conversation.on_cancel, filters=private))
    application.add_handler(CommandHandler("ulang", conversation.on_restart, filters=private))
    application.add_handler(CommandHandler("berhenti", people.on_pause, filters=private))
    application.add_handler(CommandHandler("mulai", people.on_resume, filters=private))
    application.add_handler(CommandHandler("dataku", people.on_my_data, filters=private))
    application.add_handler(MessageHandler(filters.CONTACT & private, people.on_contact))
    application.add_handler(CommandHandler("tolong", alerts.on_help_request, filters=private))
    application.add_handler(CallbackQueryHandler(alerts.on_alert_button, pattern=r"^a:"))
    application.add_handler(CommandHandler("peserta", facilitators.on_families, filters=private))
    application.add_handler(CommandHandler("peringatan", facilitators.on_alerts, filters=private))
    application.add_handler(CallbackQueryHandler(facilitators.on_page_button, pattern=r"^pa?:\d+$"))
    application.add_handler(CallbackQueryHandler(conversation.on_button))
    # Everything else in a private chat: an answer to the open question, or a short reply.
    application.add_handler(
        MessageHandler(private & ~filters.UpdateType.EDITED, conversation.on_message)
    )
    application.add_error_handler(errors.on_error)
