"""The roster rules: every row is checked, and every problem of every row is reported.

Checking runs in two passes. `check_rows` needs only the file: the cells of each row and
duplicates within the file. `check_against_database` then needs what the database already
knows (roles, phones, who supervises whom), passed in as a `DatabaseView`, so this module
stays free of I/O.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot.db.models import Role
from bot.domain.people.onboarding import ROLE_NAMES
from bot.domain.roster.problems import Message
from bot.domain.roster.reader import RawRow
from bot.lib.i18n import N_, Word, is_known_language
from bot.lib.phones import normalize_phone

# Who may supervise whom: alerts about a person go one step up this chain.
SUPERVISOR_ROLE: dict[Role, Role] = {
    Role.PARTICIPANT: Role.FACILITATOR,
    Role.FACILITATOR: Role.COORDINATOR,
    Role.COORDINATOR: Role.STAFF,
}
# Insert order: a supervisor's role is always higher, so supervisors exist before the people
# who point at them (the foreign key is checked on SQLite per statement).
ROLE_ORDER: tuple[Role, ...] = (
    Role.STAFF,
    Role.PARTNER,
    Role.COORDINATOR,
    Role.FACILITATOR,
    Role.PARTICIPANT,
)
_ROLES = {role.value: role for role in Role}
_ROLE_LIST = "participant, facilitator, coordinator, staff, partner"

# Column widths of the people table (bot/db/models/people.py); PostgreSQL refuses longer.
MAX_LENGTH: dict[str, int] = {
    "id": 64,
    "name": 200,
    "cohort": 64,
    "village": 100,
    "district": 100,
    "regency": 100,
    "supervisor_id": 64,
    "language": 16,
}
# Ids and cohort names end up in commands, callback data and every export: letters (any
# script), digits, "-", "_" and "." only, so none can carry a formula, markup or a separator.
SAFE_NAME_RE = re.compile(r"[\w.-]+")
_SAFE_COLUMNS = ("id", "supervisor_id", "cohort")
# Values that repeat across thousands of rows are interned to keep a large roster small.
_REPEATED = ("cohort", "village", "district", "regency", "supervisor_id", "language")


@dataclass(slots=True)
class RosterRow:
    """A row whose own cells are valid, in the shape the database stores."""

    line: int
    id: str
    role: Role
    name: str
    phone: str | None
    cohort: str | None
    village: str | None
    district: str | None
    regency: str | None
    supervisor_id: str | None
    language: str | None
    attributes: tuple[tuple[str, str], ...]
    baseline_revenue_idr: int | None = None  # income per month before training

    def attributes_dict(self) -> dict[str, Any]:
        return dict(self.attributes)


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Everything wrong with one row."""

    line: int
    row_id: str | None
    reasons: list[Message]


@dataclass(slots=True)
class CheckedFile:
    """The outcome of the first pass."""

    rows: list[RosterRow] = field(default_factory=list)
    problems: dict[int, RowProblem] = field(default_factory=dict)
    # Every id in the file -> (first line, role as given or None when not a known role).
    ids: dict[str, tuple[int, Role | None]] = field(default_factory=dict)
    # (line, id, role, supervisor_id) of every row naming a supervisor, valid or not.
    supervised: list[tuple[int, str | None, Role | None, str]] = field(default_factory=list)
    # Every phone in the file (E.164) -> (first line, id).
    phones: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    total_rows: int = 0

    def add(self, line: int, row_id: str | None, reason: Message) -> None:
        problem = self.problems.get(line)
        if problem is None:
            self.problems[line] = RowProblem(line, row_id or None, [reason])
        else:
            problem.reasons.append(reason)

    def sorted_problems(self) -> list[RowProblem]:
        return [self.problems[line] for line in sorted(self.problems)]


