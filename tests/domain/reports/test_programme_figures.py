"""`kabar report`: its figures equal those recomputed here from `kabar records export`.

The programme comes from the benchmarks' generator (tests/benchmarks/programme_data.py) at
a small size: four cohorts, twelve districts, five closed rounds and one open, answers of
every kind, paused and unreachable families, alerts with actions.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

import pytest

from bot.db.database import Database
from bot.db.models import Person, Role
from bot.domain.reports.figures import RoundFigures
from bot.domain.reports.programme import programme_report
from bot.domain.reports.scope import ReportFilter
from tests.domain.records.support import run_kabar
from tests.domain.reports.support import (
    exported,
    facts,
    note_word_count,
    parse_csv,
    populated,
    recompute,
    reported,
)


def test_the_report_equals_the_figures_recomputed_from_the_records_export(
    database_url: str, tmp_path: Path
) -> None:
    populated(database_url)
    records = exported(database_url, tmp_path)
    known = facts(database_url)

    result = run_kabar(database_url, "report", "--format", "csv", workdir=tmp_path)
    assert result.exit_code == 0, result.output
    figures = reported(parse_csv(result.stdout))
    expected = recompute(records, known, lambda person: True)
    assert figures == expected
    # Not vacuous: every kind of figure is there.
    assert len(figures) == 4 * 6
    assert all(f["closed"] == "false" for (_c, n), f in figures.items() if n == 6)
    # The open round is compared with nothing (its answers are still coming: against the
    # closed round before, it read as a fall); each closed one with the round before it.
    assert all(f["response_rate_change"] is None for (_c, n), f in figures.items() if n == 6)
    assert all(f["response_rate_change"] is not None for (_c, n), f in figures.items() if n == 5)
    assert sum(int(f["paused"]) for f in figures.values()) > 0  # type: ignore[call-overload]
    assert sum(int(f["unreachable"]) for f in figures.values()) > 0  # type: ignore[call-overload]
    assert any(f["asked"] != f["answered"] for f in figures.values())

    # A district's figures: the export's rows of that district.
    district = sorted({row["district"] for row in records})[0]
    result = run_kabar(
        database_url, "report", "--format", "csv", "--district", district, workdir=tmp_path
    )
    assert result.exit_code == 0, result.output
    mine = reported(parse_csv(result.stdout))
    assert mine == {
        key: value
        for key, value in recompute(
            records, known, lambda person: person.district == district
        ).items()
        if key[0] in {cohort for cohort, _n in mine}
    }
    assert 0 < len(mine) < len(figures)
    # Typed in lower case, as the refusal would have listed it: the same district.
    lower = run_kabar(
        database_url, "report", "--format", "csv", "--district", district.lower(),
        workdir=tmp_path,
    )  # fmt: skip
    assert lower.exit_code == 0, lower.output
    assert reported(parse_csv(lower.stdout)) == mine

    # One round of one cohort, its change still against the round before.
    cohort = sorted(known.cohort_names.values())[1]
    result = run_kabar(
        database_url, "report", "--format", "csv", "--cohort", cohort, "--round", "3",
        workdir=tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert reported(parse_csv(result.stdout)) == {(cohort, 3): expected[(cohort, 3)]}


def test_json_has_the_same_rounds_the_open_alerts_and_the_problems(
    database_url: str, tmp_path: Path
) -> None:
    populated(database_url)
    records = exported(database_url, tmp_path)
    known = facts(database_url)
    result = run_kabar(database_url, "report", "--format", "json", workdir=tmp_path)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    expected = recompute(records, known, lambda person: True)
    assert {(r["cohort"], r["round"]): r["asked"] for r in document["rounds"]} == {
        key: value["asked"] for key, value in expected.items()
    }

    cohort_of = {pid: known.cohort_names.get(p.cohort_id or 0) for pid, p in known.people.items()}
    live = Counter(
        (cohort_of[person], rule, status)
        for person, rule, status in known.alerts
        if status in ("open", "acknowledged")
    )
    assert live, "the generator's rules opened alerts"
    assert {
        (a["cohort"], a["rule"], status): a[status]
        for a in document["open_alerts"]
        for status in ("open", "acknowledged")
        if a[status]
    } == dict(live)

    # Problems: in each cohort's latest round (the open one), per cohort and district.
    problem_rounds = {r["round_id"] for r in document["problems"]["rounds"]}
    assert len(problem_rounds) == 4
    named = Counter(
        (row["cohort"], row["district"], code)
        for row in records
        if int(row["round_id"]) in problem_rounds and row["problems"]
        for code in row["problems"].split(";")
    )
    counts = document["problems"]["counts"]
    assert {
        (p["cohort"], p["district"], p["code"]): p["families"] for p in counts if p["district"]
    } == dict(named)
    whole = Counter()
    for (cohort, _district, code), count in named.items():
        whole[(cohort, code)] += count
    assert {
        (p["cohort"], p["code"]): p["families"] for p in counts if p["district"] is None
    } == dict(whole)
    # The words under each code are counted from its notes, and say something.
    tools = next(p for p in counts if p["district"] is None and p["code"] == "tools")
    assert tools["words"], "notes under tools have words"
    for entry in tools["words"]:
        assert entry["word"] not in ("belum", "punya", "tidak", "ada", "butuh")
        assert entry["count"] == note_word_count(
            (r for r in records if r["cohort"] == tools["cohort"]),
            problem_rounds,
            "tools",
            entry["word"],
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--cohort", "nope"), 'There is no cohort "nope". Known cohorts: '),
        (("--district", "Atlantis"), 'There is no district "Atlantis" among the families.'),
        (("--round", "0"), "There is no round 0: the rounds are numbered 1 to 6."),
        (("--round", "7"), "There is no round 7: the rounds are numbered 1 to 6."),
    ],
)
def test_bad_options_get_one_line_and_a_non_zero_exit(
    database_url: str, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    populated(database_url)
    result = run_kabar(database_url, "report", *args, workdir=tmp_path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(message)


def test_the_table_and_the_chart(database_url: str, tmp_path: Path) -> None:
    populated(database_url)
    chart = tmp_path / "figures.png"
    result = run_kabar(
        database_url, "report", "--round", "6", "--png", str(chart), workdir=tmp_path
    )
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert result.stderr.strip() == f"Chart written to {chart}."
    assert "Who answered, per round" in result.stdout
    assert "Production and income, per round" in result.stdout
    assert "Open alerts by reason" in result.stdout
    assert "Problems named in" in result.stdout
    assert "* still open" in result.stdout


def test_a_facilitator_and_a_coordinator_see_their_families_only(
    database_url: str, tmp_path: Path
) -> None:
    populated(database_url)
    records = exported(database_url, tmp_path)
    known = facts(database_url)
    facilitator = known.people["PDP-0003"]
    coordinator = known.people[str(facilitator.supervisor_id)]
    theirs = {p.id for p in known.people.values() if p.supervisor_id == coordinator.id}

    async def report_for(viewer: Person, filters: ReportFilter) -> list[RoundFigures]:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                made = await programme_report(session, viewer, filters, parallel=True)
        finally:
            await db.dispose()
        return list(made.rounds)

    def seen(row: RoundFigures) -> dict[str, object]:
        return {
            "asked": row.asked,
            "answered": row.answered,
            "missed": row.missed,
            "producing": row.producing,
            "revenue_idr": row.revenue_idr,
            "median_revenue_idr": row.median_revenue_idr,
            "registered": row.registered,
            "paused": row.paused,
            "response_rate_change": row.response_rate_change,
        }

    for viewer, family in (
        (facilitator, lambda p: p.supervisor_id == facilitator.id),
        (coordinator, lambda p: p.supervisor_id in theirs),
    ):
        expected = recompute(records, known, family)
        cohorts = {
            known.cohort_names[p.cohort_id]
            for p in known.people.values()
            if p.role is Role.PARTICIPANT and family(p) and p.cohort_id
        }
        for filters in (ReportFilter(), ReportFilter(round_number=3)):
            rows = asyncio.run(report_for(viewer, filters))
            assert {row.cohort for row in rows} == cohorts
            assert len(rows) == len(cohorts) * (6 if filters.round_number is None else 1)
            for row in rows:
                want = expected[(row.cohort, row.round_number)]
                assert seen(row) == {key: want[key] for key in seen(row)}
