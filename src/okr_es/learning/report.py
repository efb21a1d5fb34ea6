"""A learning review as Markdown or as one self-contained HTML file.

The HTML report works offline and alone: inline CSS, inline SVG charts (each key
result's progress over the cycle against the ideal pace line), no scripts, no fonts, no
links to anything. Both renderers are pure functions of a `Review`. Whatever people
wrote (titles, reasons, reflections, names) is escaped in both, so it shows as written
and can neither break the layout nor bring in markup.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from okr_es.learning.review import KeyResultReview, Review
from okr_es.projections.sentences import number

__all__ = ["markdown_text", "no_reviews_markdown", "review_html", "review_markdown"]

_LABELS: dict[str, tuple[str, str]] = {
    "title": ("Læringsgjennomgang", "Learning review"),
    "period": ("Periode", "Cycle"),
    "as_of": ("sett per", "as of"),
    "finished": ("avsluttet", "finished"),
    "running": ("pågår", "running"),
    "score": ("Score", "Score"),
    "findings": ("Funn", "Findings"),
    "no_findings": ("Ingen funn.", "No findings."),
    "objectives": ("Mål og nøkkelresultater", "Objectives and key results"),
    "kr": ("Nøkkelresultat", "Key result"),
    "status": ("status", "status"),
    "value": ("verdi", "value"),
    "target": ("mål", "target"),
    "progress": ("fremdrift", "progress"),
    "rhythm": ("Innsjekkrytme", "Check-in rhythm"),
    "coverage": ("perioder med innsjekk", "periods with a check-in"),
    "gap": ("lengste opphold", "longest gap"),
    "days": ("dager", "days"),
    "streak": ("perioder på rad nå", "periods in a row now"),
    "check_ins": ("innsjekker", "check-ins"),
    "hockey": ("Hockeykølle", "Hockey stick"),
    "hockey_share": (
        "andel av fremdriften i siste del (fra",
        "share of progress in the last part (from",
    ),
    "not_evaluated": ("ikke vurdert", "not evaluated"),
    "moved": ("Flyttede mål", "Moved goalposts"),
    "zombies": ("Zombie-nøkkelresultater", "Zombie key results"),
    "dropped": ("Droppede mål", "Dropped objectives"),
    "reflections": ("Refleksjoner", "Reflections"),
    "keep": ("Fortsette med", "Keep doing"),
    "stop": ("Slutte med", "Stop doing"),
    "start": ("Starte med", "Start doing"),
    "learnings": ("Lærdom", "Learnings"),
    "suggestions": ("Forslag til neste periode", "Suggestions for the next cycle"),
    "none": ("Ingen.", "None."),
    "sandbagging": ("Høy score på rad", "High score in a row"),
    "transitions": ("statusendringer", "status changes"),
    "ideal": ("ideell takt", "ideal pace"),
}


# Objective and check-in statuses as the report's language says them (data keeps codes).
_STATUS_WORDS: dict[str, tuple[str, str]] = {
    "active": ("aktiv", "active"),
    "closed": ("avsluttet", "closed"),
    "dropped": ("droppet", "dropped"),
    "green": ("grønn", "green"),
    "yellow": ("gul", "yellow"),
    "red": ("rød", "red"),
}


def _status(review: Review, code: str) -> str:
    nb, en = _STATUS_WORDS.get(code, (code, code))
    return nb if review.language == "nb" else en


def _t(review: Review, key: str) -> str:
    nb, en = _LABELS[key]
    return nb if review.language == "nb" else en


def _n(review: Review, value: float | None) -> str:
    return number(None if value is None else round(value, 2), review.language)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


# Characters Markdown (CommonMark with GitHub's tables and strikethrough) would read as
# markup: emphasis, code, links, table cells, headings' closing marks. Markup characters
# that only count at the start of a line need nothing, as user text never starts one.
_MARKDOWN_ESCAPES = str.maketrans(
    {
        **{c: "\\" + c for c in "\\`*_[]|~#"},
        # Entities rather than backslashes, which not every renderer honours before HTML.
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
        # A line break would end a table row or a list item; keep it as a break.
        "\n": "<br>",
    }
)


def markdown_text(text: str) -> str:
    """Text as Markdown that shows it as written, in running text or a table cell."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_MARKDOWN_ESCAPES)


