"""What a flow is made of; flows themselves live in conversations/."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from bot.lib.i18n import N_


class Kind(StrEnum):
    CHOICE = "choice"  # one of the options (buttons)
    MULTI = "multi"  # several options, then Done
    QUANTITY = "quantity"  # a number in the cohort's unit
    MONEY = "money"  # rupiah
    TEXT = "text"  # free text; voice notes and photos accepted when accepts_media
    PHOTO = "photo"  # a photo
    CONFIRM = "confirm"  # the summary: send, or correct an answer


# Values of the engine's own buttons; option values never start with "~".
SKIP, DONE, NONE, SEND, FIX, BACK = "~skip", "~done", "~none", "~send", "~fix", "~back"
# Their labels (msgids): bot/flows/render.py shows them, the engine reads them typed.
SKIP_LABEL = N_("Skip")
DONE_LABEL = N_("Done")
SEND_LABEL = N_("✅ Send")
FIX_LABEL = N_("✏️ Change an answer")
BACK_LABEL = N_("Back")


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str  # msgid
    # What people type for this button besides its label, in any language ("iya", "gak",
    # "nggih"); compared as bot/flows/matching.py compares labels.
    words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Condition:
    """Skip a step when an earlier answer says so.

    "no_stock": the family holds no stock after this check-in: the stock before it (the
    binding's `Limits.stock`) plus the quantity of step `value` (produced) minus that of
    step `key` (sold) is not above zero; unanswered quantities count as 0. When the stock
    before is not known, the condition does not hold (the question is asked).
    """

    key: str
    test: Literal["is", "is_zero", "is_empty", "no_stock"]
    value: str | None = None

    def holds(self, answers: Mapping[str, Any], stock: Decimal | None = None) -> bool:
        if self.test == "no_stock":
            if stock is None:
                return False
            made = Decimal(str(answers.get(self.value or "") or 0))
            sold = Decimal(str(answers.get(self.key) or 0))
            return stock + made - sold <= 0
        if self.key not in answers:
            return False
        answer = answers[self.key]
        if self.test == "is":
            return bool(answer == self.value)
        if self.test == "is_zero":
            return answer is not None and Decimal(str(answer)) == 0
        return not answer


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    kind: Kind
    prompt: str  # msgid; may use {unit}
    options: tuple[Option, ...] = ()
    skip_if: tuple[Condition, ...] = ()
    optional: bool = False  # offers a Skip button
    accepts_media: bool = False  # a TEXT step that also takes a voice note or photo
    label: str = ""  # msgid naming the answer in the summary
    hint: str = ""  # msgid with an example, shown when an answer is not understood
    none_label: str = ""  # MULTI: the msgid of the "none of these" button
    # Answers asked about once when they look wrong (bot/flows/checks.py). MONEY: far from
    # the family's usual amount or, times the usual price, from the answer of step `per`.
    plausible: bool = False
    per: str = ""
    # QUANTITY: more than the answer of this earlier step is asked about.
    at_most: str = ""

    def skipped(self, answers: Mapping[str, Any], stock: Decimal | None = None) -> bool:
        return any(condition.holds(answers, stock) for condition in self.skip_if)

    @property
    def needs_stock(self) -> bool:
        """Whether asking it depends on the family's stock (a "no_stock" condition)."""
        return any(condition.test == "no_stock" for condition in self.skip_if)


@dataclass(frozen=True, slots=True)
class Upgrade:
    """How a conversation saved under `from_version` goes on under the flow's version.

    Answers are kept by step id: `renamed` moves an old step's answer to a new id, `dropped`
    forgets it, `values` maps a new step's old option values to new ones. Whatever is kept
    must still fit its step. The person is then asked the first step not yet answered, or
    `resume_at` (answered or not) if it comes first. See bot/flows/upgrade.py.
    """

    from_version: int
    # Mappings are left out of the hash, so a flow that declares upgrades stays hashable.
    renamed: Mapping[str, str] = field(default_factory=dict, hash=False)  # old id -> new id
    dropped: tuple[str, ...] = ()  # old step ids
    # new step id -> {old option value: new option value}
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)
    resume_at: str | None = None


