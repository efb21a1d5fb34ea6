"""The review's pictures as inline SVG: one chart per key result, a sparkline per team,
and the state badge a key result's card shows.

A key result's chart shows its **value** (not only its progress) as a step line — a value
holds until the next check-in, so a silence shows as a flat step — against its target
(increase / decrease, with the expected pace from start to target over the dated cycle) or
its threshold (stay above / stay below, with the side where it is met shaded; no
diagonal, since a threshold has no pace). A stretch without a check-in as long as the
staleness window (``projections.pace.STALE_AFTER_DAYS``) is hatched and labelled with its
length. Axes have ticks and the unit, there is a legend, each chart has a ``<title>`` and
an ``aria-label``, and every series carries ``data-series`` so tests and tools can find
it. Colour is never the only signal: lines differ in dash, silences are hatched and
labelled, the badge has a symbol and a word.

Pure functions: no clock, no I/O, nothing loaded from anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from itertools import pairwise

import msgspec

from okr_es.aggregates.key_result import SPAN_METRICS, THRESHOLD_METRICS
from okr_es.learning.chart_scale import DayScale, ValueScale
from okr_es.learning.report_words import short_day, state_word, status_word, unit_word
from okr_es.learning.review_result import KeyResultReview
from okr_es.projections import pace
from okr_es.projections.sentences import number
from okr_es.vocabulary.language import Language

__all__ = [
    "STATE_COLOURS",
    "KeyResultState",
    "Silence",
    "badge",
    "key_result_chart",
    "key_result_state",
    "silence_label",
    "silences",
]

# Colours by derived state; a stale key result is never on track, so never green.
STATE_COLOURS = {"on-track": "#2e7d32", "at-risk": "#b26a00", "behind": "#c62828"}
_SYMBOLS = {"on-track": "✓", "at-risk": "!", "behind": "✗"}
_NEUTRAL = "#757575"
_VALUE = "#1565c0"
_W = 380
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 366, 22, 132


class Silence(msgspec.Struct, frozen=True):
    """A stretch of the cycle with no check-in, as long as the staleness window or longer."""

    since: date
    until: date

    @property
    def days(self) -> int:
        return (self.until - self.since).days


class KeyResultState(msgspec.Struct, frozen=True):
    """How a key result stands on the review's day: its expected status from pace and
    staleness (``on-track``, ``at-risk``, ``behind``), whether it is stale, and since when
    nobody checked in."""

    pace: str
    stale: bool
    days_since_check_in: int
    removed: bool = False

    @property
    def colour(self) -> str:
        return _NEUTRAL if self.removed else STATE_COLOURS[self.pace]


def key_result_state(
    kr: KeyResultReview,
    start: date,
    end: date,
    as_of: date,
    stale_after_days: int = pace.STALE_AFTER_DAYS,
) -> KeyResultState:
    """The key result's derived state on ``as_of``, by the same rules as the read API."""
    last = kr.check_ins[-1].at.date() if kr.check_ins else None
    stale = pace.is_stale(last, start, end, as_of, stale_after_days)
    elapsed = pace.elapsed_share(start, end, as_of)
    status = pace.expected_status(kr.metric, kr.final_progress, elapsed, stale=stale)
    since = max(last, start) if last is not None else start
    quiet = max(0, (min(as_of, end) - since).days)
    return KeyResultState(status, stale, quiet, removed=kr.removed)


def badge(state: KeyResultState, language: Language) -> str:
    """The card's badge: a symbol and words, coloured by the state (colour is not the
    only signal)."""
    if state.removed:
        words, symbol = state_word("removed", language), "–"
    else:
        words, symbol = state_word(state.pace, language), _SYMBOLS[state.pace]
    if state.stale:
        quiet = (
            f"ingen innsjekk på {state.days_since_check_in} dager"
            if language == "nb"
            else f"no check-in for {state.days_since_check_in} days"
        )
        words += f" · ○ {state_word('stale', language)} ({quiet})"
    stale = " stale" if state.stale else ""
    return (
        f"<span class='badge{stale}' data-state='{state.pace}' "
        f"style='border-color:{state.colour};color:{state.colour}'>{symbol} {escape(words)}</span>"
    )


