"""Classify a key result as an outcome (a change someone experiences) or an output (work done).

The rule weighs two kinds of evidence found in the title, in bokmål and English:

* output: the title opens with an activity or delivery verb ("holde", "levere", "ship",
  "conduct"), states that something was produced ("lansert", "published", "på plass"),
  counts things the team itself produces ("4 workshops", "antall publiserte artikler"),
  states the team's own work in a clause ("antall kurs vi arrangerer", "the team runs"),
  or has everyone complete a course the team rolls out ("alle har fullført kurset",
  "100 % of pickers trained"); numbers that count the team's own work decide nothing
  either: the volume of its own activity ("Increase epics closed from 10 to 18"), a
  share of its own plan done ("80 % av tiltakene er gjennomført"), effort allocated
  ("spend a fifth of our time on"), engineering hygiene ("test coverage from 55 % to
  85 %") and something made available ("the dashboard is live");
* outcome: the title opens with a change verb ("redusere", "increase", "halve"),
  states a change or a bound ("fra 350 til 100", "at least", "under 10 dager"),
  a share of a population ("80 % av sakene"), a measurement ("NPS", "ventetid",
  "churn"), people experiencing something ("brukerne fullfører", "customers rate"),
  others adopting what the team made ("tas i bruk av alle fagområder", "used weekly by
  4 of 5 leads"), or comparative language ("raskere", "fewer").

Opening verbs weigh most, because an OKR title's first verb names what the team commits
to: doing something, or changing something. A number alone decides nothing: "Holde 4
workshops" is an output; "Redusere henvendelser fra 350 til <100" is an outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from okr_es.vocabulary.language import detect_language

__all__ = [
    "NUMBERED_OUTPUT_SIGNALS",
    "KindDecision",
    "KrKind",
    "classify_key_result",
    "explain_key_result",
]


def _words(text: str) -> frozenset[str]:
    """A lexicon written as whitespace-separated words."""
    return frozenset(text.split())


KrKind = Literal["outcome", "output"]

# --- Lexicons --------------------------------------------------------------------------

_ACTIVITY_VERBS = _words(
    """
    gjennomføre gjennomfør holde hold avholde arrangere arranger levere lever lansere lanser
    lage lag utarbeide utarbeid etablere etabler implementere implementer innføre innfør
    utvikle utvikl bygge bygg skrive skriv publisere publiser sende send rulle rull teste
    test pilotere piloter migrere migrer oppdatere oppdater revidere revider gjennomgå
    kartlegge kartlegg analysere analyser dokumentere dokumenter anskaffe anskaff kjøpe kjøp
    ansette ansett rekruttere rekrutter kurse kurs lære trene tren intervjue intervju
    signere signer inngå opprette opprett sette sett digitalisere digitaliser automatisere
    automatiser oversette oversett planlegge planlegg forberede forbered ferdigstille
    ferdigstill fullføre designe redesigne tegne skissere produsere tilby starte igangsette
    initiere organisere kommunisere informere presentere besøke kjøre installere integrere
    konfigurere modernisere erstatte avvikle fase flytte ta definere beskrive utrede
    evaluere vurdere identifisere velge prioritere avklare samle bestille legge
    tilrettelegge utvide tilpasse rydde vedta godkjenne skaffe utlyse innhente oppgradere
    avslutte besvare gi lage møte fikse rette onboarde skifte bytte betale host run conduct organize
    organise
    arrange deliver launch ship release publish write create build develop design redesign
    implement introduce roll deploy migrate move set establish complete finish finalize
    finalise prepare plan draft document update revise review audit map analyze analyse
    research pilot prototype hire recruit train onboard interview survey send sign procure
    buy purchase install integrate configure automate digitize digitise refactor rewrite
    upgrade replace retire decommission translate produce make start kick initiate define
    identify evaluate assess select prioritize prioritise collect gather add present attend
    visit schedule book fix enable provide offer populate enforce fit equip outfit retrofit
    distribute allocate award disburse utstyre montere fordele tildele dele utbetale stand
    spin
    """
)

_CHANGE_VERBS = _words(
    """
    øke redusere forbedre heve senke minske kutte halvere doble tredoble styrke løfte korte
    forkorte effektivisere minimere maksimere optimalisere eliminere unngå opprettholde
    beholde bevare stabilisere nå oppnå få vinne bedre increase reduce decrease improve grow
    raise lower cut halve double triple boost lift shrink shorten speed accelerate minimize
    minimise maximize maximise optimize optimise eliminate avoid prevent maintain keep
    sustain retain stabilize stabilise reach achieve attain get win gain earn exceed hit
    """
)

_PRODUCED = _words(
    """
    gjennomført holdt avholdt arrangert levert lansert laget utarbeidet etablert
    implementert innført utviklet bygget bygd skrevet publisert sendt rullet testet pilotert
    migrert oppdatert revidert gjennomgått kartlagt analysert dokumentert anskaffet
    rekruttert kurset signert inngått opprettet digitalisert automatisert oversatt planlagt
    ferdigstilt ferdig fullført vedtatt godkjent designet produsert tilbudt startet
    avsluttet installert integrert oppgradert erstattet avviklet evaluert held hosted
    conducted organized organised delivered launched shipped released published written
    created built developed designed redesigned implemented introduced deployed migrated
    established completed finished finalized finalised prepared planned drafted documented
    updated revised reviewed audited mapped piloted hired recruited trained onboarded
    interviewed sent signed procured installed integrated automated refactored rewritten
    upgraded replaced decommissioned translated produced started approved live done
    populated enabled obtained issued certified sertifisert utstedt
    """
)
# Nouns naming an activity: "Etablering av ...", "Rollout of ...".
_ACTIVITY_NOUNS_EN = _words(
    """
    launch delivery implementation migration rollout roll-out development creation
    introduction establishment completion publication release redesign rewrite training
    """
)
_PRODUCED_PHRASES = (
    "på plass",
    "in place",
    "up and running",
    "satt opp",
    "set up",
    "rolled out",
    "rullet ut",
    "tatt i bruk av teamet",
    "kicked off",
)

# Things a team produces; counted they measure effort, not effect. Bokmål compounds end in them.
_DELIVERABLES_NB = _words(
    """
    workshop møte møter kurs seminar seminarer webinar webinarer fagdag fagdager artikkel
    artikler innlegg nyhetsbrev video videoer kampanje kampanjer funksjon funksjoner
    leveranse leveranser rapport rapporter maler retningslinje retningslinjer rutine rutiner
    veileder test tester intervju intervjuer tiltak prosjekt prosjekter pilot piloter
    prototype prototyper hackathon sprint sprinter demo demoer presentasjon presentasjoner
    dokument dokumenter strategi plan planer avtale avtaler versjon versjoner case caser
    skjemaer arrangement integrasjon integrasjoner sjekkliste sjekklister dashbord modul
    moduler tilsyn inspeksjoner befaringer
    """
)
_DELIVERABLES_EN = _words(
    """
    workshop meeting course seminar webinar session article post blog newsletter video
    campaign feature release deliverable report template guideline test interview initiative
    project pilot prototype hackathon sprint demo presentation document strategy plan policy
    version event meetup training study case survey page tutorial dashboard integration api
    endpoint module component playbook checklist tool
    """
)

_POPULATION = _words(
    """
    bruker brukere brukerne kunde kunder kundene innbygger innbyggere innbyggerne ansatte
    medarbeider medarbeidere medlem medlemmer medlemmene pasient pasienter pasientene elev
    elever elevene student studenter saksbehandler saksbehandlere ledere lederne kommune
    kommuner kommunene virksomheter søkere deltakere lesere leietakere abonnenter besøkende
    foreldre barn ungdom team teamene user customer citizen employee member patient student
    manager client visitor reader subscriber account agency municipality developer engineer
    buyer tenant attendee participant people teams staff applicant caseworker partner
    household business school
    """
)
_EXPERIENCE_VERBS = _words(
    """
    opplever rapporterer fullfører bruker benytter finner får velger scorer gir anbefaler
    svarer sparer kan skal tar logger sier føler mener betaler fornyer kommer returnerer
    lykkes deltar låner leser klarer forstår søker oppgir vurderer er har blir går
    experience experiences report reports complete completes use uses find finds get gets
    choose chooses rate rates score scores recommend recommends save saves can adopt adopts
    return returns say says feel feels spend spends pay pays renew renews invite invites
    activate activates create creates come comes finish finishes understand understands
    succeed succeeds reach reaches see sees stay stays trust trusts prefer prefers are is
    have has make makes self-serve will should
    """
)

# Verbs only people are the subject of, whoever the people are.
_FEELINGS = frozenset({"feel", "feels", "føler", "opplever", "stoler"})
_MEASURES = _words(
    """
    nps csat score andel prosent rate churn frafall konvertering retensjon tid tiden oppetid
    kostnad kostnader pris tilfredshet fornøyd feil avvik henvendelser klager hendelser
    fravær fraværet omsetning omsetningen inntekt inntekter bruken aktive dekning
    nøyaktighet kvalitet gjennomsnitt snitt median tillit brudd utlån følgere treffsikkerhet
    forsinkelse ventetiden lånekort share percentage conversion retention time uptime
    latency cost costs spend revenue mrr arr satisfaction error errors incident incidents
    ticket tickets complaint complaints absence usage adoption engagement coverage accuracy
    quality average p95 p99 mttr frequency drop-off dropoff breach breaches defect defects
    bugs trust subscribers sign-ups signups margin profit savings throughput rating sessions
    crash-free crash crashes disputes ratio
    """
)
_TIME_UNITS = _words(
    """
    dager dag uker uke minutter minutt sekunder sekund timer time måneder måned virkedager
    days day weeks week minutes minute seconds second hours hour months month ms
    """
)
_COMPARATIVES = _words(
    """
    raskere færre lavere høyere bedre kortere enklere lettere tryggere sikrere mindre
    billigere sjeldnere oftere faster fewer lower higher better shorter easier safer less
    cheaper quicker smoother
    """
)
_WEAK_COMPARATIVES = frozenset({"flere", "more", "økt", "increased", "redusert", "reduced"})
_BOUND_PHRASES = (
    "minst",
    "minimum",
    "maks",
    "maksimalt",
    "at least",
    "at most",
    "no more than",
    "fewer than",
    "less than",
    "more than",
    "færre enn",
    "mindre enn",
    "mer enn",
    "flere enn",
    "or higher",
    "or lower",
    "or better",
    "or more",
    "eller høyere",
    "eller bedre",
    "eller mer",
    "ikke mer enn",
    "ikke over",
    "ikke under",
    "out of",
    "av 10",
    "av 6",
    "av 5",
    "på en skala",
    "on a scale",
    "innen varslet frist",
)
_BOUND_WORDS = frozenset({"under", "over", "above", "below", "<", ">", "≥", "≤", "<=", ">="})
_NONE_WORDS = frozenset({"ingen", "zero", "null", "no"})
_SKIP_LEADING = frozenset(
    {"vi", "we", "skal", "will", "to", "kr", "key", "result", "nøkkelresultat", "å", "må", "must"}
)
_DETERMINERS = _words(
    """
    en et ei ny nytt nye alle vår våre vårt det den de a an the our all new every each
    """
)
_MAINTAIN_HINTS = frozenset(
    {"under", "over", "below", "above", "stabil", "stable", "stabilt", "lav", "low", "høy", "high"}
)

# What a team rolls out for others to go through; everyone having completed it is the
# rollout done, not a change in how they work.
_TRAINING = _words(
    """
    kurs kurset opplæring opplæringen e-læring e-læringen e-læringskurs
    sertifisering sertifiseringen training course courses module e-learning certification
    onboarding-course
    """
)
_COMPLETED = _words(
    """
    fullført fullfører gjennomført gjennomfører tatt tar deltatt deltar bestått består
    complete completes completed finish finishes finished attend attends attended take
    takes taken pass passes passed
    """
)
_PERCENT = ("%", "prosent", "percent")
# People who were trained: the training's rollout is done.
_TRAINED = _words(
    """
    trained upskilled certified opplært opplærte kurset sertifisert sertifiserte
    """
)
# Subjects of a sentence about the team's own work ("vi arrangerer", "the team runs").
_OWN_SUBJECTS = frozenset({"vi", "we", "team", "teamet"})
# "every team ships ...": the teams are the people whose behaviour is measured.
_EVERY = frozenset({"every", "each", "all", "alle", "hvert", "ethvert", "hver"})
# A deadline, not a bound: "innen 1. juni", "within Q2" (a bound: "innen 3 dager").
_WITHIN = re.compile(
    r"\b(innen|within|in under|på under)\s+\d+(?:[.,]\d+)?\s*(?:"
    + "|".join(sorted(_TIME_UNITS, key=len, reverse=True))
    + r")\b"
)

# "med 20 %", "by 20%", "tickets down 60%"; not "med 90 % av de ansatte" (a share).
_CHANGE_BY = re.compile(
    r"\b(med|by|down|up|ned|opp)\s+\d+(?:[.,]\d+)?\s?(%|prosent|percent|prosentpoeng)"
    r"(?!\s+(av|of)\b)"
)

_NUMBER_WORDS = _words(
    """
    zero one two three four five six seven eight nine ten twelve twenty fifty hundred null
    to tre fire fem seks sju syv åtte ni ti tolv tjue femti hundre
    """
)

_TOKEN = re.compile(r"[<>≥≤]=?|\d+(?:[.,]\d+)*\s?%?|[^\W\d_]+(?:-[^\W\d_]+)*|%")


# --- Outputs that carry numbers ---------------------------------------------------------
# Things a team does or makes, counted as its own volume when a number or a change of it is
# stated ("Increase epics closed from 10 to 18", "Øke antall kontroller fra 40 til 70").
_VOLUME_NOUNS = _words(
    """
    epic epics brukerhistorie brukerhistorier story stories kontroll kontroller
    inspeksjon inspeksjoner inspection inspections telefoner oppringinger utlysning
    utlysninger annonse annonser stillingsannonser poster post posts email emails e-post
    commit commits utrullinger pressemeldinger medarbeidersamtaler dialogmøter
    veiledningsmøter kundemøter brukermøter møter meetings demo demos dashboards nøkkeltall
    """
)
# A participle or clause that makes the counted thing the team's own doing.
_OWN_DOING = _words(
    """
    closed lukkede lukket lukker sent sendt sendte held holdt avholdte hold holds hosted
    completed gjennomførte delivered leverte published publiserte publish merged booked made
    conducted issued done ringer ringt maintain publiserer gjennomfører
    """
)
# Qualifiers that make calls and mail the team's own outreach.
_OUTREACH = _words("cold outbound outreach utgående oppsøkende")
# Engineering hygiene: it measures the team's own work, not what the work changes.
_HYGIENE = _words(
    """
    testdekning testdekningen kodedekning linter linting warnings advarsler sonar-advarsler
    avhengigheter dependencies dependency-update dependabot backlog kodegjennomgang
    code-review runbook enhetstester regresjonstester integrasjonstester mutation
    """
)
_TEST_WORDS = _words("test tests tester testene testdekning automated automatiserte automatiske")
# Where the team's time, capacity or money goes: effort allocated, an input.
_EFFORT_VERBS = _words(
    """
    bruke bruker spend spends dedicate devote allocate avsette sette give reserve reservere
    set
    """
)
_EFFORT_NOUNS = _words(
    """
    tid tiden tida time kapasitet kapasiteten capacity budsjett budsjettet budget sprint
    sprinten sprintkapasiteten sprinter sprints dag dager day days fredag timer hours
    engineering
    """
)
# The team's own people: what they spend time on is the team's input.
_OWN_MAKERS = ("utvikler", "developer", "engineer", "designer")
_LESS_OR_MORE = frozenset({"less", "more", "mindre", "mer", "fewer", "færre"})
# Something the team makes available; its being live is the delivery, not its use.
_AVAILABLE = re.compile(
    r"\b(tilgjengelig|available)\s+(for|to|til|i|in|on|på)\b"
    r"|\b(er|is|goes|går|gikk|went|now)\s+live\b|\blive\s*$|\blive\s+(in|on|for|i|på)\b"
    r"|\b(er|is|goes|going)\s+(i|in)\s+(produksjon|drift|production)\b"
    r"|^[^0-9]*\b(in production)\s*$"
    r"|\bhar\s+fått\s+tilgang\b|\bhave\s+access\b|\ber\s+åpnet\s+for\b"
)
# Others taking up what the team made: the behaviour the team wanted to change.
_ADOPTION = re.compile(
    r"\b(tas|tar|tatt)\s+i\s+bruk\b(?!\s+av\s+teamet)|\bbrukes\s+(av|ukentlig|daglig)\b"
    r"|\bused\s+(by|weekly|daily|monthly)\b|\badopts?\b"
)
# Shares of the team's own plan done: "80 % av tiltakene er gjennomført", "all services
# migrated"; progress on the team's work, whoever it is for.
_DONE = _words(
    """
    gjennomført migrert digitalisert oppgradert koblet byttet faset flyttet skannet levert
    leverte closed resolved enrolled moved migrated delivered completed upgraded documented
    dokumentert tagged
    """
)
_SHARE_WORDS = _words(
    """
    andel andelen share percentage halvparten half quarters alle all every
    """
)


@dataclass(frozen=True, slots=True)
class KindDecision:
    """A classification with the evidence that decided it, for explanations and tuning."""

    kind: KrKind
    outcome_score: float
    output_score: float
    reasons: tuple[str, ...]


def classify_key_result(title: str, metric: str | None = None) -> KrKind:
    """Outcome or output, by the rule in this module's docstring."""
    return explain_key_result(title, metric).kind


