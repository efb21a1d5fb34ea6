"""A learning review as one self-contained HTML page, or as one section of a page.

The page works offline and alone: inline CSS, inline SVG charts (see ``charts.py``), no
scripts, no fonts, no links to anything. Every word is in the review's language: flag
codes, statuses, units and dates are said, not printed as codes. Whatever people wrote
(titles, reasons, reflections, names) is escaped, so it shows as written and can neither
break the layout nor bring in markup.
"""

from __future__ import annotations

from html import escape

from okr_es.learning.charts import badge, key_result_chart, key_result_state
from okr_es.learning.report_text import confidence, label, n, pct
from okr_es.learning.report_words import day, flag_name, reason, status_word, unit_word
from okr_es.learning.review_meetings import meeting_lines
from okr_es.learning.review_result import KeyResultReview, Review

__all__ = ["CSS", "page", "review_html", "review_section"]


def review_html(review: Review) -> str:
    """The review as one self-contained, offline HTML page with inline SVG charts."""
    title = f"{label(review, 'title')}: {review.unit} – {review.cycle}"
    return page(title, review.language, review_section(review))


def page(title: str, language: str, body: str, script: str = "") -> str:
    """A whole HTML document around ``body``: inline style, and ``script`` inline if any."""
    tail = f"<script>{script}</script>" if script else ""
    return (
        "<!doctype html>\n"
        f'<html lang="{"nb" if language == "nb" else "en"}"><head><meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style></head><body>\n"
        f"{body}{tail}</body></html>\n"
    )


