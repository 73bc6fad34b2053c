"""An early warning end to end: a family's production falls over three check-ins, answered
in Telegram, and their facilitator gets a card saying why, in Indonesian, before the
family has missed a single round."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Cohort, FollowUpRecord, RecordStatus
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram, TranscriptEntry
from tests.e2e.test_escalation import (
    MONDAY,
    alert_cards,
    answer_producing,
    kabar,
    register,
    until,
)
from tests.support.chat import kabar_command, kabar_outcome
from tests.support.early_warning import closed_round
from tests.support.programme import CODES, COHORT, NOW, seed_programme

pytestmark = pytest.mark.e2e


async def five_steady_weeks(db: Database, person_id: str) -> None:
    """The family's earlier rounds, 12 kg each, as the check-ins left them."""
    async with db.transaction() as session:
        cohort_id = await session.scalar(select(Cohort.id).where(Cohort.name == COHORT))
        assert cohort_id is not None
        for weeks_ago in range(5, 0, -1):
            opened = NOW - timedelta(weeks=weeks_ago)
            round_ = closed_round(cohort_id, opened)
            session.add(round_)
            await session.flush()
            answered = opened + timedelta(hours=3)
            session.add(
                FollowUpRecord(
                    round_id=round_.id,
                    person_id=person_id,
                    status=RecordStatus.ANSWERED,
                    produced=True,
                    quantity_produced=Decimal(12),
                    unit="kg",
                    quantity_sold=Decimal(10),
                    revenue_idr=250_000,
                    problems=[],
                    answered_at=answered,
                    created_at=answered,
                    updated_at=answered,
                )
            )


async def weekly_check_ins_until_a_card(
    database_url: str, db: Database, answers: list[tuple[str, str, str]]
) -> TranscriptEntry:
    """Siti (KPM-01), after five steady weeks, answers a check-in a week in Telegram
    (produced, sold, income); the card her facilitator Wagiyem then gets."""
    await seed_programme(db)
    await five_steady_weeks(db, "KPM-01")
    # They register before the cohort's round of NOW opens: Siti's first check-in is the
    # first of `answers`, not one asked at registration.
    clock = FakeClock(NOW - timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        facilitator = tg.user(3001, first_name="Wagiyem", language_code="id")
        siti = tg.user(3003, first_name="Siti", language_code="id")
        await register(facilitator, CODES["PDP-01"])
        await register(siti, CODES["KPM-01"])
        for week, (produced, sold, income) in enumerate(answers):
            clock.set(MONDAY + timedelta(weeks=week))
            await answer_producing(siti, produced=produced, sold=sold, income=income)
            clock.set(MONDAY + timedelta(weeks=week, minutes=5))  # the rules look at answers
        # And hourly in any case. The fake clock stands still while Siti answers, so a run
        # of the rules between two of her answers sees the same latest change time as after
        # her last one (a real clock moves on); the hourly run looks at everything.
        clock.set(MONDAY + timedelta(weeks=len(answers) - 1, hours=2))
        await until(lambda: len(alert_cards(facilitator)) == 1)
        (card,) = alert_cards(facilitator)
        return card


async def test_a_falling_family_reaches_the_facilitator_with_the_reasons(
    database_url: str, db: Database
) -> None:
    card = await weekly_check_ins_until_a_card(
        database_url, db, [("8", "6", "150rb"), ("3", "2", "50rb")]
    )
    lines = card.text.splitlines()
    assert lines[0] == "⚠️ Siti Rahayu (KPM-01), Jorongan"
    assert lines[1] == "peringatan dini: mungkin segera berhenti menjawab"
    assert "• produksi turun 3 laporan berturut-turut: 12 → 8 → 3 kg" in lines
    assert card.buttons == [
        ["📞 Sudah dihubungi", "🏠 Akan dikunjungi"],
        ["✅ Selesai ditangani", "📝 Tambah catatan"],
    ]


async def test_a_family_whose_sales_fall_reaches_the_facilitator_in_rupiah(
    database_url: str, db: Database
) -> None:
    """Production holds at 12 kg, but fewer buyers come: what the family earns falls from
    Rp250.000 a week over three check-ins."""
    card = await weekly_check_ins_until_a_card(
        database_url, db, [("12", "8", "200rb"), ("12", "4", "90rb"), ("12", "1", "20rb")]
    )
    lines = card.text.splitlines()
    assert lines[1] == "peringatan dini: mungkin segera berhenti menjawab"
    assert (
        "• penjualan turun 4 laporan berturut-turut: Rp250.000 → Rp200.000 → Rp90.000 → Rp20.000"
    ) in lines
    assert (
        "• penjualan 2 laporan terakhir di bawah 50% dari biasanya: Rp90.000 → Rp20.000 "
        "(biasanya Rp250.000)"
    ) in lines
    assert not [line for line in lines if line.startswith("• produksi")]


async def test_the_programme_figures_count_early_warnings_in_the_operators_words(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await weekly_check_ins_until_a_card(database_url, db, [("8", "6", "150rb"), ("3", "2", "50rb")])
    report = await kabar_command(database_url, tmp_path, "report", locale="id")
    assert "peringatan dini" in report
    assert "early-warning" not in report


async def test_kabar_status_counts_open_alerts_in_the_operators_words(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await weekly_check_ins_until_a_card(database_url, db, [("8", "6", "150rb"), ("3", "2", "50rb")])
    _code, status, _error = await kabar_outcome(database_url, tmp_path, ("status",), "id")
    assert "Peringatan terbuka: peringatan dini" in status
    assert "early-warning" not in status