@lru_cache(maxsize=4096)
def explain_key_result(title: str, metric: str | None = None) -> KindDecision:
    """Classify and say why: each reason is "+outcome:<signal>" or "+output:<signal>"."""
    text = title.casefold().replace("\u00a0", " ")
    tokens = _TOKEN.findall(text)
    words = [t.strip() for t in tokens]
    outcome: dict[str, float] = {}
    output: dict[str, float] = {}

    lead_index, lead = _leading_word(words)
    after_lead = words[lead_index + 1 : lead_index + 5] if lead is not None else []
    if lead is not None:
        if lead in {"holde", "hold"} and _is_maintain(after_lead):
            outcome["maintain-verb"] = 3.0
        elif lead in _ACTIVITY_VERBS and not _names_a_measure(after_lead):
            output["activity-verb"] = 4.0
        elif lead in _CHANGE_VERBS:
            outcome["change-verb"] = 3.0
        elif _looks_like_activity_verb(lead, after_lead):
            output["activity-verb-form"] = 3.0
        elif _is_activity_noun(lead, after_lead):
            output["activity-noun"] = 3.0

    produced = any(w in _PRODUCED for w in words) or any(p in text for p in _PRODUCED_PHRASES)
    if produced and lead in _CAUSATIVE:
        # "Få på plass ...", "Get the catalogue populated": a delivery, not a change.
        outcome.pop("change-verb", None)
    starts_with_change = "change-verb" in outcome or "maintain-verb" in outcome
    if produced and not starts_with_change:
        output["produced"] = 2.5

    own = _own_activity(words)
    if _counts_own_production(words) or (own and _counting(words)):
        output["counts-own-production"] = 7.0
    elif _counts_deliverables(words):
        output["counted-deliverables"] = 1.5
    if own:
        output["own-activity"] = 4.0
    if _completes_training(words):
        output["training-completed"] = 5.0

    if re.search(r"\b(fra|from)\s+[<>]?\s?\d[\d.,\s%]*\w*\s+(til|to)\b", text):
        outcome["from-to"] = 2.0
    if _CHANGE_BY.search(text):
        outcome["change-by"] = 2.0
    if (
        any(p in text for p in _BOUND_PHRASES)
        or any(w in _BOUND_WORDS for w in words)
        or _WITHIN.search(text)
    ):
        outcome["bound"] = 1.5
    if re.search(r"\d\s?(%|prosent|percent)", text) or "%" in text:
        outcome["percentage"] = 1.0
        if re.search(r"(%|prosent|percent)\s+(av|of)\b", text):
            outcome["share-of-population"] = 1.5
    measures = sum(1 for w in words if _is_measure(w))
    if measures:
        outcome["measurement"] = min(2.5, 1.0 * measures)
    if any(w in _TIME_UNITS for w in words):
        outcome["time-measure"] = 0.5
    if _population_experiences(words):
        outcome["population-experiences"] = 2.0
    elif any(_is_population(w) for w in words):
        outcome["population"] = 0.5
    if _nb_passive_present(words):
        outcome["passive-state"] = 1.0
    if any(w in _COMPARATIVES for w in words):
        outcome["comparative"] = 1.0
    elif any(w in _WEAK_COMPARATIVES for w in words):
        outcome["comparative"] = 0.5
    if words and words[0] in _NONE_WORDS:
        outcome["none-of"] = 1.0
    if re.search(r"\bganger\b|\btimes\b|\bhalvparten\b|\bhalf\b|\bdouble\b|\bdobbelt\b", text):
        outcome["multiple"] = 1.0

    own_outputs = _outputs_with_numbers(text, words)
    for signal, weight in own_outputs.items():
        output[signal] = weight
    if own_outputs:
        # The numbers measure the team's own work: they say nothing of a change.
        for signal in ("from-to", "change-verb", "change-by", "percentage"):
            outcome.pop(signal, None)
    if _ADOPTION.search(text):
        outcome["adoption"] = 3.0

    if metric == "milestone":
        output["milestone-metric"] = 2.0
    elif metric in {"increase", "decrease", "stay_above", "stay_below"}:
        outcome["measured-metric"] = 1.0

    outcome_score = sum(outcome.values())
    output_score = sum(output.values())
    if outcome_score == output_score:
        has_number = bool(re.search(r"\d", text)) or any(w in _NUMBER_WORDS for w in words)
        kind: KrKind = "outcome" if has_number or outcome_score > 0 else "output"
    else:
        kind = "outcome" if outcome_score > output_score else "output"
    reasons = tuple(f"+outcome:{k}" for k in outcome) + tuple(f"+output:{k}" for k in output)
    return KindDecision(kind, outcome_score, output_score, reasons)


