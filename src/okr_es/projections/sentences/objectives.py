"""Sentences for objectives, their key results and check-ins."""

from __future__ import annotations

from okr_es.projections.sentences.words import (
    _STATUS,
    _say,
    number,
    quote,
    who,
)
from okr_es.vocabulary.language import Language


def objective_set(
    language: Language, actor: str, objective: str, why: str, carry_over_reason: str = ""
) -> str:
    o = quote(objective, language)
    if carry_over_reason:
        return _say(
            language,
            f"{actor} videreførte målet {o}",
            f"{actor} carried over the objective {o}",
            carry_over_reason,
        )
    return _say(language, f"{actor} satte målet {o}", f"{actor} set the objective {o}", why)


def objective_reworded(language: Language, actor: str, old: str | None, new: str, why: str) -> str:
    if old == new:
        o = quote(new, language)
        return _say(
            language,
            f"{actor} skrev om begrunnelsen for {o}",
            f"{actor} rewrote the why of {o}",
            why,
        )
    o, n = quote(old, language), quote(new, language)
    return _say(
        language,
        f"{actor} omformulerte målet {o} til {n}",
        f"{actor} reworded the objective {o} as {n}",
    )


def owner_changed(language: Language, actor: str, objective: str | None, owner: str | None) -> str:
    o, name = quote(objective, language), who(owner, language)
    return _say(
        language, f"{actor} gjorde {name} til eier av {o}", f"{actor} made {name} the owner of {o}"
    )


def objective_aligned(
    language: Language, actor: str, objective: str | None, parent: str | None
) -> str:
    o, p = quote(objective, language), quote(parent, language)
    return _say(language, f"{actor} koblet {o} til {p}", f"{actor} aligned {o} with {p}")


def key_result_added(language: Language, actor: str, objective: str | None, key_result: str) -> str:
    o, k = quote(objective, language), quote(key_result, language)
    return _say(
        language,
        f"{actor} la til nøkkelresultatet {k} i {o}",
        f"{actor} added the key result {k} to {o}",
    )


def key_result_adjusted(
    language: Language,
    actor: str,
    old_title: str | None,
    title: str,
    previous_start: float | None,
    start: float | None,
    previous_target: float | None,
    target: float | None,
    easier: bool,
    reason: str,
) -> str:
    """The most telling change first: a new target, then a new start, then new wording."""
    k = quote(title, language)
    if previous_target != target:
        frm, to = number(previous_target, language), number(target, language)
        nb_verb, en_verb = ("senket", "lowered") if easier else ("hevet", "raised")
        return _say(
            language,
            f"{actor} {nb_verb} målet for {k} fra {frm} til {to}",
            f"{actor} {en_verb} the target of {k} from {frm} to {to}",
            reason,
        )
    if previous_start != start:
        frm, to = number(previous_start, language), number(start, language)
        return _say(
            language,
            f"{actor} endret startverdien for {k} fra {frm} til {to}",
            f"{actor} changed the start of {k} from {frm} to {to}",
            reason,
        )
    if old_title and old_title != title:
        o = quote(old_title, language)
        return _say(
            language,
            f"{actor} omformulerte nøkkelresultatet {o} til {k}",
            f"{actor} reworded the key result {o} as {k}",
            reason,
        )
    return _say(language, f"{actor} justerte {k}", f"{actor} adjusted {k}", reason)


def key_result_removed(
    language: Language, actor: str, objective: str | None, key_result: str | None, reason: str
) -> str:
    o, k = quote(objective, language), quote(key_result, language)
    return _say(
        language,
        f"{actor} fjernet nøkkelresultatet {k} fra {o}",
        f"{actor} removed the key result {k} from {o}",
        reason,
    )


def check_in_made(
    language: Language,
    actor: str,
    key_result: str | None,
    value: float,
    status: str,
    comment: str,
    blockers: str,
    milestone: bool = False,
    confidence: int | None = None,
) -> str:
    k = quote(key_result, language)
    if milestone:
        done = value >= 1.0
        shown = (
            ("fullført" if done else "ikke fullført")
            if language == "nb"
            else ("done" if done else "not done")
        )
    else:
        shown = number(value, language)
    colour = _STATUS[language].get(status, status)
    if confidence is not None:  # "tiltro": the belief that the key result will be met
        word = "tiltro" if language == "nb" else "confidence"
        colour += f", {word} {confidence}/10"
    main = _say(
        language, f"{actor} sjekket inn {k}", f"{actor} checked in {k}", f"{shown} ({colour})"
    )
    if comment.strip():
        main += f" – «{' '.join(comment.split())}»"
    if blockers.strip():
        label = "Hindringer" if language == "nb" else "Blockers"
        main += f". {label}: {' '.join(blockers.split())}"
    return main


def objective_dropped(language: Language, actor: str, objective: str | None, reason: str) -> str:
    o = quote(objective, language)
    return _say(
        language, f"{actor} droppet målet {o}", f"{actor} dropped the objective {o}", reason
    )


def objective_closed(
    language: Language, actor: str, objective: str | None, score: float | None, note: str
) -> str:
    o = quote(objective, language)
    if score is None:
        return _say(
            language, f"{actor} lukket målet {o}", f"{actor} closed the objective {o}", note
        )
    s = number(round(score, 2), language)
    return _say(
        language,
        f"{actor} lukket målet {o} med score {s}",
        f"{actor} closed the objective {o} with a score of {s}",
        note,
    )


def objective_reopened(language: Language, actor: str, objective: str | None, reason: str) -> str:
    o = quote(objective, language)
    return _say(
        language, f"{actor} gjenåpnet målet {o}", f"{actor} reopened the objective {o}", reason
    )


_ROLL_UP_WORDS = {
    "key_results": ("nøkkelresultatene", "its key results"),
    "key_results_and_children": (
        "nøkkelresultatene og målene som er koblet til det",
        "its key results and the objectives aligned to it",
    ),
    "children": ("målene som er koblet til det", "the objectives aligned to it"),
}


def key_result_weighted(
    language: Language, actor: str, objective: str | None, key_result: str | None, weight: float
) -> str:
    o, k, w = quote(objective, language), quote(key_result, language), number(weight, language)
    return _say(
        language,
        f"{actor} ga {k} vekten {w} i {o}",
        f"{actor} gave {k} a weight of {w} in {o}",
    )


def roll_up_mode_changed(language: Language, actor: str, objective: str | None, mode: str) -> str:
    o = quote(objective, language)
    nb, en = _ROLL_UP_WORDS.get(mode, (mode, mode))
    return _say(
        language,
        f"{actor} lot fremdriften i {o} regnes ut fra {nb}",
        f"{actor} made the progress of {o} count {en}",
    )
