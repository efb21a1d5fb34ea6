"""Sealing and opening the personal fields an event class declares (``personal_data``),
as the store writes and reads an event's state."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from okr_es.aggregates.personal_data import PersonalData, placeholder
from okr_es.privacy.keys import PersonKeys
from okr_es.privacy.policy import free_text_sealed
from okr_es.privacy.sealing import PREFIX, open_value, seal, sealed_subject

__all__ = ["declared", "open_fields", "open_record", "seal_fields"]


def declared(cls: type[Any]) -> PersonalData | None:
    found = getattr(cls, "personal_data", None)
    return found if isinstance(found, PersonalData) else None


def seal_fields(keys: PersonKeys, personal: PersonalData, state: dict[str, Any]) -> None:
    """Replace the personal values in ``state`` by their sealed forms (by placeholders
    when their person is erased already)."""
    if personal.free_text and not free_text_sealed():
        return
    subject = state.get(personal.subject)
    if not isinstance(subject, UUID):
        return
    key: bytes | None = None
    fetched = False
    for field in personal.fields:
        value = state.get(field)
        if not isinstance(value, str) or not value:
            continue
        if not fetched:
            key, fetched = keys.key_for_sealing(subject), True
        state[field] = placeholder(field) if key is None else seal(key, subject, field, value)


def open_fields(keys: PersonKeys, personal: PersonalData, state: dict[str, Any]) -> None:
    """Replace the sealed values in ``state`` by their plaintexts, or by placeholders
    when their person's key is gone."""
    for field in personal.fields:
        value = state.get(field)
        # Most values are not sealed (older events, free texts not sealed by policy).
        if isinstance(value, str) and value.startswith(PREFIX):
            state[field] = _opened(keys, str(state.get(personal.subject)), field, value)


def open_record(keys: PersonKeys, personal: PersonalData, record: Any) -> None:
    """Like :func:`open_fields`, on a decoded record (a struct with some of the event's
    fields) instead of a state."""
    for field in personal.fields:
        value = getattr(record, field, None)
        if isinstance(value, str) and value.startswith(PREFIX):
            owner = str(getattr(record, personal.subject, None))
            setattr(record, field, _opened(keys, owner, field, value))


def _opened(keys: PersonKeys, owner: str, field: str, value: str) -> str:
    subject = sealed_subject(value)
    if subject is None:
        return value  # written before sealing existed, or not sealed by policy
    # Sealed for someone else than the event's person: not theirs to show here.
    key = keys.key(subject) if str(subject) == owner else None
    opened = None if key is None else open_value(key, subject, field, value)
    return placeholder(field) if opened is None else opened