_CAUSATIVE = frozenset({"få", "get", "have", "ha"})


def _present_activity(word: str) -> bool:
    """A present-tense form of an activity verb: "arrangerer", "gjennomfører", "runs"."""
    if word.endswith("er") and word[:-1] in _ACTIVITY_VERBS:
        return True
    if word.endswith("es") and word[:-2] in _ACTIVITY_VERBS and len(word) > 4:
        return True
    return word.endswith("s") and word[:-1] in _ACTIVITY_VERBS and len(word) > 3


def _own_activity(words: list[str]) -> bool:
    """The team states its own work in a clause: "(antall kurs) vi arrangerer", "the
    product team runs", "Kundesenteret gjennomfører 500 samtaler" - a subject that is the
    team, or a counted object. People's behaviour ("innbyggerne sender søknaden") is not."""
    for index, word in enumerate(words):
        if index == 0:
            continue
        subject = words[index - 1]
        if subject == "we" and word in _ACTIVITY_VERBS:
            return True  # English present tense without an ending: "the playtests we run"
        if not _present_activity(word):
            continue
        if words[index - 2 : index - 1] and words[index - 2] in _EVERY:
            continue
        following = words[index + 1 : index + 5]
        if word.startswith("hold") and _is_maintain(following):
            continue
        counted = any(w[:1].isdigit() or w in _NUMBER_WORDS for w in following[:2]) or (
            _counting(words[:index])
        )
        if subject in _OWN_SUBJECTS or (counted and not _is_population(subject)):
            return True
    return False


