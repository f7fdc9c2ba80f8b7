"""Medians, ratios, verdicts against targets, and numbers as the tables print them."""

from __future__ import annotations

import statistics
from collections.abc import Iterable


def median(values: Iterable[float]) -> float:
    """Return the median, or NaN for no values."""
    data = [v for v in values if v == v]
    return statistics.median(data) if data else float("nan")


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``; NaN when either is missing or the base is 0."""
    if denominator != denominator or numerator != numerator or denominator <= 0:
        return float("nan")
    return numerator / denominator


def verdict(value: float, target: float) -> str:
    """``pass`` when ``value <= target``, ``fail`` above it, ``n/a`` when unknown."""
    if value != value:
        return "n/a"
    return "pass" if value <= target else "fail"


def fmt(value: float, unit: str = "") -> str:
    """Format a number for the table: 3 significant digits, ``-`` when unknown."""
    if value != value:
        return "-"
    if abs(value) >= 100:
        return f"{value:.0f}{unit}"
    if abs(value) >= 10:
        return f"{value:.1f}{unit}"
    if abs(value) >= 1:
        return f"{value:.2f}{unit}"
    return f"{value:.3f}{unit}"
