"""The findings a review flags and what it suggests for the next cycle, in the review's
language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from okr_es.learning import report_words
from okr_es.learning.initiative_ownership import CODE as WITHOUT_INITIATIVE
from okr_es.learning.initiative_ownership import OVERDUE_CODE, RosterMember
from okr_es.learning.review_policy import ReviewPolicy
from okr_es.learning.review_result import (
    ConfidenceSignal,
    DroppedObjective,
    Flag,
    HockeyStick,
    MovedGoalpost,
    Reflection,
    Rhythm,
    Sandbagging,
    Zombie,
)
from okr_es.projections.sentences import number, quote
from okr_es.vocabulary.language import Language

# --- findings and suggestions, in the review's language -----------------------------------


class _Words:
    def __init__(self, language: Language) -> None:
        self.language = language

    def say(self, nb: str, en: str) -> str:
        return nb if self.language == "nb" else en

    def num(self, value: float | None) -> str:
        return number(value, self.language)

    def pct(self, share: float) -> str:
        return f"{round(share * 100)} %"

    def q(self, title: str) -> str:
        return quote(title, self.language)

    def day(self, moment: date) -> str:
        return report_words.day(moment, self.language)


def _flags(
    w: _Words,
    policy: ReviewPolicy,
    rhythm: Rhythm,
    hockey: HockeyStick,
    moved: Sequence[MovedGoalpost],
    zombies: Sequence[Zombie],
    sandbagging: Sandbagging,
    confidence: Sequence[ConfidenceSignal] = (),
) -> list[Flag]:
    flags: list[Flag] = []
    if rhythm.coverage < policy.min_coverage:
        flags.append(
            Flag(
                "irregular-check-ins",
                w.say(
                    f"Det ble sjekket inn i {rhythm.periods_with_check_ins} av {rhythm.periods} "
                    f"perioder på {rhythm.interval_days} dager ({w.pct(rhythm.coverage)}).",
                    f"Check-ins happened in {rhythm.periods_with_check_ins} of {rhythm.periods} "
                    f"{rhythm.interval_days}-day periods ({w.pct(rhythm.coverage)}).",
                ),
            )
        )
    if rhythm.longest_gap_days > policy.max_gap_days:
        flags.append(
            Flag(
                "long-silence",
                w.say(
                    f"Det lengste oppholdet uten innsjekk var {rhythm.longest_gap_days} dager.",
                    f"The longest stretch without a check-in was {rhythm.longest_gap_days} days.",
                ),
            )
        )
    if hockey.flagged and hockey.share is not None:
        flags.append(
            Flag(
                "hockey-stick",
                w.say(
                    f"{w.pct(hockey.share)} av fremdriften ble rapportert i siste del av "
                    f"perioden (fra {w.day(hockey.last_part_starts)}).",
                    f"{w.pct(hockey.share)} of the progress was reported in the last part of "
                    f"the cycle (from {w.day(hockey.last_part_starts)}).",
                ),
            )
        )
    if policy.flag_moved_goalposts:
        for m in moved:
            who = m.by_name or w.say("noen", "someone")
            day = w.day(m.effective_at.date())
            flags.append(
                Flag(
                    "moved-goalposts",
                    w.say(
                        f"Målet for {w.q(m.key_result)} ble senket fra {w.num(m.previous_target)} "
                        f"til {w.num(m.target)} av {who} ({day}): {m.reason}",
                        f"The target of {w.q(m.key_result)} was lowered from "
                        f"{w.num(m.previous_target)} to {w.num(m.target)} by {who} ({day}): "
                        f"{m.reason}",
                    ),
                    m.objective_id,
                    m.key_result_id,
                )
            )
    for z in zombies:
        flags.append(
            Flag(
                "zombie-key-result",
                w.say(
                    f"{w.q(z.key_result)} ble rapportert grønn {z.check_ins} ganger på rad "
                    f"uten at verdien ({w.num(z.value)}) endret seg.",
                    f"{w.q(z.key_result)} was reported green {z.check_ins} times in a row "
                    f"while its value ({w.num(z.value)}) did not move.",
                ),
                z.objective_id,
                z.key_result_id,
            )
        )
    if sandbagging.flagged and sandbagging.score is not None:
        flags.append(
            Flag(
                "sandbagging",
                w.say(
                    f"Scoren var {w.num(round(sandbagging.score, 2))}, og minst "
                    f"{w.num(policy.sandbagging_score)} i {sandbagging.streak} perioder på rad.",
                    f"The score was {w.num(round(sandbagging.score, 2))}, and at least "
                    f"{w.num(policy.sandbagging_score)} for {sandbagging.streak} cycles in a row.",
                ),
            )
        )
    flags += [_confidence_flag(w, c) for c in confidence]
    return [f for f in flags if f.code not in policy.disabled]


def _ownership_flags(
    w: _Words, policy: ReviewPolicy, without: Sequence[RosterMember]
) -> list[Flag]:
    if WITHOUT_INITIATIVE in policy.disabled:
        return []
    return [
        Flag(
            WITHOUT_INITIATIVE,
            w.say(
                f"{m.name} eier ingen av tiltakene som skal flytte enhetens nøkkelresultater "
                "i denne perioden.",
                f"{m.name} owns none of the initiatives meant to move the unit's key results "
                "this cycle.",
            ),
            member_id=m.id,
        )
        for m in without
    ]


def _overdue_flags(w: _Words, policy: ReviewPolicy, overdue: Sequence[Any]) -> list[Flag]:
    """``overdue``: :class:`~okr_es.learning.review_findings.OverdueInitiative` items."""
    if OVERDUE_CODE in policy.disabled:
        return []
    return [
        Flag(
            OVERDUE_CODE,
            w.say(
                f"Tiltaket {w.q(o.initiative.title)} skulle vært ferdig "
                f"{o.initiative.due_on.isoformat()}, og {w.q(o.key_result)} ligger langt "
                f"bak ({w.pct(o.progress)} mot {w.pct(o.elapsed)} av tiden).",
                f"The initiative {w.q(o.initiative.title)} was due on "
                f"{o.initiative.due_on.isoformat()}, and {w.q(o.key_result)} is well behind "
                f"({w.pct(o.progress)} against {w.pct(o.elapsed)} of the time).",
            ),
            objective_id=o.objective_id,
            key_result_id=o.key_result_id,
        )
        for o in overdue
    ]


def _confidence_flag(w: _Words, c: ConfidenceSignal) -> Flag:
    k, said = w.q(c.key_result), ", ".join(map(str, c.confidences))
    n, done, passed = len(c.confidences), w.pct(c.progress), w.pct(c.elapsed)
    if c.code == "high-confidence-low-progress":
        message = w.say(
            f"{k} ble meldt med tiltro {said} (av 10) de siste {n} innsjekkene, men "
            f"fremdriften ({done}) lå langt bak tiden som var gått ({passed}).",
            f"{k} was reported with confidence {said} (of 10) at the last {n} check-ins, but "
            f"its progress ({done}) was well behind the time passed ({passed}).",
        )
    elif c.code == "low-confidence-on-pace":
        message = w.say(
            f"{k} ble meldt med lav tiltro ({said} av 10) de siste {n} innsjekkene, selv om "
            f"fremdriften ({done}) var i rute eller foran ({passed} av tiden var gått).",
            f"{k} was reported with low confidence ({said} of 10) at the last {n} check-ins, "
            f"although its progress ({done}) was on or ahead of pace ({passed} of the time "
            "had passed).",
        )
    else:
        message = w.say(
            f"{k} nådde målet ({done}) etter at teamet hadde meldt lav tiltro ({said} av 10) "
            f"i {n} innsjekker på rad.",
            f"{k} reached its target ({done}) after the team reported low confidence "
            f"({said} of 10) at {n} check-ins in a row.",
        )
    return Flag(c.code, message, c.objective_id, c.key_result_id)


_SUGGESTIONS: dict[str, tuple[str, str]] = {
    "irregular-check-ins": (
        "Sett av en fast, kort innsjekk hver uke i teamets kalender, også når lite har endret seg.",
        "Put a short, fixed weekly check-in in the team's calendar, also when little changed.",
    ),
    "long-silence": (
        "Avtal hvem som sjekker inn når teamet er travelt eller på ferie, så målene ikke "
        "blir glemt.",
        "Agree who checks in when the team is busy or away, so the goals are not forgotten.",
    ),
    "hockey-stick": (
        "Velg nøkkelresultater som kan måles underveis, og rapporter små bevegelser fra "
        "første uke, så avvik blir synlige mens det ennå er tid.",
        "Choose key results you can measure along the way and report small moves from the "
        "first week, so gaps show while there is still time.",
    ),
    "moved-goalposts": (
        "Avtal på forhånd når et mål kan justeres, og vis opprinnelig og justert mål side om "
        "side i gjennomgangen.",
        "Agree up front when a target may be adjusted, and show the original and adjusted "
        "targets side by side in the review.",
    ),
    "zombie-key-result": (
        "Grønn betyr at tallet beveger seg: oppdater verdien ved hver innsjekk, eller sett "
        "gul status når den står stille.",
        "Green means the number moves: update the value at every check-in, or report yellow "
        "when it stands still.",
    ),
    "sandbagging": (
        "Sett mer ambisiøse mål: en score rundt 0,7 viser at målene strekker teamet.",
        "Set more ambitious targets: a score around 0.7 shows the goals stretch the team.",
    ),
    WITHOUT_INITIATIVE: (
        "La alle i teamet eie minst ett tiltak: eierskap til arbeidet gir eierskap til målene.",
        "Let everyone in the team own at least one initiative: owning the work builds "
        "ownership of the goals.",
    ),
    OVERDUE_CODE: (
        "Gå gjennom tiltakene som har passert fristen: sett en ny frist, eller bytt dem ut "
        "med arbeid som faktisk flytter nøkkelresultatet.",
        "Go through the initiatives past their due date: set a new one, or replace them with "
        "work that actually moves the key result.",
    ),
    "high-confidence-low-progress": (
        "Snakk om hva tiltroen bygger på: høy tiltro uten fremdrift skjuler ofte en risiko "
        "ingen har satt ord på ennå.",
        "Talk about what the confidence rests on: high confidence without progress often "
        "hides a risk nobody has named yet.",
    ),
    "low-confidence-on-pace": (
        "Lav tiltro mens tallene er i rute kan være polstring: spør hva som skal til for "
        "10 av 10, og vurder et mer ambisiøst mål neste periode.",
        "Low confidence while the numbers are on pace can be sandbagging: ask what 10 of 10 "
        "would take, and consider a bolder target next cycle.",
    ),
    "low-confidence-target-met": (
        "Målet ble nådd tross lav meldt tiltro: sett målene høyere, eller meld den tiltroen "
        "teamet faktisk har.",
        "The target was met despite low reported confidence: set targets higher, or report "
        "the confidence the team really has.",
    ),
}


def _suggestions(
    w: _Words,
    flags: Sequence[Flag],
    dropped: Sequence[DroppedObjective],
    reflections: Sequence[Reflection],
    finished: bool,
) -> list[str]:
    out: list[str] = []
    for flag in flags:
        nb, en = _SUGGESTIONS[flag.code]
        text = w.say(nb, en)
        if text not in out:
            out.append(text)
    if dropped:
        out.append(
            w.say(
                "Ta med begrunnelsen for de droppede målene inn i planleggingen av neste "
                "periode: hva må være på plass for at et mål skal holde?",
                "Bring the reasons for the dropped objectives into next cycle's planning: "
                "what has to be in place for a goal to hold?",
            )
        )
    if finished and not reflections:
        out.append(
            w.say(
                "Skriv ned refleksjonen: hva fortsetter, slutter og starter teamet med?",
                "Write down the reflection: what will the team keep, stop and start doing?",
            )
        )
    if not flags:
        out.append(
            w.say(
                "Fortsett med samme rytme, og del det som fungerer med andre team.",
                "Keep the same rhythm, and share what works with other teams.",
            )
        )
    return out