def _counting(words: list[str]) -> bool:
    return "antall" in words or "number" in words


def _completes_training(words: list[str]) -> bool:
    """Everyone having completed a course or a training, or having been trained: the
    rollout of it, an output."""
    for index, word in enumerate(words):
        if word in _COMPLETED:
            window = words[index + 1 : index + 6]
            if any(w in _TRAINING or w.endswith(("kurs", "kurset", "opplæring")) for w in window):
                return True
        elif word in _TRAINED and _people_before(words[max(0, index - 5) : index]):
            return True  # "100 % of pickers trained on ...", "alle ledere er opplært i ..."
    return False


def _people_before(window: list[str]) -> bool:
    """A group of people is named: "de ansatte", "100 % of (the) pickers", "all drivers"."""
    for index, word in enumerate(window):
        if _is_population(word) or word in _EVERY:
            return True
        if word in {"of", "av"} and index > 0 and window[index - 1].endswith(_PERCENT):
            return True
    return False


def _leading_word(words: list[str]) -> tuple[int, str | None]:
    for index, word in enumerate(words[:4]):
        if word in _SKIP_LEADING or not word[:1].isalpha():
            # A leading number or symbol means the title opens with a quantity, not a verb.
            if not word[:1].isalpha():
                return index, None
            continue
        return index, word
    return 0, None


