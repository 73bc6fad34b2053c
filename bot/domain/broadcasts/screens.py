"""What /siaran shows at each step: the audience menu, a page of values, the prompts, the
preview and the confirmations; texts in the sender's language, buttons whose data only
names the draft, an action and an index (see drafts.py)."""

from __future__ import annotations

from bot.db.models import Broadcast
from bot.domain.broadcasts import choices
from bot.domain.broadcasts.choices import Choice
from bot.domain.broadcasts.compose import NAME, unknown_tags
from bot.domain.broadcasts.lifecycle import Plan
from bot.domain.broadcasts.progress import CANCEL as CANCEL_BROADCAST
from bot.domain.broadcasts.progress import CANCEL_PREFIX
from bot.lib.i18n import LOCALE_NAMES, N_, Translator
from bot.lib.scheduling.zones import zone_label
from bot.messaging.messages import Button, Buttons

PREFIX = "s:"  # s:<draft id>:<action>[:<argument>]
WHEN = "EEEE d MMMM y HH:mm"

MENU = N_("📣 A new broadcast. Who should receive it?")
PICK = N_("📣 {kind}: choose one.")
NOTHING_TO_PICK = N_("📣 {kind}: there is nothing to choose within your scope.")
WRITE = N_(
    "📣 Audience: {audience}.\n"
    "Now write the text, or send a photo with a caption. {tag} is replaced by each "
    "recipient's name."
)
PREVIEW = N_("📣 Preview: above is the message as {name} will see it.")
AUDIENCE = N_("Audience: {audience}")
RECIPIENTS = N_("Recipients: {count}")
SKIPPED = N_("Skipped: {skipped} ({paused} paused, {unreachable} unreachable)")
QUIET = N_("It falls in quiet hours: the message waits until {time}.")
UNKNOWN_TAGS = N_("⚠️ Only {tag} is filled in by Kabar: {tags} will be sent as written.")
LANGUAGES = N_("Also in: {languages}")
ASK_WHEN = N_(
    "When should it go out? Write the date and time in {zone} time, like 2026-12-03 08:00.\n"
    "To repeat it, write for example “mon 08:00” (every Monday), “monthly 15 08:00” or "
    "“monthly first mon 08:00”."
)
ASK_LANGUAGE = N_("📣 Which language do you want to add?")
ASK_TEXT_IN = N_("📣 Write the text in {language}. {tag} is replaced by each recipient's name.")
GOING = N_("📣 Broadcast {id} is on its way to {count} recipients.")
SCHEDULED = N_("📣 Broadcast {id} is scheduled for {time} ({zone}).")
REPEATS = N_("Then it repeats: {schedule}.")
CANCELLED = N_("📣 Cancelled: nothing was sent.")

SEND_NOW = N_("Send now")
RESULTS = N_("📊 Each village its own figures")
SCHEDULE = N_("Schedule for later")
ANOTHER_LANGUAGE = N_("Add another language")
CANCEL = N_("Cancel")
BACK = N_("‹ Back")


def data(draft: Broadcast, action: str, argument: str | int | None = None) -> str:
    tail = "" if argument is None else ":" + str(argument)
    return PREFIX + str(draft.id) + ":" + action + tail


def _cancel_row(draft: Broadcast, t: Translator) -> tuple[Button, ...]:
    return (Button(t.gettext(CANCEL), data(draft, "x")),)


def menu(draft: Broadcast, t: Translator) -> tuple[str, Buttons]:
    rows = tuple(
        tuple(Button(t.gettext(choices.KIND_LABELS[kind]), data(draft, "k", kind)) for kind in row)
        for row in choices.KIND_ROWS
    )
    return t.gettext(MENU), (*rows, _cancel_row(draft, t))


