"""Escalation end to end, with the clock moved through rounds: Kabar runs in this process
(the same `serve` as `kabar run`) on a fake clock, against the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.serve import serve
from bot.db.database import Database
from bot.db.models import (
    Alert,
    AlertAction,
    AlertStatus,
    Attachment,
    AuditEntry,
    Invitation,
)
from bot.lib.clock import Clock, FakeClock
from bot.lib.config import Settings
from bot.sandbox.fakeapi import FakeTelegram, FakeUser, TranscriptEntry
from tests.support.chat import said
from tests.support.process import TEST_TOKEN
from tests.support.programme import CODES, NOW, seed_programme

pytestmark = pytest.mark.e2e

MONDAY = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)  # 08:00 in Jakarta, a round opens


@contextlib.asynccontextmanager
async def kabar(
    tg: FakeTelegram, database_url: str, clock: Clock, **settings_: Any
) -> AsyncIterator[None]:
    with tempfile.TemporaryDirectory(prefix="kabar-e2e-media-") as media:
        # On PostgreSQL the default media folder is ./media: the checkout's own, where a
        # family's photo from a test was once committed. Beside the database on SQLite.
        settings_.setdefault("media_dir", media)
        settings = Settings(
            bot_token=TEST_TOKEN,
            database_url=database_url,
            telegram_api_url=tg.api_url,
            send_chat_interval_s=0,
            **settings_,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(serve(settings, clock=clock, stop=stop, tick_every_s=0.1))
        try:
            yield
        finally:
            stop.set()
            await task


async def register(user: FakeUser, code: str) -> None:
    await user.send_command("start", code)
    await said(user, "Pilih bahasa")
    await user.press("Bahasa Indonesia")
    await said(user, "Apakah Anda setuju?")
    await user.press("Saya setuju")
    await said(user, "Terima kasih")


async def answer_producing(
    user: FakeUser,
    *,
    produced: str = "2 kg",
    sold: str = "1",
    income: str = "50rb",
    offer: str | None = "Ya",
) -> None:
    """A check-in with production; `offer` answers the stock question, asked while some is
    left unsold (None: not asked)."""
    await said(user, "Apakah Anda memproduksi")
    await user.press("Ya")
    await said(user, "Berapa banyak yang Anda produksi")
    await user.send_text(produced)
    await said(user, "Berapa banyak yang terjual")
    await user.send_text(sold)
    if sold != "0":
        await said(user, "Berapa uang yang Anda terima")
        await user.send_text(income)
    if offer is not None:
        await said(user, "Bolehkah Kabar menawarkannya kepada mitra pembeli")
        await user.press(offer)
    await said(user, "Apakah ada yang menghambat")
    await user.press("Tidak ada kendala")
    await said(user, "kirim foto produk")
    await user.press("Lewati")
    await said(user, "Periksa jawaban Anda")
    await user.press("✅ Kirim")
    await said(user, "Terima kasih! Jawaban Anda tersimpan")


async def answer_not_producing(user: FakeUser) -> str:
    """Answer the open question "did you produce" with no, and the rest; the thanks."""
    await user.press("Tidak")
    await said(user, "Apakah ada yang menghambat")
    await user.press("Tidak ada kendala")
    await said(user, "kirim foto produk")
    await user.press("Lewati")
    await said(user, "Periksa jawaban Anda")
    await user.press("✅ Kirim")
    return (await said(user, "Terima kasih! Jawaban Anda tersimpan")).text


async def until(condition: Callable[[], bool], timeout: float = 15) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


async def callback_answer(user: FakeUser) -> str:
    entries = await user.replies_until(lambda e: e.kind == "callback_answer")
    return entries[-1].text


def alert_cards(user: FakeUser) -> list[TranscriptEntry]:
    return [e for e in user.transcript() if e.who == "bot" and e.text.startswith("⚠️")]


async def test_quiet_families_reach_the_facilitator_then_the_coordinator(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await seed_programme(db)
    async with db.transaction() as session:
        session.add(
            Invitation(
                person_id="KRD-01",
                code="krd01-aaaaa-bbbbb-ccccc",
                created_at=NOW,
                expires_at=NOW + timedelta(days=3650),
            )
        )
    clock = FakeClock(NOW + timedelta(hours=1))
    async with FakeTelegram() as tg, kabar(tg, database_url, clock):
        facilitator = tg.user(3001, first_name="Wagiyem", language_code="id")
        coordinator = tg.user(3002, first_name="Arif", language_code="id")
        siti = tg.user(3003, first_name="Siti", language_code="id")
        budi = tg.user(3004, first_name="Budi", language_code="id")
        john = tg.user(3005, first_name="John", language_code="id")
        await register(facilitator, CODES["PDP-01"])
        await register(john, CODES["KPM-02"])
        await register(coordinator, "krd01-aaaaa-bbbbb-ccccc")
        await register(siti, CODES["KPM-01"])
        await register(budi, CODES["KPM-03"])

        # Two rounds pass without an answer from Siti or Budi; John answers both.
        for week in range(2):
            clock.set(MONDAY + timedelta(weeks=week))
            await said(siti, "Apakah Anda memproduksi")
            await said(budi, "Apakah Anda memproduksi")
            await answer_producing(john)
        assert alert_cards(facilitator) == []  # one missed round is not yet a pattern
        clock.set(MONDAY + timedelta(weeks=2))  # the second round closes as the third opens
        await until(lambda: len(alert_cards(facilitator)) == 2)
        cards = alert_cards(facilitator)
        assert {"Siti Rahayu (KPM-01), Jorongan", "Budi Maryam (KPM-03), Clarak"} == {
            c.text.splitlines()[0].removeprefix("⚠️ ") for c in cards
        }
        siti_card = next(c for c in cards if "Siti" in c.text)
        assert "tidak menjawab laporan terakhir" in siti_card.text
        # The phone is marked as a phone number (one tap calls), counted in UTF-16 units:
        # the emoji before it take two each.
        phone_at = len(siti_card.text[: siti_card.text.index("+6281300002001")].encode("utf-16-le"))
        assert {"type": "phone_number", "offset": phone_at // 2, "length": 14} in siti_card.raw[
            "entities"
        ]
        assert siti_card.buttons == [
            ["📞 Sudah dihubungi", "🏠 Akan dikunjungi"],
            ["✅ Selesai ditangani", "📝 Tambah catatan"],
        ]

        # The facilitator acts on Siti's alert; a forged press by Budi changes nothing.
        answers = len([e for e in budi.transcript() if e.kind == "callback_answer"])
        await budi.press_data(f"a:{await alert_id(db, 'KPM-01')}:r")  # a forged press
        await until(
            lambda: len([e for e in budi.transcript() if e.kind == "callback_answer"]) > answers
        )
        refusal = [e for e in budi.transcript() if e.kind == "callback_answer"][-1]
        assert refusal.text == "Peringatan ini bukan untuk Anda."
        siti_alert = await alert_id(db, "KPM-01")
        await facilitator.press_data(f"a:{siti_alert}:c", message_id=siti_card.message_id)
        await until(
            lambda: any(
                "→ 📞 Sudah dihubungi oleh Wagiyem" in e.text
                for e in facilitator.transcript()
                if e.kind == "edit"
            )
        )

        # A voice note on Siti's alert.
        await facilitator.press_data(f"a:{siti_alert}:n", message_id=siti_card.message_id)
        await said(facilitator, "Ketik catatan Anda")
        await facilitator.send_voice()
        await said(facilitator, "Catatan tersimpan.")

        # Three days on, Budi's alert, never acknowledged, goes to the coordinator.
        assert alert_cards(coordinator) == []
        clock.set(MONDAY + timedelta(weeks=2, days=3, hours=1))
        await until(lambda: len(alert_cards(coordinator)) == 1)
        assert "Belum ditanggapi oleh Wagiyem Sulistyo" in alert_cards(coordinator)[0].text
        assert "Budi Maryam" in alert_cards(coordinator)[0].text

        # Escalated, the alert is still the facilitator's: listed in /peringatan, marked, and
        # acted on; the coordinator is told.
        await facilitator.send_command("peringatan")
        listed = await said(facilitator, "Peringatan terbuka untuk Anda")
        assert "Budi Maryam (KPM-03)" in listed.text
        assert "(juga di koordinator Anda)" in listed.text
        budi_card = next(c for c in cards if "Budi" in c.text)
        budi_alert = await alert_id(db, "KPM-03")
        await facilitator.press_data(f"a:{budi_alert}:v", message_id=budi_card.message_id)
        assert await callback_answer(facilitator) == "Tersimpan."
        edited = (await facilitator.replies_until(lambda e: e.kind == "edit"))[-1]
        # Set apart from the last check-ins by a blank line, as the card shows its actions.
        assert "\n\n→ 🏠 Akan dikunjungi oleh Wagiyem" in edited.text
        assert any(e["type"] == "phone_number" for e in edited.raw["entities"])
        await said(
            coordinator, "Budi Maryam (KPM-03): Wagiyem Sulistyo mencatat “🏠 Akan dikunjungi”"
        )

        # Siti answers the open round: she is active again, and the facilitator is told.
        await answer_not_producing(siti)
        clock.set(MONDAY + timedelta(weeks=3))  # the round closes, rules run again
        await until(lambda: any("aktif kembali" in e.text for e in facilitator.transcript()))

    async with db.sessions() as session:
        alerts = {a.person_id: a for a in (await session.execute(select(Alert))).scalars()}
        actions = (await session.execute(select(AlertAction))).scalars().all()
        voice = (await session.execute(select(Attachment))).scalar_one()
        logged = (
            await session.execute(select(AuditEntry).where(AuditEntry.action.like("alert.%")))
        ).scalars()
        audited = [(e.actor, e.action, e.subject) for e in logged]
        forged = [
            (e.actor, e.subject)
            for e in (
                await session.execute(
                    select(AuditEntry).where(AuditEntry.action == "button.forged")
                )
            ).scalars()
        ]
    assert "KPM-02" not in alerts  # John, who answers, is never the subject of an alert
    assert alerts["KPM-01"].status is AlertStatus.CLOSED
    assert alerts["KPM-03"].level == "coordinator"
    assert [(a.actor_id, a.action) for a in actions] == [
        ("PDP-01", "contacted"),
        ("PDP-01", "note"),
        ("PDP-01", "will_visit"),
    ]
    assert alerts["KPM-03"].status is AlertStatus.ACKNOWLEDGED
    # Each action taken in Telegram is in the audit log: the buttons' and the note's.
    assert audited == [
        ("PDP-01", "alert.contacted", "KPM-01"),
        ("PDP-01", "alert.note", "KPM-01"),
        ("PDP-01", "alert.will_visit", "KPM-03"),
    ]
    assert forged == [("KPM-03", "KPM-01")]  # Budi's press only, never the facilitator's
    assert (voice.alert_id, voice.kind, voice.purpose) == (
        alerts["KPM-01"].id,
        "voice",
        "alert_note",
    )


async def alert_id(db: Database, person_id: str) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(Alert.id).where(Alert.person_id == person_id)) or 0)


async def test_rounds_opened_from_the_command_line_alert_the_facilitator_within_seconds(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    """Three rounds opened by `kabar checkin send` against a running `kabar run`: the second
    closing leaves a family with two missed rounds, and the facilitator's card comes within
    seconds, not at the next hourly evaluation."""
    from bot.db.models import TelegramAccount
    from bot.lib.clock import SystemClock
    from tests.domain.rounds.support import seed_cohort
    from tests.support.chat import kabar_command
    from tests.support.process import KabarProcess

    now = SystemClock().now()
    await seed_cohort(db, 2, quiet=("00:00", "00:00"), created=now, name="tenun")
    async with db.transaction() as session:
        session.add(
            TelegramAccount(
                person_id="tenun-F",
                telegram_user_id=9_001,
                chat_id=9_001,
                linked_at=now,
                linked_by="invitation",
            )
        )
    async with FakeTelegram() as tg:
        facilitator = tg.user(9_001, first_name="Fasilitator", started=True)
        for number in range(2):
            tg.user(10_000 + number, started=True)
        kabar_run = KabarProcess(tg, database_url, tmp_path)
        await kabar_run.start()
        try:
            for _ in range(3):
                await kabar_command(database_url, tmp_path, "checkin", "send", "--cohort", "tenun")
            # The alert job looks every five seconds: well within this, and an hour before
            # the next hourly evaluation.
            await until(lambda: len(alert_cards(facilitator)) > 0, timeout=20)
        finally:
            assert await kabar_run.stop() == 0
    card = alert_cards(facilitator)[0].text
    assert "Keluarga" in card and "tidak menjawab" in card.lower(), card
