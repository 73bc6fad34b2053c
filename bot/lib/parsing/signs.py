"""Dashes, slashes and the words between numbers: what they mean where they stand, and the
alternatives a message lists ("5 atau 6 kg", "2-3 juta")."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.lib.parsing.numbers import NUMBER_TYPES, Fraction, Large, Literal, Value
from bot.lib.parsing.tokens import Between, Currency, Dash, Minus, Slash, Token, UnitWord

_NUMBER_STARTS = (Literal, Value, Fraction)


def resolve_signs(tokens: Sequence[Token]) -> list[Token]:
    """Dashes and slashes get their meaning from the numbers around them."""
    resolved: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if isinstance(token, Dash | Slash):
            before = any(isinstance(earlier, NUMBER_TYPES) for earlier in resolved)
            after = _number_follows(tokens, index + 1)
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            previous = resolved[-1] if resolved else None
            fraction = _slash_fraction(previous, following) if isinstance(token, Slash) else None
            if fraction is not None:
                resolved[-1] = fraction
                index += 2
                continue
            if after:
                resolved.append(Between() if before else Minus())
        else:
            resolved.append(token)
        index += 1
    return resolved


def _number_follows(tokens: Sequence[Token], index: int) -> bool:
    for token in tokens[index:]:
        if not isinstance(token, Currency):
            return isinstance(token, _NUMBER_STARTS)
    return False


def _slash_fraction(previous: Token | None, following: Token | None) -> Fraction | None:
    """Typed fractions: "1/2", "1/4", "3/4"."""
    if not (isinstance(previous, Literal) and isinstance(following, Literal)):
        return None
    if not (previous.raw.isdigit() and following.raw.isdigit()):
        return None
    numerator, denominator = int(previous.raw), int(following.raw)
    if denominator in (2, 4) and 0 < numerator < denominator:
        return Fraction(Decimal(numerator) / denominator)
    return None


def alternatives(tokens: Sequence[Token]) -> list[list[Token]]:
    """The alternatives a message lists ("5 atau 6 kg"), each with its multiplier/unit."""
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if isinstance(token, Between):
            parts.append([])
        elif not isinstance(token, Minus):
            parts[-1].append(token)
    parts = [part for part in parts if any(isinstance(t, NUMBER_TYPES) for t in part)]
    if len(parts) < 2:
        return parts
    suffix: list[Token] = []
    for token in reversed(parts[-1]):
        if not isinstance(token, Large | UnitWord | Currency):
            break
        suffix.insert(0, token)
    for part in parts[:-1]:
        if not any(isinstance(token, Large | UnitWord) for token in part):
            part.extend(suffix)  # "2-3 juta": the first one is in millions too
    return parts
