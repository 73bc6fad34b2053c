"""`kabar cohort update --warn-…`: a cohort's early-warning thresholds."""

from __future__ import annotations

from tests.domain.cohorts.support import seed
from tests.domain.cohorts.test_cohort_cli import _audit, _cohorts


def test_thresholds_are_changed_and_audited(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    seed(database_url, [], cohorts=["c1"])
    result = kabar(
        "cohort", "update", "c1", "--warn-falling-answers", "4", "--warn-same-problem-answers", "0"
    )
    assert result.exit_code == 0, result.output
    assert "--warn-falling-answers: 3 → 4" in result.stdout
    assert "--warn-same-problem-answers: 3 → 0" in result.stdout
    cohort = _cohorts(database_url)["c1"]
    assert (cohort.warn_falling_answers, cohort.warn_same_problem_answers) == (4, 0)
    assert cohort.warn_drop_percent == 50  # the others keep their defaults
    assert _audit(database_url)[-1].details["changes"]["warn_falling_answers"] == ["3", "4"]


def test_a_bad_threshold_is_one_line_and_changes_nothing(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    seed(database_url, [], cohorts=["c1"])
    result = kabar(
        "cohort", "update", "c1", "--warn-low-percent", "150", "--unit", "ikat",
        KABAR_LOCALE="id",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "--warn-low-percent" in result.stderr and "150" in result.stderr
    cohort = _cohorts(database_url)["c1"]
    assert (cohort.warn_low_percent, cohort.unit) == (50, "kg")


def test_the_sales_thresholds_are_changed_and_checked(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    seed(database_url, [], cohorts=["c1"])
    result = kabar(
        "cohort", "update", "c1", "--warn-sales-falling-answers", "0",
        "--warn-sales-low-percent", "40",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "--warn-sales-falling-answers: 4 → 0" in result.stdout
    assert "--warn-sales-low-percent: 50 → 40" in result.stdout
    cohort = _cohorts(database_url)["c1"]
    assert (cohort.warn_sales_falling_answers, cohort.warn_sales_low_percent) == (0, 40)
    assert (cohort.warn_sales_drop_percent, cohort.warn_sales_low_answers) == (60, 2)
    refused = kabar("cohort", "update", "c1", "--warn-sales-drop-percent", "100")
    assert refused.exit_code == 1 and "--warn-sales-drop-percent" in refused.stderr
