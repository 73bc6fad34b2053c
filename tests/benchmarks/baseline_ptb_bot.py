#!/usr/bin/env python
"""Baseline for bench_checkin_throughput.py: Kabar's check-in written the way
python-telegram-bot's own examples write a conversation (conversationbot.py,
persistentconversationbot.py): a ConversationHandler with one state per question, answers in
``context.user_data``, PicklePersistence, ``run_polling()``.

It asks the same questions as conversations/checkin.py, in the same order, with the same
kinds of answer and the same Bot API calls per answer (a button press: answerCallbackQuery,
then edit the pressed message, then the next question). Numbers are parsed simply (float with
a few suffixes). It deliberately imports nothing from Kabar: it is what a PTB user would write.

Run:  python baseline_ptb_bot.py --token TOKEN --base-url http://127.0.0.1:PORT/bot
          [--persistence PATH] [--concurrent-updates 4]
(or BASELINE_BOT_TOKEN / BASELINE_BASE_URL in the environment). SIGTERM stops it cleanly,
which flushes the pickle file.
"""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any
from warnings import filterwarnings

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PicklePersistence,
    filters,
)
from telegram.warnings import PTBUserWarning

# As PTB's own inline-keyboard examples do: per_message=False with CallbackQueryHandlers is
# what we want (one conversation per user), so the warning about it is noise.
filterwarnings(action="ignore", message=r".*CallbackQueryHandler", category=PTBUserWarning)

logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s %(message)s", level=logging.WARNING)
logger = logging.getLogger(__name__)

UNIT = "kg"

PRODUCED, QUANTITY, SOLD, REVENUE, PROBLEMS, NOTE, NEEDS_HELP, PHOTO, CONFIRM = range(9)

# The English texts of conversations/checkin.py, copied: the benchmark waits for them.
GREETING = "Hello, {name}! It is time for Kabar's check-in: how is your business going?"
Q_PRODUCED = "Did you produce anything for your business since the last check-in?"
Q_QUANTITY = f"How much did you produce? Type a number in {UNIT}."
Q_SOLD = f"How much of it did you sell? Type a number in {UNIT} (0 if nothing)."
Q_REVENUE = "How much money did you receive from the sales, in rupiah?"
Q_PROBLEMS = "Is anything holding your business back? Tap all that apply, then “Done”."
Q_NOTE = "Tell us a little more about the problem: type it, or send a voice note."
Q_NEEDS_HELP = "Would you like your facilitator (pendamping) to contact you about this?"
Q_PHOTO = "If you can, send a photo of your product. Or tap “Skip”."
Q_CONFIRM = "Please check your answers:"
NOT_A_NUMBER = "I did not understand that number."
HINT_QUANTITY = "For example: 5 or 2,5"
HINT_SOLD = "For example: 3 or 0"
HINT_REVENUE = "For example: 150000, 150rb or 1,5 jt"
THANKS = (
    "Thank you! Your answers are saved. Kabar will ask again at the next check-in. "
    "If you need your facilitator (pendamping) before then, send /tolong."
)
THANKS_HELP = "Your facilitator (pendamping) will be told that you would like a visit."
CANCELLED = "The check-in is cancelled."

PROBLEMS_OPTIONS = {
    "tools": "Tools or equipment",
    "raw_material": "Raw material",
    "market": "Market or buyers",
    "capital": "Capital",
    "health": "Health or family",
    "skills": "Skills",
    "other": "Something else",
}

YES_NO = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="yes"),
            InlineKeyboardButton("No", callback_data="no"),
        ]
    ]
)
SKIP = InlineKeyboardMarkup([[InlineKeyboardButton("Skip", callback_data="skip")]])
CONFIRM_KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("✅ Send", callback_data="send")],
        [InlineKeyboardButton("✏️ Change an answer", callback_data="change")],
    ]
)

Context = ContextTypes.DEFAULT_TYPE


def parse_number(text: str) -> float:
    """'5', '5 kg', '2,5', '150rb', '1,5 jt', 'Rp 150000': simple, as a PTB example would."""
    cleaned = text.lower().replace("rp", "").replace(" ", "")
    factor = 1.0
    for suffix, multiplier in (("ribu", 1e3), ("rb", 1e3), ("juta", 1e6), ("jt", 1e6), (UNIT, 1)):
        if cleaned.endswith(suffix):
            cleaned, factor = cleaned[: -len(suffix)], multiplier
            break
    value = float(cleaned.replace(",", ".")) * factor
    if value < 0:
        raise ValueError("negative")
    return value


