"""Scales for the review's charts: days and values onto pixels, and the ticks to label.

Pure arithmetic, no SVG: ``charts.py`` draws with what these return.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

__all__ = ["DayScale", "ValueScale", "nice_ticks"]


class DayScale:
    """Days from ``start`` to ``end`` onto x pixels from ``left`` to ``right``."""

    def __init__(self, start: date, end: date, left: float, right: float) -> None:
        self.start, self.end, self.left, self.right = start, end, left, right
        self.span = max(1, (end - start).days)

    def __call__(self, day: date) -> float:
        offset = min(max((day - self.start).days, 0), self.span)
        return round(self.left + (self.right - self.left) * offset / self.span, 1)

    def ticks(self, min_gap: float = 48.0) -> list[date]:
        """The cycle's first and last day, and first days of months between them that
        leave room for their labels (every month, every other, … as space allows)."""
        months: list[date] = []
        day = date(self.start.year, self.start.month, 1)
        while day <= self.end:
            if day > self.start:
                months.append(day)
            day = (day + timedelta(days=32)).replace(day=1)
        per_day = (self.right - self.left) / self.span
        step = 1
        while months and step < 12 and 30 * step * per_day < min_gap:
            step += 1
        picked = [self.start]
        for month in months[::step]:
            far_from_ends = (month - self.start).days * per_day >= min_gap and (
                self.end - month
            ).days * per_day >= min_gap
            if far_from_ends:
                picked.append(month)
        picked.append(self.end)
        return picked


class ValueScale:
    """Values from ``low`` to ``high`` onto y pixels from ``bottom`` up to ``top``."""

    def __init__(self, low: float, high: float, top: float, bottom: float) -> None:
        self.low, self.high, self.top, self.bottom = low, high, top, bottom

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        share = min(max((value - self.low) / span, 0.0), 1.0)
        return round(self.bottom - (self.bottom - self.top) * share, 1)

    @classmethod
    def around(
        cls, values: Sequence[float], top: float, bottom: float
    ) -> tuple[ValueScale, list[float]]:
        """A scale that holds every value, with round ticks at both of its ends."""
        low, high = min(values), max(values)
        if low == high:
            pad = abs(low) * 0.1 or 1.0
            low, high = low - pad, high + pad
        ticks = nice_ticks(low, high)
        return cls(ticks[0], ticks[-1], top, bottom), ticks


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round numbers (1, 2, 2.5 or 5 times a power of ten apart) from at or below
    ``low`` to at or above ``high``, about ``count`` steps."""
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    steps = round((last - first) / step)
    return [_clean(first + i * step) for i in range(steps + 1)]


def _clean(value: float) -> float:
    """0.30000000000000004 → 0.3: ticks are labelled, so they must be the round number."""
    return round(value, 10) + 0.0
