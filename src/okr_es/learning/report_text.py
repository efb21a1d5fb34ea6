"""What both written forms of a review share: their labels in the review's language, and
how numbers, shares and the confidence trend are written."""

from __future__ import annotations

from okr_es.learning.review_result import KeyResultReview, Review
from okr_es.projections.sentences import number

__all__ = ["confidence", "label", "n", "pct"]

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
    "meetings": ("Ukentlige møter", "Weekly meetings"),
    "keep": ("Fortsette med", "Keep doing"),
    "stop": ("Slutte med", "Stop doing"),
    "start": ("Starte med", "Start doing"),
    "learnings": ("Lærdom", "Learnings"),
    "suggestions": ("Forslag til neste periode", "Suggestions for the next cycle"),
    "none": ("Ingen.", "None."),
    "sandbagging": ("Høy score på rad", "High score in a row"),
    "transitions": ("statusendringer", "status changes"),
    "reported": ("rapportert status", "reported status"),
}


def label(review: Review, key: str) -> str:
    """A label of the report in the review's language."""
    nb, en = _LABELS[key]
    return nb if review.language == "nb" else en


def n(review: Review, value: float | None) -> str:
    """A number as the review's language writes it."""
    return number(None if value is None else round(value, 2), review.language)


def pct(value: float | None) -> str:
    """A share as a whole percentage, or a dash for none."""
    return "–" if value is None else f"{round(value * 100)} %"


def confidence(review: Review, kr: KeyResultReview) -> str:
    """The confidence its check-ins gave, first to last (nothing when none gave one)."""
    trend = kr.confidence
    if trend.first is None or trend.last is None:
        return ""
    word = "tiltro" if review.language == "nb" else "confidence"
    shown = f"{trend.first} → {trend.last}" if trend.reported > 1 else f"{trend.last}"
    return f", {word} {shown}/10"
