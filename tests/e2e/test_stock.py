"""/stok end to end: families answer a check-in and offer what they did not sell; the
facilitator sees the pickup list with the families, a buying partner (mitra) only the
quantities per village, and nothing a partner receives names a family or their phone."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Invitation, Person, Role
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram
from tests.e2e.test_escalation import MONDAY, answer_producing, kabar, register
from tests.support.chat import kabar_command, said, settled
from tests.support.programme import CODES, NOW, seed_programme

pytestmark = pytest.mark.e2e

PARTNER_CODE = "mitra-aaaaa-bbbbb-ccccc"


async def seed(db: Database) -> None:
    await seed_programme(db)
    async with db.transaction() as session:
        session.add(
            Person(id="MITRA-01", role=Role.PARTNER, name="Koperasi Serat Leces",
                   phone="+6281100000777", created_at=NOW, updated_at=NOW, attributes={})
        )  # fmt: skip
        await session.flush()
        session.add(
            Invitation(person_id="MITRA-01", code=PARTNER_CODE, created_at=NOW,
                       expires_at=NOW + timedelta(days=3650))
        )  # fmt: skip


async def test_the_pickup_list_for_facilitators_and_partners(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed(db)
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        facilitator = tg.user(3001, first_name="Wagiyem", language_code="id")
        partner = tg.user(3009, first_name="Mitra", language_code="id")
        siti = tg.user(3003, first_name="Siti", language_code="id")
        john = tg.user(3005, first_name="John", language_code="id")
        await register(facilitator, CODES["PDP-01"])
        await register(partner, PARTNER_CODE)
        await register(siti, CODES["KPM-01"])
        await register(john, CODES["KPM-02"])
        # The partner's own menu: the pickup list and the basics, no family commands.
        menu = [c["command"] for c in tg.commands_for_chat(partner.id)]
        assert "stok" in menu and "peserta" not in menu and "laporan" not in menu

        # Siti keeps 4 kg and offers it; John keeps 3 kg and does not.
        clock.set(MONDAY)
        await answer_producing(siti, produced="6 kg", sold="2", offer="Ya")
        await answer_producing(john, produced="3 kg", sold="0", offer="Tidak")

        await facilitator.send_command("stok")
        listed = await said(facilitator, "Stok siap diambil, ditawarkan oleh keluarga:")
        assert "📍 Jorongan, Leces" in listed.text
        assert "• pelepah-pisang-2026: 4 kg, sejak 12 Jan 2026\n   Siti Rahayu 4" in listed.text
        assert "John" not in listed.text and "Clarak" not in listed.text

        await partner.send_command("stok")
        offered = await said(partner, "Stok siap diambil, per desa:")
        assert offered.text.splitlines() == [
            "Stok siap diambil, per desa:",
            "",
            "📍 Jorongan, Leces",
            "• pelepah-pisang-2026: 4 kg, sejak 12 Jan 2026",
        ]

        await partner.send_command("bantuan")
        help_text = await said(partner, "Kabar untuk mitra pembeli:")
        assert "/stok" in help_text.text and "/peserta" not in help_text.text

        # Bad inputs: one clear line each, nothing else.
        await partner.send_command("peserta")
        await said(partner, "Maaf, perintah ini untuk pendamping dan koordinator")
        await partner.send_command("tolong")
        await said(partner, "Maaf, /tolong untuk keluarga")
        await siti.send_command("stok")
        await said(siti, "Maaf, /stok untuk pendamping, staf dan mitra pembeli.")
        await settled(db)

        # Nothing the partner was sent names a family or their phone.
        async with db.sessions() as session:
            families = (
                await session.scalars(select(Person).where(Person.role == Role.PARTICIPANT))
            ).all()
        secrets = set()
        for family in families:
            secrets.update({family.name, *family.name.split()})
            if family.phone:
                secrets.update({family.phone, "0" + family.phone[3:], family.phone[1:]})
        sent = [json.dumps(m, ensure_ascii=False) for m in tg.sent_messages(partner.id)]
        sent += [
            json.dumps(e.raw, ensure_ascii=False) for e in partner.transcript() if e.who == "bot"
        ]
        sent += [json.dumps(tg.commands_for_chat(partner.id), ensure_ascii=False)]
        assert len(sent) > 5
        for text in sent:
            for secret in secrets:
                assert secret not in text, f"{secret!r} was sent to the partner"

    # The answers are in the records export too: the CSV and the workbook.
    exported = await kabar_command(database_url, tmp_path, "records", "export")
    offers = {
        row["participant_id"]: row["offer_stock"]
        for row in csv.DictReader(io.StringIO(exported))
        if row["status"] != "missed"
    }
    assert offers == {"KPM-01": "true", "KPM-02": "false"}
    target = tmp_path / "monev.xlsx"
    await kabar_command(
        database_url, tmp_path, "records", "export", "--format", "xlsx", "--output", str(target)
    )
    workbook = load_workbook(target)
    sheet = workbook["records"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Offer to buying partners")
    answered = {row[1]: row[column] for row in sheet.iter_rows(2, values_only=True)}
    assert (answered["KPM-01"], answered["KPM-02"]) == (True, False)
    # The pickup list, as `kabar stock` gives it: Siti's 4 kg, not John's kept 3 kg.
    stock = workbook["stock"]
    assert [cell.value for cell in stock[1]] == [
        "District", "Village", "Product", "Unit", "Village total", "Village's stock since",
        "Participant ID", "Name", "Quantity", "Since",
    ]  # fmt: skip
    rows = list(stock.iter_rows(2, values_only=True))
    assert [row[:5] + row[6:9] for row in rows] == [
        ("Leces", "Jorongan", "pelepah-pisang-2026", "kg", 4, "KPM-01", "Siti Rahayu", 4)
    ]
    assert rows[0][9] == datetime(2026, 1, 12) and stock.cell(2, 10).number_format == "yyyy-mm-dd"
    listed = await kabar_command(database_url, tmp_path, "stock", "--format", "csv")
    assert listed.splitlines()[1] == (
        "Leces,Jorongan,pelepah-pisang-2026,kg,4,2026-01-12,KPM-01,Siti Rahayu,4,2026-01-12"
    )
