"""Invitation codes sent by someone they are not for: no names given away, and guessing
limited per Telegram account. Kabar runs on a fake clock against the fake Bot API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import AuditEntry, Invitation, TelegramAccount
from bot.lib.clock import FakeClock
from bot.sandbox.fakeapi import FakeTelegram
from tests.e2e.test_escalation import kabar, register
from tests.support.chat import said
from tests.support.programme import CODES, NOW, seed_programme

pytestmark = pytest.mark.e2e

USED = (
    "Undangan ini sudah digunakan. Jika bukan Anda yang memakainya, minta undangan baru "
    "kepada pendamping Anda."
)
EXPIRED = "Undangan ini sudah kedaluwarsa. Minta yang baru kepada pendamping Anda."
TYPED_WRONG = "Sepertinya itu kode undangan, tetapi Kabar tidak mengenalnya."
LIMITED = (
    "Terlalu banyak kode undangan dari akun ini yang tidak berlaku, jadi Kabar tidak "
    "memeriksa kode dari akun ini selama {wait} ke depan. Silakan minta undangan Anda "
    "kepada pendamping Anda."
)


async def test_a_used_or_expired_code_names_nobody_and_guessing_is_limited_per_account(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_programme(db)
    async with db.transaction() as session:
        expired = await session.scalar(select(Invitation).where(Invitation.person_id == "KPM-02"))
        assert expired is not None
        expired.expires_at = NOW
    clock = FakeClock(NOW + timedelta(hours=1))  # 09:00 in Jakarta
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        siti = tg.user(3003, first_name="Siti", language_code="id")
        stranger = tg.user(3999, first_name="Tono", language_code="id")
        neighbour = tg.user(3998, first_name="Ani", language_code="id")
        await register(siti, CODES["KPM-01"])

        # Siti's used code and John's expired one: only "ask your facilitator".
        await stranger.send_command("start", CODES["KPM-01"])
        assert (await said(stranger, "Undangan ini")).text == USED
        await stranger.send_command("start", CODES["KPM-02"])
        assert (await said(stranger, "Undangan ini")).text == EXPIRED

        # Three guesses typed: answered; that makes five codes that linked nobody.
        for guess in (
            "zzzz1-aaaaa-bbbbb-ccccc",
            "zzzz2-aaaaa-bbbbb-ccccc",
            "zzzz3-aaaaa-bbbbb-ccccc",
        ):
            await stranger.send_text(guess)
            await said(stranger, TYPED_WRONG)
        # Then every code is refused until the hour is over, even a good one, unchecked;
        # the wait is said as what is left of it, which needs nobody's time zone.
        clock.advance(timedelta(minutes=20))
        for _ in range(3):
            await stranger.send_command("start", CODES["KPM-03"])
            assert (await said(stranger, "Terlalu banyak")).text == LIMITED.format(wait="40 menit")
        clock.advance(timedelta(minutes=39, seconds=30))
        await stranger.send_text("zzzz4-aaaaa-bbbbb-ccccc")
        assert (await said(stranger, "Terlalu banyak")).text == LIMITED.format(wait="1 menit")
        # Per account: someone else's code still works for them meanwhile.
        await neighbour.send_command("start", "zzzz5-aaaaa-bbbbb-ccccc")
        await said(neighbour, "Kode undangan ini tidak dikenal.")

        # The hour over, the code is checked again: Budi's links this account.
        clock.set(NOW + timedelta(hours=2, minutes=1))
        await stranger.send_command("start", CODES["KPM-03"])
        await said(stranger, "Pilih bahasa")

    transcript = "\n".join(e.text for e in stranger.transcript() if e.who == "bot")
    for leak in ("Wagiyem", "+6281200000100", "Siti", "John"):
        assert leak not in transcript
    async with db.sessions() as session:
        logged = (
            await session.execute(
                select(AuditEntry.action, AuditEntry.subject, AuditEntry.details)
                .where(AuditEntry.actor == "tg:3999")
                .order_by(AuditEntry.id)
            )
        ).all()
        linked = await session.scalar(
            select(TelegramAccount.person_id).where(TelegramAccount.telegram_user_id == 3999)
        )
    assert [(action, subject) for action, subject, _ in logged] == [
        ("invitation.refused", "KPM-01"),
        ("invitation.refused", "KPM-02"),
        ("invitation.attempts_limited", None),
        ("person.linked", "KPM-03"),
    ]
    assert logged[2][2]["failed"] == 5
    assert linked == "KPM-03"