def no_reviews_markdown(cycle: str) -> str:
    """What the Markdown of every unit's review says when no unit set OKRs in the cycle."""
    return f"No unit set OKRs in {markdown_text(cycle)}.\n"


def review_markdown(review: Review) -> str:
    """The review as Markdown, in the review's language."""

    def t(key: str) -> str:
        return _t(review, key)

    m = markdown_text

    state = t("finished") if review.finished else t("running")
    out = [
        f"# {t('title')}: {m(review.unit)} – {m(review.cycle)}",
        "",
        f"{t('period')} {review.start.isoformat()} – {review.end.isoformat()}, "
        f"{t('as_of')} {review.as_of.isoformat()} ({state}). "
        f"{t('score')}: {_n(review, review.score)}",
        "",
        f"## {t('findings')}",
        "",
    ]
    out += [f"- **{m(f.code)}**: {m(f.message)}" for f in review.flags] or [t("no_findings")]
    out += ["", f"## {t('objectives')}", ""]
    for o in review.objectives:
        out.append(
            f"### {m(o.title)} ({m(_status(review, o.status))}, {t('score').lower()} "
            f"{_n(review, o.score)})"
        )
        if o.note:
            out.append(f"_{m(o.note)}_")
        out += [
            "",
            f"| {t('kr')} | {t('status')} | {t('value')} | {t('target')} | "
            f"{t('progress')} | {t('score').lower()} | {t('transitions')} |",
            "|---|---|---|---|---|---|---|",
        ]
        for kr in o.key_results:
            status = _status(review, kr.check_ins[-1].status) if kr.check_ins else "–"
            status += _confidence(review, kr)
            moves = " → ".join(m(_status(review, tr.to_status)) for tr in kr.transitions) or "–"
            title = f"~~{m(kr.title)}~~" if kr.removed else m(kr.title)
            out.append(
                f"| {title} | {m(status)} | {_n(review, kr.final_value)} | "
                f"{_n(review, kr.target)} {m(kr.unit)} | {_pct(kr.final_progress)} | "
                f"{_n(review, kr.score)} | {moves} |"
            )
        out.append("")
    r = review.rhythm
    out += [
        f"## {t('rhythm')}",
        "",
        f"- {t('coverage')}: {r.periods_with_check_ins} / {r.periods} ({_pct(r.coverage)})",
        f"- {t('gap')}: {r.longest_gap_days} {t('days')}",
        f"- {t('streak')}: {r.current_streak}",
        f"- {t('check_ins')}: {r.check_ins}",
        "",
        f"## {t('hockey')}",
        "",
    ]
    h = review.hockey_stick
    if h.evaluated:
        out.append(f"- {t('hockey_share')} {h.last_part_starts.isoformat()}): {_pct(h.share)}")
    else:
        out.append(f"- {t('not_evaluated')} ({m(h.not_evaluated_because)})")
    out += ["", f"## {t('moved')}", ""]
    out += [
        f"- {m(g.key_result)}: {_n(review, g.previous_target)} → {_n(review, g.target)}, "
        f"{_day(g.effective_at)} ({m(g.by_name)}; {_day(g.recorded_at)}): {m(g.reason)}"
        for g in review.moved_goalposts
    ] or [t("none")]
    out += ["", f"## {t('zombies')}", ""]
    out += [
        f"- {m(z.key_result)}: {_n(review, z.value)} × {z.check_ins} "
        f"({_day(z.since)} – {_day(z.until)})"
        for z in review.zombies
    ] or [t("none")]
    out += ["", f"## {t('dropped')}", ""]
    out += [
        f"- {m(d.title)} ({_day(d.effective_at)}, {m(d.by_name)}): {m(d.reason)}"
        for d in review.dropped
    ] or [t("none")]
    out += ["", f"## {t('reflections')}", ""]
    for ref in review.reflections:
        for key, text in (
            ("keep", ref.keep_doing),
            ("stop", ref.stop_doing),
            ("start", ref.start_doing),
            ("learnings", ref.learnings),
        ):
            if text:
                out.append(f"- {t(key)}: {m(text)}")
    if not review.reflections:
        out.append(t("none"))
    out += ["", f"## {t('suggestions')}", ""]
    out += [f"- {m(s)}" for s in review.suggestions]
    return "\n".join(out) + "\n"


