"""Every unit's review of a cycle on one offline HTML page: a sortable table first, then
each unit's review as its own section.

The table has one row per unit — objectives, mean progress, the derived status of its
key results (pace and staleness), how many findings, the check-in rhythm and a
sparkline of its progress over the cycle — and links to that unit's section. Sorting is
done by a small script inside the page (a click on a column's header, again to reverse);
without scripts the table still reads, in the order of the units. Nothing is loaded from
anywhere. Each section speaks its review's language; the page's own words are in the
language most of the reviews have.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from html import escape

from okr_es.learning.chart_scale import DayScale, ValueScale
from okr_es.learning.charts import STATE_COLOURS, key_result_state
from okr_es.learning.report_html import page, review_section
from okr_es.learning.report_text import pct
from okr_es.learning.report_words import state_word
from okr_es.learning.review_result import KeyResultReview, Review
from okr_es.vocabulary.language import Language

__all__ = ["portfolio_html", "progress_series", "sparkline"]

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("Porteføljegjennomgang", "Portfolio review"),
    "unit": ("Team", "Team"),
    "objectives": ("Mål", "Objectives"),
    "progress": ("Fremdrift", "Progress"),
    "status": ("Status", "Status"),
    "flags": ("Funn", "Findings"),
    "rhythm": ("Innsjekkrytme", "Check-in rhythm"),
    "trend": ("Fremdrift over tid", "Progress over time"),
    "none": ("Ingen enheter satte OKR-er i", "No unit set OKRs in"),
    "sort": ("Klikk på en kolonneoverskrift for å sortere.", "Click a column header to sort."),
    "gap": ("lengste opphold", "longest gap"),
    "days": ("dager", "days"),
    "stale": ("ikke oppdatert", "stale"),
    "no_krs": ("ingen nøkkelresultater", "no key results"),
}
# Worst first: the status a unit gets is its worst key result's.
_SEVERITY = {"behind": 3, "at-risk": 2, "on-track": 1}


def portfolio_html(reviews: Sequence[Review], cycle: str) -> str:
    """One page with every unit's review of ``cycle``: the sortable table, then each."""
    language = _language(reviews)

    def w(key: str) -> str:
        return escape(_w(language, key))

    title = f"{w('title')}: {escape(cycle)}"
    if not reviews:
        return page(title, language, f"<h1>{title}</h1><p>{w('none')} {escape(cycle)}.</p>")
    columns = ("unit", "objectives", "progress", "status", "flags", "rhythm", "trend")
    head = "".join(
        f"<th scope=col>{w(c)}</th>"
        if c == "trend"
        else f"<th scope=col data-sortable><button type=button>{w(c)}</button></th>"
        for c in columns
    )
    rows = "".join(_row(r, _anchor(r, i), language) for i, r in enumerate(reviews))
    body = (
        f"<h1>{title}</h1><p class=meta>{w('sort')}</p>"
        f"<table id=portfolio><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>\n"
        + "".join(review_section(r, top=2, anchor=_anchor(r, i)) for i, r in enumerate(reviews))
    )
    return page(title, language, body, _SORT_SCRIPT)


def progress_series(review: Review) -> list[tuple[date, float]]:
    """The unit's mean key result progress after each day it checked in (a key result
    nobody checked in yet counts as 0), from 0 at the cycle's start."""
    krs = _key_results(review)
    if not krs:
        return []
    latest: dict[object, float] = {}
    points = [(review.start, 0.0)]
    dated = sorted(
        (c.at.date(), kr.id, c.progress)
        for kr in krs
        for c in kr.check_ins
        if review.start <= c.at.date() <= review.as_of
    )
    for day, kr_id, progress in dated:
        latest[kr_id] = progress
        mean = sum(latest.values()) / len(krs)
        if points[-1][0] == day:
            points[-1] = (day, mean)
        else:
            points.append((day, mean))
    return points


