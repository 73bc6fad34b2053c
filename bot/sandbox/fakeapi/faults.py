"""Fault injection for bot -> server calls (rate limits, server errors, slow answers)."""

from __future__ import annotations

import random as _random
from collections.abc import Iterable
from dataclasses import dataclass

from bot.sandbox.fakeapi.api_errors import ApiError, server_error, too_many_requests

# "*" deliberately skips getUpdates: faulting the long poll mostly just slows tests down;
# name it explicitly to fault it.
_WILDCARD_SKIPS = frozenset({"getupdates"})


@dataclass(slots=True)
class FaultRule:
    """``times`` is the remaining count (None = forever)."""

    method: str
    status: int | None = None
    retry_after: int = 1
    delay: float = 0.0
    times: int | None = 1
    description: str | None = None
    chat_id: int | None = None

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.chat_id is not None and self.chat_id != chat_id:
            return False
        if self.method == "*":
            return method not in _WILDCARD_SKIPS
        return self.method == method

    def error(self) -> ApiError | None:
        if self.status is None:
            return None
        if self.status == 429:
            error = too_many_requests(self.retry_after)
        elif self.status >= 500:
            error = server_error(self.status)
        else:
            error = ApiError(self.status, self.description or f"Error {self.status}")
        if self.description:
            error.description = self.description
        return error


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What to do with one call: wait ``delay`` s, then fail with ``error`` or proceed."""

    delay: float
    error: ApiError | None
    kind: str


@dataclass(slots=True)
class _RandomFaults:
    rate: float
    kinds: tuple[str, ...]
    methods: frozenset[str] | None
    retry_after: int
    rng: _random.Random


class Faults:
    """Rules are checked in insertion order; the first live match wins.

    A random "timeout" waits ``timeout_delay`` seconds (longer than the client's read
    timeout) and then answers 504 *without* performing the call, like a lost request.
    """

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self.timeout_delay = 7.0
        self.injected: list[tuple[str, str]] = []  # (method, kind) of every injected fault
        self._random: _RandomFaults | None = None

    @property
    def active(self) -> bool:
        return bool(self.rules) or self._random is not None

    def add(
        self,
        method: str = "*",
        *,
        status: int | None = None,
        retry_after: int = 1,
        delay: float = 0.0,
        times: int | None = 1,
        description: str | None = None,
        chat_id: int | None = None,
    ) -> FaultRule:
        rule = FaultRule(
            method="*" if method == "*" else method.lower(),
            status=status,
            retry_after=retry_after,
            delay=delay,
            times=times,
            description=description,
            chat_id=chat_id,
        )
        self.rules.append(rule)
        return rule

    def random(
        self,
        rate: float,
        kinds: Iterable[str] = ("429", "500", "timeout"),
        *,
        seed: int | None = None,
        methods: Iterable[str] | None = None,
        retry_after: int = 1,
        timeout_delay: float | None = None,
    ) -> None:
        """Fail ``rate`` of matching calls with a kind drawn from ``kinds``.

        Kinds: "429", "500", "502", "timeout", "slow" (0.2 s delay, then success).
        ``methods`` defaults to every method except getUpdates.
        """
        chosen = tuple(kinds)
        unknown = set(chosen) - {"429", "500", "502", "timeout", "slow"}
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        self._random = _RandomFaults(
            rate=rate,
            kinds=chosen,
            methods=None if methods is None else frozenset(m.lower() for m in methods),
            retry_after=retry_after,
            rng=_random.Random(seed),
        )
        if timeout_delay is not None:
            self.timeout_delay = timeout_delay

    def clear(self) -> None:
        self.rules.clear()
        self._random = None

    def decide(self, method: str, chat_id: int | None) -> FaultDecision | None:
        """``method`` is lower-case. Consumes one use of the matching rule."""
        for rule in self.rules:
            if rule.matches(method, chat_id):
                if rule.times is not None:
                    rule.times -= 1
                error = rule.error()
                kind = str(rule.status) if error else "slow"
                self.injected.append((method, kind))
                return FaultDecision(delay=rule.delay, error=error, kind=kind)
        return self._decide_random(method)

    def _decide_random(self, method: str) -> FaultDecision | None:
        spec = self._random
        if spec is None:
            return None
        if spec.methods is None:
            if method in _WILDCARD_SKIPS:
                return None
        elif method not in spec.methods:
            return None
        if spec.rng.random() >= spec.rate:
            return None
        kind = spec.rng.choice(spec.kinds)
        self.injected.append((method, kind))
        if kind == "429":
            return FaultDecision(0.0, too_many_requests(spec.retry_after), kind)
        if kind == "timeout":
            return FaultDecision(self.timeout_delay, server_error(504), kind)
        if kind == "slow":
            return FaultDecision(0.2, None, kind)
        return FaultDecision(0.0, server_error(int(kind)), kind)