def page(
    draft: Broadcast, kind: str, values: list[Choice], number: int, t: Translator
) -> tuple[str, Buttons]:
    """One page of the values of `kind`; a button's data is the value's index in the list."""
    label = t.gettext(choices.KIND_LABELS[kind])
    size = choices.PAGE_SIZE
    pages = max(1, -(-len(values) // size))
    number = min(max(number, 0), pages - 1)
    first = number * size
    shown = [
        Button(choice.label[:60], data(draft, "i", first + offset))
        for offset, choice in enumerate(values[first : first + size])
    ]
    rows = [tuple(shown[i : i + choices.PER_ROW]) for i in range(0, len(shown), choices.PER_ROW)]
    turn: list[Button] = []
    if number > 0:
        turn.append(Button("‹", data(draft, "p", number - 1)))
    if number < pages - 1:
        turn.append(Button("›", data(draft, "p", number + 1)))
    if turn:
        rows.append(tuple(turn))
    rows.append((Button(t.gettext(BACK), data(draft, "b")), *_cancel_row(draft, t)))
    return t.gettext(PICK if values else NOTHING_TO_PICK).format(kind=label), tuple(rows)


def write_prompt(draft: Broadcast, audience: str, t: Translator) -> tuple[str, Buttons]:
    results = (Button(t.gettext(RESULTS), data(draft, "res")),)
    return t.gettext(WRITE).format(audience=audience, tag=NAME), (results, _cancel_row(draft, t))


def preview(draft: Broadcast, planned: Plan, audience: str, t: Translator) -> tuple[str, Buttons]:
    """The figures under the sample message, and what can be done with them."""
    n = t.format_number
    counted = planned.count
    lines = [
        t.gettext(PREVIEW).format(name=planned.sample_name or ""),
        t.gettext(AUDIENCE).format(audience=audience),
        t.gettext(RECIPIENTS).format(count=n(counted.reachable)),
    ]
    if counted.paused or counted.unreachable:
        lines.append(
            t.gettext(SKIPPED).format(
                skipped=n(counted.paused + counted.unreachable),
                paused=n(counted.paused),
                unreachable=n(counted.unreachable),
            )
        )
    if planned.waits_until is not None:
        when = t.format_datetime(planned.waits_until, planned.timezone, "EEEE HH:mm")
        lines.append(t.gettext(QUIET).format(time=when))
    if draft.texts:
        names = ", ".join(LOCALE_NAMES.get(code, code) for code in sorted(draft.texts))
        lines.append(t.gettext(LANGUAGES).format(languages=names))
    tags = unknown_tags(draft.text, *(str(text) for text in draft.texts.values()))
    if tags:
        lines.append(t.gettext(UNKNOWN_TAGS).format(tag=NAME, tags=", ".join(tags)))
    buttons = (
        (
            Button(t.gettext(SEND_NOW), data(draft, "go")),
            Button(t.gettext(SCHEDULE), data(draft, "at")),
        ),
        (Button(t.gettext(ANOTHER_LANGUAGE), data(draft, "lang")), *_cancel_row(draft, t)),
    )
    return "\n".join(lines), buttons


def languages(draft: Broadcast, codes: list[str], t: Translator) -> tuple[str, Buttons]:
    row = tuple(Button(LOCALE_NAMES.get(code, code), data(draft, "l", code)) for code in codes)
    return t.gettext(ASK_LANGUAGE), (row, _cancel_row(draft, t))


def cancel_button(broadcast_id: int, t: Translator) -> Buttons:
    return ((Button(t.gettext(CANCEL_BROADCAST), CANCEL_PREFIX + str(broadcast_id)),),)


def scheduled(broadcast: Broadcast, planned: Plan, t: Translator) -> str:
    lines = [
        t.gettext(SCHEDULED).format(
            id=broadcast.id,
            time=t.format_datetime(broadcast.send_at, broadcast.timezone, WHEN),
            zone=zone_label(broadcast.timezone),
        )
    ]
    if broadcast.repeat:
        lines.append(t.gettext(REPEATS).format(schedule=broadcast.repeat))
    if planned.waits_until is not None:
        when = t.format_datetime(planned.waits_until, planned.timezone, "EEEE HH:mm")
        lines.append(t.gettext(QUIET).format(time=when))
    return "\n".join(lines)
