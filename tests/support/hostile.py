"""Hostile updates for property tests: what Telegram would not send, or only on a bad day.

Random Unicode with NUL and lone surrogates, numbers beyond 64 bits (and negative, and not
finite), missing fields, nesting far deeper than Telegram's. Every text starts with MARK, so
a test can check that nothing a sender wrote reaches the logs.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

MARK = "rahasia-"
ORDINARY = 6_000  # a user the hostile updates never claim to be

_weird = st.sampled_from(["\x00", "\ud800", "\udfff", "\ud83d", "\ufeff", "\u202e", "\uffff"])
texts = st.lists(st.one_of(st.characters(), _weird), max_size=30).map(lambda cs: MARK + "".join(cs))
numbers = st.one_of(
    st.integers(),
    st.sampled_from([2**63, -(2**63) - 1, 2**70, -(2**70), 10**30, 0, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
)
# Mostly a plausible id, often one no database column holds.
ids = st.one_of(
    st.integers(1, 5_000),
    st.integers(1, 5_000),
    numbers,
    texts,
    st.none(),
    st.booleans(),
).filter(lambda value: value != ORDINARY)
leaves = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(texts | st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)


def deep(depth: int) -> Any:
    value: Any = MARK
    for step in range(depth):
        value = [value] if step % 2 else {"x": value}
    return value


@st.composite
def hostile_updates(draw: st.DrawFn) -> dict[str, Any]:
    """An update Telegram would not send, or only on a bad day: mostly a message's shape
    with hostile values in it, sometimes any JSON at all where the message should be."""
    optional = {"is_bot": leaves, "first_name": texts, "language_code": texts}
    user = draw(st.fixed_dictionaries({"id": ids}, optional=optional))
    chat = draw(st.fixed_dictionaries({"id": ids, "type": st.just("private")}))
    fields = {"message_id": numbers, "date": numbers, "from": st.just(user), "chat": st.just(chat)}
    present = draw(st.fixed_dictionaries({}, optional=fields))  # some missing, most there
    message = {**{k: draw(v) for k, v in fields.items() if draw(st.integers(0, 4))}, **present}
    message["text"] = draw(texts)
    extra = draw(
        st.fixed_dictionaries(
            {}, optional={"extra": json_values, "reply_markup": st.integers(0, 120).map(deep)}
        )
    )
    message.update(extra)
    kind = draw(st.sampled_from(["message", "message", "edited_message", "callback_query"]))
    payload: Any = message
    if kind == "callback_query":
        payload = {"id": draw(texts), "from": user, "data": draw(texts), "message": message}
    if draw(st.integers(0, 9)) == 0:
        payload = draw(json_values)
    return {"update_id": 0, kind: payload}


def message(text: str, chat_id: Any = 4_000, **more: Any) -> dict[str, Any]:
    """A private chat's text message; `more` adds fields to the message."""
    user = {"id": 4_000, "is_bot": False, "first_name": MARK}
    chat = {"id": chat_id, "type": "private"}
    fields = {"message_id": 1, "date": 1_767_000_000, "from": user, "chat": chat, "text": text}
    return {"update_id": 0, "message": fields | more}


# What the issue found, always among the examples.
KNOWN = [
    message(MARK + "\x00"),
    message(MARK + "\ud800"),
    message(MARK, chat_id="abc"),
    message(MARK, chat_id=2**70),
    message(MARK, reply_markup=deep(100)),
]