def _names_a_measure(following: list[str]) -> bool:
    """The opening word is the first half of a measure's name, not a verb: "Offer
    acceptance rate above 85 %", "Review time under 24 hours", "Release frequency of 2
    per week" (a measure with its level follows, no object)."""
    for index, word in enumerate(following[:2]):
        if word in _DETERMINERS or word[:1].isdigit():
            return False
        if _is_measure(word):
            after = following[index + 1 : index + 2]
            return bool(after) and _states_level(after[0])
    return False


def _states_level(word: str) -> bool:
    return (
        word[:1].isdigit()
        or word in _BOUND_WORDS
        or word in {"of", "på", "til", "at", "er", "is", "av", "minst", "least"}
    )


def _is_maintain(following: list[str]) -> bool:
    return any(w in _MAINTAIN_HINTS for w in following) and not _counts_deliverables(following)


def _looks_like_activity_verb(word: str, following: list[str]) -> bool:
    # Bokmål infinitives in -ere/-isere and English verbs in -ize/-ate/-ify are almost
    # always actions when an object follows ("pilotere ny løsning", "automate 4 reports").
    if not following or _is_population(word) or word in _COMPARATIVES:
        return False
    object_follows = following[0] in _DETERMINERS or following[0][:1].isdigit()
    verb_like = (len(word) >= 7 and word.endswith("ere")) or word.endswith(
        ("ize", "ise", "ate", "ify")
    )
    return verb_like and object_follows


