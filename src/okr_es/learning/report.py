"""A learning review as Markdown or as one self-contained HTML file.

Both renderers are pure functions of a `Review`, in the review's language: flag codes,
statuses, units and dates are said in words (``report_words.py``), not printed as codes.
The HTML page (``report_html.py``) works offline and alone, with inline SVG charts
(``charts.py``); the portfolio page of every unit's review is ``portfolio.py``. Whatever
people wrote (titles, reasons, reflections, names) is escaped in both, so it shows as
written and can neither break the layout nor bring in markup.
"""

from __future__ import annotations

from okr_es.learning.report_html import review_html
from okr_es.learning.report_text import confidence, label, n, pct
from okr_es.learning.report_words import day, flag_name, reason, status_word, unit_word
from okr_es.learning.review_meetings import meeting_lines
from okr_es.learning.review_result import Review

__all__ = ["markdown_text", "no_reviews_markdown", "review_html", "review_markdown"]

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
        return label(review, key)

    m = markdown_text
    lang = review.language

    state = t("finished") if review.finished else t("running")
    out = [
        f"# {t('title')}: {m(review.unit)} – {m(review.cycle)}",
        "",
        f"{t('period')} {day(review.start, lang)} – {day(review.end, lang)}, "
        f"{t('as_of')} {day(review.as_of, lang)} ({state}). "
        f"{t('score')}: {n(review, review.score)}",
        "",
        f"## {t('findings')}",
        "",
    ]
    out += [f"- **{m(flag_name(f.code, lang))}**: {m(f.message)}" for f in review.flags] or [
        t("no_findings")
    ]
    out += ["", f"## {t('objectives')}", ""]
    for o in review.objectives:
        out.append(
            f"### {m(o.title)} ({m(status_word(o.status, lang))}, {t('score').lower()} "
            f"{n(review, o.score)})"
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
            status = status_word(kr.check_ins[-1].status, lang) if kr.check_ins else "–"
            status += confidence(review, kr)
            moves = " → ".join(m(status_word(tr.to_status, lang)) for tr in kr.transitions) or "–"
            title = f"~~{m(kr.title)}~~" if kr.removed else m(kr.title)
            out.append(
                f"| {title} | {m(status)} | {n(review, kr.final_value)} | "
                f"{n(review, kr.target)} {m(unit_word(kr.unit, lang))} | "
                f"{pct(kr.final_progress)} | "
                f"{n(review, kr.score)} | {moves} |"
            )
        out.append("")
    r = review.rhythm
    out += [
        f"## {t('rhythm')}",
        "",
        f"- {t('coverage')}: {r.periods_with_check_ins} / {r.periods} ({pct(r.coverage)})",
        f"- {t('gap')}: {r.longest_gap_days} {t('days')}",
        f"- {t('streak')}: {r.current_streak}",
        f"- {t('check_ins')}: {r.check_ins}",
        "",
        f"## {t('hockey')}",
        "",
    ]
    h = review.hockey_stick
    if h.evaluated:
        out.append(f"- {t('hockey_share')} {day(h.last_part_starts, lang)}): {pct(h.share)}")
    else:
        out.append(f"- {t('not_evaluated')} ({m(reason(h.not_evaluated_because, lang))})")
    out += ["", f"## {t('moved')}", ""]
    out += [
        f"- {m(g.key_result)}: {n(review, g.previous_target)} → {n(review, g.target)}, "
        f"{day(g.effective_at.date(), lang)} ({m(g.by_name)}; "
        f"{day(g.recorded_at.date(), lang)}): {m(g.reason)}"
        for g in review.moved_goalposts
    ] or [t("none")]
    out += ["", f"## {t('zombies')}", ""]
    out += [
        f"- {m(z.key_result)}: {n(review, z.value)} × {z.check_ins} "
        f"({day(z.since.date(), lang)} – {day(z.until.date(), lang)})"
        for z in review.zombies
    ] or [t("none")]
    out += ["", f"## {t('dropped')}", ""]
    out += [
        f"- {m(d.title)} ({day(d.effective_at.date(), lang)}, {m(d.by_name)}): {m(d.reason)}"
        for d in review.dropped
    ] or [t("none")]
    if review.meetings.meetings:
        out += ["", f"## {t('meetings')}", ""]
        out += [f"- {m(line)}" for line in meeting_lines(review.meetings, lang)]
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