@dataclass(slots=True)
class DatabaseView:
    """What the database knows that the rules need, loaded once before the second pass."""

    # Role of every person in the database.
    roles: dict[str, Role] = field(default_factory=dict)
    # Phone -> owner, for owners not in the file (only they can conflict with the file).
    phone_owners: dict[str, str] = field(default_factory=dict)
    # Supervisor id -> (id, role) of the people not in the file whom they supervise.
    dependants: dict[str, list[tuple[str, Role]]] = field(default_factory=dict)


@lru_cache(maxsize=256)
def _known_language(code: str) -> bool:
    return is_known_language(code)


_RUPIAH_RE = re.compile(r"(?:Rp\.?\s*)?(\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d+)", re.I)
_MAX_RUPIAH = 10**12


def parse_rupiah(text: str) -> int | None:
    """Whole rupiah as a spreadsheet or a person writes them: 1500000, 1.500.000,
    1,500,000, Rp 1.500.000; None for anything else (decimals, words, negatives)."""
    match = _RUPIAH_RE.fullmatch(text.strip())
    if match is None:
        return None
    amount = int(re.sub(r"[.,]", "", match.group(1)))
    return amount if amount <= _MAX_RUPIAH else None


def _text(raw: RawRow, column: str) -> str | None:
    value = raw.values.get(column, "")
    if not value:
        return None
    return sys.intern(value) if column in _REPEATED else value


def check_rows(raw_rows: Iterable[RawRow]) -> CheckedFile:
    """First pass: each row's own cells, and ids and phones repeated within the file."""
    checked = CheckedFile()
    for raw in raw_rows:
        checked.total_rows += 1
        _check_row(checked, raw)
    return checked


def _check_row(checked: CheckedFile, raw: RawRow) -> None:
    line = raw.line
    row_id = raw.get("id")
    before = len(checked.problems)

    def problem(msgid: str, **params: str | int) -> None:
        checked.add(line, row_id, Message(msgid, params))

    if not row_id:
        problem(N_("the id is missing"))
    elif row_id in checked.ids:
        problem(N_("the id {id} is also on line {other}"), id=row_id, other=checked.ids[row_id][0])

    role_text = raw.get("role").lower()
    role = _ROLES.get(role_text)
    if not role_text:
        problem(N_("the role is missing (one of {roles})"), roles=_ROLE_LIST)
    elif role is None:
        problem(
            N_("unknown role “{role}” (expected one of {roles})"),
            role=raw.get("role"),
            roles=_ROLE_LIST,
        )
    if row_id and row_id not in checked.ids:
        checked.ids[row_id] = (line, role)

    if not raw.get("name"):
        problem(N_("the name is missing"))

    for column, limit in MAX_LENGTH.items():
        if len(raw.get(column)) > limit:
            problem(N_("{column} is longer than {limit} characters"), column=column, limit=limit)

    for column in _SAFE_COLUMNS:
        value = raw.get(column)
        if value and not SAFE_NAME_RE.fullmatch(value):
            problem(
                N_("{column} “{value}” may only contain letters, digits, “-”, “_” and “.”"),
                column=column,
                value=value,
            )

    phone: str | None = None
    phone_text = raw.get("phone")
    if phone_text:
        phone = normalize_phone(phone_text)
        if phone is None:
            problem(N_("“{phone}” is not an Indonesian mobile number"), phone=phone_text)
        elif phone in checked.phones:
            problem(
                N_("the phone {phone} is also on line {other}"),
                phone=phone,
                other=checked.phones[phone][0],
            )
        else:
            checked.phones[phone] = (line, row_id or None)

    language = _text(raw, "language")
    if language is not None and not _known_language(language):
        problem(N_("unknown language code “{language}”"), language=language)

    baseline_text = _text(raw, "baseline_revenue_idr")
    baseline = None if baseline_text is None else parse_rupiah(baseline_text)
    if baseline_text is not None and baseline is None:
        problem(
            N_(
                "baseline_revenue_idr “{value}” is not an amount of rupiah per month "
                "(whole rupiah, for example 1500000 or 1.500.000)"
            ),
            value=baseline_text,
        )

    supervisor_id = _text(raw, "supervisor_id")
    cohort = _text(raw, "cohort")
    if role is Role.PARTICIPANT:
        if supervisor_id is None:
            problem(N_("a participant needs a supervisor_id (their facilitator)"))
        if cohort is None:
            problem(N_("a participant needs a cohort"))
    elif role is Role.STAFF and supervisor_id is not None:
        problem(N_("staff have no supervisor; leave supervisor_id empty"))
    elif role is Role.PARTNER and supervisor_id is not None:
        problem(N_("a buying partner has no supervisor; leave supervisor_id empty"))
    if supervisor_id is not None:
        checked.supervised.append((line, row_id or None, role, supervisor_id))

    if raw.overflow:
        problem(N_("the row has more cells than the header row has columns"))

    if len(checked.problems) != before or role is None or not row_id:
        return
    checked.rows.append(
        RosterRow(
            line=line,
            id=row_id,
            role=role,
            name=raw.get("name"),
            phone=phone,
            cohort=cohort,
            village=_text(raw, "village"),
            district=_text(raw, "district"),
            regency=_text(raw, "regency"),
            supervisor_id=supervisor_id,
            language=language,
            attributes=raw.extra,
            baseline_revenue_idr=baseline,
        )
    )


