"""`kabar invites`: CSV and the printable sheet, through the real command."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import BotState, Invitation, Role
from bot.domain.invites.codes import new_code
from bot.domain.invites.html_sheet import render_html
from bot.domain.invites.issue import InviteRow
from tests.domain.cohorts.support import P, indonesian_translator, run_kabar, seed

CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

PEOPLE = [
    P("PDP-1", role=Role.FACILITATOR, name="Wagiyem Sulistyo"),
    P("PDP-2", role=Role.FACILITATOR, name="Agus Prasetyo", registered=True),
    P("KPM-1", cohort="alpha", supervisor="PDP-1", village="Jorongan", name="<b>Siti & Co</b>"),
    P("KPM-2", cohort="alpha", supervisor="PDP-2", village="Clarak", name="Rohmah Rahayu"),
    P("KPM-3", cohort="alpha", supervisor="PDP-1", registered=True),
    P("KPM-4", cohort="beta", name="Budi Maryam"),
    P("STF-1", role=Role.STAFF, name="Niken"),
]


@pytest.fixture
def kabar(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    seed(database_url, PEOPLE, cohorts=["alpha", "beta"])

    def invoke(*args: str, **env: str | None):  # type: ignore[no-untyped-def]
        return run_kabar(database_url, *args, workdir=tmp_path, env=env)

    return invoke


def _rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == ["id", "name", "role", "code", "link"]
    return list(reader)


def _stored(database_url: str) -> list[Invitation]:
    async def main() -> list[Invitation]:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                query = select(Invitation).order_by(Invitation.id)
                return list((await session.execute(query)).scalars().all())
        finally:
            await db.dispose()

    return asyncio.run(main())


def test_csv_one_row_per_unregistered_person(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    result = kabar("invites", KABAR_BOT_USERNAME="kabar_test_bot")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines()[0] == "id,name,role,code,link"
    rows = _rows(result.stdout)
    assert [row["id"] for row in rows] == ["KPM-1", "KPM-2", "KPM-4", "PDP-1", "STF-1"]
    assert rows[0]["name"] == "<b>Siti & Co</b>"
    assert {row["id"]: row["role"] for row in rows}["PDP-1"] == "facilitator"
    codes = [row["code"] for row in rows]
    assert all(CODE_RE.match(code) for code in codes)
    assert len(set(codes)) == len(codes)
    for row in rows:
        assert row["link"] == f"https://t.me/kabar_test_bot?start={row['code']}"
    assert len(_stored(database_url)) == 5


def test_second_call_gives_the_same_codes_and_renew_replaces_them(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    first = _rows(kabar("invites").stdout)
    second = _rows(kabar("invites").stdout)
    assert first == second
    assert len(_stored(database_url)) == 5

    renewed_result = kabar("invites", "--renew")
    assert renewed_result.exit_code == 0
    renewed = _rows(renewed_result.stdout)
    assert [r["id"] for r in renewed] == [r["id"] for r in first]
    assert not {r["code"] for r in first} & {r["code"] for r in renewed}
    stored = {i.code: i for i in _stored(database_url)}
    assert len(stored) == 10
    assert all(stored[r["code"]].revoked_at is not None for r in first)
    assert all(stored[r["code"]].revoked_at is None for r in renewed)
    assert _rows(kabar("invites").stdout) == renewed


def test_cohort_filter(kabar) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(kabar("invites", "--cohort", "alpha").stdout)
    # alpha's unregistered participants and facilitator; PDP-2 is registered already.
    assert [row["id"] for row in rows] == ["KPM-1", "KPM-2", "PDP-1"]
    unknown = kabar("invites", "--cohort", "gamma")
    assert unknown.exit_code == 1
    assert 'There is no cohort "gamma"' in unknown.stderr


def test_without_a_username_codes_and_one_warning(kabar) -> None:  # type: ignore[no-untyped-def]
    result = kabar("invites")
    assert result.exit_code == 0
    rows = _rows(result.stdout)
    assert len(rows) == 5
    assert all(row["link"] == "" and CODE_RE.match(row["code"]) for row in rows)
    warning = result.stderr.strip().splitlines()
    assert len(warning) == 1
    assert "KABAR_BOT_USERNAME" in warning[0] and "kabar run" in warning[0]


def test_username_seen_by_kabar_run(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    async def remember() -> None:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                session.add(
                    BotState(
                        key="bot_username",
                        value={"username": "seen_by_getme_bot"},
                        updated_at=datetime.now(UTC),
                    )
                )
        finally:
            await db.dispose()

    asyncio.run(remember())
    result = kabar("invites")
    assert result.stderr == ""
    assert all(
        r["link"].startswith("https://t.me/seen_by_getme_bot?start=") for r in _rows(result.stdout)
    )
    # The configured name wins over the remembered one.
    configured = _rows(kabar("invites", KABAR_BOT_USERNAME="@configured_bot").stdout)
    assert all(r["link"].startswith("https://t.me/configured_bot?start=") for r in configured)


def test_output_file(kabar, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "invites.csv"
    result = kabar("invites", "--output", str(target), KABAR_BOT_USERNAME="kabar_test_bot")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "written to" in result.stderr
    assert len(_rows(target.read_text(encoding="utf-8"))) == 5


def test_html_sheet(kabar) -> None:  # type: ignore[no-untyped-def]
    csv_rows = _rows(kabar("invites", KABAR_BOT_USERNAME="kabar_test_bot").stdout)
    result = kabar("invites", "--format", "html", KABAR_BOT_USERNAME="kabar_test_bot")
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('<article class="card">') == 5
    assert page.count("<svg") == 5
    assert "&lt;b&gt;Siti &amp; Co&lt;/b&gt;" in page
    assert "<b>Siti" not in page
    for row in csv_rows:  # the same codes as the CSV, each printed on its card
        assert f'<div class="code">{row["code"]}</div>' in page
    # Self-contained and printable.
    assert "http://" not in page and "src=" not in page and "<link" not in page
    assert "break-inside: avoid" in page and "size: A4" in page
    # Grouped by facilitator (by name), each group on its own page, then no facilitator.
    groups = re.findall(r'<section class="group"><h2>([^<]*)</h2>', page)
    assert len(groups) == 3
    assert groups[0] == "Facilitator: Agus Prasetyo (PDP-2) · Cards: 1"
    assert groups[1] == "Facilitator: Wagiyem Sulistyo (PDP-1) · Cards: 1"
    assert groups[2].startswith("Without a facilitator")
    assert "Scan the QR code" in page and "press Start" in page


def test_html_without_a_username_is_refused(kabar, database_url: str) -> None:  # type: ignore[no-untyped-def]
    printed = {row["code"] for row in _rows(kabar("invites", "--cohort", "alpha").stdout)}
    result = kabar("invites", "--format", "html", "--cohort", "alpha", "--renew")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.strip().splitlines() == [
        "The invitation sheet needs the bot's username for its QR codes: set "
        "KABAR_BOT_USERNAME (or run `kabar run` once), then print it again."
    ]
    # Refused before anything changed: the codes handed out still work, none was added.
    stored = _stored(database_url)
    assert {i.code for i in stored} == printed
    assert all(i.revoked_at is None for i in stored)


def test_html_in_indonesian() -> None:
    row = InviteRow(
        person_id="KPM-9",
        name="Sri",
        role=Role.PARTICIPANT,
        code=new_code(),
        expires_at=datetime(2026, 4, 5, tzinfo=UTC),
        cohort="alpha",
        village="Clarak",
        district="Leces",
        language=None,
        supervisor_id="PDP-1",
        supervisor_name="Wagiyem",
        is_new=True,
    )
    t = indonesian_translator()
    page = render_html(
        [row], username="kabar_test_bot", t=t, generated_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    assert '<html lang="id">' in page
    assert "Pindai kode QR" in page and "Pendamping: Wagiyem (PDP-1)" in page
    assert "5 April 2026" in page  # Babel, Indonesian month names
    assert "Clarak, Leces" in page


def test_quiet_html_to_a_file(kabar, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "sheet.html"
    target.write_text("an older sheet")
    target.chmod(0o644)
    result = kabar(
        "invites",
        "--format",
        "html",
        "--quiet",
        "--output",
        str(target),
        KABAR_BOT_USERNAME="kabar_test_bot",
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and result.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.count('<article class="card">') == 5 and page.count("<svg") == 5
    assert page.endswith("</body></html>\n")
    # Codes that let anyone register as the person named: readable by the owner only.
    assert target.stat().st_mode & 0o777 == 0o600


def _give_cohort_a_bot(database_url: str, cohort: str, username: str) -> None:
    from bot.db.models import Bot, Cohort

    async def main() -> None:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                bot = Bot(username=username, token="222:" + "B" * 35, created_at=datetime.now(UTC))
                session.add(bot)
                await session.flush()
                found = (
                    await session.execute(select(Cohort).where(Cohort.name == cohort))
                ).scalar_one()
                found.bot_id = bot.id
        finally:
            await db.dispose()

    asyncio.run(main())


def test_a_cohort_on_a_bot_of_its_own_gets_that_bots_links(  # type: ignore[no-untyped-def]
    kabar, database_url: str
) -> None:
    _give_cohort_a_bot(database_url, "beta", "kabar_beta_bot")
    rows = _rows(kabar("invites", KABAR_BOT_USERNAME="kabar_test_bot").stdout)
    links = {row["id"]: row["link"] for row in rows}
    codes = {row["id"]: row["code"] for row in rows}
    assert links["KPM-4"] == f"https://t.me/kabar_beta_bot?start={codes['KPM-4']}"
    for other in ("KPM-1", "KPM-2", "PDP-1", "STF-1"):
        assert links[other] == f"https://t.me/kabar_test_bot?start={codes[other]}"
    # The printed cards too; and a sheet of beta alone needs no default username.
    page = kabar("invites", "--format", "html", "--cohort", "beta").stdout
    assert f"https://t.me/kabar_beta_bot?start={codes['KPM-4']}" in page
    assert page.count("<svg") == 1