def review_section(review: Review, *, top: int = 1, anchor: str = "") -> str:
    """The review's content; its headings start at ``h{top}`` (a portfolio page nests
    each team's review under its own heading)."""

    def t(key: str) -> str:
        return escape(label(review, key))

    def h(level: int, text: str) -> str:
        return f"<h{top + level}>{text}</h{top + level}>"

    e, lang = escape, review.language
    state = t("finished") if review.finished else t("running")
    ident = f" id='{e(anchor)}'" if anchor else ""
    parts = [
        f"<section class=review lang='{lang}'{ident}>",
        h(0, f"{t('title')}: {e(review.unit)} – {e(review.cycle)}"),
        f"<p class=meta>{t('period')} {day(review.start, lang)} – {day(review.end, lang)}, "
        f"{t('as_of')} {day(review.as_of, lang)} ({state}). "
        f"{t('score')}: <b>{e(n(review, review.score))}</b></p>",
        h(1, t("findings")),
    ]
    if review.flags:
        parts.append("<ul class=flags>")
        parts += [
            f"<li data-code='{e(f.code)}'><b>{e(flag_name(f.code, lang))}</b>: {e(f.message)}</li>"
            for f in review.flags
        ]
        parts.append("</ul>")
    else:
        parts.append(f"<p>{t('no_findings')}</p>")
    parts.append(h(1, t("objectives")))
    for o in review.objectives:
        parts.append(
            f"<section>{h(2, e(o.title))}<p class=sub>{e(status_word(o.status, lang))}, "
            f"{t('score').lower()} {e(n(review, o.score))}</p>"
        )
        if o.note:
            parts.append(f"<p class=note>{e(o.note)}</p>")
        parts.append("<div class=krs>")
        parts += [_kr_card(review, kr, top + 3) for kr in o.key_results]
        parts.append("</div></section>")
    r, hs = review.rhythm, review.hockey_stick
    hockey = (
        f"{t('hockey_share')} {day(hs.last_part_starts, lang)}): {pct(hs.share)}"
        if hs.evaluated
        else f"{t('not_evaluated')} ({e(reason(hs.not_evaluated_because, lang))})"
    )
    parts += [
        h(1, t("rhythm")),
        f"<ul><li>{t('coverage')}: {r.periods_with_check_ins} / {r.periods} "
        f"({pct(r.coverage)})</li>",
        f"<li>{t('gap')}: {r.longest_gap_days} {t('days')}</li>",
        f"<li>{t('streak')}: {r.current_streak}</li>",
        f"<li>{t('check_ins')}: {r.check_ins}</li></ul>",
        h(1, t("hockey")),
        f"<p>{hockey}</p>",
        h(1, t("moved")),
        _list(
            review,
            [
                f"{m.key_result}: {n(review, m.previous_target)} → {n(review, m.target)}, "
                f"{day(m.effective_at.date(), lang)} ({m.by_name}): {m.reason}"
                for m in review.moved_goalposts
            ],
        ),
        h(1, t("zombies")),
        _list(
            review,
            [
                f"{z.key_result}: {n(review, z.value)} × {z.check_ins} "
                f"({day(z.since.date(), lang)} – {day(z.until.date(), lang)})"
                for z in review.zombies
            ],
        ),
        h(1, t("dropped")),
        _list(
            review,
            [
                f"{d.title} ({day(d.effective_at.date(), lang)}, {d.by_name}): {d.reason}"
                for d in review.dropped
            ],
        ),
        *(
            [h(1, t("meetings")), _list(review, meeting_lines(review.meetings, lang))]
            if review.meetings.meetings
            else []
        ),
        h(1, t("reflections")),
        _list(
            review,
            [
                f"{label(review, key)}: {text}"
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
        h(1, t("suggestions")),
        _list(review, review.suggestions),
        "</section>\n",
    ]
    return "\n".join(parts)


def _list(review: Review, items: list[str]) -> str:
    if not items:
        return f"<p>{escape(label(review, 'none'))}</p>"
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def _kr_card(review: Review, kr: KeyResultReview, level: int) -> str:
    lang = review.language
    state = key_result_state(kr, review.start, review.end, review.as_of)
    stale = " stale" if state.stale else ""
    status = kr.check_ins[-1].status if kr.check_ins else ""
    reported = (
        f"<p class=sub>{escape(label(review, 'reported'))}: {escape(status_word(status, lang))}</p>"
        if status
        else ""
    )
    heading = min(level, 6)
    chart = key_result_chart(
        kr,
        start=review.start,
        end=review.end,
        as_of=review.as_of,
        language=lang,
        last_part_starts=review.hockey_stick.last_part_starts,
    )
    return (
        f"<div class='kr{stale}' data-state='{state.pace}' data-stale='{str(state.stale).lower()}' "
        f"style='border-left-color:{state.colour}'>"
        f"<h{heading}>{escape(kr.title)}</h{heading}>{badge(state, lang)}"
        f"<p>{escape(n(review, kr.final_value))} / {escape(n(review, kr.target))} "
        f"{escape(unit_word(kr.unit, lang))} · {pct(kr.final_progress)}"
        f"{escape(confidence(review, kr))}</p>{reported}{chart}</div>"
    )


CSS = (
    "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:64rem;color:#1b1b1b;"
    "line-height:1.4;padding:0 1rem}h1{font-size:1.5rem}h2{margin-top:2rem;font-size:1.2rem;"
    "border-bottom:1px solid #ddd}.meta,.sub{color:#555}.flags li{margin:.3rem 0}"
    ".krs{display:flex;flex-wrap:wrap;gap:1rem}.kr{border:1px solid #ddd;border-left:6px solid;"
    "border-radius:6px;padding:.5rem;width:390px}.kr.stale{border-left-style:dashed}"
    ".kr h4,.kr h5,.kr h6{margin:0;font-size:.95rem}.kr p{margin:.2rem 0;font-size:.85rem;"
    "color:#444}.badge{display:inline-block;font-size:.75rem;border:1px solid;border-radius:9px;"
    "padding:0 .4rem;margin:.2rem 0;background:#fff}.badge.stale{border-style:dashed}"
    ".note{font-style:italic;color:#555}table{border-collapse:collapse;width:100%}"
    "th,td{border-bottom:1px solid #e0e0e0;padding:.3rem .5rem;text-align:left;"
    "vertical-align:middle}th button{font:inherit;font-weight:600;background:none;border:0;"
    "padding:0;cursor:pointer}th[aria-sort=ascending] button::after{content:' ▲'}"
    "th[aria-sort=descending] button::after{content:' ▼'}td.num{text-align:right}"
)