def _is_activity_noun(word: str, following: list[str]) -> bool:
    if not following or following[0] not in {"av", "of"}:
        return False
    if word in _ACTIVITY_NOUNS_EN:
        return True
    # Bokmål verbal nouns: "etablering" <- "etablere", "opplæring" <- "lære opp".
    for suffix, verb_end in (("ing", "e"), ("else", "e"), ("ing", "")):
        if word.endswith(suffix):
            verb = word[: -len(suffix)] + verb_end
            if verb in _ACTIVITY_VERBS or any(
                verb.endswith(v) and len(v) >= 4 for v in _ACTIVITY_VERBS
            ):
                return True
    return False


def _counts_own_production(words: list[str]) -> bool:
    for index, word in enumerate(words):
        if word == "count" and any(_is_deliverable(w) for w in words[max(0, index - 2) : index]):
            return True  # "our weekly webinar count"
        if word == "antall" or (word == "number" and words[index + 1 : index + 2] == ["of"]):
            window = words[index + 1 : index + 4]
            if any(w in _PRODUCED or _adjective_of_produced(w) for w in window):
                return True
            if any(_is_deliverable(w) for w in window):
                return True
    return False


def _adjective_of_produced(word: str) -> bool:
    # "publiserte", "gjennomførte" are the plural/definite forms of produced-participles.
    return word.endswith("e") and word[:-1] in _PRODUCED


def _counts_deliverables(words: list[str]) -> bool:
    for index, word in enumerate(words):
        if word[:1].isdigit() or word in _NUMBER_WORDS:
            window = words[index + 1 : index + 4]
            if any(_is_deliverable(w) for w in window):
                return True
    return False


