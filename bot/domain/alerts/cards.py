"""Telling facilitators (and coordinators) about alerts, and recording what they did.

An alert card says who (name, village, a phone number Telegram makes tappable), why, and
the family's last three check-ins, with buttons to record an action. A person with many
new alerts at once gets one digest instead of a message each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Alert,
    AlertAction,
    AlertStatus,
    FollowUpRecord,
    Person,
    Priority,
    RecordStatus,
    Role,
    Round,
    TelegramAccount,
)
from bot.domain.alerts.notes import action_lines
from bot.domain.alerts.warning_reasons import warning_reasons
from bot.domain.audit import audit
from bot.domain.media.shown import alert_notes_media, family_media
from bot.lib.config import DEFAULT_TIMEZONE
from bot.lib.i18n import N_, Translator, translator
from bot.messaging.messages import Button, Edit, Message, Outgoing

REASONS = {
    "unresponsive": N_("has not answered the last check-ins"),
    "not-producing": N_("has reported no production for several check-ins in a row"),
    "unreachable": N_("cannot be reached on Telegram (blocked Kabar, or the chat is gone)"),
    "paused": N_("stopped Kabar's messages"),
    "help": N_("asked for help"),
    "early-warning": N_("early warning: may stop answering soon"),
}
CARD = N_("⚠️ {name} ({id}), {village}\n{reason}\n📞 {phone}")
CARD_ESCALATED = N_(
    "⚠️ Not acknowledged by {facilitator} in time:\n{name} ({id}), {village}\n{reason}\n📞 {phone}"
)
LAST_CHECKINS = N_("Last check-ins:")
NO_RECORDS = N_("No check-ins yet.")
RECORD_MISSED = N_("no answer")
RECORD_PARTIAL = N_("started, not finished")
RECORD_NOT_PRODUCED = N_("did not produce")
RECORD_PRODUCED = N_("produced {quantity}, sold {sold}, income {income}")
NOT_ANSWERED = "—"
DIGEST = N_("{count} families need your attention. Tap a number to act on one:")
DIGEST_LINE = N_("{number}. {name} ({id}) — {reason}")
CLOSED_BY_ITSELF = N_("✅ {name} ({id}) is active again; the alert about them is closed.")
ACTION_LABELS = {
    "contacted": N_("📞 Contacted"),
    "will_visit": N_("🏠 Will visit"),
    "resolved": N_("✅ Resolved"),
    "note": N_("📝 Add a note"),
}
ACTION_DONE = N_("→ {action} by {name}, {when}")
SAVED = N_("Saved.")
NOT_YOURS = N_("This alert is not for you.")
ALREADY_CLOSED = N_("This alert is already closed.")
ACTED_BY_OTHER = N_("{name} ({id}): {actor} recorded “{action}” on the alert assigned to you.")
EARLY_WARNING = "early-warning"
DIGEST_AT = 5  # more new alerts than this for one person: one digest

PREFIX = "a"


@dataclass(frozen=True, slots=True)
class Recipient:
    person: Person
    chat_id: int


async def _recipient(session: AsyncSession, person_id: str | None) -> Recipient | None:
    if person_id is None:
        return None
    row = (
        await session.execute(
            select(Person, TelegramAccount.chat_id)
            .join(TelegramAccount, TelegramAccount.person_id == Person.id)
            .where(Person.id == person_id, TelegramAccount.unreachable_at.is_(None))
        )
    ).first()
    return None if row is None else Recipient(row[0], row[1])


async def _history(session: AsyncSession, person_id: str, t: Translator, tz: str) -> list[str]:
    rows = (
        await session.execute(
            select(FollowUpRecord, Round.opened_at)
            .join(Round, Round.id == FollowUpRecord.round_id)
            .where(FollowUpRecord.person_id == person_id)
            .order_by(Round.opened_at.desc())
            .limit(3)
        )
    ).all()
    lines = []
    for record, opened_at in rows:
        if record.status is RecordStatus.MISSED:
            what = t.gettext(RECORD_MISSED)
        elif record.produced is False:
            what = t.gettext(RECORD_NOT_PRODUCED)
        elif record.produced:
            what = produced_facts(record, t)
        else:
            what = t.gettext(RECORD_PARTIAL)
        lines.append("• " + t.format_date(opened_at, "d MMM", tz) + ": " + what)
    return lines


def produced_facts(record: FollowUpRecord, t: Translator) -> str:
    """What a producing family reported. What they did not answer (yet) is a dash, not a
    zero a facilitator would read as nothing sold; who sold nothing was not asked the
    income, which is then Rp0."""
    unit = record.unit or ""

    def amount(value: Decimal | None) -> str:
        return NOT_ANSWERED if value is None else (t.format_number(value) + " " + unit).strip()

    if record.revenue_idr is not None:
        income = t.format_money(record.revenue_idr)
    else:
        income = t.format_money(0) if record.quantity_sold == 0 else NOT_ANSWERED
    return t.gettext(RECORD_PRODUCED).format(
        quantity=amount(record.quantity_produced),
        sold=amount(record.quantity_sold),
        income=income,
    )


async def alert_card(
    session: AsyncSession, alert: Alert, recipient: Recipient, *, tz: str | None = None
) -> Outgoing:
    """The card about `alert` for `recipient`; `tz`, the family's time zone, when known."""
    t = translator(recipient.person.language)
    family = await session.get(Person, alert.person_id)
    assert family is not None
    params = {
        "name": family.name,
        "id": family.id,
        "village": family.village or "-",
        "reason": t.gettext(REASONS.get(alert.rule, alert.rule)),
        "phone": family.phone or "-",
    }
    # The escalated wording is the coordinator's: the family's own facilitator, who may
    # still act, sees their card as before.
    escalated = alert.level == "coordinator" and alert.escalated_at is not None
    if escalated and recipient.person.id != family.supervisor_id:
        facilitator = await session.get(Person, family.supervisor_id or "")
        text = t.gettext(CARD_ESCALATED).format(
            facilitator=facilitator.name if facilitator else "-", **params
        )
    else:
        text = t.gettext(CARD).format(**params)
    if alert.rule == EARLY_WARNING:
        # Why, with the family's own numbers: what a facilitator can check on a visit.
        text += "".join("\n• " + line for line in await warning_reasons(session, alert, t))
    tz = tz or await timezone_of(session, alert, DEFAULT_TIMEZONE)
    history = await _history(session, family.id, t, tz)
    text += (
        "\n\n"
        + t.gettext(LAST_CHECKINS)
        + "\n"
        + ("\n".join(history) if history else t.gettext(NO_RECORDS))
    )
    # What has been done already, notes included: a card shown again says it too.
    done = await action_lines(session, alert.id, t, tz, labels=ACTION_LABELS, done=ACTION_DONE)
    if done:
        text += "\n\n" + "\n".join(done)
    closed = alert.status in (AlertStatus.RESOLVED, AlertStatus.CLOSED)
    return Outgoing(
        chat_id=recipient.chat_id,
        text=text,
        buttons=() if closed else action_buttons(alert.id, t),
        person_id=recipient.person.id,
        priority=Priority.CHECKIN,
        phones=(family.phone,) if family.phone else (),
    )


