"""`kabar cohort create/update --warn-…/--graduation-…` and `kabar cohort show`: a cohort's
early-warning thresholds and graduation bar."""

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


def test_create_takes_the_thresholds_and_the_bar_and_show_reads_them_back(  # type: ignore[no-untyped-def]
    kabar, database_url: str
) -> None:
    created = kabar(
        "cohort", "create", "kopi", "--schedule", "mon 08:00",
        "--warn-falling-answers", "4", "--warn-low-percent", "40",
        "--graduation-amount", "750.000", "--graduation-rounds", "3", "--graduation-window", "4",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    cohort = _cohorts(database_url)["kopi"]
    assert (cohort.warn_falling_answers, cohort.warn_low_percent) == (4, 40)
    assert cohort.warn_drop_percent == 50  # not given: the default
    bar = (cohort.graduation_min_revenue_idr, cohort.graduation_rounds, cohort.graduation_window)
    assert bar == (750_000, 3, 4)
    assert _audit(database_url)[-1].details["graduation"] == "750000 x 3/4"

    shown = kabar("cohort", "show", "kopi", KABAR_LOCALE="id")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert "  --warn-falling-answers: 4" in lines
    assert "  --warn-low-percent: 40" in lines
    assert "  --warn-drop-percent: 50" in lines
    assert (
        "  batas kelulusan: Rp750.000 dalam sedikitnya 3 dari 4 putaran terakhir yang ditutup"
        in lines
    )
    assert "  jumlah maksimum: 10.000" in lines


def test_create_refuses_a_bad_threshold_or_bar_as_update_does(  # type: ignore[no-untyped-def]
    kabar, database_url: str
) -> None:
    seed(database_url, [], cohorts=["c1"])
    for option, value in (
        ("--warn-low-percent", "150"),
        ("--graduation-amount", "lima"),
        ("--graduation-rounds", "7"),  # more than the 6 rounds looked at
    ):
        made = kabar("cohort", "create", "c2", "--schedule", "mon 08:00", option, value)
        changed = kabar("cohort", "update", "c1", option, value)
        assert made.exit_code == changed.exit_code == 1
        assert made.stderr == changed.stderr  # the same one-line error
        assert made.stderr.strip().count("\n") == 0 and value in made.stderr
    assert list(_cohorts(database_url)) == ["c1"]  # nothing created


def test_update_shows_the_bar_in_the_operators_locale(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    seed(database_url, [], cohorts=["c1"])
    result = kabar(
        "cohort", "update", "c1", "--graduation-amount", "150000", "--max-quantity", "20000",
        KABAR_LOCALE="id",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (
        "  batas kelulusan: Rp500.000 dalam sedikitnya 5 dari 6 putaran terakhir yang ditutup"
        " → Rp150.000 dalam sedikitnya 5 dari 6 putaran terakhir yang ditutup"
    ) in lines
    assert "  jumlah maksimum: 10.000 → 20.000" in lines
    # The audit log keeps the plain values.
    assert _audit(database_url)[-1].details["changes"]["graduation"] == [
        "500000 x 5/6",
        "150000 x 5/6",
    ]


def test_show_an_unknown_cohort_is_one_line(kabar) -> None:  # type: ignore[no-untyped-def]
    result = kabar("cohort", "show", "nope")
    assert result.exit_code == 1
    assert 'There is no cohort "nope"' in result.stderr


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
