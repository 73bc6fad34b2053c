"""What the answer path reads, loaded for a whole group of updates in a few queries.

The processor handles a group of updates (at most one per chat) in one transaction. Before
the handlers run, it loads for every sender at once who they are, their open conversation,
that conversation's follow-up record and round, and their cohort: otherwise each answer
made those queries itself, most of the cost of an answer.

Each lookup is served once (`take_*`): a handler that looks again, after its own changes,
reads the database, so nothing it sees is older than its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Attachment,
    Cohort,
    Conversation,
    ConversationStatus,
    FollowUpRecord,
    Person,
    Round,
    TelegramAccount,
)
from bot.domain.checkins.history import GroupIncomes
from bot.domain.stock.holdings import KeptStock, kept_stocks
from bot.messaging.inbound import sender_of

# Built once: a statement built per call costs its construction and its cache key, which
# were a good part of each query's CPU. Two queries load what five did.
_PEOPLE = (
    select(TelegramAccount.telegram_user_id, Person, Cohort)
    .join(Person, TelegramAccount.person_id == Person.id)
    .outerjoin(Cohort, Person.cohort_id == Cohort.id)
    .where(TelegramAccount.telegram_user_id.in_(bindparam("users", expanding=True)))
)
_CONVERSATIONS = (
    select(
        Conversation,
        FollowUpRecord,
        select(Attachment.id).where(Attachment.record_id == FollowUpRecord.id).exists(),
        Round,
    )
    .outerjoin(
        FollowUpRecord,
        and_(
            FollowUpRecord.round_id == Conversation.round_id,
            FollowUpRecord.person_id == Conversation.person_id,
        ),
    )
    .outerjoin(Round, Round.id == Conversation.round_id)
    .where(
        Conversation.person_id.in_(bindparam("people", expanding=True)),
        Conversation.status == ConversationStatus.OPEN,
    )
    .order_by(Conversation.id)
)


@dataclass
class Prefetch:
    people: dict[int, Person | None] = field(default_factory=dict)
    conversations: dict[str, Conversation | None] = field(default_factory=dict)
    # None: the conversation's round has no record for the person yet.
    records: dict[tuple[int, str], FollowUpRecord | None] = field(default_factory=dict)
    # Records no file refers to: answering their note or photo detaches nothing.
    without_files: set[int] = field(default_factory=set)
    cohorts: dict[int, Cohort] = field(default_factory=dict)
    # Held so they stay in the session's identity map (it keeps rows weakly).
    rounds: list[Round] = field(default_factory=list)
    # Each person's kept stock (absent: none kept); the open conversations' rounds' openings.
    stocks: dict[str, KeptStock] = field(default_factory=dict)
    opened: dict[int, datetime] = field(default_factory=dict)
    # Each cohort's usual price, read by the group's first answer that needs it and shared
    # by the rest (bot/domain/checkins/history.py): up to 200 sales a read, a read a check-in.
    prices: dict[int, Decimal | None] = field(default_factory=dict)
    # Each family's own usual income, read for the group's families at the same question at
    # once (bot/domain/checkins/history.py): a read for several families, not one each.
    incomes: GroupIncomes = field(default_factory=GroupIncomes)

    @classmethod
    async def load(cls, session: AsyncSession, payloads: Iterable[dict[str, Any]]) -> Prefetch:
        found = cls()
        senders = [sender_of(payload) for payload in payloads]
        user_ids = sorted({s.telegram_user_id for s in senders if s is not None})
        if not user_ids:
            return found
        found.people = dict.fromkeys(user_ids)
        for user_id, person, cohort in await session.execute(_PEOPLE, {"users": user_ids}):
            found.people[int(user_id)] = person
            if cohort is not None:
                found.cohorts[cohort.id] = cohort
        people = [p.id for p in found.people.values() if p is not None]
        if not people:
            return found
        found.conversations = dict.fromkeys(people)
        rows = await session.execute(_CONVERSATIONS, {"people": people})
        for conversation, record, attached, round_ in rows:  # ascending: the newest wins
            found.conversations[conversation.person_id] = conversation
            if conversation.round_id is None:
                continue
            key = (conversation.round_id, conversation.person_id)
            found.records[key] = record
            if record is not None and not attached:
                found.without_files.add(record.id)
            if round_ is not None:
                found.rounds.append(round_)
                found.opened[round_.id] = round_.opened_at
        # A record of an older open conversation must not stand for the newest one's.
        current = {
            (c.round_id, c.person_id)
            for c in found.conversations.values()
            if c is not None and c.round_id is not None
        }
        found.records = {key: r for key, r in found.records.items() if key in current}
        found.incomes.waiting = {
            c.person_id: (c.round_id, c.step) for c in found.conversations.values() if c is not None
        }
        # The check-in reads each family's kept stock at several questions (`stock_before`,
        # bot/domain/stock/holdings.py): one statement for the group, not one per family.
        found.stocks = await kept_stocks(session, people)
        return found

    def take_person(self, telegram_user_id: int) -> tuple[bool, Person | None]:
        """(known, the linked person or None); not known means: ask the database."""
        if telegram_user_id in self.people:
            return True, self.people.pop(telegram_user_id)
        return False, None

    def take_conversation(self, person_id: str) -> tuple[bool, Conversation | None]:
        """(known, the newest open conversation or None)."""
        if person_id in self.conversations:
            return True, self.conversations.pop(person_id)
        return False, None

    def loaded_for(self, person: Person, conversation: Conversation) -> dict[str, Any]:
        """Rows for a Turn's `loaded` cache: the cohort and the record (None: there is
        none yet) and whether files refer to it, the kept stock and when the round opened,
        when known; and the group's usual prices and incomes."""
        loaded: dict[str, Any] = {"usual_prices": self.prices, "usual_incomes": self.incomes}
        if person.cohort_id is not None and person.cohort_id in self.cohorts:
            loaded["cohort"] = self.cohorts[person.cohort_id]
        if person.id in self.stocks:  # once: a finished check-in changes it
            loaded["kept_stock"] = self.stocks.pop(person.id)
        if conversation.round_id in self.opened:
            loaded["round_opened"] = self.opened[conversation.round_id]
        key = (conversation.round_id, person.id)
        if conversation.round_id is not None and key in self.records:
            record = self.records.pop(key)
            loaded["record"] = record
            loaded["files"] = record is not None and record.id not in self.without_files
        return loaded