def answers(context: Context) -> dict[str, Any]:
    assert context.user_data is not None
    checkin: dict[str, Any] = context.user_data.setdefault("checkin", {})
    return checkin


def problems_keyboard(chosen: list[str]) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(("✅ " if code in chosen else "") + label, callback_data=f"p:{code}")]
        for code, label in PROBLEMS_OPTIONS.items()
    ]
    last = ("Done", "p:done") if chosen else ("No problems", "p:none")
    rows.append([InlineKeyboardButton(last[0], callback_data=last[1])])
    return InlineKeyboardMarkup(rows)


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    assert update.effective_chat is not None
    await update.effective_chat.send_message(text, reply_markup=markup)


async def pressed(update: Update, question: str, shown: str) -> str:
    """Answer the button press and edit the question to show the choice, as Kabar does."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    await query.edit_message_text(f"{question}\n→ {shown}")
    return query.data


async def start(update: Update, context: Context) -> int:
    assert update.effective_user is not None
    answers(context).clear()
    await say(update, GREETING.format(name=update.effective_user.first_name))
    await say(update, Q_PRODUCED, YES_NO)
    return PRODUCED


async def produced(update: Update, context: Context) -> int:
    assert update.callback_query is not None
    data = update.callback_query.data
    await pressed(update, Q_PRODUCED, "Yes" if data == "yes" else "No")
    answers(context)["produced"] = data == "yes"
    if data == "yes":
        await say(update, Q_QUANTITY)
        return QUANTITY
    return await ask_problems(update, context)


async def typed_number(update: Update, question: str, hint: str) -> float | None:
    assert update.message is not None and update.message.text is not None
    try:
        return parse_number(update.message.text)
    except ValueError:
        await say(update, f"{NOT_A_NUMBER}\n{hint}\n\n{question}")
        return None


async def quantity(update: Update, context: Context) -> int:
    value = await typed_number(update, Q_QUANTITY, HINT_QUANTITY)
    if value is None:
        return QUANTITY
    answers(context)["quantity_produced"] = value
    await say(update, Q_SOLD)
    return SOLD


async def sold(update: Update, context: Context) -> int:
    value = await typed_number(update, Q_SOLD, HINT_SOLD)
    if value is None:
        return SOLD
    answers(context)["quantity_sold"] = value
    if value == 0:
        return await ask_problems(update, context)
    await say(update, Q_REVENUE)
    return REVENUE


async def revenue(update: Update, context: Context) -> int:
    value = await typed_number(update, Q_REVENUE, HINT_REVENUE)
    if value is None:
        return REVENUE
    answers(context)["revenue_idr"] = int(value)
    return await ask_problems(update, context)


async def ask_problems(update: Update, context: Context) -> int:
    answers(context)["problems"] = []
    await say(update, Q_PROBLEMS, problems_keyboard([]))
    return PROBLEMS


async def problem_pressed(update: Update, context: Context) -> int:
    query = update.callback_query
    assert query is not None and query.data is not None
    code = query.data.removeprefix("p:")
    chosen: list[str] = answers(context)["problems"]
    if code in PROBLEMS_OPTIONS:
        # A toggle: the same question with the choice ticked.
        if code in chosen:
            chosen.remove(code)
        else:
            chosen.append(code)
        await query.answer()
        await query.edit_message_text(Q_PROBLEMS, reply_markup=problems_keyboard(chosen))
        return PROBLEMS
    shown = ", ".join(PROBLEMS_OPTIONS[c] for c in chosen) if chosen else "No problems"
    await pressed(update, Q_PROBLEMS, shown)
    if not chosen:
        await say(update, Q_PHOTO, SKIP)
        return PHOTO
    await say(update, Q_NOTE, SKIP)
    return NOTE


async def note(update: Update, context: Context) -> int:
    message = update.message
    assert message is not None
    voice = message.voice
    answers(context)["problem_note"] = message.text or (f"voice:{voice.file_id}" if voice else "")
    await say(update, Q_NEEDS_HELP, YES_NO)
    return NEEDS_HELP


async def skip_note(update: Update, context: Context) -> int:
    await pressed(update, Q_NOTE, "—")
    await say(update, Q_NEEDS_HELP, YES_NO)
    return NEEDS_HELP


async def needs_help(update: Update, context: Context) -> int:
    assert update.callback_query is not None
    data = update.callback_query.data
    await pressed(update, Q_NEEDS_HELP, "Yes" if data == "yes" else "No")
    answers(context)["needs_help"] = data == "yes"
    await say(update, Q_PHOTO, SKIP)
    return PHOTO


async def photo(update: Update, context: Context) -> int:
    assert update.message is not None
    answers(context)["photo"] = update.message.photo[-1].file_id
    return await ask_confirm(update, context)


async def skip_photo(update: Update, context: Context) -> int:
    await pressed(update, Q_PHOTO, "—")
    answers(context)["photo"] = None
    return await ask_confirm(update, context)


def amount(value: float) -> str:
    return f"{value:g}".replace(".", ",")


async def ask_confirm(update: Update, context: Context) -> int:
    a = answers(context)
    lines = [Q_CONFIRM, f"• Produced: {'Yes' if a.get('produced') else 'No'}"]
    if "quantity_produced" in a:
        lines.append(f"• Amount produced: {amount(a['quantity_produced'])} {UNIT}")
    if "quantity_sold" in a:
        lines.append(f"• Sold: {amount(a['quantity_sold'])} {UNIT}")
    if "revenue_idr" in a:
        lines.append(f"• Income: Rp{a['revenue_idr']:,}".replace(",", "."))
    chosen = a.get("problems") or []
    shown = ", ".join(PROBLEMS_OPTIONS[c] for c in chosen) if chosen else "No problems"
    lines.append(f"• Problems: {shown}")
    if chosen:
        lines.append(f"• Note: {a.get('problem_note') or '—'}")
        lines.append(f"• Wants a visit: {'Yes' if a.get('needs_help') else 'No'}")
    lines.append(f"• Photo: {'photo received' if a.get('photo') else '—'}")
    await say(update, "\n".join(lines), CONFIRM_KEYBOARD)
    return CONFIRM


async def confirm(update: Update, context: Context) -> int:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    await query.answer()
    if query.data == "change":
        # Kept simple: start the questions again (Kabar offers a menu of answers).
        await say(update, Q_PRODUCED, YES_NO)
        return PRODUCED
    record = dict(answers(context))
    context.user_data.setdefault("records", []).append(record)
    text = THANKS + ("\n" + THANKS_HELP if record.get("needs_help") else "")
    await say(update, text)
    return ConversationHandler.END


async def cancel(update: Update, context: Context) -> int:
    await say(update, CANCELLED)
    return ConversationHandler.END


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--token", default=os.environ.get("BASELINE_BOT_TOKEN"))
    parser.add_argument("--base-url", default=os.environ.get("BASELINE_BASE_URL"))
    parser.add_argument("--persistence", default="baseline_checkin.pickle")
    parser.add_argument("--concurrent-updates", type=int, default=4)
    args = parser.parse_args()
    if not args.token:
        parser.error("--token (or BASELINE_BOT_TOKEN) is required")

    builder = Application.builder().token(args.token)
    if args.base_url:
        builder = builder.base_url(args.base_url)
    application = (
        builder.persistence(PicklePersistence(filepath=args.persistence))
        # DESIGN.md: 4 did better than 1 and far better than 256.
        .concurrent_updates(args.concurrent_updates)
        .build()
    )

    yes_no = "^(yes|no)$"
    text = filters.TEXT & ~filters.COMMAND
    conversation = ConversationHandler(
        entry_points=[CommandHandler("start", start)],
        states={
            PRODUCED: [CallbackQueryHandler(produced, pattern=yes_no)],
            QUANTITY: [MessageHandler(text, quantity)],
            SOLD: [MessageHandler(text, sold)],
            REVENUE: [MessageHandler(text, revenue)],
            PROBLEMS: [CallbackQueryHandler(problem_pressed, pattern="^p:")],
            NOTE: [
                MessageHandler(text | filters.VOICE, note),
                CallbackQueryHandler(skip_note, pattern="^skip$"),
            ],
            NEEDS_HELP: [CallbackQueryHandler(needs_help, pattern=yes_no)],
            PHOTO: [
                MessageHandler(filters.PHOTO, photo),
                CallbackQueryHandler(skip_photo, pattern="^skip$"),
            ],
            CONFIRM: [CallbackQueryHandler(confirm, pattern="^(send|change)$")],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        name="checkin",
        persistent=True,
    )
    application.add_handler(conversation)
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
