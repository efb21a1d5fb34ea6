"""What read models share to blank an erased member's sealed free texts.

``MemberErased`` says in which stretches of the log the organisation sealed free texts
(``sealed_between``): a row written from an event in one of them, by the member, holds a
text that now reads as the placeholder in the log, so the read model blanks it too;
texts written while the organisation did not seal them stay, as a rebuild shows them.
"""

from __future__ import annotations

from typing import Any

from okr_es.privacy.free_texts import FREE_TEXTS

__all__ = ["FREE_TEXTS", "sealed_at", "sealed_periods"]


def sealed_periods(e: Any, position: int) -> list[tuple[int, int]]:
    """The erasure's sealing stretches as half-open position ranges."""
    return [(start, position if end is None else end) for start, end in e.sealed_between]


def sealed_at(periods: list[tuple[int, int]], position: int) -> bool:
    return any(start <= position < end for start, end in periods)
