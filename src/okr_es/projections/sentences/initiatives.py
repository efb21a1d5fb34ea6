"""Sentences for initiatives."""

from __future__ import annotations

from datetime import date

from okr_es.projections.sentences.words import (
    _say,
    number,
    quote,
    who,
)
from okr_es.vocabulary.days import day
from okr_es.vocabulary.language import Language


def initiative_started(language: Language, actor: str, initiative: str, owner: str | None) -> str:
    i = quote(initiative, language)
    if not owner or owner == actor:
        return _say(
            language, f"{actor} startet tiltaket {i}", f"{actor} started the initiative {i}"
        )
    return _say(
        language,
        f"{actor} startet tiltaket {i} med {owner} som eier",
        f"{actor} started the initiative {i}, owned by {owner}",
    )


def initiative_linked(
    language: Language, actor: str, initiative: str | None, key_result: str | None
) -> str:
    i, k = quote(initiative, language), quote(key_result, language)
    return _say(
        language,
        f"{actor} koblet tiltaket {i} til {k}",
        f"{actor} linked the initiative {i} to {k}",
    )


def initiative_progressed(
    language: Language, actor: str, initiative: str | None, percent: float, note: str
) -> str:
    i, p = quote(initiative, language), number(percent, language)
    return _say(
        language,
        f"{actor} meldte at tiltaket {i} er {p} % ferdig",
        f"{actor} reported the initiative {i} {p} % complete",
        note,
    )


def initiative_completed(language: Language, actor: str, initiative: str | None, note: str) -> str:
    i = quote(initiative, language)
    return _say(
        language, f"{actor} fullførte tiltaket {i}", f"{actor} completed the initiative {i}", note
    )


def initiative_stopped(language: Language, actor: str, initiative: str | None, reason: str) -> str:
    i = quote(initiative, language)
    return _say(
        language, f"{actor} stoppet tiltaket {i}", f"{actor} stopped the initiative {i}", reason
    )


def initiative_owner_changed(
    language: Language, actor: str, initiative: str | None, owner: str | None
) -> str:
    i, name = quote(initiative, language), who(owner, language)
    return _say(
        language,
        f"{actor} gjorde {name} til eier av tiltaket {i}",
        f"{actor} made {name} the owner of the initiative {i}",
    )


def initiative_due_date_changed(
    language: Language, actor: str, initiative: str | None, due_on: date | None
) -> str:
    i = quote(initiative, language)
    if due_on is None:
        return _say(
            language,
            f"{actor} fjernet fristen for tiltaket {i}",
            f"{actor} took away the due date of the initiative {i}",
        )
    when = day(due_on, language)
    return _say(
        language,
        f"{actor} satte fristen for tiltaket {i} til {when}",
        f"{actor} set the initiative {i} due on {when}",
    )
