"""An operator's mistake is one clear line in the operator's language and a non-zero exit,
never a traceback (unless --debug)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.support import closed_port, run_kabar
from tests.conftest import POSTGRES_URL

PG = POSTGRES_URL or "postgresql://postgres@127.0.0.1:5432/test"


def kabar(workdir: Path, *args: str, locale: str = "en", **env: str) -> tuple[int, list[str]]:
    """Exit code and the lines on standard error."""
    ran = run_kabar(workdir, *args, locale=locale, **env)
    return ran.code, ran.err


def with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


def test_a_database_folder_that_does_not_exist(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing/kabar.db"
    assert kabar(tmp_path, "cohort", "list", KABAR_DATABASE_URL=url) == (
        1,
        [
            f"Cannot open the database {tmp_path}/missing/kabar.db: the folder "
            f"{tmp_path}/missing does not exist."
        ],
    )


def test_the_same_in_the_operators_own_language(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing/kabar.db"
    code, lines = kabar(tmp_path, "cohort", "list", locale="id", KABAR_DATABASE_URL=url)
    assert (code, lines) == (
        1,
        [
            f"Tidak bisa membuka basis data {tmp_path}/missing/kabar.db: folder "
            f"{tmp_path}/missing tidak ada."
        ],
    )


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("shopping list")
    url = "sqlite:///notes.db"
    for command in (("cohort", "list"), ("records", "export", "--format", "csv")):
        assert kabar(tmp_path, *command, KABAR_DATABASE_URL=url) == (
            1,
            ["notes.db is not a database: check KABAR_DATABASE_URL."],
        ), command


def test_a_postgresql_database_that_does_not_exist(tmp_path: Path) -> None:
    url = with_database(PG, "kabar_no_such_database")
    assert kabar(tmp_path, "cohort", "list", KABAR_DATABASE_URL=url) == (
        1,
        [
            "PostgreSQL has no database kabar_no_such_database: create it "
            "(createdb kabar_no_such_database) or correct KABAR_DATABASE_URL."
        ],
    )


def test_a_postgresql_server_that_refuses_the_connection(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/kabar"
    code, lines = kabar(tmp_path, "cohort", "list", KABAR_DATABASE_URL=url)
    assert code == 1
    assert lines == [
        "Cannot connect to PostgreSQL for database kabar: Connection refused. "
        "Is the server running, and is KABAR_DATABASE_URL right?"
    ]


def test_a_postgresql_url_without_the_extra_installed(tmp_path: Path) -> None:
    # As without the extra: importing the driver fails.
    program = (
        "import sys; sys.modules['asyncpg'] = None; sys.argv = ['kabar', 'cohort', 'list']; "
        "from bot.cli.main import main; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "KABAR_LOCALE": "en", "KABAR_DATABASE_URL": PG},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr.strip().splitlines()) == (
        1,
        ['PostgreSQL needs the extra: pip install "kabar[postgres]" (or -e ".[postgres]").'],
    )


def test_a_missing_roster_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/kabar.db"
    assert kabar(tmp_path, "roster", "import", "roster.csv", KABAR_DATABASE_URL=url) == (
        1,
        ["There is no roster file at roster.csv."],
    )


def test_kabar_run_without_network(tmp_path: Path) -> None:
    api = f"http://127.0.0.1:{closed_port()}/bot"
    code, lines = kabar(
        tmp_path,
        "run",
        KABAR_DATABASE_URL=f"sqlite:///{tmp_path}/kabar.db",
        KABAR_BOT_TOKEN="123456:ABCdefghijklmnopqrstuvwxyz012345678",
        KABAR_TELEGRAM_API_URL=api,
    )
    assert code == 1
    assert len(lines) == 1, lines  # no "Unclosed client session" after it
    assert lines[0].startswith("Cannot reach the Telegram Bot API:")


@pytest.mark.parametrize("debug", [False, True])
def test_debug_shows_the_traceback(tmp_path: Path, debug: bool) -> None:
    (tmp_path / "notes.db").write_text("shopping list")
    args = ("--debug",) if debug else ()
    code, lines = kabar(tmp_path, *args, "cohort", "list", KABAR_DATABASE_URL="sqlite:///notes.db")
    assert code == 1
    assert (lines[0] == "Traceback (most recent call last):") is debug
    assert (len(lines) == 1) is not debug


def test_a_backup_into_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    # The database is there; the backup's folder is not: the backup is what cannot be
    # written, not the database that is missing.
    url = f"sqlite:///{tmp_path}/kabar.db"
    assert kabar(tmp_path, "cohort", "list", KABAR_DATABASE_URL=url)[0] == 0
    target = tmp_path / "backups" / "kabar.db"
    assert kabar(tmp_path, "db", "backup", str(target), KABAR_DATABASE_URL=url) == (
        1,
        [f"Could not write {target}: the folder {target.parent} does not exist"],
    )
    missing = f"sqlite:///{tmp_path}/gone.db"
    assert kabar(tmp_path, "db", "backup", str(tmp_path / "b.db"), KABAR_DATABASE_URL=missing) == (
        1,
        [f"There is no database at {tmp_path}/gone.db."],
    )


def test_an_export_into_a_folder_that_does_not_exist_says_so_in_the_operators_language(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/kabar.db"
    target = tmp_path / "laporan" / "monev.xlsx"
    args = ("records", "export", "--format", "xlsx", "--output", str(target))
    assert kabar(tmp_path, *args, locale="id", KABAR_DATABASE_URL=url) == (
        1,
        [f"Tidak dapat menulis {target}: folder {target.parent} tidak ada"],
    )


@pytest.mark.parametrize(
    "command",
    [("report",), ("graduation",), ("stock",), ("alerts",), ("records", "export"),
     ("checkin", "send"), ("invites",)],
)  # fmt: skip
def test_a_cohort_given_twice_is_refused_not_the_last_one_taken(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    url = f"sqlite:///{tmp_path}/kabar.db"
    assert kabar(tmp_path, "cohort", "create", "tenun", "--schedule", "mon 08:00",
                 KABAR_DATABASE_URL=url)[0] == 0  # fmt: skip
    args = (*command, "--cohort", "batik", "--cohort", "tenun")
    assert kabar(tmp_path, *args, KABAR_DATABASE_URL=url) == (
        1,
        ["--cohort was given more than once (batik, tenun): give it once."],
    )
    # The same name twice is what the operator meant.
    assert kabar(tmp_path, "stock", "--cohort", "tenun", "--cohort", "tenun",
                 KABAR_DATABASE_URL=url) == (0, [])  # fmt: skip


def test_graduation_without_a_family_to_list_says_so_plainly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/kabar.db"
    empty = run_kabar(tmp_path, "graduation", KABAR_DATABASE_URL=url)
    assert (empty.code, empty.out) == (
        0,
        ['No cohorts yet. Create one with: kabar cohort create NAME --schedule "mon 08:00"'],
    )
    assert kabar(tmp_path, "cohort", "create", "tenun", "--schedule", "mon 08:00",
                 KABAR_DATABASE_URL=url)[0] == 0  # fmt: skip
    listed = run_kabar(tmp_path, "graduation", KABAR_DATABASE_URL=url, COLUMNS="200")
    assert listed.code == 0
    assert listed.out[0] == (
        "tenun: revenue of at least IDR500,000 in at least 5 of the last 6 closed rounds, "
        "answering the latest, no open alert. No family meets the bar yet."
    )
    assert not any("┃" in line or "│" in line for line in listed.out)  # no empty table
