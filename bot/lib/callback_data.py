"""Every shape of button data Kabar makes, read strictly in this one place.

A press carries whatever the presser's client puts in `callback_data` (up to 64 bytes), so
a forged one may hold a number no INTEGER column takes (`a:1000000000000000000000000000000:c`
raised OverflowError on SQLite and an int32 error on PostgreSQL, and the update was retried
with tracebacks), or a digit `str.isdigit` accepts and `int` refuses ("²"). Each shape here
takes ASCII digits within an INTEGER column's range and known words only; anything else is
None, which every button handler answers as a button that is no longer active.

The data itself is made next to the screens that draw the buttons (bot/flows/render.py,
bot/domain/alerts/cards.py, ...): the shapes below are the ones those make.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ID = 2**31 - 1  # the largest value of an INTEGER column, on SQLite and PostgreSQL
_ID = "([0-9]{1,10})"

_FLOW = re.compile(rf"f:{_ID}:{_ID}:(.+)", re.DOTALL)  # f:<conversation>:<revision>:<value>
_ALERT = re.compile(rf"a:{_ID}:(c|v|r|n|show)")  # a:<alert>:<action>
_PAGE = re.compile(r"(pa?):([0-9]{1,6})")  # p:<page> (families), pa:<page> (alerts)
_DRAFT = re.compile(rf"s:{_ID}:([^:]*)(?::(.*))?", re.DOTALL)  # s:<draft>:<action>[:<arg>]
_CANCEL = re.compile(rf"bx:{_ID}")  # bx:<broadcast>

ALERT_ACTIONS = {"c": "contacted", "v": "will_visit", "r": "resolved", "n": "note"}


@dataclass(frozen=True, slots=True)
class FlowPress:
    conversation_id: int
    revision: int
    value: str


@dataclass(frozen=True, slots=True)
class AlertPress:
    alert_id: int
    action: str  # contacted, will_visit, resolved, note, or show (a digest's number)


@dataclass(frozen=True, slots=True)
class PagePress:
    prefix: str
    page: int


@dataclass(frozen=True, slots=True)
class DraftPress:
    draft_id: int
    action: str
    argument: str


def number(text: str | None, *, most: int = MAX_ID) -> int | None:
    """A whole number of ASCII digits no larger than `most`; None for anything else."""
    if text is None or not re.fullmatch("[0-9]{1,10}", text):
        return None
    value = int(text)
    return value if value <= most else None


def flow(data: str | None) -> FlowPress | None:
    found = _FLOW.fullmatch(data or "")
    if found is None:
        return None
    conversation_id, revision = number(found[1]), number(found[2])
    if conversation_id is None or revision is None:
        return None
    return FlowPress(conversation_id, revision, found[3])


def alert(data: str | None) -> AlertPress | None:
    found = _ALERT.fullmatch(data or "")
    alert_id = number(found[1]) if found else None
    if found is None or alert_id is None:
        return None
    return AlertPress(alert_id, ALERT_ACTIONS.get(found[2], found[2]))


def page(data: str | None) -> PagePress | None:
    found = _PAGE.fullmatch(data or "")
    return PagePress(found[1], max(1, int(found[2]))) if found else None


def draft(data: str | None) -> DraftPress | None:
    found = _DRAFT.fullmatch(data or "")
    draft_id = number(found[1]) if found else None
    if found is None or draft_id is None:
        return None
    return DraftPress(draft_id, found[2], found[3] or "")


def cancel(data: str | None) -> int | None:
    """The broadcast a progress message's cancel button is for."""
    found = _CANCEL.fullmatch(data or "")
    return number(found[1]) if found else None