def review_html(review: Review) -> str:
    """The review as one self-contained, offline HTML page with inline SVG charts."""

    def t(key: str) -> str:
        return escape(_t(review, key))

    e = escape
    state = t("finished") if review.finished else t("running")
    parts = [
        "<!doctype html>",
        f'<html lang="{"nb" if review.language == "nb" else "en"}"><head><meta charset="utf-8">',
        f"<title>{t('title')}: {e(review.unit)} – {e(review.cycle)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{t('title')}: {e(review.unit)} – {e(review.cycle)}</h1>",
        f"<p class=meta>{t('period')} {review.start.isoformat()} – {review.end.isoformat()}, "
        f"{t('as_of')} {review.as_of.isoformat()} ({state}). "
        f"{t('score')}: <b>{e(_n(review, review.score))}</b></p>",
        f"<h2>{t('findings')}</h2>",
    ]
    if review.flags:
        parts.append("<ul class=flags>")
        parts += [f"<li><code>{e(f.code)}</code> {e(f.message)}</li>" for f in review.flags]
        parts.append("</ul>")
    else:
        parts.append(f"<p>{t('no_findings')}</p>")
    parts.append(f"<h2>{t('objectives')}</h2>")
    for o in review.objectives:
        parts.append(
            f"<section><h3>{e(o.title)} <small>{e(_status(review, o.status))}, "
            f"{t('score').lower()} "
            f"{e(_n(review, o.score))}</small></h3>"
        )
        if o.note:
            parts.append(f"<p class=note>{e(o.note)}</p>")
        parts.append("<div class=krs>")
        for kr in o.key_results:
            parts.append(_kr_card(review, kr))
        parts.append("</div></section>")
    r = review.rhythm
    h = review.hockey_stick
    hockey = (
        f"{t('hockey_share')} {h.last_part_starts.isoformat()}): {_pct(h.share)}"
        if h.evaluated
        else f"{t('not_evaluated')} ({e(h.not_evaluated_because)})"
    )
    parts += [
        f"<h2>{t('rhythm')}</h2><ul>",
        f"<li>{t('coverage')}: {r.periods_with_check_ins} / {r.periods} ({_pct(r.coverage)})</li>",
        f"<li>{t('gap')}: {r.longest_gap_days} {t('days')}</li>",
        f"<li>{t('streak')}: {r.current_streak}</li>",
        f"<li>{t('check_ins')}: {r.check_ins}</li></ul>",
        f"<h2>{t('hockey')}</h2><p>{hockey}</p>",
        f"<h2>{t('moved')}</h2>",
        _list(
            review,
            [
                f"{m.key_result}: {_n(review, m.previous_target)} → {_n(review, m.target)}, "
                f"{_day(m.effective_at)} ({m.by_name}): {m.reason}"
                for m in review.moved_goalposts
            ],
        ),
        f"<h2>{t('zombies')}</h2>",
        _list(
            review,
            [
                f"{z.key_result}: {_n(review, z.value)} × {z.check_ins} "
                f"({_day(z.since)} – {_day(z.until)})"
                for z in review.zombies
            ],
        ),
        f"<h2>{t('dropped')}</h2>",
        _list(
            review,
            [
                f"{d.title} ({_day(d.effective_at)}, {d.by_name}): {d.reason}"
                for d in review.dropped
            ],
        ),
        f"<h2>{t('reflections')}</h2>",
        _list(
            review,
            [
                f"{_t(review, key)}: {text}"
                for ref in review.reflections
                for key, text in (
                    ("keep", ref.keep_doing),
                    ("stop", ref.stop_doing),
                    ("start", ref.start_doing),
                    ("learnings", ref.learnings),
                )
                if text
            ],
        ),
        f"<h2>{t('suggestions')}</h2>",
        _list(review, review.suggestions),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _list(review: Review, items: list[str]) -> str:
    if not items:
        return f"<p>{escape(_t(review, 'none'))}</p>"
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


_W, _H, _PAD = 320, 140, 24


def _kr_card(review: Review, kr: KeyResultReview) -> str:
    status = kr.check_ins[-1].status if kr.check_ins else "none"
    head = (
        f"<div class='kr {escape(status)}'><h4>{escape(kr.title)}</h4>"
        f"<p>{escape(_n(review, kr.final_value))} / {escape(_n(review, kr.target))} "
        f"{escape(kr.unit)} · {_pct(kr.final_progress)}{escape(_confidence(review, kr))}</p>"
    )
    return head + _chart(review, kr) + "</div>"


def _confidence(review: Review, kr: KeyResultReview) -> str:
    """The confidence its check-ins gave, first to last (nothing when none gave one)."""
    trend = kr.confidence
    if trend.first is None or trend.last is None:
        return ""
    word = "tiltro" if review.language == "nb" else "confidence"
    shown = f"{trend.first} → {trend.last}" if trend.reported > 1 else f"{trend.last}"
    return f", {word} {shown}/10"


def _chart(review: Review, kr: KeyResultReview) -> str:
    """Progress (0–1) over the cycle's days, with the ideal pace from 0 to 1."""
    span = max(1, (review.end - review.start).days)

    def x(day: date) -> float:
        offset = min(max((day - review.start).days, 0), span)
        return round(_PAD + (_W - 2 * _PAD) * offset / span, 1)

    def y(share: float) -> float:
        return round(_H - _PAD - (_H - 2 * _PAD) * min(max(share, 0.0), 1.0), 1)

    points = [(x(c.at.date()), y(c.progress)) for c in kr.check_ins]
    path = " ".join(f"{px},{py}" for px, py in points)
    cut = x(review.hockey_stick.last_part_starts)
    ideal = escape(_t(review, "ideal"))
    dots = "".join(f"<circle cx='{px}' cy='{py}' r='2.5'/>" for px, py in points)
    line = f"<polyline class=actual points='{path}'/>" if len(points) > 1 else ""
    return (
        f"<svg viewBox='0 0 {_W} {_H}' width='{_W}' height='{_H}' role='img' "
        f"aria-label='{escape(kr.title)}'>"
        f"<rect class=frame x='{_PAD}' y='{_PAD}' width='{_W - 2 * _PAD}' "
        f"height='{_H - 2 * _PAD}'/>"
        f"<line class=part x1='{cut}' y1='{_PAD}' x2='{cut}' y2='{_H - _PAD}'/>"
        f"<line class=ideal x1='{x(review.start)}' y1='{y(0)}' x2='{x(review.end)}' "
        f"y2='{y(1)}'><title>{ideal}</title></line>"
        f"{line}{dots}"
        f"<text x='{_PAD}' y='{_H - 6}'>{review.start.isoformat()}</text>"
        f"<text x='{_W - _PAD}' y='{_H - 6}' text-anchor='end'>{review.end.isoformat()}</text>"
        f"<text x='4' y='{_PAD + 4}'>1</text><text x='4' y='{_H - _PAD}'>0</text>"
        "</svg>"
    )


_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1b1b1b;"
    "line-height:1.4;padding:0 1rem}h1{font-size:1.5rem}h2{margin-top:2rem;font-size:1.2rem;"
    "border-bottom:1px solid #ddd}.meta{color:#555}.flags li{margin:.3rem 0}"
    "code{background:#fde8e8;padding:0 .3rem;border-radius:3px}"
    ".krs{display:flex;flex-wrap:wrap;gap:1rem}.kr{border:1px solid #ddd;border-radius:6px;"
    "padding:.5rem;width:330px}.kr h4{margin:0;font-size:.95rem}.kr p{margin:.2rem 0;"
    "font-size:.85rem;color:#444}.kr.green{border-left:5px solid #2e7d32}"
    ".kr.yellow{border-left:5px solid #f9a825}.kr.red{border-left:5px solid #c62828}"
    "svg text{font-size:9px;fill:#666}.frame{fill:#fafafa;stroke:#ccc}"
    ".ideal{stroke:#999;stroke-dasharray:4 3}.part{stroke:#f3c4c4;stroke-width:1}"
    ".actual{fill:none;stroke:#1565c0;stroke-width:2}circle{fill:#1565c0}"
    ".note{font-style:italic;color:#555}small{color:#666;font-weight:normal}"
)
