"""The check-in flow's binding: limits from the cohort, answers into the record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import update

from bot.db.models import Attachment, Cohort, FollowUpRecord, RecordStatus, Round
from bot.db.models.base import table_of
from bot.dialogue.binding import Turn
from bot.flows.engine import Keep, Limits
from bot.lib.i18n import N_, translator
from bot.messaging.messages import Message, Outgoing
from conversations.checkin import CHECKIN

THANKS = N_(
    "Thank you! Your answers are saved. Kabar will ask again at the next check-in. "
    "If you need your facilitator (pendamping) before then, send /tolong."
)
THANKS_HELP = N_("Your facilitator (pendamping) will be told that you would like a visit.")
CANCELLED = N_(
    "The check-in is cancelled; the answers you gave are kept. Send /ulang to take it up "
    "again while it is open."
)

_PURPOSE = {"photo": "product_photo", "problem_note": "problem_note"}
_UNKNOWN = object()  # `Turn.loaded` has no word on the record: look it up


def _stock_may_change(record: FollowUpRecord, before: Decimal | None) -> bool:
    """False when the family held nothing before (read at the summary, this turn) and
    keeps nothing of this round: their kept stock stays none, nothing to recompute."""
    left = (record.quantity_produced or 0) - (record.quantity_sold or 0)
    return before is None or before > 0 or left > 0 or record.offer_stock is not None


class CheckinBinding:
    flow = CHECKIN

    async def _cohort(self, turn: Turn) -> Cohort | None:
        if turn.person.cohort_id is None:
            return None
        if "cohort" not in turn.loaded:
            turn.loaded["cohort"] = await turn.session.get(Cohort, turn.person.cohort_id)
        cohort: Cohort | None = turn.loaded["cohort"]
        return cohort

    async def unit(self, turn: Turn) -> str:
        cohort = await self._cohort(turn)
        return cohort.unit if cohort else "kg"

    async def limits(self, turn: Turn) -> Limits:
        cohort = await self._cohort(turn)
        t = translator(turn.person.language)
        if cohort is None:
            return Limits(locale=t.locale, translate=t.gettext)
        limits = Limits(
            unit=cohort.unit,
            max_quantity=cohort.max_quantity,
            max_revenue_idr=cohort.max_revenue_idr,
            locale=t.locale,
            translate=t.gettext,
        )
        step = turn.conversation.step
        person, round_id = turn.person.id, turn.conversation.round_id
        upgrading = turn.conversation.flow_version != self.flow.version
        if self.flow.needs_stock_at(step) or (upgrading and step is not None):
            # Only where the answer may decide the offer question: read when needed.
            from bot.domain.stock.holdings import stock_before

            before = await stock_before(
                turn.session,
                person,
                round_id,
                kept=turn.loaded.pop("kept_stock", None),  # read in this transaction
                opened=turn.loaded.get("round_opened"),
            )
            turn.loaded["stock_before"] = before
            limits = replace(limits, stock=before)
        if step is None or step not in self.flow.index or not self.flow.step(step).plausible:
            return limits
        # Only at a question that is checked: the history is read when it is needed.
        from bot.domain.checkins.history import GroupIncomes, usual_income, usual_price

        # The cohort's, once a group of updates (bot/tg/prefetch.py): the same sales for all.
        prices: dict[int, Decimal | None] = turn.loaded.get("usual_prices", {})
        if cohort.id not in prices:
            prices[cohort.id] = await usual_price(turn.session, cohort.id)
        # The family's own, read with the group's other families at this question.
        incomes: GroupIncomes | None = turn.loaded.get("usual_incomes")
        if incomes is None:
            amount = await usual_income(turn.session, person, round_id)
        else:
            amount = await incomes.of(turn.session, person, round_id, step)
        return replace(limits, usual_amount=amount, usual_price=prices[cohort.id])

    async def _record(self, turn: Turn) -> FollowUpRecord | None:
        from bot.domain.checkins.records import record_for

        round_id = turn.conversation.round_id
        if round_id is None:
            return None
        found = turn.loaded.get("record", _UNKNOWN)
        if not isinstance(found, FollowUpRecord):
            found = await record_for(
                turn.session,
                round_id=round_id,
                person_id=turn.person.id,
                conversation_id=turn.conversation.id,
                unit=await self.unit(turn),
                now=turn.now,
                known_absent=found is None,  # the prefetch found none: a first answer
            )
            turn.loaded["record"] = found
        return found

    async def on_answers(self, turn: Turn, changed: dict[str, Any], kept: Sequence[Keep]) -> None:
        from bot.domain.checkins.records import apply_answers

        record = await self._record(turn)
        if record is None:
            return
        apply_answers(record, changed, turn.now)
        # A file belongs to the record only while its answer stands: a new photo, or a note
        # cleared by a correction, takes the old file off the record (it is not deleted).
        replaced = [_PURPOSE[key] for key in changed if key in _PURPOSE]
        if replaced:
            await self._detach(turn, record, replaced)
        if kept:
            if record.id is None:
                await turn.session.flush()  # the record's id, for its files
            turn.loaded["files"] = True
        for keep in kept:
            turn.session.add(
                Attachment(
                    person_id=turn.person.id,
                    record_id=record.id,
                    conversation_id=turn.conversation.id,
                    kind=keep.media.kind,
                    purpose=_PURPOSE.get(keep.step.id, keep.step.id),
                    telegram_file_id=keep.media.file_id,
                    telegram_file_unique_id=keep.media.unique_id,
                    caption=keep.media.caption,
                    size_bytes=keep.media.size,
                    created_at=turn.now,
                )
            )

    async def on_finish(self, turn: Turn) -> Sequence[Message]:
        record = await self._record(turn)
        t = translator(turn.person.language)
        text = t.gettext(THANKS)
        if record is not None:
            from bot.domain.checkins.records import touch

            record.status = RecordStatus.ANSWERED
            record.answered_at = turn.now
            touch(record, turn.now)
            round_ = await turn.session.get(Round, record.round_id)
            # Answers after the round closed are still taken, and flagged.
            record.late = bool(round_ is not None and turn.now > round_.closes_at)
            if record.needs_help:
                text += "\n" + t.gettext(THANKS_HELP)
            if _stock_may_change(record, turn.loaded.get("stock_before")):
                from bot.domain.stock.holdings import refresh_stocks

                # The pickup list reads each family's kept stock: this check-in counts now.
                await refresh_stocks(turn.session, turn.now, turn.person.id)
        return [Outgoing(chat_id=turn.chat_id, text=text, person_id=turn.person.id)]

    async def on_cancel(self, turn: Turn) -> Sequence[Message]:
        t = translator(turn.person.language)
        return [Outgoing(chat_id=turn.chat_id, text=t.gettext(CANCELLED), person_id=turn.person.id)]

    async def on_restart(self, turn: Turn) -> None:
        from bot.domain.checkins.records import clear_answers

        record = await self._record(turn)
        if record is not None:
            clear_answers(record, turn.now)
            await self._detach(turn, record, list(_PURPOSE.values()))

    @staticmethod
    async def _detach(turn: Turn, record: FollowUpRecord, purposes: list[str]) -> None:
        if record.id is None or turn.loaded.get("files") is False:
            return  # not written yet, or the prefetch saw no file referring to it
        # Without autoflush: a flush here would split the UPDATEs of the whole group of
        # updates (bot/tg/processor.py) into more statements. Files this turn adds come after.
        table = table_of(Attachment)
        with turn.session.no_autoflush:
            await turn.session.execute(
                update(table)
                .where(table.c.record_id == record.id, table.c.purpose.in_(purposes))
                .values(record_id=None)
            )
