"""Presenting stored events to people and to tools: one line or one JSON object each."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.domain import DomainEventProtocol

from okr_es.aggregates.webhook import SECRET_FIELDS, masked_url

_HIDDEN = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic", "by"})


class EventRecord(msgspec.Struct, frozen=True):
    """One event as the ``events --json`` output and the audit tools show it."""

    position: int | None
    recorded_at: datetime
    aggregate_id: UUID
    aggregate_version: int
    aggregate: str
    event: str
    by: UUID | None
    data: dict[str, Any]


def record(event: DomainEventProtocol[UUID], position: int | None = None) -> EventRecord:
    state = vars(event)
    aggregate, _, name = type(event).__qualname__.rpartition(".")
    return EventRecord(
        position=position,
        recorded_at=state["timestamp"],
        aggregate_id=event.originator_id,
        aggregate_version=event.originator_version,
        aggregate=aggregate,
        event=name,
        by=state.get("by"),
        data={k: _masked(k, v) for k, v in state.items() if k not in _HIDDEN},
    )


def _masked(field: str, value: Any) -> Any:
    """Secrets (a webhook's URL and signing secret) as a form safe to show and export."""
    if field not in SECRET_FIELDS or not isinstance(value, str):
        return value
    if field == "target_url":
        return masked_url(value)
    return "set: yes" if value else "set: no"


def as_json(rec: EventRecord) -> str:
    return msgspec.json.encode(rec).decode()


def as_line(rec: EventRecord, names: dict[UUID, str]) -> str:
    """``#12  2026-11-23 16:15  Objective 25b330c0 v3  CheckInMade  by Kari: value=18.2 …``"""
    who = names.get(rec.by, str(rec.by)[:8]) if rec.by else "?"
    fields = "  ".join(
        f"{k}={_short(v, names)}" for k, v in rec.data.items() if v not in ("", None)
    )
    position = f"#{rec.position:<6}" if rec.position is not None else ""
    return (
        f"{position}{rec.recorded_at:%Y-%m-%d %H:%M:%S}  {rec.aggregate} "
        f"{str(rec.aggregate_id)[:8]} v{rec.aggregate_version}  {rec.event}  by {who}"
        + (f"\n        {fields}" if fields else "")
    )


def _short(value: Any, names: dict[UUID, str]) -> str:
    if isinstance(value, UUID):
        return names.get(value, str(value)[:8])
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{_short(k, names)}: {_short(v, names)}" for k, v in value.items())
            + "}"
        )
    text = str(value)
    return repr(text) if " " in text else text