def silences(days: Sequence[date], start: date, until: date, window: int) -> list[Silence]:
    """Stretches from the cycle's start, between check-in days and up to ``until`` with
    no check-in for ``window`` days or more."""
    marks = [start, *sorted(d for d in days if start <= d <= until), until]
    return [Silence(a, b) for a, b in pairwise(marks) if (b - a).days >= window]


def silence_label(days: int, language: Language) -> str:
    return f"ingen innsjekk på {days} dager" if language == "nb" else f"no check-in for {days} days"


def key_result_chart(
    kr: KeyResultReview,
    *,
    start: date,
    end: date,
    as_of: date,
    language: Language,
    last_part_starts: date | None = None,
    stale_after_days: int = pace.STALE_AFTER_DAYS,
) -> str:
    """The key result's value over the cycle as an inline SVG chart (see the module)."""
    nb = language == "nb"
    until = min(max(as_of, start), end)
    unit = unit_word(kr.unit, language)
    days = DayScale(start, end, _LEFT, _RIGHT)
    steps = _value_steps(kr, start, until)
    milestone = kr.metric == "milestone"
    scale, ticks = (
        (ValueScale(0.0, 1.0, _TOP, _BOTTOM), [0.0, 1.0])
        if milestone
        else ValueScale.around(_values(kr, steps), _TOP, _BOTTOM)
    )
    key = kr.id.hex[:12]
    legend: list[tuple[str, str]] = []
    body: list[str] = [_axes(days, scale, ticks, unit, language, milestone)]

    if kr.metric in THRESHOLD_METRICS and kr.target is not None:
        body.append(_met_band(kr.metric, scale(kr.target)))
        legend.append(("met-band", "terskelen nådd" if nb else "threshold met"))
        word = "terskel" if nb else "threshold"
        body.append(_level("threshold", scale(kr.target), "#424242", "6 3", word, kr.target))
        legend.append(("threshold", word))
    elif kr.target is not None and not milestone:
        word = "mål" if nb else "target"
        if kr.original_target is not None and kr.original_target != kr.target:
            first = "opprinnelig mål" if nb else "original target"
            body.append(_level("original-target", scale(kr.original_target), "#9e9e9e", "2 3",
                               first, kr.original_target))  # fmt: skip
            legend.append(("original-target", first))
        body.append(_level("target", scale(kr.target), "#424242", "6 3", word, kr.target))
        legend.append(("target", word))
        if kr.metric in SPAN_METRICS and kr.start is not None and end > start:
            body.append(
                f"<line data-series='pace' x1='{days(start)}' y1='{scale(kr.start)}' "
                f"x2='{days(end)}' y2='{scale(kr.target)}' stroke='#9e9e9e' "
                "stroke-dasharray='1 3' stroke-width='1.5'/>"
            )
            legend.append(("pace", "forventet takt" if nb else "expected pace"))

    if last_part_starts is not None and start < last_part_starts < end:
        x = days(last_part_starts)
        body.append(
            f"<line data-series='last-part' x1='{x}' y1='{_TOP}' x2='{x}' y2='{_BOTTOM}' "
            "stroke='#e0a0a0' stroke-dasharray='3 2'/>"
        )
        legend.append(("last-part", "siste del" if nb else "last part"))

    quiet = silences([c.at.date() for c in kr.check_ins], start, until, stale_after_days)
    body += _silences(quiet, days, key, language)
    if quiet:
        legend.append(("silence", "stillhet" if nb else "silence"))

    if steps:
        body.append(_step_path(steps, days, scale, until))
        legend.insert(0, ("value", "verdi" if nb else "value"))
    body += _dots(kr, days, scale, unit, language)
    if as_of < end:
        x = days(until)
        label = f"per {short_day(until, language)}" if nb else f"as of {short_day(until, language)}"
        body.append(
            f"<line data-series='as-of' x1='{x}' y1='{_TOP}' x2='{x}' y2='{_BOTTOM}' "
            f"stroke='#616161' stroke-width='0.8'/><text x='{x}' y='{_TOP - 4}' "
            f"text-anchor='middle'>{escape(label)}</text>"
        )

    title = escape(_summary(kr, quiet, unit, language))
    drawn_legend, height = _legend(legend, key)
    return (
        f"<svg viewBox='0 0 {_W} {height}' width='{_W}' "
        f"height='{height}' role='img' aria-label='{title}' class='chart' "
        f"data-metric='{escape(kr.metric)}' font-family='system-ui,sans-serif' font-size='9' "
        f"fill='#555'><title>{title}</title>{_hatch(key)}{''.join(body)}"
        f"{drawn_legend}</svg>"
    )


