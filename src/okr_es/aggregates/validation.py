"""Input checks shared by the aggregates' public command methods.

Every check either returns the cleaned value or raises :class:`InvalidInput` naming the
field, so a malformed command fails before any event is triggered.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from okr_es.errors import InvalidInput

TITLE_MAX = 200
TEXT_MAX = 2000
NAME_MAX = 120
UNIT_LABEL_MAX = 40
# Far beyond any KR value people track, but small enough to stay exact as a float.
NUMBER_LIMIT = 1e15

T = TypeVar("T", bound=str)
# Unicode category Cc except tab, newline and carriage return (faster than per-character checks).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# Letters and symbols that are drawn as empty space but are neither whitespace nor
# format characters: the Hangul fillers and the blank braille pattern.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Line breaks: a title, name or label is one line.
_LINE_BREAK = re.compile("[\n\r\u2028\u2029]")  # the rest are control characters


def _visible(character: str) -> bool:
    """Whether a character shows on its own: not whitespace, not a format character
    (Cf), not a combining mark (Mn, Me: a mark with no letter to sit on shows as
    nothing, or as a placeholder circle) and not a blank glyph."""
    return not (
        character.isspace()
        or unicodedata.category(character) in ("Cf", "Mn", "Me")
        or character in _BLANK_GLYPHS
    )


def _strippable(character: str) -> bool:
    """Whitespace, a blank glyph, or a format character (zero-width space, joiners,
    bidi controls, byte order mark) except the tags that end a flag emoji's sequence."""
    return (
        character.isspace()
        or character in _BLANK_GLYPHS
        or (
            unicodedata.category(character) == "Cf"
            and not "\U000e0000" <= character <= "\U000e007f"
        )
    )


def _strip(value: str) -> str:
    """``value`` without whitespace and invisible characters at its ends."""
    cleaned = value.strip()
    if not cleaned or not (_strippable(cleaned[0]) or _strippable(cleaned[-1])):
        return cleaned  # nearly always: a plain strip did it
    start, end = 0, len(cleaned)
    while start < end and _strippable(cleaned[start]):
        start += 1
    while end > start and _strippable(cleaned[end - 1]):
        end -= 1
    return cleaned[start:end]


def text(value: Any, field: str, *, max_length: int = TITLE_MAX, required: bool = True) -> str:
    """A single-line or multi-line human text, stripped of whitespace and invisible
    characters at its ends; empty only when not required. A text of nothing but
    invisible characters says nothing, so it counts as empty."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be text", code="wrong-type", field=field)
    if len(value) > 4 * max_length:
        # Longer than any stripping could bring within the limit: refused before any
        # per-character work.
        raise InvalidInput(
            f"{field} is {len(value)} characters; at most {max_length} allowed",
            code="too-long",
            field=field,
        )
    cleaned = _strip(value)
    if blank(cleaned):
        if required:
            raise InvalidInput(f"{field} must not be empty", code="empty", field=field)
        cleaned = ""
    if len(cleaned) > max_length:
        raise InvalidInput(
            f"{field} is {len(cleaned)} characters; at most {max_length} allowed",
            code="too-long",
            field=field,
        )
    try:
        cleaned.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot be stored or shown
        raise InvalidInput(
            f"{field} is not valid Unicode text", code="invalid-text", field=field
        ) from None
    if _CONTROL.search(cleaned):
        raise InvalidInput(
            f"{field} contains control characters", code="control-characters", field=field
        )
    return cleaned


def line(value: Any, field: str, *, max_length: int = TITLE_MAX, required: bool = True) -> str:
    """A single-line text (a title, name, label or unit): :func:`text`, without line
    breaks or tabs, which lists, tables and exports of titles cannot show."""
    cleaned = text(value, field, max_length=max_length, required=required)
    if _LINE_BREAK.search(cleaned):
        raise InvalidInput(f"{field} must be one line", code="line-break", field=field)
    if "\t" in cleaned:
        raise InvalidInput(
            f"{field} contains a tab; use spaces", code="control-characters", field=field
        )
    return cleaned


def blank(value: str) -> bool:
    """Whether a text shows nothing: only whitespace and invisible characters."""
    return not any(map(_visible, value))


def same_text_key(value: str) -> str:
    """What two texts share when people would call them the same: case, compatibility
    forms (NFKC), invisible characters and runs of whitespace aside."""
    shown = "".join(c for c in value if unicodedata.category(c) != "Cf" and c not in _BLANK_GLYPHS)
    return " ".join(unicodedata.normalize("NFKC", shown).casefold().split())


def number(value: Any, field: str) -> float:
    """A finite real number of sane magnitude (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(f"{field} must be a number", code="wrong-type", field=field)
    try:
        result = float(value)
    except OverflowError:  # an int beyond float range
        raise InvalidInput(
            f"{field} is out of range (|x| ≤ {NUMBER_LIMIT:g})", code="out-of-range", field=field
        ) from None
    if not math.isfinite(result):
        raise InvalidInput(f"{field} must be a finite number", code="not-finite", field=field)
    if abs(result) > NUMBER_LIMIT:
        raise InvalidInput(
            f"{field} is out of range (|x| ≤ {NUMBER_LIMIT:g})", code="out-of-range", field=field
        )
    return result


def optional_number(value: Any, field: str) -> float | None:
    return None if value is None else number(value, field)


def flag(value: Any, field: str) -> bool:
    """A yes or no: a JSON boolean (directories that send "True"/"False" as text are
    decoded to booleans at the edge, not here)."""
    if not isinstance(value, bool):
        raise InvalidInput(f"{field} must be true or false", code="wrong-type", field=field)
    return value


def choice(value: Any, field: str, options: Collection[T]) -> T:
    """One of a fixed set of strings."""
    if not isinstance(value, str) or value not in options:
        allowed = ", ".join(sorted(options))
        raise InvalidInput(f"{field} must be one of: {allowed}", code="invalid-choice", field=field)
    return value  # type: ignore[return-value]


def identifier(value: Any, field: str) -> UUID:
    """A UUID, given as a UUID or its text form."""
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value.strip())
        except ValueError:
            pass
    raise InvalidInput(f"{field} must be a UUID", code="invalid-id", field=field)


def optional_identifier(value: Any, field: str) -> UUID | None:
    return None if value is None else identifier(value, field)


def day(value: Any, field: str) -> date:
    """A calendar date, given as a date or ISO text (YYYY-MM-DD)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidInput(f"{field} must be a date (YYYY-MM-DD)", code="invalid-date", field=field)


def instant(value: Any, field: str) -> datetime:
    """A timezone-aware instant; a date means its midnight UTC, naive times are UTC."""
    if isinstance(value, str):
        raw = value.strip()
        if not raw.isprintable():  # the standard parser stops at a NUL, ignoring the rest
            raw = ""
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            try:
                value = date.fromisoformat(raw)
            except ValueError:
                raise InvalidInput(
                    f"{field} must be an ISO 8601 date or date-time",
                    code="invalid-date",
                    field=field,
                ) from None
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        try:
            # An instant UTC cannot show (year 1 at +14:00, year 9999 at -05:00) could be
            # stored but not compared, replayed or exported.
            moment.astimezone(UTC)
        except OverflowError:
            raise InvalidInput(
                f"{field} lies outside the years 1 to 9999 in UTC",
                code="out-of-range",
                field=field,
            ) from None
        return moment
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise InvalidInput(
        f"{field} must be an ISO 8601 date or date-time", code="invalid-date", field=field
    )


def optional_instant(value: Any, field: str) -> datetime | None:
    return None if value is None else instant(value, field)