def check_against_database(checked: CheckedFile, view: DatabaseView) -> None:
    """Second pass: supervisors, phones held by others, and role changes; adds problems."""
    for line, row_id, role, supervisor_id in checked.supervised:
        _check_supervisor(checked, view, line, row_id, role, supervisor_id)

    for phone, (line, row_id) in checked.phones.items():
        owner = view.phone_owners.get(phone)
        if owner is not None and owner != row_id:
            checked.add(
                line,
                row_id,
                Message(
                    N_("the phone {phone} already belongs to {other} in the database"),
                    {"phone": phone, "other": owner},
                ),
            )

    for row_id, (line, role) in checked.ids.items():
        old_role = view.roles.get(row_id)
        if role is None or old_role is None or old_role is role:
            continue
        stranded = [
            dependant
            for dependant, dependant_role in view.dependants.get(row_id, ())
            if SUPERVISOR_ROLE.get(dependant_role) is not role
        ]
        if stranded:
            checked.add(
                line,
                row_id,
                Message(
                    N_(
                        "changing the role to {role} would leave people in the database "
                        "with a supervisor of the wrong role ({count}, e.g. {example})"
                    ),
                    {"role": _role(role), "count": len(stranded), "example": stranded[0]},
                ),
            )


def _check_supervisor(
    checked: CheckedFile,
    view: DatabaseView,
    line: int,
    row_id: str | None,
    role: Role | None,
    supervisor_id: str,
) -> None:
    if role is None or role in (Role.STAFF, Role.PARTNER):
        return  # already reported on this row
    if supervisor_id in checked.ids:
        supervisor_role = checked.ids[supervisor_id][1]
        if supervisor_role is None:
            return  # the supervisor's own row reports its unknown role
    elif supervisor_id in view.roles:
        supervisor_role = view.roles[supervisor_id]
    else:
        checked.add(
            line,
            row_id,
            Message(
                N_("the supervisor {supervisor} is neither in the file nor in the database"),
                {"supervisor": supervisor_id},
            ),
        )
        return
    expected = SUPERVISOR_ROLE[role]
    if supervisor_role is not expected:
        checked.add(
            line,
            row_id,
            Message(
                N_(
                    "the supervisor {supervisor} is a {actual}, but a {role}'s supervisor "
                    "must be a {expected}"
                ),
                {
                    "supervisor": supervisor_id,
                    "actual": _role(supervisor_role),
                    "role": _role(role),
                    "expected": _role(expected),
                },
            ),
        )


def _role(role: Role) -> Word:
    """A role as the reader names it (a facilitator is a "pendamping"), not its roster code."""
    return Word(ROLE_NAMES[role])
