"""The rules on their own: rows in, problems out (no file, no database)."""

from __future__ import annotations

from bot.db.models import Role
from bot.domain.roster.reader import RawRow
from bot.domain.roster.validate import CheckedFile, DatabaseView, check_against_database, check_rows


def _raw(line: int, **values: str) -> RawRow:
    return RawRow(line=line, values=values, extra=(), overflow=False)


def _check(*rows: RawRow, view: DatabaseView | None = None) -> CheckedFile:
    checked = check_rows(rows)
    check_against_database(checked, view or DatabaseView())
    return checked


def _msgids(checked: CheckedFile) -> dict[int, list[str]]:
    return {p.line: [r.msgid for r in p.reasons] for p in checked.sorted_problems()}


def test_roles_are_case_insensitive_and_chain_upwards() -> None:
    checked = _check(
        _raw(2, id="S", role="Staff", name="S"),
        _raw(3, id="K", role="COORDINATOR", name="K", supervisor_id="S"),
        _raw(4, id="F", role="facilitator", name="F", supervisor_id="K"),
        _raw(5, id="P", role="participant", name="P", supervisor_id="F", cohort="c"),
    )
    assert checked.problems == {}
    assert [row.role for row in checked.rows] == [
        Role.STAFF,
        Role.COORDINATOR,
        Role.FACILITATOR,
        Role.PARTICIPANT,
    ]


def test_supervisor_roles_come_from_the_file_before_the_database() -> None:
    view = DatabaseView(roles={"F": Role.FACILITATOR, "K": Role.COORDINATOR})
    checked = _check(
        # F is a facilitator in the database but a coordinator in this file.
        _raw(2, id="F", role="coordinator", name="F"),
        _raw(3, id="P", role="participant", name="P", supervisor_id="F", cohort="c"),
        _raw(4, id="F2", role="facilitator", name="F2", supervisor_id="K"),
        _raw(5, id="F3", role="facilitator", name="F3", supervisor_id="F3"),  # themself
        view=view,
    )
    assert sorted(_msgids(checked)) == [3, 5]
    assert checked.problems[3].reasons[0].params["actual"] == "coordinator"


def test_values_longer_than_the_columns_are_refused() -> None:
    checked = _check(_raw(2, id="x" * 65, role="staff", name="n" * 201, village="v" * 100))
    params = [reason.params for reason in checked.problems[2].reasons]
    assert params == [{"column": "id", "limit": 64}, {"column": "name", "limit": 200}]


def test_a_phone_held_by_someone_outside_the_file() -> None:
    view = DatabaseView(
        roles={"OLD": Role.STAFF, "MOVER": Role.STAFF},
        phone_owners={"+6281100000001": "OLD"},
    )
    checked = _check(
        _raw(2, id="NEW", role="staff", name="N", phone="0811-0000-0001"),
        view=view,
    )
    assert checked.problems[2].reasons[0].params == {"phone": "+6281100000001", "other": "OLD"}
    # The same person keeping their own number is of course fine.
    same = _check(_raw(2, id="OLD", role="staff", name="O", phone="0811-0000-0001"), view=view)
    assert same.problems == {}


def test_empty_language_is_the_default_and_codes_are_checked() -> None:
    checked = _check(
        _raw(2, id="A", role="staff", name="A", language=""),
        _raw(3, id="B", role="staff", name="B", language="su"),
        _raw(4, id="C", role="staff", name="C", language="mad"),
        _raw(5, id="D", role="staff", name="D", language="klingon"),
    )
    assert sorted(_msgids(checked)) == [5]
    assert [row.language for row in checked.rows] == [None, "su", "mad"]


def test_a_buying_partner_is_a_role_of_its_own_without_a_supervisor() -> None:
    checked = _check(
        _raw(2, id="S", role="staff", name="S"),
        _raw(3, id="M", role="Partner", name="Koperasi", district="Leces"),
        _raw(4, id="M2", role="partner", name="Pengepul", supervisor_id="S"),
        _raw(5, id="F", role="facilitator", name="F", supervisor_id="M"),
    )
    assert [row.role for row in checked.rows][:2] == [Role.STAFF, Role.PARTNER]
    assert _msgids(checked) == {
        4: ["a buying partner has no supervisor; leave supervisor_id empty"],
        5: [
            "the supervisor {supervisor} is a {actual}, but a {role}'s supervisor "
            "must be a {expected}"
        ],
    }
