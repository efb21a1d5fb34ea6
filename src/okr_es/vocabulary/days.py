"""Days as people write them, in Norwegian bokmål or English: for reports, charts and the
change timeline's sentences alike."""

from __future__ import annotations

from datetime import date

from okr_es.vocabulary.language import Language

_MONTHS_NB = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_SHORT_NB = [
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "mai",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "okt.",
    "nov.",
    "des.",
]


def month_name(month: int, language: Language) -> str:
    """A month's name (1 is January) as written inside a sentence: "desember", "December"."""
    return (_MONTHS_NB if language == "nb" else _MONTHS_EN)[month - 1]


def day(moment: date, language: Language) -> str:
    """A day as people write it: "7. desember 2026" or "7 December 2026"."""
    if language == "nb":
        return f"{moment.day}. {_MONTHS_NB[moment.month - 1]} {moment.year}"
    return f"{moment.day} {_MONTHS_EN[moment.month - 1]} {moment.year}"


def short_day(moment: date, language: Language) -> str:
    """A day without its year, for a chart's axis: "7. des." or "7 Dec"."""
    if language == "nb":
        return f"{moment.day}. {_SHORT_NB[moment.month - 1]}"
    return f"{moment.day} {_MONTHS_EN[moment.month - 1][:3]}"