@lru_cache(maxsize=65536)
def _is_deliverable(word: str) -> bool:
    singular = word[:-1] if word.endswith("s") else word
    if singular in _DELIVERABLES_EN or word in _DELIVERABLES_EN:
        return True
    return any(word.endswith(d) and (len(d) >= 5 or word == d) for d in _DELIVERABLES_NB)


@lru_cache(maxsize=65536)
def _is_population(word: str) -> bool:
    singular = word[:-1] if word.endswith("s") else word
    if (
        word in _POPULATION
        or singular in _POPULATION
        or word.removesuffix("ies") + "y" in _POPULATION
    ):
        return True
    # Bokmål compounds: "sluttbrukere", "nyansatte", "byggesøkere".
    return any(word.endswith(p) for p in _POPULATION if len(p) >= 6 and not p.isascii())


def _population_experiences(words: list[str]) -> bool:
    if any(w in _FEELINGS for w in words[1:]):
        return True  # only people feel: "Crime victims feel informed", "pårørende opplever"
    for index, word in enumerate(words):
        if _is_population(word):
            following = words[index + 1 : index + 4]
            if any(w in _EXPERIENCE_VERBS for w in following):
                return True
    return False


@lru_cache(maxsize=65536)
def _is_measure(word: str) -> bool:
    if word in _MEASURES:
        return True
    # Bokmål compounds put the measured quantity last: "saksbehandlingstiden", "kundetilfredshet".
    base = re.sub(r"(en|et|a|ene)$", "", word)
    return any(
        (word.endswith(m) or base.endswith(m)) and len(m) >= 3
        for m in ("tid", "tilfredshet", "rate", "fravær", "andel", "prosent", "kostnad", "score")
    )


_NOT_PASSIVE = frozenset({"felles", "hverandres", "alles"})


def _nb_passive_present(words: list[str]) -> bool:
    # "80 % av sakene behandles ..." - a bokmål -es passive reports a state of the world.
    # Only in bokmål titles: English words in -es are mostly plural nouns.
    if detect_language([" ".join(words)]) != "nb":
        return False
    return any(
        len(w) >= 6
        and w.endswith("es")
        and not w.endswith("enes")
        and w.isalpha()
        and w not in _NOT_PASSIVE
        for w in words
    )


# The signals of `_outputs_with_numbers`: outputs whose numbers count the team's own work.
NUMBERED_OUTPUT_SIGNALS = frozenset(
    {"own-volume", "engineering-hygiene", "effort-allocation", "made-available", "plan-done"}
)


def _outputs_with_numbers(text: str, words: list[str]) -> dict[str, float]:
    """The families of outputs that carry numbers, each a signal with its weight."""
    found: dict[str, float] = {}
    if _counts_own_volume(text, words):
        found["own-volume"] = 6.0
    if _hygiene(words):
        found["engineering-hygiene"] = 6.0
    if _allocates_effort(words):
        found["effort-allocation"] = 6.0
    if (
        _AVAILABLE.search(text)
        and not (words and words[0] in _NONE_WORDS)
        and not re.search(r"\b(after|etter|når|when|once)\b", text)
    ):
        found["made-available"] = 5.0
    if _plan_done(text, words):
        found["plan-done"] = 4.0
    return found


def _counts_own_volume(text: str, words: list[str]) -> bool:
    """A count of things the team does: "epics closed", "telefoner vi ringer",
    "cold calls", "kontroller av serveringssteder", with a number or a change."""
    if not any(w[:1].isdigit() or w in _NUMBER_WORDS for w in words):
        return False
    if any(_is_population(w) for w in words[:1]) or _population_experiences(words):
        return False
    if _SERVICE_LEVEL.search(text) or any(w in _LEVEL_WORDS for w in words):
        return False  # "97 % of parcels delivered on time": a service level
    if _ADOPTION.search(text) or any(w in _COMPARATIVES for w in words):
        return False
    own = any(w in _OWN_SUBJECTS or w in {"our", "vår", "våre"} for w in words) or any(
        w in _OWN_DOING or w in _OUTREACH for w in words[1:]
    )
    if not own and any(_is_population(w) for w in words):
        return False  # "Grow newsletter subscribers", "Players who finish the tutorial"
    if any(_is_measure(w) and w not in _COUNTED_WORK for w in words):
        return False  # "Course completion rate", "API availability": a measure of effect
    lead_index, lead = _leading_word(words)
    if (
        lead in _PROCESS_VERBS
        and words[lead_index + 1 : lead_index + 2]
        and (words[lead_index + 1][:1].isdigit() and "%" not in text)
    ):
        return True  # "Behandle 500 flere søknader": the team's own production
    counted = _counted_phrase(words)
    for index, word in enumerate(counted):
        nxt = counted[index + 1 : index + 2]
        last = word.rsplit("-", 1)[-1]  # "instagram-poster"
        if (
            last in _VOLUME_NOUNS
            or _is_deliverable(word)
            or (word.endswith("besøk") and word != "besøk")  # "hjemmebesøk", "skolebesøk"
            or any(word.endswith(n) and len(n) >= 5 and not n.isascii() for n in _VOLUME_NOUNS)
        ):
            return True
        if word in _OUTREACH:
            return True
        if word in _OWN_DOING and index > 0:
            return True  # "tickets closed", "saker teamet lukker"
        if (word, tuple(nxt)) in {("pull", ("requests",)), ("press", ("releases",))}:
            return True
    return False


