"""Facts about a cycle's events that the analyses take and the store readers give: the
period under review and an event with its log position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class CycleInfo:
    """The period a review or replay is about."""

    id: UUID
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class Positioned:
    """A decoded event and its position in the log (1, 2, …)."""

    position: int
    event: Any
