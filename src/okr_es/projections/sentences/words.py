"""The building blocks of every sentence: names, quoted titles, numbers, corridors and
the words for statuses, unit kinds and roles, in Norwegian bokmål or English."""

from __future__ import annotations

from okr_es.vocabulary.language import Language

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