def sparkline(review: Review, href: str) -> str:
    """A small step line of the unit's progress over the cycle, linking to its section."""
    series = progress_series(review)
    days = DayScale(review.start, review.end, 2, 118)
    scale = ValueScale(0.0, 1.0, 3, 25)
    until = min(max(review.as_of, review.start), review.end)
    d = "".join(
        (f"M{days(day)},{scale(v)}" if i == 0 else f"H{days(day)}V{scale(v)}")
        for i, (day, v) in enumerate(series)
    )
    last = series[-1][1] if series else 0.0
    label = escape(f"{review.unit}: 0 % → {pct(last)}")
    line = (
        f"<path data-series='progress' d='{d}H{days(until)}' fill='none' stroke='#1565c0' "
        "stroke-width='1.5'/>"
        if series
        else ""
    )
    return (
        f"<a href='#{escape(href)}'><svg viewBox='0 0 120 28' "
        f"width='120' height='28' role='img' aria-label='{label}' class='sparkline'>"
        f"<title>{label}</title><rect x='2' y='3' width='116' height='22' fill='#fafafa' "
        f"stroke='#e0e0e0'/>{line}</svg></a>"
    )


# --- helpers ---------------------------------------------------------------------------------


def _w(language: Language, key: str) -> str:
    nb, en = _WORDS[key]
    return nb if language == "nb" else en


def _language(reviews: Sequence[Review]) -> Language:
    counts = Counter(r.language for r in reviews)
    return "en" if counts["en"] > counts["nb"] else "nb"


def _anchor(review: Review, index: int) -> str:
    return f"unit-{review.unit_id.hex}" if review.unit_id is not None else f"unit-{index + 1}"


def _key_results(review: Review) -> list[KeyResultReview]:
    return [
        kr
        for o in review.objectives
        if o.status != "dropped"
        for kr in o.key_results
        if not kr.removed
    ]


def _row(review: Review, anchor: str, language: Language) -> str:
    krs = _key_results(review)
    states = [key_result_state(kr, review.start, review.end, review.as_of) for kr in krs]
    progress = sum(kr.final_progress for kr in krs) / len(krs) if krs else 0.0
    worst = max((s.pace for s in states), key=_SEVERITY.__getitem__, default="")
    stale = sum(s.stale for s in states)
    counts = Counter(s.pace for s in states)
    said = ", ".join(
        f"{counts[p]} {state_word(p, language)}" for p in ("behind", "at-risk", "on-track")
        if counts[p]
    )  # fmt: skip
    if stale:
        said += f" · ○ {stale} {_w(language, 'stale')}"
    if not krs:
        said = _w(language, "no_krs")
    colour = STATE_COLOURS.get(worst, "#757575")
    status_key = _SEVERITY.get(worst, 0) * 100 + stale
    r = review.rhythm
    gap = f"{_w(language, 'gap')} {r.longest_gap_days} {_w(language, 'days')}"
    objectives = sum(o.status != "dropped" for o in review.objectives)
    return (
        f"<tr data-unit='{escape(review.unit)}'>"
        f"<td data-sort='{escape(review.unit.casefold())}'><a href='#{anchor}'>"
        f"{escape(review.unit)}</a></td>"
        f"<td class=num data-sort='{objectives}'>{objectives}</td>"
        f"<td class=num data-sort='{progress:.4f}'>{pct(progress)}</td>"
        f"<td data-sort='{status_key}' data-state='{worst}'>"
        f"<span style='color:{colour}'>■</span> {escape(said)}</td>"
        f"<td class=num data-sort='{len(review.flags)}'>{len(review.flags)}</td>"
        f"<td data-sort='{r.coverage:.4f}'>{pct(r.coverage)} · {escape(gap)}</td>"
        f"<td>{sparkline(review, anchor)}</td></tr>"
    )


# Sorts the table by the clicked column's data-sort values: numbers as numbers, text by
# the page's language; a second click on the same column reverses the order.
_SORT_SCRIPT = """
(function () {
  var table = document.getElementById('portfolio');
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, column) {
    if (!th.hasAttribute('data-sortable')) { return; }
    th.querySelector('button').addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute('data-sort');
        var y = b.cells[column].getAttribute('data-sort');
        var nx = parseFloat(x), ny = parseFloat(y);
        var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny
          : x.localeCompare(y, document.documentElement.lang);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
"""