# --- the parts of a chart -------------------------------------------------------------------


def _value_steps(kr: KeyResultReview, start: date, until: date) -> list[tuple[date, float]]:
    """(day, value) at which the drawn value changes: the start value (a span metric's
    start, a milestone's "not done") from the cycle's start, then every check-in."""
    steps: list[tuple[date, float]] = []
    if kr.metric in SPAN_METRICS and kr.start is not None:
        steps.append((start, kr.start))
    elif kr.metric == "milestone":
        steps.append((start, 0.0))
    steps += [
        (min(max(c.at.date(), start), until), c.value) for c in kr.check_ins if c.at.date() <= until
    ]
    return steps


def _values(kr: KeyResultReview, steps: Sequence[tuple[date, float]]) -> list[float]:
    fixed = (kr.start, kr.target, kr.original_target)
    return [v for _, v in steps] + [v for v in fixed if v is not None] or [0.0]


def _axes(
    days: DayScale,
    scale: ValueScale,
    ticks: Sequence[float],
    unit: str,
    language: Language,
    milestone: bool,
) -> str:
    parts = [
        f"<rect x='{_LEFT}' y='{_TOP}' width='{_RIGHT - _LEFT}' height='{_BOTTOM - _TOP}' "
        "fill='#fafafa' stroke='#ccc'/>",
        "<g data-axis='y'>",
    ]
    for tick in ticks:
        y = scale(tick)
        label = (
            (state_word("met", language) if tick else state_word("not-met", language))
            if milestone
            else number(tick, language)
        )
        parts.append(
            f"<line x1='{_LEFT - 3}' y1='{y}' x2='{_RIGHT}' y2='{y}' stroke='#eee'/>"
            f"<text x='{_LEFT - 5}' y='{y + 3}' text-anchor='end'>{escape(label)}</text>"
        )
    if unit and not milestone:
        parts.append(
            f"<text x='{_LEFT - 5}' y='{_TOP - 10}' text-anchor='end'>{escape(unit)}</text>"
        )
    parts.append("</g><g data-axis='x'>")
    for i, day in enumerate(days.ticks()):
        x = days(day)
        anchor = "start" if i == 0 else "end" if day == days.end else "middle"
        parts.append(
            f"<line x1='{x}' y1='{_BOTTOM}' x2='{x}' y2='{_BOTTOM + 3}' stroke='#999'/>"
            f"<text x='{x}' y='{_BOTTOM + 13}' text-anchor='{anchor}'>"
            f"{escape(short_day(day, language))}</text>"
        )
    parts.append("</g>")
    return "".join(parts)


def _met_band(metric: str, y: float) -> str:
    top, bottom = (_TOP, y) if metric == "stay_above" else (y, _BOTTOM)
    return (
        f"<rect data-series='met-band' x='{_LEFT}' y='{top}' width='{_RIGHT - _LEFT}' "
        f"height='{round(bottom - top, 1)}' fill='#e8f5e9'/>"
    )


def _level(series: str, y: float, colour: str, dash: str, word: str, value: float) -> str:
    return (
        f"<line data-series='{series}' x1='{_LEFT}' y1='{y}' x2='{_RIGHT}' y2='{y}' "
        f"stroke='{colour}' stroke-dasharray='{dash}' stroke-width='1.2'>"
        f"<title>{escape(word)}</title></line>"
    )


def _hatch(key: str) -> str:
    return (
        f"<defs><pattern id='hatch-{key}' width='6' height='6' patternUnits='userSpaceOnUse' "
        "patternTransform='rotate(45)'><line x1='0' y1='0' x2='0' y2='6' stroke='#bdbdbd' "
        "stroke-width='2'/></pattern></defs>"
    )


