"""The review's charts, on hand-made histories (the aggregates' own commands in memory,
reviewed as a pure function): what each chart draws, read back from its SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from uuid import UUID, uuid5

import pytest

from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Policy
from okr_es.learning.chart_scale import DayScale, nice_ticks
from okr_es.learning.charts import (
    STATE_COLOURS,
    badge,
    key_result_chart,
    key_result_state,
    silences,
)
from okr_es.learning.portfolio import portfolio_html, progress_series, sparkline
from okr_es.learning.report import review_html
from okr_es.learning.review import KeyResultReview, Review, review
from okr_es.vocabulary.cycle_facts import CycleInfo

_NS = UUID("0b7e4c1a-2d3f-4e5a-9b6c-7d8e9f0a1b2c")
CYCLE = CycleInfo(uuid5(_NS, "q"), "2026 Q3", date(2026, 7, 1), date(2026, 9, 30))
KARI = uuid5(_NS, "kari")
KR = uuid5(_NS, "kr")
SVG = ""  # inline SVG in HTML needs no namespace
GREEN = STATE_COLOURS["on-track"]


def history(metric: str, numbers: dict[str, float], *check_ins: tuple[int, float]) -> list[Any]:
    """An objective with one key result, checked in on (day of the cycle, value)."""
    o = Objective.set(
        objective_id=uuid5(_NS, "o"), organization_id=uuid5(_NS, "org"),
        unit_id=uuid5(_NS, "team"), cycle_id=CYCLE.id, title="Raskere svar til innbyggerne",
        why="", owner_id=KARI, by=KARI,
    )  # fmt: skip
    o.add_key_result(
        key_result_id=KR, title="Andel saker behandlet innen 10 dager", metric=metric,
        unit="percent", policy=Policy(), by=KARI, **numbers,
    )  # fmt: skip
    for day, value in check_ins:
        o.check_in(
            key_result_id=KR, value=value, status="green", confidence=None,
            checked_in_at=datetime(2026, 7, 1, 9, tzinfo=UTC) + timedelta(days=day), by=KARI,
        )  # fmt: skip
    return list(o.collect_events())


def reviewed(events: list[Any], today: date = date(2026, 9, 1)) -> Review:
    return review(events, CYCLE, None, today=today)


def the_kr(result: Review) -> KeyResultReview:
    return result.objectives[0].key_results[0]


def chart(result: Review, language: str = "nb") -> ET.Element:
    """The key result's chart, parsed: it must be well-formed SVG."""
    svg = key_result_chart(
        the_kr(result), start=result.start, end=result.end, as_of=result.as_of,
        language=language,  # type: ignore[arg-type]
        last_part_starts=result.hockey_stick.last_part_starts,
    )  # fmt: skip
    return ET.fromstring(svg)


def series(svg: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in svg.iter() if e.get("data-series") == name]


def texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


INCREASE = {"start": 20, "target": 60}


def test_a_seventy_day_gap_is_drawn_as_a_labelled_silence() -> None:
    result = reviewed(history("increase", INCREASE, (7, 22), (77, 50)), today=date(2026, 9, 20))
    svg = chart(result)

    [silence] = [s for s in series(svg, "silence") if s.get("data-days") == "70"]
    assert "ingen innsjekk på 70 dager" in texts(silence)
    assert "no check-in for 70 days" in texts(chart(result, "en"))


def test_the_value_is_a_step_line_that_holds_until_the_next_check_in() -> None:
    result = reviewed(history("increase", INCREASE, (7, 22), (77, 50)), today=date(2026, 9, 20))
    [line] = series(chart(result), "value")
    path = line.get("d") or ""
    # Only horizontal and vertical moves after the start: no slope between check-ins.
    assert re.fullmatch(r"M[\d.]+,[\d.]+(H[\d.]+V[\d.]+)+H[\d.]+", path), path
    assert len(series(chart(result), "check-in")) == 2


def test_a_weekly_rhythm_shows_no_silence() -> None:
    weekly = [(d, 20 + d / 3) for d in range(7, 63, 7)]
    result = reviewed(history("increase", INCREASE, *weekly))
    assert series(chart(result), "silence") == []


def test_an_increase_is_drawn_against_its_target_and_the_expected_pace() -> None:
    svg = chart(reviewed(history("increase", INCREASE, (7, 22), (14, 30))))
    assert len(series(svg, "target")) == 1 and len(series(svg, "pace")) == 1
    assert series(svg, "threshold") == []


def test_a_threshold_has_a_threshold_line_and_no_diagonal() -> None:
    result = reviewed(history("stay_above", {"target": 7}, (7, 6.5), (14, 7.2), (21, 6.9)))
    svg = chart(result)

    [threshold] = series(svg, "threshold")
    assert threshold.get("y1") == threshold.get("y2")
    assert series(svg, "pace") == [] and series(svg, "target") == []
    assert len(series(svg, "met-band")) == 1
    # The value itself, not met/not-met as 0 and 1: the axis is labelled in the value's scale.
    assert {"6.4", "7.2"} <= set(texts(svg)) or {"6,4", "7,2"} <= set(texts(svg))
    sloped = [
        line
        for line in svg.iter(f"{SVG}line")
        if line.get("y1") != line.get("y2") and line.get("x1") != line.get("x2")
    ]
    assert sloped == []


