"""Parsing what people type: quantities and money (pure, no I/O)."""

from bot.lib.parsing.amounts import AmountError, Parsed, Rejected, parse_money, parse_quantity

__all__ = ["AmountError", "Parsed", "Rejected", "parse_money", "parse_quantity"]
