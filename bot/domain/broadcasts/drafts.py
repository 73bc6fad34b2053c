"""/siaran's dialog as a state machine. A person's one DRAFT Broadcast row holds what they
chose so far and, in `step`, what the dialog waits for next, so it survives a restart;
/siaran again starts over. Sending or scheduling goes through lifecycle.plan and create,
as `kabar broadcast` does, and the draft row is then deleted.

Steps: "audience" (the menu), a kind of choices.TERMS (a page of values), "text" (the
text or photo), "preview", "at" (a typed time), "language" (which one), "text:<code>"
(that language's text).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Broadcast, BroadcastStatus, Person, Role
from bot.domain.broadcasts import audience as audiences
from bot.domain.broadcasts import choices, lifecycle, screens
from bot.domain.broadcasts.audience import Audience
from bot.domain.broadcasts.compose import NAME, text_for
from bot.domain.broadcasts.errors import BroadcastError
from bot.domain.broadcasts.results import RESULTS
from bot.lib import callback_data
from bot.lib.i18n import LOCALE_NAMES, N_, SUPPORTED_LOCALES, Translator, translator
from bot.lib.scheduling import Schedule
from bot.lib.scheduling.zones import zone_label
from bot.messaging.messages import Buttons, Message, Outgoing, Photo

AUDIENCE, TEXT, PREVIEW, AT, LANGUAGE, TEXT_IN = (
    "audience",
    "text",
    "preview",
    "at",
    "language",
    "text:",
)
AFTER_PREVIEW = (PREVIEW, AT, LANGUAGE, TEXT_IN)  # changing one's mind is fine

FOR_STAFF = N_(
    "Sorry, /siaran is for programme staff and coordinators. Send /bantuan to see what you can do."
)
NOT_ACTIVE = N_("This button is no longer active.")
NOT_YOURS = N_("This button is not for you.")


def may_broadcast(person: Person) -> bool:
    return person.role in (Role.STAFF, Role.COORDINATOR)


@dataclass(frozen=True, slots=True)
class Desk:
    """Who is writing, where, and the deployment's defaults."""

    session: AsyncSession
    person: Person
    chat_id: int
    now: datetime
    timezone: str  # the default zone, when the audience names no cohort
    language: str  # the default language: the text everyone without their own gets

    @property
    def t(self) -> Translator:
        return translator(self.person.language)

    def say(self, text: str, buttons: Buttons = ()) -> Outgoing:
        return Outgoing(chat_id=self.chat_id, text=text, buttons=buttons, person_id=self.person.id)

    def line(self, msgid: str) -> list[Message]:
        return [self.say(self.t.gettext(msgid))]

    def refusal(self, error: BroadcastError) -> list[Message]:
        return [self.say(error.translate(self.t))]


@dataclass(slots=True)
class Outcome:
    """What a button press does: messages, a toast, and for a forged one what to audit."""

    messages: list[Message] = field(default_factory=list)
    toast: str | None = None
    forged: str | None = None


async def start(desk: Desk) -> list[Message]:
    """/siaran: a fresh draft (any earlier one is dropped) and the audience menu."""
    if not may_broadcast(desk.person):
        return desk.line(FOR_STAFF)
    await desk.session.execute(
        delete(Broadcast).where(
            Broadcast.created_by_id == desk.person.id, Broadcast.status == BroadcastStatus.DRAFT
        )
    )
    draft = Broadcast(
        created_by_id=desk.person.id,
        actor=desk.person.id,
        status=BroadcastStatus.DRAFT,
        step=AUDIENCE,
        text="",
        language=desk.language,
        texts={},
        audience="",
        timezone=desk.timezone,
        send_at=desk.now,
        created_at=desk.now,
    )
    desk.session.add(draft)
    await desk.session.flush()
    return [desk.say(*screens.menu(draft, desk.t))]


async def drop(desk: Desk) -> list[Message] | None:
    """/batal while writing one: the draft goes, nothing is sent; None when there is none
    (its menu's buttons then answer that they are no longer active)."""
    dropped = await desk.session.execute(
        delete(Broadcast)
        .where(Broadcast.created_by_id == desk.person.id, Broadcast.status == BroadcastStatus.DRAFT)
        .returning(Broadcast.id)
    )
    if not dropped.all():
        return None
    return desk.line(screens.CANCELLED)


Action = Callable[[Desk, Broadcast, str, int | None], Awaitable[Outcome]]