def test_a_milestone_has_no_pace_line() -> None:
    svg = chart(reviewed(history("milestone", {}, (30, 1))))
    assert series(svg, "pace") == [] and len(series(svg, "value")) == 1
    assert "nådd" in texts(svg)


def test_the_axes_have_ticks_the_unit_in_the_report_s_language_and_a_legend() -> None:
    result = reviewed(history("increase", INCREASE, (7, 22), (77, 50)), today=date(2026, 9, 20))
    nb, en = chart(result), chart(result, "en")
    assert "prosent" in texts(nb) and "percent" not in texts(nb)
    assert "percent" in texts(en)
    assert {"1. jul.", "1. aug.", "1. sep.", "30. sep."} <= set(texts(nb))
    assert {"1 Jul", "30 Sep"} <= set(texts(en))
    legend = {e.get("data-legend-item") for e in nb.iter() if e.get("data-legend-item")}
    assert {"value", "target", "pace", "silence"} <= legend


def test_every_chart_has_a_title_and_an_aria_label() -> None:
    svg = chart(reviewed(history("increase", INCREASE, (7, 22))))
    title = svg.find(f"{SVG}title")
    assert svg.get("role") == "img"
    assert title is not None and title.text == svg.get("aria-label")
    assert (title.text or "").startswith("Andel saker behandlet innen 10 dager: verdi 22 prosent")


def test_a_stale_key_result_is_never_green_even_with_its_target_met() -> None:
    # Met early, then nobody checked in for the rest of the cycle.
    result = reviewed(history("increase", INCREASE, (3, 61)), today=date(2026, 9, 1))
    state = key_result_state(the_kr(result), result.start, result.end, result.as_of)

    assert state.stale and state.colour != GREEN
    html = badge(state, "nb")
    assert GREEN not in html and "ikke oppdatert" in html and "59 dager" in html


def test_a_stale_key_result_at_one_percent_is_marked_stale_and_behind() -> None:
    result = reviewed(history("increase", INCREASE, (3, 20.4)), today=date(2026, 9, 1))
    state = key_result_state(the_kr(result), result.start, result.end, result.as_of)
    assert (state.pace, state.stale) == ("behind", True)
    assert "✗ bak skjema" in badge(state, "nb") and GREEN not in badge(state, "nb")


def test_a_key_result_on_pace_and_checked_in_gets_the_green_badge() -> None:
    weekly = [(d, 20 + 40 * d / 91) for d in range(7, 63, 7)]
    result = reviewed(history("increase", INCREASE, *weekly))
    state = key_result_state(the_kr(result), result.start, result.end, result.as_of)
    assert state.pace == "on-track" and not state.stale
    assert badge(state, "en").count(GREEN) == 2 and "✓ on track" in badge(state, "en")


def test_silences_count_from_the_start_and_up_to_the_day_reviewed() -> None:
    start, until = date(2026, 7, 1), date(2026, 9, 30)
    found = silences([date(2026, 7, 20), date(2026, 7, 25)], start, until, 14)
    assert [(s.since, s.until, s.days) for s in found] == [
        (start, date(2026, 7, 20), 19),
        (date(2026, 7, 25), until, 67),
    ]


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (20, 60, [20, 30, 40, 50, 60]),
        (6.4, 7.2, [6.4, 6.6, 6.8, 7.0, 7.2]),
        (0, 1, [0, 0.25, 0.5, 0.75, 1]),
        (99.1, 99.9, [99.0, 99.25, 99.5, 99.75, 100.0]),
    ],
)
def test_value_ticks_are_round_numbers_around_the_values(
    low: float, high: float, ticks: list[float]
) -> None:
    assert nice_ticks(low, high) == ticks


def test_day_ticks_leave_room_for_their_labels_on_a_long_cycle() -> None:
    days = DayScale(date(2026, 1, 1), date(2026, 12, 31), 0, 300)
    picked = days.ticks()
    assert picked[0] == date(2026, 1, 1) and picked[-1] == date(2026, 12, 31)
    positions = [days(d) for d in picked]
    assert min(b - a for a, b in pairwise(positions)) >= 40


def test_a_team_s_sparkline_steps_through_its_mean_progress() -> None:
    result = reviewed(history("increase", INCREASE, (7, 30), (14, 40), (77, 50)))
    points = progress_series(result)
    assert points == [(date(2026, 7, 1), 0.0), (date(2026, 7, 8), 0.25), (date(2026, 7, 15), 0.5)]
    line = ET.fromstring(sparkline(result, "unit-1")).find(".//path[@data-series='progress']")
    assert line is not None and re.fullmatch(r"M[\d.,]+(H[\d.]+V[\d.]+)+H[\d.]+", line.get("d", ""))


def test_a_portfolio_without_reviews_says_so() -> None:
    html = portfolio_html([], "2026 Q3")
    assert "Ingen enheter satte OKR-er i 2026 Q3." in html and "<table" not in html


def test_a_stale_key_result_s_card_has_no_green_border_though_the_team_said_green() -> None:
    result = reviewed(history("increase", INCREASE, (3, 20.4)), today=date(2026, 9, 1))
    html = review_html(result)
    assert "data-stale='true'" in html and GREEN not in html
    assert "rapportert status: grønn" in html
