"""The words a written review uses for codes the data keeps: flag codes, statuses, derived
states, units of measure, reasons and dates, in Norwegian bokmål or English.

The review's data keeps stable codes (``long-silence``, ``green``, ``percent``) so that
programs can read it; people reading the report see words in the report's language.
A unit of measure nobody listed here is what the team typed, and is shown as typed.
"""

from __future__ import annotations

from okr_es.vocabulary.days import day, short_day
from okr_es.vocabulary.language import Language

__all__ = ["day", "flag_name", "reason", "short_day", "state_word", "status_word", "unit_word"]

_FLAGS: dict[str, tuple[str, str]] = {
    "irregular-check-ins": ("Ujevne innsjekker", "Irregular check-ins"),
    "long-silence": ("Lang stillhet", "Long silence"),
    "hockey-stick": ("Hockeykølle", "Hockey stick"),
    "moved-goalposts": ("Flyttet mål", "Moved goalposts"),
    "zombie-key-result": ("Zombie-nøkkelresultat", "Zombie key result"),
    "sandbagging": ("Forsiktige mål", "Sandbagging"),
    "member-without-initiative": ("Medlem uten tiltak", "Member without an initiative"),
    "overdue-initiative": ("Tiltak over fristen", "Initiative past its due date"),
    "high-confidence-low-progress": ("Høy tiltro, lav fremdrift", "High confidence, low progress"),
    "low-confidence-on-pace": ("Lav tiltro, i rute", "Low confidence, on pace"),
    "low-confidence-target-met": ("Lav tiltro, mål nådd", "Low confidence, target met"),
}

# Objective lifecycle, check-in colours and the states derived from pace and staleness.
_STATUSES: dict[str, tuple[str, str]] = {
    "active": ("aktiv", "active"),
    "closed": ("avsluttet", "closed"),
    "dropped": ("droppet", "dropped"),
    "green": ("grønn", "green"),
    "yellow": ("gul", "yellow"),
    "red": ("rød", "red"),
}
_STATES: dict[str, tuple[str, str]] = {
    "on-track": ("i rute", "on track"),
    "at-risk": ("i fare", "at risk"),
    "behind": ("bak skjema", "behind"),
    "stale": ("ikke oppdatert", "stale"),
    "met": ("nådd", "met"),
    "not-met": ("ikke nådd", "not met"),
    "removed": ("fjernet", "removed"),
    "no-check-ins": ("ingen innsjekk", "no check-ins"),
}
# Why the hockey stick was not judged.
_REASONS: dict[str, tuple[str, str]] = {
    "cycle-not-there-yet": ("perioden er ikke kommet så langt ennå", "the cycle is not there yet"),
    "too-little-progress": ("for lite fremdrift til å vurdere", "too little progress to judge"),
    "no-key-results": ("ingen nøkkelresultater", "no key results"),
}
# Units teams commonly type, in either language; the key is the unit as typed, lowercased.
_UNITS: dict[str, tuple[str, str]] = {
    "percent": ("prosent", "percent"),
    "prosent": ("prosent", "percent"),
    "%": ("%", "%"),
    "days": ("dager", "days"),
    "dager": ("dager", "days"),
    "weeks": ("uker", "weeks"),
    "uker": ("uker", "weeks"),
    "hours": ("timer", "hours"),
    "timer": ("timer", "hours"),
    "minutes": ("minutter", "minutes"),
    "minutter": ("minutter", "minutes"),
    "count": ("antall", "count"),
    "antall": ("antall", "count"),
    "score": ("poeng", "score"),
    "points": ("poeng", "points"),
    "poeng": ("poeng", "points"),
    "users": ("brukere", "users"),
    "brukere": ("brukere", "users"),
    "cases": ("saker", "cases"),
    "saker": ("saker", "cases"),
}


def _pick(table: dict[str, tuple[str, str]], code: str, language: Language) -> str:
    nb, en = table.get(code, (code, code))
    return nb if language == "nb" else en


def flag_name(code: str, language: Language) -> str:
    """A finding's name, e.g. ``long-silence`` → "Lang stillhet"."""
    return _pick(_FLAGS, code, language)


def status_word(code: str, language: Language) -> str:
    """An objective's lifecycle status or a check-in's colour as a word."""
    return _pick(_STATUSES, code, language)


def state_word(code: str, language: Language) -> str:
    """A key result's derived state (pace, staleness, met or not) as a word."""
    return _pick(_STATES, code, language)


def reason(code: str, language: Language) -> str:
    """Why the hockey stick was not judged, in words."""
    return _pick(_REASONS, code, language)


def unit_word(unit: str, language: Language) -> str:
    """A unit of measure in the report's language; one nobody listed stays as typed."""
    words = _UNITS.get(unit.strip().casefold())
    if words is None:
        return unit
    return words[0] if language == "nb" else words[1]
