"""Button data read strictly: any string a client can send gives a known shape with ids an
INTEGER column takes, or None; never an exception."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.lib import callback_data
from bot.lib.callback_data import MAX_ID, AlertPress, DraftPress, FlowPress, PagePress

PARSERS = (
    callback_data.flow,
    callback_data.alert,
    callback_data.page,
    callback_data.draft,
    callback_data.cancel,
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.text(alphabet="0123456789²³¹٣٤੩", min_size=0, max_size=40),
)
PREFIXES = st.sampled_from(["f:", "a:", "p:", "pa:", "s:", "bx:", ""])


def _ids(parsed: object) -> list[int]:
    match parsed:
        case FlowPress(conversation_id=c, revision=r):
            return [c, r]
        case AlertPress(alert_id=a):
            return [a]
        case PagePress(page=p):
            return [p]
        case DraftPress(draft_id=d):
            return [d]
        case int():
            return [parsed]
    return []


@given(
    st.one_of(
        st.text(max_size=64),
        st.builds(
            lambda prefix, first, second, tail: prefix + first + ":" + second + tail,
            PREFIXES,
            NUMBERS,
            NUMBERS,
            st.sampled_from(["", ":yes", ":c", ":show", ":k:village", ":x"]),
        ),
    )
)
def test_any_data_is_a_known_shape_with_ids_in_range_or_none(data: str) -> None:
    for parse in PARSERS:
        for value in _ids(parse(data)):
            assert 0 <= value <= MAX_ID


def test_the_shapes_kabar_makes_are_read_and_nothing_else() -> None:
    assert callback_data.flow("f:12:3:~fix:produced") == FlowPress(12, 3, "~fix:produced")
    assert callback_data.alert("a:7:c") == AlertPress(7, "contacted")
    assert callback_data.alert("a:7:show") == AlertPress(7, "show")
    assert callback_data.page("pa:2") == PagePress("pa", 2)
    assert callback_data.draft("s:4:k") == DraftPress(4, "k", "")
    assert callback_data.cancel("bx:9") == 9
    too_big = str(MAX_ID + 1)
    for forged in (
        f"f:{too_big}:1:yes",
        f"a:{too_big}:c",
        "a:1:zz",
        "a:²:c",
        "f:1:1:",
        f"s:{too_big}:k",
        f"bx:{too_big}",
        "bx:1 ",
        "pa:1234567",
    ):
        assert all(parse(forged) is None for parse in PARSERS), forged
