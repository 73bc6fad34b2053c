"""Simulated families: each answers the check-in the way a real one might, or does not."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bot.flows.checks import FROM_STOCK, KEEP_AMOUNT
from bot.lib.i18n import translator
from bot.sandbox.fakeapi import FakeUser, TranscriptEntry
from conversations.checkin import CHECKIN
from conversations.onboarding import ONBOARDING

# What people type, in the styles Kabar has to understand.
QUANTITIES = ("5", "5 kg", "2,5", "3 kilo", "1,5 kg", "tujuh", "12", "4")
REVENUES = ("150rb", "Rp 150.000", "75000", "1,2 jt", "200 ribu", "Rp250.000,-", "90rb")
NOTES = (
    "Belum punya alat pengering, serat lama keringnya.",
    "Timbangan rusak.",
    "Pembeli dari kota belum datang lagi.",
    "Bahan pelepah susah dicari musim ini.",
)


@dataclass
class Behaviour:
    quiet: bool = False  # never answers the check-in
    declines: bool = False  # does not agree to data use
    produces: bool = True
    quantity: str = "5"
    sold: str = "3"
    revenue: str = "150rb"
    problems: list[str] = field(default_factory=list)
    note: str | None = None
    wants_help: bool = False
    photo: bool = False
    sticker_first: bool = False


def behaviour_for(index: int, rng: random.Random) -> Behaviour:
    """A believable mix: most answer, some stalled for want of tools, a few go quiet."""
    roll = rng.random()
    if index == 3:
        return Behaviour(declines=True)
    if roll < 0.12:
        return Behaviour(quiet=True)
    if roll < 0.40:
        return Behaviour(
            produces=False,
            problems=rng.sample(["tools", "raw_material", "capital", "market"], k=2),
            note=rng.choice(NOTES),
            wants_help=rng.random() < 0.6,
            sticker_first=rng.random() < 0.3,
        )
    sold = rng.choice(("0", "1", "2", "3", "2,5"))
    return Behaviour(
        quantity=rng.choice(QUANTITIES),
        sold=sold,
        revenue=rng.choice(REVENUES),
        problems=rng.sample(["market", "skills", "tools"], k=rng.randint(0, 1)),
        photo=rng.random() < 0.5,
    )


def _is_question(entry: TranscriptEntry) -> bool:
    """A question: a new message, or the pressed question turned into the next one."""
    return entry.kind in ("text", "edit")


class Family:
    def __init__(self, user: FakeUser, behaviour: Behaviour, language: str, unit: str) -> None:
        self.user = user
        self.behaviour = behaviour
        self.t = translator(language)
        self.language = language
        self.unit = unit
        # The question texts in this family's language tell which step is being asked.
        self.prompts = {
            step.id: self.t.gettext(step.prompt).format(unit=unit)
            for step in CHECKIN.steps + ONBOARDING.steps
        }

    async def _wait_for(self, step_id: str, timeout: float = 30) -> TranscriptEntry:
        wanted = self.prompts[step_id]
        entries = await self.user.replies_until(
            lambda e: _is_question(e) and wanted[:40] in e.text, timeout=timeout
        )
        return entries[-1]

    async def _wait_past_checks(self, step_id: str) -> None:
        """Wait for `step_id`'s question; a confirming question on the way (an amount far
        from the usual, sold more than produced) is answered as the family meant it, and
        the offer of stock left over (asked only while there is some) with yes."""
        wanted = self.prompts[step_id][:40]
        keep = (self.t.gettext(KEEP_AMOUNT).split("{")[0], self.t.gettext(FROM_STOCK))
        offer = self.prompts["offer_stock"][:40]

        def confirming(entry: TranscriptEntry) -> str | None:
            if offer in entry.text:
                return self.t.gettext("Yes")
            for row in entry.buttons:
                for label in row:
                    if label.startswith(keep):
                        return label
            return None

        while True:
            entries = await self.user.replies_until(
                lambda e: _is_question(e) and (wanted in e.text or confirming(e) is not None),
                timeout=30,
            )
            label = confirming(entries[-1])
            if label is None:
                return
            await self.user.press(label)

    async def register(self, code: str) -> None:
        await self.user.send_command("start", code)
        await self._wait_for("language")
        await self.user.press("English" if self.language == "en" else "Bahasa Indonesia")
        await self._wait_for("consent")
        agree = "I agree" if self.language == "en" else "Saya setuju"
        disagree = "I do not agree" if self.language == "en" else "Saya tidak setuju"
        await self.user.press(disagree if self.behaviour.declines else agree)

    async def check_in(self) -> str:
        """Answer the round's questions; returns what happened, for the demo's table."""
        b, t = self.behaviour, self.t
        await self._wait_for("produced", timeout=60)
        if b.quiet:
            return "quiet"
        if b.sticker_first:
            await self.user.send_sticker()
            await self._wait_for("produced")
        await self.user.press(t.gettext("Yes") if b.produces else t.gettext("No"))
        if b.produces:
            await self._wait_for("quantity_produced")
            await self.user.send_text(b.quantity)
            await self._wait_for("quantity_sold")
            await self.user.send_text(b.sold)
            if b.sold != "0":
                await self._wait_past_checks("revenue_idr")
                await self.user.send_text(b.revenue)
        await self._wait_past_checks("problems")
        if not b.problems:
            await self.user.press(t.gettext("No problems"))
        else:
            labels = {o.value: t.gettext(o.label) for o in CHECKIN.step("problems").options}
            for problem in b.problems:
                await self.user.press(labels[problem])
                await self.user.replies_until(lambda e: e.kind == "edit")
            await self.user.press(t.gettext("Done"))
            await self._wait_for("problem_note")
            await self.user.send_text(b.note or "-")
            await self._wait_for("needs_help")
            await self.user.press(t.gettext("Yes") if b.wants_help else t.gettext("No"))
        await self._wait_for("photo")
        if b.photo:
            await self.user.send_photo()
        else:
            await self.user.press(t.gettext("Skip"))
        await self._wait_for("confirm")
        await self.user.press(t.gettext("✅ Send"))
        return "answered" if b.produces else "not producing"
