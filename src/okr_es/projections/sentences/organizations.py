"""Sentences for an organisation's changes: units, members, roles, policy, tokens."""

from __future__ import annotations

from okr_es.projections.sentences.words import (
    _ROLE,
    _UNIT_KIND,
    _in_unit,
    _say,
    quote,
    who,
)
from okr_es.vocabulary.language import Language


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


def member_renamed(language: Language, actor: str, old: str | None, new: str) -> str:
    name = who(old, language)
    return _say(language, f"{actor} endret navnet til {name} til {new}",
                f"{actor} renamed {name} to {new}")


def member_email_changed(language: Language, actor: str, member: str | None) -> str:
    name = who(member, language)
    return _say(language, f"{actor} endret e-postadressen til {name}",
                f"{actor} changed the e-mail address of {name}")


def member_deactivated(language: Language, actor: str, member: str | None, reason: str) -> str:
    name = who(member, language)
    because = f": {reason}" if reason else ""
    return _say(language, f"{actor} deaktiverte {name}{because}",
                f"{actor} deactivated {name}{because}")


def member_erased(language: Language, actor: str) -> str:
    # The erased member is not named: whatever name they had is gone.
    return _say(language, f"{actor} slettet et medlems personopplysninger",
                f"{actor} erased a member's personal data")


def privacy_policy_set(language: Language, actor: str, seal_free_text: bool) -> str:
    if seal_free_text:
        return _say(language, f"{actor} bestemte at medlemmers fritekster er personopplysninger",
                    f"{actor} made members' free texts personal data")
    return _say(language, f"{actor} bestemte at medlemmers fritekster ikke er personopplysninger",
                f"{actor} made members' free texts no longer personal data")


def member_reactivated(language: Language, actor: str, member: str | None) -> str:
    name = who(member, language)
    return _say(language, f"{actor} aktiverte {name} igjen", f"{actor} reactivated {name}")


def ownership_transferred(
    language: Language, actor: str, source: str | None, target: str | None, count: int
) -> str:
    a, b = who(source, language), who(target, language)
    return _say(
        language,
        f"{actor} overførte {count} ting som {a} eide, til {b}",
        f"{actor} handed {count} {'thing' if count == 1 else 'things'} {a} owned to {b}",
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


def stored_policy_set(language: Language, actor: str, kind: str, policy: str) -> str:
    """A review or lint policy stored (``kind``: ``review`` or ``lint``); ``{}`` is a
    return to the defaults."""
    defaults = policy.strip() == "{}"
    if kind == "review":
        nb, en = "tersklene for læringsgjennomgangen", "the learning review's thresholds"
    else:
        nb, en = "kvalitetsreglene for OKR-settene", "the OKR quality rules"
    if defaults:
        return _say(
            language,
            f"{actor} satte {nb} tilbake til standard",
            f"{actor} set {en} back to the defaults",
        )
    return _say(language, f"{actor} lagret {nb}: {policy}", f"{actor} stored {en}: {policy}")


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