async def card_edited(
    session: AsyncSession,
    alert: Alert,
    recipient: Recipient,
    card_id: int,
    *,
    tz: str | None = None,
) -> Outgoing | Edit:
    """The card again in place of the bot's message `card_id`, as a card shown again says
    it: with the action or note just recorded among the others. A reply, sent in order
    after what confirms it."""
    await session.flush()  # the action just recorded is among those the card reads
    card = await alert_card(session, alert, recipient, tz=tz)
    return replace(card, priority=Priority.REPLY).editing(card_id)


async def card_messages(session: AsyncSession, alert: Alert, recipient: Recipient) -> list[Message]:
    """The card, then the family's latest photo and voice note and the voice note and photo
    left on the alert, sent again by file id so they can be seen and heard with the card."""
    tz = await timezone_of(session, alert, DEFAULT_TIMEZONE)
    card = await alert_card(session, alert, recipient, tz=tz)
    family = await session.get(Person, alert.person_id)
    assert family is not None
    t = translator(recipient.person.language)
    chat_id, viewer_id = recipient.chat_id, recipient.person.id
    media = await family_media(
        session, family, chat_id=chat_id, viewer_id=viewer_id, t=t, tz=tz, priority=card.priority
    )
    notes = await alert_notes_media(
        session,
        alert.id,
        family,
        chat_id=chat_id,
        viewer_id=viewer_id,
        t=t,
        tz=tz,
        priority=card.priority,
    )
    return [card, *media, *notes]


def action_buttons(alert_id: int, t: Translator) -> tuple[tuple[Button, ...], ...]:
    label = {key: t.gettext(text) for key, text in ACTION_LABELS.items()}
    return (
        (
            Button(label["contacted"], f"{PREFIX}:{alert_id}:c"),
            Button(label["will_visit"], f"{PREFIX}:{alert_id}:v"),
        ),
        (
            Button(label["resolved"], f"{PREFIX}:{alert_id}:r"),
            Button(label["note"], f"{PREFIX}:{alert_id}:n"),
        ),
    )


async def notify_opened(session: AsyncSession, alerts: Sequence[Alert]) -> list[Message]:
    """A card per new alert (with the family's latest photo and voice note), or one digest
    for whoever got more than DIGEST_AT at once."""
    by_recipient: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        if alert.assigned_to_id is not None:
            by_recipient[alert.assigned_to_id].append(alert)
    messages: list[Message] = []
    for person_id, theirs in by_recipient.items():
        recipient = await _recipient(session, person_id)
        if recipient is None:
            continue  # nobody to tell yet; escalation moves it to the coordinator
        if len(theirs) <= DIGEST_AT:
            for alert in theirs:
                messages += await card_messages(session, alert, recipient)
        else:
            messages.append(await digest(session, theirs, recipient))
    return messages


