"""/laporan's text: figures in the reader's language, within one Telegram message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bot.domain.reports.figures import Quantity, RoundFigures
from bot.domain.reports.problems import ProblemCount
from bot.domain.reports.programme import AlertCount, ProgrammeReport
from bot.domain.reports.scope import CohortRef, RoundRef, Selection
from bot.domain.reports.text import report_text
from bot.lib.i18n import translator

OPENED = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)


def _report(cohorts: int, *, closed: bool = True) -> ProgrammeReport:
    refs = [CohortRef(n, f"kelompok-{n:02d}", "kg", "Asia/Jakarta") for n in range(cohorts)]
    rounds = [RoundRef(100 + c.id, c, 2, OPENED, OPENED + timedelta(days=6), True) for c in refs]
    rows = tuple(
        RoundFigures(
            cohort=c.name,
            round_number=2,
            round_id=100 + c.id,
            opened_at=OPENED,
            closed=closed,
            registered=250,
            asked=240,
            answered=200,
            partial=10,
            missed=30,
            producing=150,
            quantities=(Quantity("kg", Decimal("1234.5"), Decimal(1000)),),
            revenue_idr=15_000_000,
            median_revenue_idr=Decimal("62500.5"),
            paused=6,
            unreachable=4,
            response_rate=Decimal("0.875"),
            # As figures.py gives it: an open round is compared with nothing.
            response_rate_change=Decimal("-0.0125") if closed else None,
        )
        for c in refs
    )
    selection = Selection(
        cohorts=tuple(refs),
        series={r.cohort.id: (r,) for r in rounds},
        rounds=tuple(rounds),
        previous={},
        families=None,
        district=None,
        round_number=None,
    )
    problems = tuple(
        ProblemCount(c.name, None, "tools", 41, (("pengering", 17), ("timbangan", 9))) for c in refs
    )
    alerts = tuple(AlertCount(c.name, "not-producing", 5, 2) for c in refs)
    return ProgrammeReport(selection, rows, alerts, problems, tuple(rounds))


def test_one_cohort_in_indonesian() -> None:
    text = report_text(_report(1), translator("id"), scope="semua keluarga")
    assert text.splitlines() == [
        "📊 Angka program: semua keluarga",
        "",
        "kelompok-00, putaran 2 (12 Jan 2026)",
        "• Ditanya 240, menjawab 210: 87,5% (-1,2 poin dari putaran sebelumnya)",
        "• Berproduksi 150: 1.234,5 kg dibuat, 1.000 kg terjual",
        "• Pendapatan Rp15.000.000; median per keluarga yang berproduksi Rp62.500",
        "• Tidak menjawab 30; berhenti sementara 6; tidak terjangkau 4",
        "• Peringatan terbuka: tidak berproduksi 7",
        "• Kendala: Alat atau peralatan 41 — pengering 17, timbangan 9",
    ]


def test_a_round_still_open_is_not_compared_with_the_closed_one_before() -> None:
    """On the morning a round opens nobody has answered yet: "-100 points" was shown."""
    text = report_text(_report(1, closed=False), translator("id"), scope="semua keluarga")
    assert text.splitlines()[2:4] == [
        "kelompok-00, putaran 2 (12 Jan 2026, masih terbuka)",
        "• Ditanya 240, menjawab 210: 87,5%",
    ]


def test_many_cohorts_fit_in_one_message() -> None:
    text = report_text(_report(40), translator("en"), scope="all families")
    assert len(text) <= 4096
    shown = text.count(", round 2 (")
    assert 0 < shown < 40
    assert text.endswith(f"… and {40 - shown} more cohorts.")