# A bound on time or quality makes counted work a service level.
_SERVICE_LEVEL = re.compile(
    r"\b(on time|in time|i tide|til avtalt tid|til tiden|within|innen|under|below|above|"
    r"older than|eldre enn|or less|or more|at least|minst|maks)\b"
)
_LEVEL_WORDS = frozenset({"time", "tid", "tiden", "median", "average", "gjennomsnittlig", "p95"})
_COUNTED_WORK = frozenset({"ticket", "tickets", "hendelser", "saker", "andel", "share"})
_PROCESS_VERBS = frozenset({"behandle", "process", "handle", "saksbehandle"})
_PHRASE_ENDS = frozenset(
    {"ved", "gjennom", "through", "caused", "after", "etter", "due", "thanks", "takket"}
)


def _counted_phrase(words: list[str]) -> list[str]:
    """The words naming what a title counts: after its opening verb or "antall"/"number
    of", before "fra"/"from"; or after a number."""
    end = next((i for i, w in enumerate(words) if w in {"fra", "from"}), len(words))
    start = 0
    lead_index, lead = _leading_word(words)
    if lead is not None and (lead in _CHANGE_VERBS or lead in {"go", "flere", "more"}):
        start = lead_index + 1
    phrase = words[start:end]
    cut = next((i for i, w in enumerate(phrase) if w in _PHRASE_ENDS), None)
    if cut is not None:
        return phrase[:cut]  # "ved første utlysning", "caused by failed deployments"
    if end == len(words):
        numbers = [i for i, w in enumerate(words) if w[:1].isdigit()]
        if numbers:
            phrase = phrase + words[numbers[-1] + 1 : numbers[-1] + 4]
    else:
        after = [i for i, w in enumerate(words) if w[:1].isdigit() and i > end]
        if after:
            phrase = phrase + words[after[-1] + 1 : after[-1] + 3]
    return phrase


def _hygiene(words: list[str]) -> bool:
    """Test coverage, automated tests, linter warnings, backlog: the team's own hygiene."""
    if re.search(r"\b(older than|eldre enn)\b", " ".join(words)) or _WITHIN.search(" ".join(words)):
        return False  # "tickets older than 30 days": people waiting, a service level
    for index, word in enumerate(words):
        if word in _HYGIENE:
            return True
        if word in {"coverage", "dekning", "dekningen"} and any(
            w in _TEST_WORDS or w in {"code", "kode"} for w in words[max(0, index - 2) : index]
        ):
            return True
        if word in {"tests", "tester", "testene"} and any(
            w in {"automated", "automatiserte", "automatiske", "automatic", "end-to-end",
                  "integration", "unit"}
            for w in words[max(0, index - 2) : index]
        ):  # fmt: skip
            return True
    return False


def _allocates_effort(words: list[str]) -> bool:
    """Time, capacity or budget set aside for something: "spend a fifth of our time on",
    "sette av 20 % av kapasiteten til"."""
    if any(w in _LESS_OR_MORE or w in _COMPARATIVES for w in words):
        return False
    for index, word in enumerate(words):
        if word not in _EFFORT_VERBS:
            continue
        subject = words[index - 1] if index > 0 else ""
        if _is_population(subject) and not subject.startswith(_OWN_MAKERS):
            return False  # "Citizens spend ... on forms": their time, not ours
        window = words[index + 1 : index + 8]
        if any(w in _EFFORT_NOUNS or w.endswith("kapasiteten") for w in window) and any(
            w in {"på", "on", "to", "til", "for", "with"} for w in words[index + 2 :]
        ):
            return True
    return False


def _plan_done(text: str, words: list[str]) -> bool:
    """A share of the team's own plan done: "80 % av tiltakene er gjennomført", "All 38
    APIs documented", "Share of microservices on the new logging stack from 40 % to 100 %"."""
    if _WITHIN.search(text) or _SERVICE_LEVEL.search(text) or any(w in _TIME_UNITS for w in words):
        return False
    if any(_is_population(w) for w in words) or _population_experiences(words):
        return False
    share = (
        any(w in _SHARE_WORDS for w in words[:3])
        or bool(re.search(r"\d\s?(%|prosent|percent)\s+(av|of)\b", text))
        or bool(re.search(r"^(alle|all)\s+\d", text))
    )
    return share and any(w in _DONE for w in words)
