"""Sentences for weekly progress meetings (fremdriftsmøter)."""

from __future__ import annotations

from okr_es.projections.sentences.words import _STATUS, _say, number, quote
from okr_es.vocabulary.language import Language


def _meeting(day: str | None, language: Language) -> str:
    if language == "nb":
        return f"fremdriftsmøtet {day}" if day else "fremdriftsmøtet"
    return f"the progress meeting of {day}" if day else "the progress meeting"


def meeting_opened(language: Language, actor: str, day: str, unit: str | None) -> str:
    m, u = _meeting(day, language), quote(unit, language)
    return _say(language, f"{actor} åpnet {m} i {u}", f"{actor} opened {m} in {u}")


def good_news_shared(language: Language, actor: str, day: str | None, text: str) -> str:
    m = _meeting(day, language)
    return _say(
        language, f"{actor} delte en god nyhet i {m}", f"{actor} shared good news in {m}", text
    )


def decision_recorded(
    language: Language, actor: str, day: str | None, text: str, key_results: list[str]
) -> str:
    m = _meeting(day, language)
    cited = ", ".join(quote(k, language) for k in key_results)
    if cited:
        return _say(
            language,
            f"{actor} noterte en beslutning i {m} om {cited}",
            f"{actor} recorded a decision in {m} on {cited}",
            text,
        )
    return _say(
        language,
        f"{actor} noterte en beslutning i {m}",
        f"{actor} recorded a decision in {m}",
        text,
    )


def priority_agreed(
    language: Language, actor: str, day: str | None, text: str, owner: str | None, due: str
) -> str:
    m, p, o = _meeting(day, language), quote(text, language), owner or "?"
    return _say(
        language,
        f"{actor} avtalte prioriteringen {p} i {m}, ansvarlig {o}, frist {due}",
        f"{actor} agreed the priority {p} in {m}, owned by {o}, due {due}",
    )


def priority_completed(language: Language, actor: str, text: str | None, note: str) -> str:
    p = quote(text, language)
    return _say(
        language,
        f"{actor} meldte prioriteringen {p} som gjort",
        f"{actor} marked the priority {p} done",
        note,
    )


def blocker_raised(language: Language, actor: str, day: str | None, text: str) -> str:
    m = _meeting(day, language)
    return _say(
        language, f"{actor} meldte et hinder i {m}", f"{actor} raised a blocker in {m}", text
    )


def blocker_resolved(language: Language, actor: str, text: str | None, resolution: str) -> str:
    b = quote(text, language)
    return _say(
        language, f"{actor} løste hinderet {b}", f"{actor} resolved the blocker {b}", resolution
    )


def meeting_check_in_linked(
    language: Language,
    actor: str,
    day: str | None,
    key_result: str | None,
    value: float,
    status: str,
) -> str:
    m, k = _meeting(day, language), quote(key_result, language)
    shown = f"{number(value, language)} ({_STATUS[language].get(status, status)})"
    return _say(
        language,
        f"{actor} sjekket inn {k} i {m}: {shown}",
        f"{actor} checked in {k} in {m}: {shown}",
    )


def meeting_closed(
    language: Language, actor: str, day: str | None, attendees: int, note: str
) -> str:
    m = _meeting(day, language)
    people = (
        f"{attendees} deltaker" + ("e" if attendees != 1 else "")
        if language == "nb"
        else f"{attendees} attendee" + ("s" if attendees != 1 else "")
    )
    return _say(
        language,
        f"{actor} avsluttet {m} med {people}",
        f"{actor} closed {m} with {people}",
        note,
    )
