"""What each lint finding says, in bokmål and English.

Messages explain the problem and suggest the next question to ask, because the lint is
meant to coach a team writing OKRs, not to grade it.
"""

from __future__ import annotations

from okr_es.vocabulary.language import Language

__all__ = ["message"]

_MESSAGES: dict[str, dict[Language, str]] = {
    "too-many-objectives": {
        "nb": "{count} mål er for mange (maks {limit}). Færre mål gir bedre fokus: "
        "hva er viktigst akkurat nå?",
        "en": "{count} objectives are too many (at most {limit}). Fewer objectives keep focus: "
        "what matters most right now?",
    },
    "objective-not-aligned": {
        "nb": "Målet «{title}» er ikke knyttet til et overordnet mål. Hvilket mål i "
        "virksomheten eller lederlaget bidrar det til?",
        "en": 'The objective "{title}" is not aligned to a higher-level objective. '
        "Which organisation or leadership objective does it serve?",
    },
    "no-objective-aligned": {
        "nb": "Ingen av målene er knyttet til et overordnet mål. Minst ett mål bør bidra til "
        "virksomhetens eller lederlagets mål.",
        "en": "None of the objectives is aligned to a higher-level objective. At least one "
        "should serve an organisation or leadership objective.",
    },
    "objective-has-no-owner": {
        "nb": "Målet «{title}» har ingen eier. Hvem har ansvaret for å følge det opp hver uke?",
        "en": 'The objective "{title}" has no owner. Who follows it up every week?',
    },
    "too-few-key-results": {
        "nb": "Målet «{title}» har {count} nøkkelresultat(er); minst {limit} trengs for å "
        "vite om målet nås.",
        "en": 'The objective "{title}" has {count} key result(s); at least {limit} are '
        "needed to know whether it is reached.",
    },
    "too-many-key-results": {
        "nb": "Målet «{title}» har {count} nøkkelresultater (anbefalt maks {limit}). "
        "Behold de som best viser om målet nås.",
        "en": 'The objective "{title}" has {count} key results (recommended at most '
        "{limit}). Keep the ones that best show whether it is reached.",
    },
    "all-key-results-are-outputs": {
        "nb": "Alle nøkkelresultatene under «{title}» er aktiviteter eller leveranser. "
        "Minst ett bør måle effekten: hva endrer seg for brukerne når arbeidet er gjort?",
        "en": 'Every key result under "{title}" is an activity or a deliverable. At least '
        "one should measure the effect: what changes for users once the work is done?",
    },
    "kr-is-output": {
        "nb": "«{title}» beskriver en aktivitet eller leveranse, ikke en effekt. Spør: hva "
        "skal endre seg når dette er gjort, og hvordan måler vi det?",
        "en": '"{title}" describes an activity or deliverable, not an effect. Ask: what '
        "should change once this is done, and how do we measure it?",
    },
    "kr-is-output/own-work": {
        "nb": "«{title}» har tall, men de måler vårt eget arbeid (volum, fremdrift i egen "
        "plan, tidsbruk, kodehygiene eller at noe er tilgjengelig), ikke effekten. Spør: hva "
        "skal endre seg for brukerne når dette er gjort, og hvordan måler vi det?",
        "en": '"{title}" has numbers, but they measure our own work (volume, progress on our '
        "plan, time spent, code hygiene or something made available), not its effect. Ask: "
        "what should change for users once this is done, and how do we measure it?",
    },
    "kr-has-no-number": {
        "nb": "«{title}» har ikke noe tall. Et nøkkelresultat bør være målbart: fra hva, til hva?",
        "en": '"{title}" has no number. A key result should be measurable: from what, to what?',
    },
    "duplicate-key-result": {
        "nb": "«{title}» er nesten lik «{other}» (mål {other_objective}, nøkkelresultat "
        "{other_index}). Slå dem sammen eller skill dem tydeligere.",
        "en": '"{title}" is almost the same as "{other}" (objective {other_objective}, '
        "key result {other_index}). Merge them or tell them apart.",
    },
    "member-without-initiative": {
        "nb": "{name} eier ingen av tiltakene som skal flytte enhetens nøkkelresultater. "
        "Hvilket tiltak kan {name} ta eierskap til?",
        "en": "{name} owns none of the initiatives meant to move the unit's key results. "
        "Which initiative could {name} own?",
    },
}


def message(key: str, language: Language, **values: object) -> str:
    """The text for one finding; `key` is a finding code or a variant of one."""
    return _MESSAGES[key][language].format(**values)