async def digest(session: AsyncSession, alerts: Sequence[Alert], recipient: Recipient) -> Outgoing:
    t = translator(recipient.person.language)
    lines = [t.gettext(DIGEST).format(count=t.format_number(len(alerts)))]
    buttons: list[Button] = []
    for number, alert in enumerate(alerts, start=1):
        family = await session.get(Person, alert.person_id)
        name = family.name if family else alert.person_id
        reason = t.gettext(REASONS.get(alert.rule, alert.rule))
        lines.append(
            t.gettext(DIGEST_LINE).format(
                number=number, name=name, id=alert.person_id, reason=reason
            )
        )
        buttons.append(Button(str(number), f"{PREFIX}:{alert.id}:show"))
    rows = tuple(tuple(buttons[i : i + 8]) for i in range(0, len(buttons), 8))
    text = "\n".join(lines)
    if len(text) > 4000:  # Telegram's limit is 4,096: the rest is in /peringatan
        text = text[:3990] + "\n…"
    return Outgoing(
        chat_id=recipient.chat_id,
        text=text,
        buttons=rows[:12],
        person_id=recipient.person.id,
        priority=Priority.CHECKIN,
    )


async def notify_closed(session: AsyncSession, alerts: Sequence[Alert]) -> list[Outgoing]:
    """The facilitator is told when a family is active again."""
    messages: list[Outgoing] = []
    for alert in alerts:
        recipient = await _recipient(session, alert.assigned_to_id)
        family = await session.get(Person, alert.person_id)
        if recipient is None or family is None:
            continue
        t = translator(recipient.person.language)
        messages.append(
            Outgoing(
                chat_id=recipient.chat_id,
                text=t.gettext(CLOSED_BY_ITSELF).format(name=family.name, id=family.id),
                person_id=recipient.person.id,
                priority=Priority.CHECKIN,
            )
        )
    return messages


async def may_act(session: AsyncSession, actor: Person, alert: Alert) -> bool:
    """The assigned person, the family's own facilitator (still, after escalation), the
    coordinator of that facilitator, or staff."""
    if actor.role is Role.STAFF or actor.id == alert.assigned_to_id:
        return True
    family = await session.get(Person, alert.person_id)
    if family is not None and family.supervisor_id == actor.id:
        return True
    facilitator = (
        await session.get(Person, family.supervisor_id) if family and family.supervisor_id else None
    )
    return facilitator is not None and facilitator.supervisor_id == actor.id


async def tell_assignee(
    session: AsyncSession, alert: Alert, actor: Person, action: str
) -> list[Outgoing]:
    """When someone else (the facilitator, after escalation) acts on an alert, the person
    it is assigned to (the coordinator) is told what was done, in their language."""
    if alert.assigned_to_id in (None, actor.id):
        return []
    recipient = await _recipient(session, alert.assigned_to_id)
    family = await session.get(Person, alert.person_id)
    if recipient is None or family is None:
        return []
    t = translator(recipient.person.language)
    text = t.gettext(ACTED_BY_OTHER).format(
        name=family.name, id=family.id, actor=actor.name, action=t.gettext(ACTION_LABELS[action])
    )
    return [
        Outgoing(
            chat_id=recipient.chat_id,
            text=text,
            person_id=recipient.person.id,
            priority=Priority.CHECKIN,
        )
    ]


async def act(
    session: AsyncSession, actor: Person, alert: Alert, action: str, now: datetime
) -> None:
    """Record an action (the card shows it again: `card_edited`)."""
    session.add(AlertAction(alert_id=alert.id, actor_id=actor.id, action=action, at=now))
    if alert.acknowledged_at is None:
        alert.acknowledged_at = now
    if action == "resolved":
        alert.status = AlertStatus.RESOLVED
        alert.closed_at = now
        alert.closed_reason = "resolved"
    elif alert.status is AlertStatus.OPEN:
        alert.status = AlertStatus.ACKNOWLEDGED
    audit_action(session, actor.id, alert, action, now)


def audit_action(
    session: AsyncSession, actor_id: str, alert: Alert, action: str, now: datetime
) -> None:
    """Every action on an alert, from a button or a note, is one audit row."""
    audit(
        session,
        at=now,
        actor=actor_id,
        action=f"alert.{action}",
        subject=alert.person_id,
        details={"alert": alert.id},
    )


async def timezone_of(session: AsyncSession, alert: Alert, default: str) -> str:
    """Times on an alert are shown in the family's cohort time zone."""
    from bot.db.models import Cohort

    family = await session.get(Person, alert.person_id)
    cohort = await session.get(Cohort, family.cohort_id) if family and family.cohort_id else None
    return cohort.timezone if cohort else default
