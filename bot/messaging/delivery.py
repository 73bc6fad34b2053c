"""What the sender needs of a messenger: a transport that delivers one of Kabar's messages,
and the ways a delivery can fail, in Kabar's words.

The Telegram edge implements the transport (bot/tg/transport.py) and turns the Bot API's
errors into these, so the sender's retry rules never see a library's exception types.
"""

from __future__ import annotations

from typing import Protocol

from bot.messaging.messages import Message


class DeliveryError(Exception):
    """A message was not delivered; the subclass says whether to try again."""


class ThrottledError(DeliveryError):
    """The messenger asked to wait `seconds` before sending anything more."""

    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(reason)
        self.seconds = seconds


class RefusedError(DeliveryError):
    """The messenger refused this message for good; `unreachable` when the person can no
    longer be written to at all (they blocked the bot, the chat is gone)."""

    def __init__(self, reason: str, *, unreachable: bool) -> None:
        super().__init__(reason)
        self.unreachable = unreachable


class TransientError(DeliveryError):
    """A failure that may pass (a server error, a time-out, a dropped connection)."""


class Transport(Protocol):
    def unlimited(self, message: Message) -> bool:
        """True for calls outside the messages-a-second limit."""
        ...

    async def deliver(self, message: Message, *, paid: bool) -> int | None:
        """Deliver `message` (as a paid broadcast if `paid`); the id of the message sent or
        edited, if there is one. Raises a DeliveryError."""
        ...
