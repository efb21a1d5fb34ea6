"""Human sentences for the change timeline, in Norwegian bokmål or English.

Pure functions, one per event: each takes the language, who acted (a member's name) and
the names and values involved, already looked up, and says what happened, e.g.
"Kari Hansen sjekket inn «Restanser ned fra 120 til 40 saker»: 64 (grønn) – «God
fremdrift»". The projection decides the language from the content (see
:mod:`okr_es.vocabulary.language`); nothing here reads the database or the clock.
"""

from __future__ import annotations

from datetime import date

from okr_es.vocabulary.language import Language

__all__ = [
    "Language",
    "access_token_issued",
    "access_token_revoked",
    "check_in_made",
    "corridor",
    "cycle_defined",
    "cycle_renamed",
    "initiative_completed",
    "initiative_linked",
    "initiative_progressed",
    "initiative_started",
    "initiative_stopped",
    "key_result_added",
    "key_result_adjusted",
    "key_result_graduated",
    "key_result_removed",
    "kpi_corridor_changed",
    "kpi_defined",
    "kpi_measured",
    "kpi_retired",
    "member_added",
    "number",
    "objective_aligned",
    "objective_closed",
    "objective_committed",
    "objective_dropped",
    "objective_reopened",
    "objective_reworded",
    "objective_set",
    "objective_withdrawn",
    "organization_registered",
    "other_change",
    "owner_changed",
    "policy_changed",
    "quote",
    "reflection_recorded",
    "role_granted",
    "role_revoked",
    "team_cycle_closed",
    "team_cycle_opened",
    "unit_added",
    "unit_archived",
    "unit_moved",
    "unit_renamed",
    "who",
]

_STATUS = {
    "nb": {"green": "grønn", "yellow": "gul", "red": "rød"},
    "en": {"green": "green", "yellow": "yellow", "red": "red"},
}
_UNIT_KIND = {
    "nb": {
        "organisation": "organisasjonen",
        "department": "avdelingen",
        "team": "teamet",
        "project": "prosjektet",
    },
    "en": {
        "organisation": "organisation",
        "department": "department",
        "team": "team",
        "project": "project",
    },
}
_ROLE = {
    "nb": {
        "admin": "administrator",
        "ambassador": "ambassadør",
        "lead": "leder",
        "member": "medlem",
    },
    "en": {"admin": "admin", "ambassador": "ambassador", "lead": "lead", "member": "member"},
}
# Unit labels people type in; only the one that has a universal sign is translated.
_UNIT_SIGN = {"percent": "%"}


# --- building blocks ---------------------------------------------------------------------


def who(name: str | None, language: Language) -> str:
    """The actor's name, or a neutral subject when the member is not (yet) known."""
    if name:
        return name
    return "Noen" if language == "nb" else "Someone"


def quote(title: str | None, language: Language) -> str:
    """A title in «guillemets» (used in both languages), or a neutral placeholder."""
    if title:
        return f"«{title}»"
    return "(ukjent)" if language == "nb" else "(unknown)"


def number(value: float | None, language: Language) -> str:
    """A value as people write it: no trailing ``.0``, a decimal comma in Norwegian."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if language == "nb" else text


def corridor(lower: float | None, upper: float | None, unit: str, language: Language) -> str:
    """A KPI's healthy range in words: between, at least or at most."""
    sign = _UNIT_SIGN.get(unit, unit)
    suffix = f" {sign}" if sign else ""
    low, high = number(lower, language), number(upper, language)
    nb = language == "nb"
    if lower is not None and upper is not None:
        return f"mellom {low} og {high}{suffix}" if nb else f"between {low} and {high}{suffix}"
    if lower is not None:
        return f"minst {low}{suffix}" if nb else f"at least {low}{suffix}"
    return f"høyst {high}{suffix}" if nb else f"at most {high}{suffix}"


def _say(language: Language, nb: str, en: str, detail: str = "") -> str:
    """The sentence in the chosen language, followed by ``: detail`` when there is one."""
    main = nb if language == "nb" else en
    detail = " ".join(detail.split())
    return f"{main}: {detail}" if detail else main


def _in_unit(unit: str | None, language: Language) -> str:
    if not unit:
        return ""
    return f" i {quote(unit, language)}" if language == "nb" else f" in {quote(unit, language)}"


# --- organisation ------------------------------------------------------------------------


def organization_registered(language: Language, actor: str, organization: str) -> str:
    q = quote(organization, language)
    return _say(language, f"{actor} registrerte organisasjonen {q}", f"{actor} registered {q}")


def unit_added(language: Language, actor: str, unit: str, kind: str, parent: str | None) -> str:
    word = _UNIT_KIND[language].get(kind, kind)
    q, p = quote(unit, language), quote(parent, language)
    return _say(
        language,
        f"{actor} la til {word} {q} under {p}",
        f"{actor} added the {word} {q} under {p}",
    )


def unit_renamed(language: Language, actor: str, old: str | None, new: str) -> str:
    o, n = quote(old, language), quote(new, language)
    return _say(language, f"{actor} ga {o} det nye navnet {n}", f"{actor} renamed {o} to {n}")


