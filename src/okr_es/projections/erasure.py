"""What read models share to blank an erased member's sealed free texts.

``MemberErased`` says in which stretches of the log the organisation sealed free texts
(``sealed_between``): a row written from an event in one of them, by the member, holds a
text that now reads as the placeholder in the log, so the read model blanks it too;
texts written while the organisation did not seal them stay, as a rebuild shows them.

A read model that keeps only the latest note of something records beside it who wrote it
and at which position (NULL: a text that is never sealed, or one projected before the
read model recorded its author), so the erasure finds it without a rebuild.
"""

from __future__ import annotations

from typing import Any

from okr_es.aggregates.personal_data import ERASED
from okr_es.privacy.free_texts import FREE_TEXTS
from okr_es.projections.base import text
from okr_es.projections.sql import Sql

__all__ = ["FREE_TEXTS", "blank_sealed", "sealed_at", "sealed_periods"]


def sealed_periods(e: Any, position: int) -> list[tuple[int, int]]:
    """The erasure's sealing stretches as half-open position ranges."""
    return [(start, position if end is None else end) for start, end in e.sealed_between]


def sealed_at(periods: list[tuple[int, int]], position: int) -> bool:
    return any(start <= position < end for start, end in periods)


def blank_sealed(
    sql: Sql, e: Any, position: int, table: str, column: str, author: str, written_at: str
) -> None:
    """Blank ``table``'s ``column`` where the erased member (``author``) wrote it at a
    position (``written_at``) inside one of the erasure's sealing stretches."""
    for start, end in sealed_periods(e, position):
        sql.run(
            f"UPDATE {table} SET {column} = :erased WHERE {author} = :member "
            f"AND {column} <> '' AND {written_at} >= :start AND {written_at} < :end",
            {"erased": ERASED, "member": text(e.member_id), "start": start, "end": end},
        )
