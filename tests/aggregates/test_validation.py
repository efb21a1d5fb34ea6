"""The shared input checks: every malformed value becomes InvalidInput naming its field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from okr_es.aggregates import validation as check
from okr_es.errors import InvalidInput


@pytest.mark.parametrize(
    ("value", "code"),
    [(None, "wrong-type"), (12, "wrong-type"), (["a"], "wrong-type"), ("", "empty"),
     (" \t\n ", "empty"), ("x" * 201, "too-long"), ("a\x00b", "control-characters"),
     ("a\x1bb", "control-characters"), ("\u200b", "empty"), (" \ufeff\u2060 ", "empty"),
     ("\u200c\u200d\u200e", "empty"), ("\u00ad", "empty"), ("\u202e\u2066\u2069", "empty"),
     ("\u200bx" + " " * 63_000 + "x", "too-long"), ("\u3164", "empty"),
     ("\u2800 \u2800", "empty"), ("\u0301", "empty"), (" \u20dd\u115f\uffa0", "empty")],
)
def test_a_malformed_text_is_invalid_input(value: Any, code: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check.text(value, "title")
    assert (raised.value.code, raised.value.field) == (code, "title")


def test_a_text_is_stripped_and_may_span_lines() -> None:
    assert check.text("  line one\nline two\t ", "why") == "line one\nline two"


def test_invisible_characters_at_the_ends_are_stripped_but_kept_inside() -> None:
    assert check.text("\ufeff\u200b Raskere svar\u200b \n", "title") == "Raskere svar"
    assert check.text("\u200eReduce churn\u200b\u00ad", "title") == "Reduce churn"
    assert check.text("\u2066Reduce churn\u2069", "title") == "Reduce churn"
    # A joiner inside a word or an emoji sequence is part of the text, and so are the
    # tags that end a flag's sequence.
    assert check.text("Team 👩\u200d💻", "title") == "Team 👩\u200d💻"
    scotland = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert check.text(f"Team {scotland}", "title") == f"Team {scotland}"


@pytest.mark.parametrize(
    ("value", "code"),
    [("Raskere\nsvar", "line-break"), ("Raskere\r\nsvar", "line-break"),
     ("Raskere\u2028svar", "line-break"), ("Raskere\u2029svar", "line-break"),
     ("Raskere\x85svar", "control-characters"), ("Raskere\x0bsvar", "control-characters"),
     ("Raskere\tsvar", "control-characters"), ("\u3164", "empty")],
)
def test_a_title_is_one_line(value: str, code: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check.line(value, "title")
    assert (raised.value.code, raised.value.field) == (code, "title")


def test_a_title_keeps_what_shows_and_drops_blank_glyphs_at_its_ends() -> None:
    assert check.line("\u3164Raskere svar\u2800 \n", "title") == "Raskere svar"
    # A combining mark on a letter is part of the letter (é written as e + U+0301).
    assert check.line("Kafe\u0301", "title") == "Kafe\u0301"


def test_an_optional_text_of_only_invisible_characters_is_empty() -> None:
    assert check.text("\u00ad\u200e", "comment", required=False) == ""
    assert check.text(" \u202e ", "comment", required=False) == ""


def test_a_long_text_padded_with_invisible_characters_is_stripped_whole() -> None:
    padded = "\u200b" + " \u200b" * 3_000 + "Title" + "\u00ad " * 300
    assert check.text(padded, "title", max_length=check.TEXT_MAX) == "Title"


@pytest.mark.parametrize(
    ("a", "b"),
    [("Reduce churn", "reduce  CHURN"), ("Reduce churn", "Re\u00adduce churn"),
     ("Ｑ1 goals", "Q1 goals"), ("Straße", "STRASSE"), ("Reduce\u3164 churn", "Reduce churn")],
)
def test_texts_people_would_call_the_same_have_the_same_key(a: str, b: str) -> None:
    assert check.same_text_key(a) == check.same_text_key(b)


@pytest.mark.parametrize(
    ("value", "code"),
    [(float("nan"), "not-finite"), (float("inf"), "not-finite"), (float("-inf"), "not-finite"),
     (1e300, "out-of-range"), (-(10**16), "out-of-range"),
     pytest.param(10**400, "out-of-range", id="10**400"),
     pytest.param(-(10**400), "out-of-range", id="-10**400"), (True, "wrong-type"),
     ("1", "wrong-type"), (None, "wrong-type"), ([1], "wrong-type"), ({"v": 1}, "wrong-type")],
)
def test_a_number_that_is_not_finite_sane_or_numeric_is_invalid_input(
    value: Any, code: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        check.number(value, "value")
    assert (raised.value.code, raised.value.field) == (code, "value")


@pytest.mark.parametrize(
    "value", ["2026-13-45", "2026-02-30", "tomorrow", "", 20260101, None, "2026-11-01\x00"]
)
def test_an_impossible_day_is_invalid_input(value: Any) -> None:
    with pytest.raises(InvalidInput) as raised:
        check.day(value, "start")
    assert (raised.value.code, raised.value.field) == ("invalid-date", "start")


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:30:00-05:00",
     datetime(1, 1, 1, 3, tzinfo=timezone(timedelta(hours=5)))],
)
def test_an_instant_utc_cannot_show_is_out_of_range(value: Any) -> None:
    with pytest.raises(InvalidInput) as raised:
        check.instant(value, "checked_in_at")
    assert (raised.value.code, raised.value.field) == ("out-of-range", "checked_in_at")


def test_an_instant_with_a_nul_after_it_is_invalid() -> None:
    with pytest.raises(InvalidInput) as raised:
        check.instant("2026-11-01T10:00:00+00:00\x00", "checked_in_at")
    assert raised.value.code == "invalid-date"


def test_an_instant_without_a_zone_is_taken_as_utc() -> None:
    assert check.instant("2026-02-10T09:00", "at") == datetime(2026, 2, 10, 9, tzinfo=UTC)
    assert check.instant(date(2026, 2, 10), "at") == datetime(2026, 2, 10, tzinfo=UTC)


@pytest.mark.parametrize("value", ["not-a-uuid", "", 42, None, ["x"], b"\x00" * 16])
def test_a_non_uuid_identifier_is_invalid_input(value: Any) -> None:
    with pytest.raises(InvalidInput) as raised:
        check.identifier(value, "unit_id")
    assert (raised.value.code, raised.value.field) == ("invalid-id", "unit_id")
