"""The last text a conversation took, and the conversation as it was just before it: what an
edit of that text goes back to (bot/dialogue/edits.py). Kept in the conversation's state,
so any other turn, which writes the state afresh, forgets it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm.attributes import flag_modified

from bot.db.models import Conversation

KEY = "last_text"


def before(conversation: Conversation) -> dict[str, Any]:
    """The conversation's step and state now, to go back to."""
    state = {k: v for k, v in conversation.state.items() if k not in (KEY, "context")}
    return {"step": conversation.step, "state": state}


def remember(conversation: Conversation, message_id: int, was: dict[str, Any]) -> None:
    """The text in `message_id` was just taken; `was` is `before` it."""
    conversation.state = {**conversation.state, KEY: {"message_id": message_id, **was}}
    flag_modified(conversation, "state")


def rewind(conversation: Conversation, message_id: int) -> bool:
    """Back to just before `message_id`, when it is the last text taken; else False."""
    last = conversation.state.get(KEY)
    if not isinstance(last, dict) or last.get("message_id") != message_id:
        return False
    conversation.step = last["step"]
    conversation.state = {**last["state"], "context": conversation.state.get("context", {})}
    return True
