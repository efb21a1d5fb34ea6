"""Sentences for cycles and a unit's cycle."""

from __future__ import annotations

from datetime import date

from okr_es.projections.sentences.words import (
    _say,
    quote,
)
from okr_es.vocabulary.days import day
from okr_es.vocabulary.language import Language


def cycle_defined(language: Language, actor: str, cycle: str, start: date, end: date) -> str:
    q = quote(cycle, language)
    span = f"{day(start, language)} – {day(end, language)}"
    return _say(
        language, f"{actor} la til perioden {q} ({span})", f"{actor} defined the cycle {q} ({span})"
    )


def cycle_renamed(language: Language, actor: str, old: str | None, new: str) -> str:
    o, n = quote(old, language), quote(new, language)
    return _say(
        language,
        f"{actor} ga perioden {o} det nye navnet {n}",
        f"{actor} renamed the cycle {o} to {n}",
    )


def team_cycle_opened(language: Language, actor: str, unit: str | None, cycle: str | None) -> str:
    u, c = quote(unit, language), quote(cycle, language)
    return _say(
        language, f"{actor} startet OKR-arbeidet i {u} for {c}", f"{actor} opened {c} for {u}"
    )


def objective_committed(
    language: Language, actor: str, unit: str | None, objective: str | None
) -> str:
    u = quote(unit, language)
    if not objective:
        # The objective is saved right after its unit's commitment; until then it has no name.
        return _say(
            language,
            f"{actor} forpliktet {u} til et nytt mål",
            f"{actor} committed {u} to a new objective",
        )
    o = quote(objective, language)
    return _say(
        language,
        f"{actor} forpliktet {u} til målet {o}",
        f"{actor} committed {u} to the objective {o}",
    )


def objective_withdrawn(
    language: Language, actor: str, unit: str | None, objective: str | None, reason: str
) -> str:
    u, o = quote(unit, language), quote(objective, language)
    return _say(
        language,
        f"{actor} tok målet {o} ut av settet til {u}",
        f"{actor} withdrew the objective {o} from the set of {u}",
        reason,
    )


def reflection_recorded(
    language: Language,
    actor: str,
    unit: str | None,
    cycle: str | None,
    keep_doing: str,
    stop_doing: str,
    start_doing: str,
    learnings: str,
) -> str:
    u, c = quote(unit, language), quote(cycle, language)
    # The learning is what a retrospective reader wants first; the rest stays in the review.
    detail = learnings or start_doing or stop_doing or keep_doing
    return _say(
        language,
        f"{actor} skrev refleksjonen til {u} for {c}",
        f"{actor} recorded the reflection of {u} on {c}",
        detail,
    )


def team_cycle_closed(
    language: Language, actor: str, unit: str | None, cycle: str | None, note: str
) -> str:
    u, c = quote(unit, language), quote(cycle, language)
    return _say(language, f"{actor} avsluttet {c} for {u}", f"{actor} closed {c} for {u}", note)