@dataclass(frozen=True, slots=True)
class Flow:
    name: str
    version: int
    steps: tuple[Step, ...]
    # Rules for conversations saved under earlier versions; none declared for a version:
    # keep the answers that still fit, ask the first step not yet answered.
    upgrades: tuple[Upgrade, ...] = ()
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {step.id: i for i, step in enumerate(self.steps)})
        validate(self)

    def step(self, step_id: str) -> Step:
        return self.steps[self.index[step_id]]

    def upgrade_from(self, version: int) -> Upgrade:
        """The declared rule for conversations saved under `version`, or the default."""
        return next((u for u in self.upgrades if u.from_version == version), Upgrade(version))

    def needs_stock_at(self, step_id: str | None) -> bool:
        """Whether answering at `step_id` may decide a step that depends on the stock: a
        question before it, or the summary (a correction)."""
        if step_id is None or step_id not in self.index:
            return False
        at = self.index[step_id]
        if self.steps[at].kind is Kind.CONFIRM:
            return any(step.needs_stock for step in self.steps)
        return any(step.needs_stock for step in self.steps[at + 1 :])

    def decides_branches(self, step_id: str) -> bool:
        """True when later steps are skipped or asked depending on this answer."""
        return any(c.key == step_id for step in self.steps for c in step.skip_if)


class FlowDefinitionError(ValueError):
    pass


def validate(flow: Flow) -> None:
    """Checked when the flow is declared, so a broken flow fails at start-up, not mid-chat."""
    seen: set[str] = set()
    for position, step in enumerate(flow.steps):
        where = f"{flow.name}.{step.id}"
        if step.id in seen:
            raise FlowDefinitionError(f"{where}: duplicate step id")
        if not step.prompt:
            raise FlowDefinitionError(f"{where}: no prompt")
        if step.kind in (Kind.CHOICE, Kind.MULTI) and not step.options:
            raise FlowDefinitionError(f"{where}: a choice needs options")
        for option in step.options:
            if option.value.startswith("~") or ":" in option.value or len(option.value) > 24:
                raise FlowDefinitionError(f"{where}: option value {option.value!r} not allowed")
        for earlier in (step.per, step.at_most):
            if earlier and earlier not in seen:
                raise FlowDefinitionError(f"{where}: compared with {earlier!r}, not asked before")
        for condition in step.skip_if:
            named = [condition.key]
            if condition.test == "no_stock":
                named.append(condition.value or "")
            for key in named:
                if key not in seen:
                    raise FlowDefinitionError(
                        f"{where}: condition on {key!r}, which is not asked before"
                    )
        if step.kind is Kind.CONFIRM and position != len(flow.steps) - 1:
            raise FlowDefinitionError(f"{where}: the confirmation must be the last step")
        seen.add(step.id)
    if not flow.steps:
        raise FlowDefinitionError(f"{flow.name}: no steps")
    versions = [upgrade.from_version for upgrade in flow.upgrades]
    if len(set(versions)) != len(versions):
        raise FlowDefinitionError(f"{flow.name}: two upgrades from one version")
    for upgrade in flow.upgrades:
        _validate_upgrade(flow, upgrade)


def _validate_upgrade(flow: Flow, upgrade: Upgrade) -> None:
    where = f"{flow.name} upgrade from version {upgrade.from_version}"
    if not 0 < upgrade.from_version < flow.version:
        raise FlowDefinitionError(f"{where}: not an earlier version than {flow.version}")
    answered = {s.id for s in flow.steps if s.kind is not Kind.CONFIRM}
    named = [*upgrade.renamed.values(), *upgrade.values]
    if upgrade.resume_at is not None:
        named.append(upgrade.resume_at)
    for step_id in named:
        if step_id not in flow.index:
            raise FlowDefinitionError(f"{where}: unknown step {step_id!r}")
    for step_id in [*upgrade.renamed.values(), *upgrade.values]:
        if step_id not in answered:
            raise FlowDefinitionError(f"{where}: {step_id!r} takes no answer")
    if len(set(upgrade.renamed.values())) != len(upgrade.renamed):
        raise FlowDefinitionError(f"{where}: two answers renamed to one step")
    if set(upgrade.renamed) & set(upgrade.dropped):
        raise FlowDefinitionError(f"{where}: an answer both renamed and dropped")
    for step_id, mapping in upgrade.values.items():
        options = {option.value for option in flow.step(step_id).options}
        unknown = sorted(set(mapping.values()) - options)
        if unknown:
            raise FlowDefinitionError(f"{where}: {step_id!r} has no option {unknown[0]!r}")
