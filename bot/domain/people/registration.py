"""Linking a Telegram account to a person on the roster: by invitation code or by contact."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Invitation, Person, TelegramAccount
from bot.dialogue.runner import FlowRunner
from bot.domain.audit import audit
from bot.domain.invites import attempts
from bot.domain.invites.codes import looks_like_code, normalize_code
from bot.domain.invites.issue import InvitationStatus, find_invitation, redeem_invitation
from bot.domain.people.identity import language_of
from bot.lib.i18n import N_, Translator, translator
from bot.lib.phones import normalize_phone
from bot.messaging.inbound import Sender
from bot.messaging.messages import KeyboardButton, Message, Outgoing

CODE_UNKNOWN = N_(
    "This invitation code is not known. Please check the link, or ask your facilitator "
    "(pendamping) for a new one."
)
CODE_USED = N_(
    "This invitation has already been used. If that was not you, ask your facilitator "
    "(pendamping) for a new one."
)
CODE_EXPIRED = N_("This invitation has expired. Ask your facilitator (pendamping) for a new one.")
ALREADY_LINKED_OTHER = N_(
    "This Telegram account is already registered for someone else. If that is wrong, "
    "please contact your facilitator (pendamping)."
)
ALREADY_REGISTERED = N_("You are already registered, {name}.")
SHARE_CONTACT_HINT = N_(
    "You can also register by sharing your phone number with the button below, if it is "
    "the number on the programme's list."
)
CODE_TYPED_WRONG = N_(
    "That looks like an invitation code, but it is not one Kabar knows. Please type the "
    "code on your invitation card again: 20 letters and digits, for example "
    "ab3de-fg4hj-k5mn6-p7qr8 (dashes and spaces do not matter), or ask your facilitator "
    "(pendamping) for a new one."
)
SHARE_CONTACT_BUTTON = N_("📱 Share my phone number")
PHONE_TYPED = N_(
    "Kabar cannot use a phone number typed in. Please press the button below, “📱 Share my "
    "phone number”, to share it from Telegram."
)
NOT_OWN_CONTACT = N_(
    "Please share your own phone number with the button below, not someone else's contact."
)
PHONE_NOT_FOUND = N_(
    "The number {phone} is not on the programme's list. Please ask your facilitator "
    "(pendamping) for an invitation link."
)


def contact_keyboard(t_language: str | None) -> tuple[tuple[KeyboardButton, ...], ...]:
    t = translator(t_language)
    return ((KeyboardButton(t.gettext(SHARE_CONTACT_BUTTON), request_contact=True),),)


class Registration:
    def __init__(self, runner: FlowRunner) -> None:
        self.runner = runner

    async def by_code(
        self,
        session: AsyncSession,
        sender: Sender,
        code: str,
        now: datetime,
        *,
        existing: Person | None,
    ) -> list[Message]:
        """Link the sender by an invitation code; `existing` is the person the sender is
        linked to already, if any."""
        t = translator(language_of(existing, sender))
        refused = await self._refused(session, sender, now, t)
        if refused is not None:
            return [refused]
        invitation, status = await find_invitation(session, code, now)
        if status is InvitationStatus.VALID and invitation is not None:
            if existing is not None and existing.id != invitation.person_id:
                return [self._say(sender, t.gettext(ALREADY_LINKED_OTHER))]
            if existing is not None:
                return [self._say(sender, t.gettext(ALREADY_REGISTERED).format(name=existing.name))]
            if not await redeem_invitation(
                session, invitation, telegram_user_id=sender.telegram_user_id, now=now
            ):
                status = InvitationStatus.USED
            else:
                return await self._link(session, sender, invitation.person_id, "invitation", now)
        owner = await session.get(Person, invitation.person_id) if invitation else None
        if (
            existing is not None
            and owner is not None
            and owner.id == existing.id
            and status is InvitationStatus.USED
        ):
            # The person tapped their own link again: nothing is wrong.
            return [self._say(sender, t.gettext(ALREADY_REGISTERED).format(name=existing.name))]
        # Only "ask your facilitator": whoever sent someone else's code is not told who that
        # is, nor their facilitator's name and phone.
        msgid = {
            InvitationStatus.USED: CODE_USED,
            InvitationStatus.EXPIRED: CODE_EXPIRED,
            InvitationStatus.REVOKED: CODE_EXPIRED,
        }.get(status, CODE_UNKNOWN)
        await attempts.count_failure(session, sender.telegram_user_id, now)
        if owner is not None:
            # A real person's code sent by someone else: worth knowing, and at most
            # attempts.LIMIT an hour from one sender. Guesses are counted once, by `attempts`.
            audit(
                session,
                at=now,
                actor=f"tg:{sender.telegram_user_id}",
                action="invitation.refused",
                subject=owner.id,
                details={"status": str(status)},
            )
        return [self._say(sender, t.gettext(msgid))]

    async def by_typed_code(
        self, session: AsyncSession, sender: Sender, text: str, now: datetime
    ) -> list[Message] | None:
        """Someone not registered typed what may be their invitation card's code: linked as
        the link would link them, or told how to type it; None when it is not code-like."""
        if not looks_like_code(text):
            return None
        t = translator(language_of(None, sender))
        refused = await self._refused(session, sender, now, t)
        if refused is not None:
            return [refused]
        code = normalize_code(text)
        if code is not None:
            _, status = await find_invitation(session, code, now)
            if status is not InvitationStatus.UNKNOWN:
                return await self.by_code(session, sender, code, now, existing=None)
        await attempts.count_failure(session, sender.telegram_user_id, now)
        return [self._say(sender, t.gettext(CODE_TYPED_WRONG))]

    async def _refused(
        self, session: AsyncSession, sender: Sender, now: datetime, t: Translator
    ) -> Outgoing | None:
        """The polite refusal while too many of the sender's codes failed; None otherwise.
        The wait is said as a duration: a clock time would need the sender's time zone,
        which nobody knows before they register (Indonesia has three)."""
        until = await attempts.refused_until(session, sender.telegram_user_id, now)
        if until is None:
            return None
        wait = t.format_minutes(until - now)
        return self._say(sender, t.gettext(attempts.TOO_MANY).format(wait=wait))

    async def by_contact(
        self,
        session: AsyncSession,
        sender: Sender,
        *,
        contact_user_id: int | None,
        phone: str,
        now: datetime,
        existing: Person | None,
    ) -> list[Message]:
        """Link the sender by their shared phone number (see `by_code` for `existing`)."""
        t = translator(language_of(existing, sender))
        if contact_user_id != sender.telegram_user_id:
            # A forwarded contact card is someone else's number: never link by it.
            return [
                Outgoing(
                    chat_id=sender.chat_id,
                    text=t.gettext(NOT_OWN_CONTACT),
                    keyboard=contact_keyboard(t.locale),
                )
            ]
        if existing is not None:
            return [self._say(sender, t.gettext(ALREADY_REGISTERED).format(name=existing.name))]
        normalized = normalize_phone(phone)
        person = None
        if normalized is not None:
            person = (
                await session.execute(select(Person).where(Person.phone == normalized))
            ).scalar_one_or_none()
        if person is None:
            return [self._say(sender, t.gettext(PHONE_NOT_FOUND).format(phone=phone))]
        return await self._link(session, sender, person.id, "contact", now)

    async def _link(
        self, session: AsyncSession, sender: Sender, person_id: str, how: str, now: datetime
    ) -> list[Message]:
        person = await session.get(Person, person_id)
        assert person is not None  # invitations and phones point at existing people
        account = (
            await session.execute(
                select(TelegramAccount).where(TelegramAccount.person_id == person_id)
            )
        ).scalar_one_or_none()
        if account is None:
            account = TelegramAccount(
                person_id=person_id,
                linked_at=now,
                linked_by=how,
                telegram_user_id=sender.telegram_user_id,
                chat_id=sender.chat_id,
            )
            session.add(account)
        # A person who changed phones re-links: the newest account is the one we write to.
        account.telegram_user_id = sender.telegram_user_id
        account.chat_id = sender.chat_id
        account.username = sender.username
        account.first_name = sender.first_name
        account.language_code = sender.language_code
        account.linked_at = now
        account.linked_by = how
        account.unreachable_at = None
        account.unreachable_reason = None
        account.bot_id = sender.bot_id  # everything reaches them from the bot they wrote to
        await _retire_other_invitations(session, person_id, now)
        audit(
            session,
            at=now,
            actor=f"tg:{sender.telegram_user_id}",
            action="person.linked",
            subject=person_id,
            details={"by": how},
        )
        await session.flush()
        return await self.runner.start(
            session, person=person, chat_id=sender.chat_id, flow_name="onboarding", now=now
        )

    @staticmethod
    def _say(sender: Sender, text: str) -> Outgoing:
        return Outgoing(chat_id=sender.chat_id, text=text)


async def _retire_other_invitations(session: AsyncSession, person_id: str, now: datetime) -> None:
    """Once linked, a person's other open codes are revoked so they cannot be reused."""
    rows = await session.execute(
        select(Invitation).where(
            Invitation.person_id == person_id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    )
    for invitation in rows.scalars():
        invitation.revoked_at = now
