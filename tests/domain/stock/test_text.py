"""The pickup list as Telegram text: a long list is split into messages Telegram takes,
and every family is still named."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.domain.stock.holdings import Holding
from bot.domain.stock.pickup import lots
from bot.domain.stock.text import pickup_texts
from bot.lib.i18n import translator

SINCE = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)


def _holding(number: int, village: str) -> Holding:
    return Holding(
        person_id=f"KPM-{number:03d}",
        name=f"Keluarga Panjang Namanya Nomor {number:03d}",
        village=village,
        district="Leces",
        product="pelepah-pisang-2026",
        timezone="Asia/Jakarta",
        unit="kg",
        quantity=Decimal("2.5"),
        since=SINCE,
    )


def test_a_facilitators_250_families_fit_in_telegram_messages() -> None:
    held = [_holding(n, "Jorongan" if n < 200 else "Clarak") for n in range(250)]
    held.sort(key=lambda h: (h.village or "", h.name))
    texts = pickup_texts(translator("id"), lots(held), partner=False)
    assert len(texts) > 1
    assert all(len(text) <= 4096 for text in texts)
    joined = "\n".join(texts)
    assert all(h.name + " 2,5" in joined for h in held)
    # Each message that goes on with a village's families names the village first.
    assert all(t.splitlines()[0].startswith(("Stok siap diambil", "📍")) for t in texts)
    assert any("• pelepah-pisang-2026: 500 kg, sejak 12 Jan 2026" in t for t in texts)


def test_nothing_offered_is_one_line() -> None:
    assert pickup_texts(translator("en"), [], partner=True) == [
        "No family has offered stock for pickup right now."
    ]
