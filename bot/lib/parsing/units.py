"""Unit words people type after a quantity, and how they relate to a cohort's unit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Generic counters ("buah", "pcs", lusin...) fit any counted product; specific counters
# ("lembar", "ikat") only fit their own kind, so each gets a dimension of its own.
COUNT = "count"


@dataclass(frozen=True)
class Unit:
    """A unit: values in it are `factor` times the dimension's base unit."""

    name: str
    dimension: str
    factor: Decimal = Decimal(1)

    @property
    def counted(self) -> bool:
        return self.dimension == COUNT or self.dimension.startswith(COUNT + ":")


def _family(dimension: str, factor: int | str, *words: str) -> dict[str, Unit]:
    return {word: Unit(words[0], dimension, Decimal(factor)) for word in words}


def _counter(*words: str, factor: int = 1, kind: str | None = None) -> dict[str, Unit]:
    return _family(f"{COUNT}:{kind or words[0]}", factor, *words)


UNIT_WORDS: dict[str, Unit] = {
    # Mass, base gram. "ons" is 100 g in Indonesian markets, not the imperial ounce.
    **_family("mass", 1, "gram", "g", "gr", "grm", "gm", "grams", "gramme"),
    **_family("mass", 100, "ons"),
    **_family("mass", 1000, "kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme"),
    **_family("mass", 100_000, "kwintal", "kuintal", "kw", "quintal"),
    **_family("mass", 1_000_000, "ton", "tons", "tonne", "tonnes"),
    # Volume, base millilitre.
    **_family("volume", 1, "ml", "mililiter", "milliliter", "millilitre"),
    **_family("volume", 1000, "liter", "l", "lt", "ltr", "liters", "litre", "litres"),
    # Length, base centimetre.
    **_family("length", 1, "cm", "sentimeter", "centimeter", "centimetre"),
    **_family("length", 100, "meter", "m", "mtr", "meters", "metre", "metres"),
    # Generic counters, and the dozen-like multiples that apply to any counted product.
    **_family(COUNT, 1, "buah", "bh", "biji", "bj", "pcs", "pc", "piece", "pieces"),
    **_family(COUNT, 1, "unit", "units", "item", "items"),
    **_family(COUNT, 12, "lusin", "dozen"),
    **_family(COUNT, 20, "kodi"),
    # Specific counters.
    **_counter("lembar", "lbr", "helai", "sheet", "sheets"),
    **_counter("rim", factor=500, kind="lembar"),
    **_counter("ikat", "ikt", "bunch", "bunches"),
    **_counter("ekor"),
    **_counter("butir", "btr"),
    **_counter("bungkus", "bks", "pack", "pak", "packs"),
    **_counter("botol", "btl", "bottle", "bottles"),
    **_counter("karung", "sak", "krg"),
    **_counter("potong", "ptg"),
    **_counter("batang", "btg"),
    **_counter("pohon"),
    **_counter("kotak", "box", "dus", "kardus"),
    **_counter("tandan"),
    **_counter("sisir"),
    **_counter("porsi"),
    **_counter("gelas"),
    **_counter("piring"),
    **_counter("kaleng"),
    **_counter("toples"),
    **_counter("pasang"),
}


def conversion(typed: Unit, cohort: Unit) -> Decimal | None:
    """How many cohort units one `typed` unit is, or None when they do not convert."""
    if typed.dimension == cohort.dimension:
        return typed.factor / cohort.factor
    if typed.dimension == COUNT and cohort.counted:
        return typed.factor / cohort.factor
    return None