def _silences(quiet: Sequence[Silence], days: DayScale, key: str, language: Language) -> list[str]:
    out = []
    for i, s in enumerate(quiet):
        left, right = days(s.since), days(s.until)
        label = silence_label(s.days, language)
        middle = min(max((left + right) / 2, _LEFT + 60), _RIGHT - 60)
        y = _TOP + 10 + 10 * (i % 2)
        out.append(
            f"<g data-series='silence' data-days='{s.days}'>"
            f"<rect x='{left}' y='{_TOP}' width='{round(right - left, 1)}' "
            f"height='{_BOTTOM - _TOP}' fill='url(#hatch-{key})' fill-opacity='0.6'/>"
            f"<text x='{middle}' y='{y}' text-anchor='middle' fill='#424242'>"
            f"{escape(label)}</text></g>"
        )
    return out


def _step_path(
    steps: Sequence[tuple[date, float]], days: DayScale, scale: ValueScale, until: date
) -> str:
    (first_day, first_value), *rest = steps
    d = [f"M{days(first_day)},{scale(first_value)}"]
    for day, value in rest:
        d.append(f"H{days(day)}V{scale(value)}")
    d.append(f"H{days(until)}")
    return (
        f"<path data-series='value' d='{''.join(d)}' fill='none' stroke='{_VALUE}' "
        "stroke-width='2'/>"
    )


def _dots(
    kr: KeyResultReview, days: DayScale, scale: ValueScale, unit: str, language: Language
) -> list[str]:
    out = []
    for c in kr.check_ins:
        day = c.at.date()
        if not days.start <= day <= days.end:
            continue
        tip = (
            f"{short_day(day, language)} {day.year}: {number(c.value, language)} {unit} "
            f"({status_word(c.status, language)})"
        )
        out.append(
            f"<circle data-series='check-in' cx='{days(day)}' cy='{scale(c.value)}' r='2.8' "
            f"fill='{_VALUE}'><title>{escape(tip)}</title></circle>"
        )
    return out


_SWATCHES = {
    "value": "<line x1='0' y1='0' x2='16' y2='0' stroke='#1565c0' stroke-width='2'/>",
    "target": "<line x1='0' y1='0' x2='16' y2='0' stroke='#424242' stroke-dasharray='6 3'/>",
    "threshold": "<line x1='0' y1='0' x2='16' y2='0' stroke='#424242' stroke-dasharray='6 3'/>",
    "original-target": "<line x1='0' y1='0' x2='16' y2='0' stroke='#9e9e9e' "
    "stroke-dasharray='2 3'/>",
    "pace": "<line x1='0' y1='0' x2='16' y2='0' stroke='#9e9e9e' stroke-dasharray='1 3' "
    "stroke-width='1.5'/>",
    "last-part": "<line x1='0' y1='0' x2='16' y2='0' stroke='#e0a0a0' stroke-dasharray='3 2'/>",
    "met-band": "<rect x='0' y='-4' width='16' height='8' fill='#e8f5e9' stroke='#c8e6c9'/>",
}


def _legend(items: Sequence[tuple[str, str]], key: str) -> tuple[str, int]:
    """The legend, wrapped into rows under the x axis, and the chart's height with it."""
    out = ["<g data-legend='1'>"]
    x, y = float(_LEFT), float(_BOTTOM + 30)
    for series, label in items:
        width = 22 + 5.2 * len(label) + 12
        if x + width > _RIGHT + 8:
            x, y = float(_LEFT), y + 16
        swatch = _SWATCHES.get(
            series,
            f"<rect x='0' y='-4' width='16' height='8' fill='url(#hatch-{key})' stroke='#999'/>",
        )
        out.append(
            f"<g data-legend-item='{series}' transform='translate({round(x, 1)},{y})'>{swatch}"
            f"<text x='21' y='3'>{escape(label)}</text></g>"
        )
        x += width
    out.append("</g>")
    return "".join(out), round(y) + 10


def _summary(kr: KeyResultReview, quiet: Sequence[Silence], unit: str, language: Language) -> str:
    """What the chart shows, in one sentence, for its title and screen readers."""
    nb = language == "nb"
    value = number(kr.final_value, language)
    if kr.metric in THRESHOLD_METRICS:
        aim = "terskel" if nb else "threshold"
    else:
        aim = "mål" if nb else "target"
    said = f"{kr.title}: {'verdi' if nb else 'value'} {value} {unit}".rstrip()
    if kr.target is not None and kr.metric != "milestone":
        said += f", {aim} {number(kr.target, language)} {unit}".rstrip()
    if quiet:
        longest = max(s.days for s in quiet)
        said += f"; {silence_label(longest, language)}"
    return said