async def press(desk: Desk, data: str | None, message_id: int | None) -> Outcome:
    """A /siaran button: checked against the presser's own draft and its step."""
    parsed = callback_data.draft(data)
    draft = await desk.session.get(Broadcast, parsed.draft_id) if parsed else None
    if parsed is None or draft is None or draft.status is not BroadcastStatus.DRAFT:
        return Outcome(toast=desk.t.gettext(NOT_ACTIVE))
    if draft.created_by_id != desk.person.id or not may_broadcast(desk.person):
        return Outcome(toast=desk.t.gettext(NOT_YOURS), forged="broadcast:" + str(draft.id))
    action, argument = parsed.action, parsed.argument
    found = _ACTIONS.get(action)
    if found is None:
        return Outcome(toast=desk.t.gettext(NOT_ACTIVE), forged="broadcast:" + str(draft.id))
    steps, handler = found
    if steps and not any(draft.step == s or (s == TEXT_IN and in_language(draft)) for s in steps):
        return Outcome(toast=desk.t.gettext(NOT_ACTIVE))
    return await handler(desk, draft, argument, message_id)


def in_language(draft: Broadcast) -> bool:
    return (draft.step or "").startswith(TEXT_IN)


def _edit(desk: Desk, message_id: int | None, text: str, buttons: Buttons) -> Message:
    return desk.say(text, buttons).editing(message_id)


async def _kind(desk: Desk, draft: Broadcast, kind: str, message_id: int | None) -> Outcome:
    if kind in choices.FIXED:
        return await _choose(desk, draft, choices.FIXED[kind], message_id)
    if kind not in choices.TERMS:
        return Outcome(toast=desk.t.gettext(NOT_ACTIVE), forged="broadcast:" + str(draft.id))
    draft.step = kind
    return await _page(desk, draft, "0", message_id)


async def _page(desk: Desk, draft: Broadcast, number: str, message_id: int | None) -> Outcome:
    kind = draft.step or ""
    values = await choices.values(desk.session, kind, desk.person, desk.t)
    shown = screens.page(draft, kind, values, callback_data.number(number) or 0, desk.t)
    return Outcome([_edit(desk, message_id, *shown)])


async def _index(desk: Desk, draft: Broadcast, index: str, message_id: int | None) -> Outcome:
    """A value: the index is looked up in the presser's own list, as it is now."""
    kind = draft.step or ""
    values = await choices.values(desk.session, kind, desk.person, desk.t)
    at = callback_data.number(index)
    if at is None or at >= len(values):
        return Outcome(toast=desk.t.gettext(NOT_ACTIVE), forged="broadcast:" + str(draft.id))
    picked = choices.audience_of(kind, values[at])
    assert picked is not None  # kind is one of choices.TERMS: the step says so
    return await _choose(desk, draft, picked, message_id)


async def _back(desk: Desk, draft: Broadcast, _arg: str, message_id: int | None) -> Outcome:
    draft.step = AUDIENCE
    return Outcome([_edit(desk, message_id, *screens.menu(draft, desk.t))])


async def _choose(
    desk: Desk, draft: Broadcast, audience: Audience, message_id: int | None
) -> Outcome:
    """The audience is set, unless it matches nobody (then nothing changes)."""
    counted = await audiences.count(desk.session, audience, desk.person)
    if counted.total == 0:
        return Outcome(desk.line(lifecycle.MSG_NOBODY))
    draft.audience = str(audience)
    draft.timezone = await lifecycle.audience_timezone(desk.session, audience, desk.timezone)
    draft.step = TEXT
    described = await choices.describe(desk.session, audience, desk.t)
    return Outcome([_edit(desk, message_id, *screens.write_prompt(draft, described, desk.t))])


async def _cancel(desk: Desk, draft: Broadcast, _arg: str, message_id: int | None) -> Outcome:
    await desk.session.delete(draft)
    return Outcome([_edit(desk, message_id, desk.t.gettext(screens.CANCELLED), ())])


async def plan_draft(
    desk: Desk,
    draft: Broadcast,
    *,
    text: str | None = None,
    photo_file_id: str | None = None,
    send_at: datetime | None = None,
    repeat: Schedule | None = None,
) -> lifecycle.Plan:
    """The draft checked as it is, or with a new text (and photo) before it is kept."""
    photo = photo_file_id if text is not None else draft.photo_file_id
    return await lifecycle.plan(
        desk.session,
        audience=audiences.parse_audience(draft.audience),
        text=draft.text if text is None else text,
        photo=photo is not None,
        viewer=desk.person,
        now=desk.now,
        timezone=draft.timezone,
        send_at=send_at,
        repeat=repeat,
        results=draft.kind == RESULTS,
    )