def unit_moved(language: Language, actor: str, unit: str | None, parent: str | None) -> str:
    q, p = quote(unit, language), quote(parent, language)
    return _say(language, f"{actor} flyttet {q} til under {p}", f"{actor} moved {q} under {p}")


def unit_archived(language: Language, actor: str, unit: str | None, reason: str) -> str:
    q = quote(unit, language)
    return _say(language, f"{actor} arkiverte {q}", f"{actor} archived {q}", reason)


def member_added(language: Language, actor: str, member: str) -> str:
    return _say(
        language, f"{actor} la til {member} som medlem", f"{actor} added {member} as a member"
    )


def role_granted(
    language: Language, actor: str, member: str | None, role: str, unit: str | None
) -> str:
    name, title = who(member, language), _ROLE[language].get(role, role)
    where = _in_unit(unit, language)
    return _say(
        language,
        f"{actor} ga {name} rollen {title}{where}",
        f"{actor} gave {name} the role {title}{where}",
    )


def role_revoked(
    language: Language, actor: str, member: str | None, role: str, unit: str | None
) -> str:
    name, title = who(member, language), _ROLE[language].get(role, role)
    where = _in_unit(unit, language)
    return _say(
        language,
        f"{actor} tok rollen {title}{where} fra {name}",
        f"{actor} took the role {title}{where} from {name}",
    )


def policy_changed(
    language: Language,
    actor: str,
    max_objectives: int,
    min_key_results: int,
    max_key_results: int,
    mode: str,
) -> str:
    binding = mode == "enforce"
    nb_mode = "håndheves" if binding else "bare advarsler"
    en_mode = "enforced" if binding else "warnings only"
    return _say(
        language,
        f"{actor} endret reglene: høyst {max_objectives} mål per team, "
        f"{min_key_results}–{max_key_results} nøkkelresultater per mål ({nb_mode})",
        f"{actor} changed the policy: at most {max_objectives} objectives per team, "
        f"{min_key_results}–{max_key_results} key results per objective ({en_mode})",
    )


def access_token_issued(language: Language, actor: str, member: str | None, label: str) -> str:
    name, q = who(member, language), quote(label, language)
    return _say(
        language,
        f"{actor} ga {name} API-nøkkelen {q}",
        f"{actor} issued the API token {q} to {name}",
    )


def access_token_revoked(language: Language, actor: str, label: str | None) -> str:
    q = quote(label, language)
    return _say(
        language, f"{actor} trakk tilbake API-nøkkelen {q}", f"{actor} revoked the API token {q}"
    )


# --- cycles and a unit's cycle -----------------------------------------------------------


def cycle_defined(language: Language, actor: str, cycle: str, start: date, end: date) -> str:
    q = quote(cycle, language)
    span = f"{start.isoformat()} – {end.isoformat()}"
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


# --- objectives --------------------------------------------------------------------------


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


# --- initiatives -------------------------------------------------------------------------


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


# --- KPIs --------------------------------------------------------------------------------


def kpi_defined(
    language: Language,
    actor: str,
    kpi: str,
    lower: float | None,
    upper: float | None,
    unit: str,
) -> str:
    k, c = quote(kpi, language), corridor(lower, upper, unit, language)
    return _say(
        language,
        f"{actor} begynte å følge KPI-en {k} (korridor: {c})",
        f"{actor} started tracking the KPI {k} (corridor: {c})",
    )


def kpi_measured(language: Language, actor: str, kpi: str | None, value: float, unit: str) -> str:
    sign = _UNIT_SIGN.get(unit, unit)
    shown = number(value, language) + (f" {sign}" if sign else "")
    k = quote(kpi, language)
    return _say(language, f"{actor} målte {k}", f"{actor} measured {k}", shown)


def kpi_corridor_changed(
    language: Language,
    actor: str,
    kpi: str | None,
    lower: float | None,
    upper: float | None,
    unit: str,
    reason: str,
) -> str:
    k, c = quote(kpi, language), corridor(lower, upper, unit, language)
    return _say(
        language,
        f"{actor} endret korridoren for {k} til {c}",
        f"{actor} changed the corridor of {k} to {c}",
        reason,
    )


def kpi_retired(language: Language, actor: str, kpi: str | None, reason: str) -> str:
    k = quote(kpi, language)
    return _say(
        language, f"{actor} sluttet å følge KPI-en {k}", f"{actor} retired the KPI {k}", reason
    )


def key_result_graduated(
    language: Language, actor: str, key_result: str | None, kpi: str | None
) -> str:
    k, n = quote(key_result, language), quote(kpi, language)
    return _say(
        language,
        f"{actor} gjorde nøkkelresultatet {k} om til KPI-en {n}",
        f"{actor} graduated the key result {k} into the KPI {n}",
    )


# --- anything newer than this module -----------------------------------------------------


def other_change(language: Language, actor: str, event_type: str, subject: str | None) -> str:
    """An event this module has no wording for yet: still one row, named plainly."""
    if not subject:
        return _say(language, f"{actor} registrerte {event_type}", f"{actor} recorded {event_type}")
    s = quote(subject, language)
    return _say(
        language,
        f"{actor} registrerte {event_type} på {s}",
        f"{actor} recorded {event_type} on {s}",
    )
