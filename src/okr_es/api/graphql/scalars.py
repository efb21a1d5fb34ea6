"""The read API's own reading of ``DateTime``: every instant it is given is a UTC one.

okr-es records every instant in UTC, and reads the instants it is given by one rule, the
one ``okr-es replay --as-of`` follows: a date alone is the end of that day in UTC, a date
and time without an offset is UTC. An argument with another offset is converted to UTC,
so that it is echoed back (``asOfTime``) as the instant it was compared as. Values are
answered in UTC, in ISO 8601 form, whatever offset a command gave them with.
"""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

from okr_es.learning.replay import parse_instant


def parse_utc(value: object) -> datetime:
    """An ISO 8601 date or date-time as an aware datetime in UTC."""
    if not isinstance(value, str):
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". Expected a string.'
        )
    try:
        return parse_instant(value).astimezone(UTC)
    except (ValueError, OverflowError) as e:
        # OverflowError: an offset that moves the first or last representable day
        # out of range once converted to UTC.
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". {e}'
        ) from None


def as_utc(value: datetime) -> datetime:
    """The instant in UTC (a naive one is UTC). One stored with an offset that takes it
    outside the years 1 to 9999 in UTC, before such instants were refused, keeps it."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return value


def _isoformat(value: datetime) -> str:
    return as_utc(value).isoformat()


UTC_DATETIME: ScalarDefinition = strawberry.scalar(
    name="DateTime",
    description=(
        "Date with time (ISO 8601), answered in UTC. As an argument, a date alone is the "
        "end of that day in UTC and a date-time without an offset is UTC"
    ),
    serialize=_isoformat,
    parse_value=parse_utc,
)