async def create_from(
    desk: Desk,
    draft: Broadcast,
    planned: lifecycle.Plan,
    progress: tuple[int, int] | None,
    repeat: Schedule | None = None,
) -> Broadcast:
    made = await lifecycle.create(
        desk.session,
        planned,
        text=draft.text,
        texts=dict(draft.texts),
        language=draft.language,
        actor=desk.person.id,
        now=desk.now,
        created_by_id=desk.person.id,
        photo_file_id=draft.photo_file_id,
        repeat=repeat,
        progress=progress,
        kind=draft.kind,
    )
    await desk.session.delete(draft)
    return made


async def _send(desk: Desk, draft: Broadcast, _arg: str, message_id: int | None) -> Outcome:
    """Now: the preview message becomes the progress message the clock job edits."""
    try:
        planned = await plan_draft(desk, draft)
    except BroadcastError as error:
        return Outcome(desk.refusal(error))
    progress = (desk.chat_id, message_id) if message_id is not None else None
    made = await create_from(desk, draft, planned, progress)
    if made.send_at > desk.now:
        text = screens.scheduled(made, planned, desk.t)  # quiet hours hold it back
    else:
        text = desk.t.gettext(screens.GOING).format(
            id=made.id, count=desk.t.format_number(planned.count.reachable)
        )
    return Outcome([_edit(desk, message_id, text, screens.cancel_button(made.id, desk.t))])


async def _ask_when(desk: Desk, draft: Broadcast, _arg: str, message_id: int | None) -> Outcome:
    draft.step = AT
    if message_id is not None:  # the preview: it shows the schedule, then the progress
        draft.progress_chat_id, draft.progress_message_id = desk.chat_id, message_id
    ask = desk.t.gettext(screens.ASK_WHEN).format(zone=zone_label(draft.timezone))
    return Outcome([desk.say(ask)])


async def _ask_language(
    desk: Desk, draft: Broadcast, _arg: str, _message_id: int | None
) -> Outcome:
    draft.step = LANGUAGE
    codes = [code for code in SUPPORTED_LOCALES if code != draft.language]
    return Outcome([desk.say(*screens.languages(draft, codes, desk.t))])


async def _language(desk: Desk, draft: Broadcast, code: str, message_id: int | None) -> Outcome:
    if code not in SUPPORTED_LOCALES or code == draft.language:
        return Outcome(toast=desk.t.gettext(NOT_ACTIVE), forged="broadcast:" + str(draft.id))
    draft.step = TEXT_IN + code
    prompt = desk.t.gettext(screens.ASK_TEXT_IN).format(
        language=LOCALE_NAMES.get(code, code), tag=NAME
    )
    return Outcome([_edit(desk, message_id, prompt, ())])


async def show_preview(
    desk: Desk, draft: Broadcast, planned: lifecycle.Plan, language: str | None
) -> list[Message]:
    """The message as one recipient will see it (in `language`, when one was just added),
    then its figures and buttons."""
    draft.step = PREVIEW
    name = planned.sample_name or ""
    sample = text_for(draft.text, draft.texts, language=language, name=name)
    if draft.kind == RESULTS:
        sample = planned.sample_text  # the sample recipient's village's own sentence
    shown: Message
    if draft.photo_file_id is not None:
        shown = Photo(
            chat_id=desk.chat_id,
            file_id=draft.photo_file_id,
            caption=sample,
            person_id=desk.person.id,
        )
    else:
        shown = desk.say(sample)
    described = await choices.describe(
        desk.session, audiences.parse_audience(draft.audience), desk.t
    )
    return [shown, desk.say(*screens.preview(draft, planned, described, desk.t))]


async def _results(desk: Desk, draft: Broadcast, _arg: str, message_id: int | None) -> Outcome:
    """Each village its own figures, instead of a text of one's own."""
    draft.kind = RESULTS
    try:
        planned = await plan_draft(desk, draft)
    except BroadcastError as error:
        draft.kind = "text"
        return Outcome(desk.refusal(error))
    return Outcome(await show_preview(desk, draft, planned, None))


_ACTIONS: dict[str, tuple[tuple[str, ...], Action]] = {
    "res": ((TEXT,), _results),
    "k": ((AUDIENCE,), _kind),
    "p": (tuple(choices.TERMS), _page),
    "i": (tuple(choices.TERMS), _index),
    "b": (tuple(choices.TERMS), _back),
    "x": ((), _cancel),
    "go": (AFTER_PREVIEW, _send),
    "at": (AFTER_PREVIEW, _ask_when),
    "lang": (AFTER_PREVIEW, _ask_language),
    "l": ((LANGUAGE,), _language),
}
