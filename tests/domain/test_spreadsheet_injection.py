"""Every CSV and XLSX Kabar writes, over data full of formulas: no text cell starts one.

The hostile values are stored directly (ids and cohort names like these are refused at
roster import now, but older databases hold them, and names, villages, notes and units are
free text). Each exporter runs through the real `kabar` command; every cell of every output
is checked, and the hostile values must appear, quoted, so the check cannot pass on empty
files.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from bot.db.database import Database
from bot.db.models import (
    Alert,
    AlertAction,
    AlertStatus,
    AuditEntry,
    Broadcast,
    BroadcastSkip,
    BroadcastStatus,
    Cohort,
    FollowUpRecord,
    Person,
    RecordStatus,
    Role,
    Round,
)
from tests.domain.cohorts.support import run_kabar

NOW = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A cell written from a number may start with a minus; text never may.
NUMBER = re.compile(r"-?\d+(\.\d+)?")

LINK = '=HYPERLINK("http://x","y")'
COHORT = "+cmd|' /C calc'!A0"
FACILITATOR = "-F01"
PARTICIPANT = LINK
OTHER = "@SUM(A1)"
UNIT = "=1+1"
NOTE = '=IMPORTXML("http://x","//a")'
VILLAGE = "\t=2+2"
DISTRICT = "\r=3+3"


async def _seed(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            cohort = Cohort(
                name=COHORT,
                schedule="mon 08:00",
                timezone="Asia/Jakarta",
                unit=UNIT,
                created_at=NOW - timedelta(days=30),
            )
            session.add(cohort)
            await session.flush()
            session.add(
                Person(
                    id=FACILITATOR,
                    role=Role.FACILITATOR,
                    name="=2*3",
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
            await session.flush()
            for person_id, name in ((PARTICIPANT, "@Siti"), (OTHER, "-Budi")):
                session.add(
                    Person(
                        id=person_id,
                        role=Role.PARTICIPANT,
                        name=name,
                        cohort_id=cohort.id,
                        supervisor_id=FACILITATOR,
                        village=VILLAGE,
                        district=DISTRICT,
                        created_at=NOW,
                        updated_at=NOW,
                    )
                )
            # Everyone answered the first round, half the second: the rate falls by 0.5.
            first = NOW - timedelta(days=17)
            earlier = Round(
                cohort_id=cohort.id,
                kind="scheduled",
                scheduled_for=first,
                opened_at=first,
                closes_at=first + timedelta(days=6),
                closed_at=first + timedelta(days=6),
            )
            session.add(earlier)
            await session.flush()
            for person_id in (PARTICIPANT, OTHER):
                session.add(
                    FollowUpRecord(
                        round_id=earlier.id,
                        person_id=person_id,
                        status=RecordStatus.ANSWERED,
                        produced=False,
                        answered_at=first + timedelta(hours=1),
                        created_at=first,
                        updated_at=first,
                    )
                )
            opened = NOW - timedelta(days=10)
            round_ = Round(
                cohort_id=cohort.id,
                kind="scheduled",
                scheduled_for=opened,
                opened_at=opened,
                closes_at=opened + timedelta(days=6),
                closed_at=opened + timedelta(days=6),
            )
            session.add(round_)
            await session.flush()
            session.add(
                FollowUpRecord(
                    round_id=round_.id,
                    person_id=PARTICIPANT,
                    status=RecordStatus.ANSWERED,
                    produced=True,
                    quantity_produced=Decimal("5"),
                    unit=UNIT,
                    quantity_sold=Decimal("2.5"),
                    revenue_idr=150_000,
                    problems=["market"],
                    problem_note=NOTE,
                    needs_help=True,
                    late=False,
                    answered_at=opened + timedelta(hours=2),
                    created_at=opened,
                    updated_at=opened,
                )
            )
            session.add(
                FollowUpRecord(
                    round_id=round_.id,
                    person_id=OTHER,
                    status=RecordStatus.MISSED,
                    created_at=opened,
                    updated_at=opened,
                )
            )
            alert = Alert(
                person_id=PARTICIPANT,
                rule="needs_help",
                status=AlertStatus.OPEN,
                assigned_to_id=FACILITATOR,
                round_id=round_.id,
                opened_at=opened + timedelta(hours=3),
            )
            session.add(alert)
            await session.flush()
            session.add(
                AlertAction(
                    alert_id=alert.id,
                    actor_id=FACILITATOR,
                    action="note",
                    note=NOTE,
                    at=opened + timedelta(hours=4),
                )
            )
            session.add(
                AuditEntry(at=NOW, actor="=evil", action="-action", subject=LINK, details={})
            )
            broadcast = Broadcast(
                actor="cli:x",
                status=BroadcastStatus.DONE,
                text="halo",
                send_at=NOW - timedelta(days=1),
                created_at=NOW - timedelta(days=1),
            )
            session.add(broadcast)
            await session.flush()
            session.add(BroadcastSkip(broadcast_id=broadcast.id, person_id=OTHER, reason="paused"))
    finally:
        await db.dispose()


def _csv_cells(text: str) -> Iterator[str]:
    for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))):
        yield from row


def _assert_safe_csv(text: str, *expected: str) -> None:
    cells = list(_csv_cells(text))
    for cell in cells:
        assert not cell.startswith(FORMULA_START) or NUMBER.fullmatch(cell), cell
    for value in expected:  # the hostile value is there, quoted: the check saw it
        assert "'" + value in cells, (value, cells)


def test_no_exporter_writes_a_formula(database_url: str, tmp_path: Path) -> None:
    asyncio.run(_seed(database_url))

    def kabar(*args: str) -> str:
        result = run_kabar(database_url, *args, workdir=tmp_path)
        assert result.exit_code == 0, result.output
        return result.stdout

    _assert_safe_csv(kabar("invites", "--format", "csv"), PARTICIPANT, OTHER, "@Siti")
    records = kabar("records", "export", "--format", "csv")
    _assert_safe_csv(records, PARTICIPANT, COHORT, FACILITATOR, UNIT, NOTE, VILLAGE, DISTRICT)
    report = kabar("report", "--format", "csv")
    _assert_safe_csv(report, COHORT, UNIT)
    # A number keeps its minus: the falling response rate is still a number to Excel.
    rows = list(csv.DictReader(io.StringIO(report)))
    assert [row["response_rate_change"] for row in rows] == ["", "-0.5"]
    _assert_safe_csv(kabar("alerts", "--format", "csv"), PARTICIPANT, FACILITATOR, "=2*3")
    _assert_safe_csv(kabar("audit", "--format", "csv"), "=evil", "-action", LINK)
    broadcast_csv = kabar("broadcast", "status", "1", "--format", "csv")
    _assert_safe_csv(broadcast_csv, OTHER, "-Budi", VILLAGE)

    workbook_path = tmp_path / "monev.xlsx"
    kabar("records", "export", "--format", "xlsx", "--output", str(workbook_path))
    workbook = load_workbook(workbook_path)
    seen: set[str] = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), (sheet.title, cell.value)
                    seen.add(cell.value)
    for value in (PARTICIPANT, COHORT, FACILITATOR, UNIT, NOTE, VILLAGE, DISTRICT):
        # XML reads a carriage return back as a line feed.
        assert "'" + value.replace("\r", "\n") in seen, value
    # Numbers stay numbers: the revenue is a number cell, not text.
    records_sheet = workbook["records"]
    from bot.domain.records.xlsx_writer import XLSX_HEADER

    revenues = [row[XLSX_HEADER.index("revenue_idr")].value for row in records_sheet.iter_rows(2)]
    assert 150_000 in revenues
