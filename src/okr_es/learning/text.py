"""Text normalisation shared by the lint and the copy-paste comparison (bokmål and English).

OKR titles are compared for what they say, not for when they say it: period and date
expressions ("Q1", "innen mars", "by end of June", "2025", "andre tertial") are removed,
numbers are taken out and compared separately, words are folded to a light stem and
mapped through a small bilingual synonym table, and typos are forgiven by comparing
words character by character.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from okr_es.vocabulary.language import detect_language

__all__ = [
    "NormalisedText",
    "extract_numbers",
    "fold",
    "normalise",
    "numbers_match",
    "period_expressions",
    "stem",
    "strip_periods",
    "text_similarity",
    "token_similarity",
]


def _words(text: str) -> frozenset[str]:
    """A lexicon written as whitespace-separated words."""
    return frozenset(text.split())


_MONTHS = (
    "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|"
    "january|february|march|june|july|october|december|"
    r"jan\.|feb\.|mar\.|apr\.|jun\.|jul\.|aug\.|sep\.|sept\.|okt\.|oct\.|nov\.|des\.|dec\."
)
# "may" and "mai" are ordinary words too, so they count as a month only next to a day or year.
_MONTH_NEEDS_CONTEXT = r"may|mai"
_YEAR = r"(?:19|20)\d\d"
_ORDINAL = (
    r"første|andre|tredje|fjerde|1\.|2\.|3\.|4\.|first|second|third|fourth|last|siste|"
    r"1st|2nd|3rd|4th|this|next|dette|neste|inneværende"
)
_PERIOD_NOUN = (
    r"kvartal(?:et)?|tertial(?:et)?|halvår(?:et)?|quarter|half(?:-year)?|trimester|semester|"
    r"periode(?:n)?|period|cycle|syklus(?:en)?|år(?:et)?|year"
)
_SEASON = r"våren|høsten|sommeren|vinteren|vår|høst|sommer|vinter|spring|autumn|fall|summer|winter"

_PERIOD_CORE = (
    rf"(?:\b(?:{_ORDINAL})\s+(?:{_PERIOD_NOUN})\b(?:\s+{_YEAR})?"
    rf"|\b(?:q|k|t|h)[1-4](?:[\s/-]*(?:{_YEAR}|\d\d))?\b"
    rf"|\bfy\s?-?(?:{_YEAR}|\d\d)\b"
    rf"|\b\d{{1,2}}\.\s?(?:{_MONTHS}|{_MONTH_NEEDS_CONTEXT})(?:\s+{_YEAR})?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS}|{_MONTH_NEEDS_CONTEXT})(?:\s+{_YEAR})?"
    rf"|\b(?:{_MONTHS})(?:\s+{_YEAR}\b|\s+\d{{1,2}}(?:st|nd|rd|th)?\b,?(?:\s+{_YEAR}\b)?)?"
    rf"|\b(?:{_MONTH_NEEDS_CONTEXT})\s+{_YEAR}\b"
    rf"|\b\d{{1,2}}[./]\d{{1,2}}[./](?:{_YEAR}|\d\d)\b"
    rf"|\b{_YEAR}-\d\d(?:-\d\d)?\b"
    rf"|\b(?:{_SEASON})(?:\s+{_YEAR})?\b"
    rf"|\b(?:{_YEAR})\b(?=\s*(?:[-/]?\s*(?:q|k|t|h)[1-4]\b|$))"
    rf"|\b(?:{_YEAR})\b(?=\s+(?:(?:{_ORDINAL})\s+(?:{_PERIOD_NOUN})|{_SEASON})\b)"
    r")"
)
# A lead-in such as "innen", "by the end of", "i løpet av" belongs to the date it introduces.
_LEAD_IN = (
    r"(?:\b(?:innen(?:\s+utgangen\s+av|\s+slutten\s+av)?|til\s+utgangen\s+av|"
    r"ved\s+utgangen\s+av|i\s+løpet\s+av|i\s+slutten\s+av|før|fra\s+og\s+med|"
    r"by(?:\s+the)?(?:\s+end\s+of)?|before(?:\s+the\s+end\s+of)?|until|till|"
    r"(?:at\s+)?(?:the\s+)?end\s+of|during|within|in|i|for|på|per|of|av|the)\s+)*"
)
_PERIOD = re.compile(rf"{_LEAD_IN}{_PERIOD_CORE}(?:-\w+)?", re.IGNORECASE)
# A bare year counts as a period when it follows a date-like word ("in 2025", "innen 2026").
_YEAR_AFTER_LEAD = re.compile(
    rf"\b(?:innen|by|in|i|before|før|until|during|for|fy|år|year|of|av)\s+{_YEAR}\b", re.IGNORECASE
)

# A number as Norwegian and English writers put it: "1 000", "1,300", "1.000.000", "3,5",
# "2.5", optionally scaled: "3,5 mill. kr", "2 MNOK", "NOK 12m", "$180k", "1,5 mrd".
_SCALES = {
    "k": 1e3, "tusen": 1e3, "thousand": 1e3, "m": 1e6, "mill": 1e6, "million": 1e6,
    "millions": 1e6, "millioner": 1e6, "mnok": 1e6, "mrd": 1e9, "milliard": 1e9,
    "milliarder": 1e9, "billion": 1e9, "billions": 1e9, "bn": 1e9,
}  # fmt: skip
_SCALE = (
    r"(?:\s?(?:millioner|millions?|milliarder|milliard|mill|mnok|mrd|billions?|bn|tusen|thousand)"
    r"\b\.?|\s?k(?![\wæøå])|m(?![\wæøå]))"
)
_NUMBER = re.compile(
    r"(?<![\w.,])[-−]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d])|\d{1,3}(?:,\d{3})+(?![\d])"
    r"|\d{1,3}(?:\.\d{3}){2,}(?![\d])|\d+)(?:[.,]\d+)?"
    rf"{_SCALE}?"
)
_STOPWORDS = _words(
    """
    og i på av til for med å som er fra en et ei den det de vi vår våre vårt skal kan som at
    om ved innen hos eller enn mer mest per pr inn ut over under alle all hver nye ny nytt
    seg sin sitt sine ha har blir bli være både samt mot uten etter før the a an of to and
    in on for with by from at as is are be our we will all each every per than or into out
    over under new its their this that these those within
    """
)

# Bilingual synonym groups: every word maps to the group's first entry (after stemming).
_SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "øke",
        "forbedre",
        "heve",
        "løfte",
        "styrke",
        "bedre",
        "økt",
        "økning",
        "increase",
        "grow",
        "raise",
        "improve",
        "boost",
        "lift",
        "increased",
        "growth",
        "higher",
        "høyere",
    ),
    (
        "redusere",
        "minske",
        "senke",
        "kutte",
        "begrense",
        "redusert",
        "reduksjon",
        "lavere",
        "reduce",
        "decrease",
        "cut",
        "lower",
        "shrink",
        "drop",
        "reduced",
        "reduction",
        "less",
        "færre",
        "fewer",
        "mindre",
    ),
    ("kunde", "bruker", "klient", "innbygger", "customer", "user", "client", "citizen"),
    ("ansatt", "medarbeider", "employee", "staff"),
    ("rask", "raskere", "kjapp", "fast", "faster", "quick", "quicker", "speedy"),
    ("tid", "time"),
    ("saksbehandlingstid", "behandlingstid", "handling time", "processing time"),
    ("ventetid", "wait time", "waiting time"),
    ("svartid", "svartiden", "responstid", "response time"),
    ("henvendelse", "forespørsel", "inquiry", "enquiry", "request", "ticket", "sak", "case"),
    ("andel", "prosent", "share", "percentage", "proportion", "rate"),
    ("tilfredshet", "fornøydhet", "satisfaction"),
    ("feil", "avvik", "error", "defect", "bug"),
    ("kostnad", "utgift", "cost", "spend", "spending"),
    ("lansere", "launch", "release", "ship"),
    ("levere", "deliver"),
    (
        "gjennomføre",
        "avholde",
        "holde",
        "arrangere",
        "conduct",
        "run",
        "hold",
        "host",
        "organise",
        "organize",
    ),
    ("oppnå", "nå", "achieve", "reach", "attain"),
    ("opprettholde", "beholde", "maintain", "keep", "sustain"),
    ("tjeneste", "service"),
    ("søknad", "application"),
    ("nettside", "nettsted", "website", "site", "web"),
    ("oppetid", "tilgjengelighet", "uptime", "availability"),
    ("lage", "bygge", "utvikle", "opprette", "create", "build", "develop", "make"),
    ("løse", "resolve", "solve"),
    ("null", "ingen", "zero", "none", "no"),
    ("utrulling", "deploy", "deployment"),
    ("migrere", "flytte", "migrate", "move"),
    ("pålitelig", "stabil", "robust", "reliable", "dependable", "stable"),
)

# Acronyms teams write as often spelt out; each is compared as the words it stands for.
_ACRONYMS = {
    "sso": "single sign on",
    "csat": "customer satisfaction",
    "nps": "net promoter score",
    "mttr": "mean time to recovery",
    "sla": "service level agreement",
    "kpi": "key performance indicator",
    "mfa": "multi factor authentication",
    "2fa": "two factor authentication",
    "faq": "frequently asked questions",
    "cs": "customer success",
    "mrr": "monthly recurring revenue",
    "arr": "annual recurring revenue",
    "ci": "continuous integration",
}
_ACRONYM = re.compile(r"\b(" + "|".join(_ACRONYMS) + r")\b")

# Numbers written as words: "three campaigns", "åtti prosent". "to" (2) and "fire" (4)
# are English words too, so they count as numbers in bokmål titles only; "one" and "en"
# are mostly not numbers at all ("every one of", "en ny løsning"), but the accented "én"
# is written only for the number.
_NUMBER_WORDS_EN = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100,
}  # fmt: skip
_NUMBER_WORDS_NB = {
    "tre": 3, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9, "ti": 10,
    "elleve": 11, "tolv": 12, "femten": 15, "tjue": 20, "tretti": 30, "førti": 40,
    "femti": 50, "seksti": 60, "sytti": 70, "åtti": 80, "nitti": 90, "hundre": 100,
    "én": 1,
}  # fmt: skip
_NUMBER_WORDS_NB_ONLY = {"to": 2, "fire": 4}
_NUMBER_WORD_VALUES = {**_NUMBER_WORDS_EN, **_NUMBER_WORDS_NB, **_NUMBER_WORDS_NB_ONLY}
_NUMBER_WORD = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(_NUMBER_WORD_VALUES, key=len, reverse=True)) + r")(?![\w])"
)

_MIN_FUZZY_LEN = 5
_FUZZY_TOKEN = 0.8
_FUZZY_SYNONYM = 0.85
_MIN_COMPOUND_PART = 4
_COMPOUND_PART = 0.7


def fold(text: str) -> str:
    """Lower-case, unify unicode forms, dashes and spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[‐‑‒–—−]", "-", text)


def strip_periods(text: str) -> str:
    """Remove period and date expressions (with their "innen"/"by end of" lead-ins)."""
    folded = fold(text)
    folded = _PERIOD.sub(" ", folded)
    folded = _YEAR_AFTER_LEAD.sub(" ", folded)
    return re.sub(r"\s+", " ", folded).strip()


def period_expressions(text: str) -> tuple[str, ...]:
    """The period and date expressions found in a title, e.g. ("innen mars",)."""
    folded = fold(text)
    found = [m.group(0).strip() for m in _PERIOD.finditer(folded)]
    found += [m.group(0).strip() for m in _YEAR_AFTER_LEAD.finditer(_PERIOD.sub(" ", folded))]
    return tuple(found)


@lru_cache(maxsize=4096)
def extract_numbers(text: str) -> tuple[float, ...]:
    """Numbers a title states once periods and dates are removed, in order (numbers
    written as words too: "three campaigns", "åtti prosent")."""
    stripped = _digits(strip_periods(text))
    values = (_parse_number(m.group(0)) for m in _NUMBER.finditer(stripped))
    return tuple(value for value in values if value is not None)


def _digits(folded: str) -> str:
    """Number words as digits; "to" and "fire" only where the text reads as bokmål
    ("to virkedager", not "from 5 to 15")."""
    if not _NUMBER_WORD.search(folded):
        return folded
    bokmal = _reads_as_bokmal(folded)

    def digit(match: re.Match[str]) -> str:
        word = match.group(1)
        if word in _NUMBER_WORDS_NB_ONLY and not bokmal:
            return word
        return str(_NUMBER_WORD_VALUES[word])

    return _NUMBER_WORD.sub(digit, folded)


def _reads_as_bokmal(folded: str) -> bool:
    # Organisations register in Norway first: a title with no telling word reads as bokmål.
    return detect_language([folded], default="nb") == "nb"


def numbers_match(first: Sequence[float], second: Sequence[float], tolerance: float) -> bool:
    """True when both sides state the same numbers, each within a relative `tolerance`."""
    if len(first) != len(second):
        return False
    remaining = list(second)
    for value in first:
        found = next(
            (i for i, other in enumerate(remaining) if _close(value, other, tolerance)), None
        )
        if found is None:
            return False
        remaining.pop(found)
    return True


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """A title reduced to what it says: stems before and after the synonym table."""

    stems: tuple[str, ...]
    canonical: tuple[str, ...]

    @property
    def joined(self) -> str:
        return " ".join(self.canonical)


@lru_cache(maxsize=4096)
def normalise(text: str) -> NormalisedText:
    """Strip periods, numbers and stopwords; stem; map synonyms."""
    stripped = _ACRONYM.sub(lambda m: _ACRONYMS[m.group(1)], _digits(strip_periods(text)))
    # "75 %" says what "75 prosent" says.
    body = _NUMBER.sub(" ", stripped.replace("%", " prosent "))
    words = [w for w in re.findall(r"[^\W\d_]+", body) if w not in _STOPWORDS and len(w) > 1]
    stems = tuple(part for w in words for part in _split_compound(w))
    canonical = tuple(_synonym(s) for s in stems)
    return NormalisedText(stems=stems, canonical=canonical)


@lru_cache(maxsize=65536)
def _synonym(stemmed: str) -> str:
    """The synonym group's head of a stem, forgiving a typo in a longer word ("incease")."""
    found = _SYNONYMS.get(stemmed)
    if found is not None:
        return found
    if len(stemmed) >= _MIN_FUZZY_LEN:
        # In the table's order, as a scan of it would find them, but only the words
        # that share a bigram with the stem (the others cannot reach the bar, see
        # `_candidates`) and whose lengths allow it.
        for word, head in _fuzzy_synonyms(_bigrams(stemmed)):
            if (
                abs(len(word) - len(stemmed)) <= 2
                and 2.0 * min(len(word), len(stemmed)) / (len(word) + len(stemmed))
                >= _FUZZY_SYNONYM
                and _ratio(word, stemmed) >= _FUZZY_SYNONYM
            ):
                return head
    return stemmed


def _fuzzy_synonyms(bigrams: Iterable[str]) -> list[tuple[str, str]]:
    """The (word, head) entries of the synonym table, long enough for a fuzzy match,
    that hold one of these bigrams, in the table's order."""
    found = {at for bigram in bigrams for at in _SYNONYMS_BY_BIGRAM.get(bigram, ())}
    return [_FUZZY_SYNONYM_ENTRIES[at] for at in sorted(found)]


def text_similarity(first: str, second: str, at_least: float = 0.0) -> float:
    """Similarity of wording in [0, 1], blind to periods, numbers, word order and typos.

    A caller that only asks whether the similarity reaches ``at_least`` may get, for a
    pair that does not, any value below ``at_least`` (an upper bound of the similarity):
    the character comparison of long titles, the costly part, is then often skipped."""
    a, b = normalise(first), normalise(second)
    if not a.canonical and not b.canonical:
        return 1.0 if fold(first).strip() == fold(second).strip() else 0.0
    if not a.canonical or not b.canonical:
        return 0.0
    there = _soft_overlap(a.canonical, b.canonical)
    if _combined((there + 1.0) / 2, 1.0) < at_least:  # even if the way back were perfect
        return _combined((there + 1.0) / 2, 1.0)
    words = (there + _soft_overlap(b.canonical, a.canonical)) / 2
    left, right = " ".join(sorted(a.canonical)), " ".join(sorted(b.canonical))
    # Upper bounds of difflib's ratio, cheapest first (the score grows with it):
    # all characters matching, then as many as the shorter text has.
    for bound in (1.0, 2.0 * min(len(left), len(right)) / (len(left) + len(right))):
        if _combined(words, bound) < at_least:
            return _combined(words, bound)
    chars = SequenceMatcher(None, left, right)
    shared = chars.quick_ratio()  # the characters they share, in any order
    if _combined(words, shared) < at_least:
        return _combined(words, shared)
    return _combined(words, chars.ratio())


def _combined(words: float, chars: float) -> float:
    return max(0.0, min(1.0, 0.75 * words + 0.25 * chars))


def token_similarity(first: str, second: str) -> float:
    """Character-level similarity of two stems, forgiving typos in longer words.

    A compound that ends or starts with the other word ("telefonservice"/"service",
    "byggesøknad"/"søknad") is a narrower term for the same thing and scores partly.
    """
    if first == second:
        return 1.0
    shorter, longer = sorted((first, second), key=len)
    if len(shorter) >= _MIN_COMPOUND_PART and (
        longer.endswith(shorter) or longer.startswith(shorter)
    ):
        return _COMPOUND_PART
    if len(shorter) < _MIN_FUZZY_LEN:
        return 0.0
    # Only a ratio at the bar counts: most pairs fail the bar on their lengths alone
    # (difflib's ratio is at most 2·shorter/(both lengths)), so the full ratio, the bulk
    # of comparing long titles, is computed only where it could reach the bar.
    if 2.0 * len(shorter) / (len(first) + len(second)) < _FUZZY_TOKEN:
        return 0.0
    # Nor can it match a letter that only one of them has: each such letter is left
    # unmatched at least once.
    unmatched = len(_letters(first) ^ _letters(second))
    both = len(first) + len(second)
    if (both - unmatched) / both < _FUZZY_TOKEN:
        return 0.0
    ratio = _ratio(first, second)
    return ratio if ratio >= _FUZZY_TOKEN else 0.0


_SUFFIXES = (
    "erne", "eren", "ende", "ene", "ere", "ane", "ets", "ens", "ing", "ies", "ers",
    "er", "en", "et", "ar", "ed", "es", "e", "s",
)  # fmt: skip


def stem(word: str) -> str:
    """A light, language-agnostic suffix stripper good enough for matching titles."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _split_compound(word: str) -> tuple[str, ...]:
    # Bokmål joins words ("kundetilfredshet" = kunde + tilfredshet); splitting off a known
    # synonym lets "kundetilfredshet" meet "brukertilfredshet".
    for head in _COMPOUND_HEADS:
        if word.startswith(head) and len(word) - len(head) >= _MIN_COMPOUND_PART:
            rest = word[len(head) :]
            rest = rest[1:] if rest[:1] in {"s", "e"} and len(rest) > _MIN_COMPOUND_PART else rest
            return (stem(head), stem(rest))
    stemmed = stem(word)
    for tail in _COMPOUND_TAILS:
        if stemmed.endswith(tail) and len(stemmed) - len(tail) >= _MIN_COMPOUND_PART:
            return (stem(stemmed[: -len(tail)].rstrip("s")), tail)
    return (stemmed,)


def _build_synonyms(groups: Iterable[tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for group in groups:
        head = stem(group[0])
        for word in group:
            table.setdefault(stem(word.replace(" ", "")), head)
            if " " not in word:
                table.setdefault(word, head)
    return table


_SYNONYMS = _build_synonyms(_SYNONYM_GROUPS)
# The entries a typo can be matched to, and where each bigram occurs among them.
_FUZZY_SYNONYM_ENTRIES = [(w, head) for w, head in _SYNONYMS.items() if len(w) >= _MIN_FUZZY_LEN]


def _positions_by_bigram(words: Sequence[str]) -> dict[str, tuple[int, ...]]:
    found: dict[str, list[int]] = {}
    for at, word in enumerate(words):
        for bigram in {word[i : i + 2] for i in range(len(word) - 1)}:
            found.setdefault(bigram, []).append(at)
    return {bigram: tuple(positions) for bigram, positions in found.items()}


_SYNONYMS_BY_BIGRAM = _positions_by_bigram([word for word, _ in _FUZZY_SYNONYM_ENTRIES])
# Longest first, so "innbygger" is tried before "bruker"-like shorter heads.
_COMPOUND_HEADS = tuple(
    sorted(
        {w for group in _SYNONYM_GROUPS for w in group if " " not in w and len(w) >= 5},
        key=len,
        reverse=True,
    )
)
_COMPOUND_TAILS = tuple(sorted({stem(w) for w in _COMPOUND_HEADS}, key=len, reverse=True))

# Generic measurement words say little about the topic; they weigh less when comparing.
_GENERIC = frozenset(
    _SYNONYMS.get(stem(w), stem(w))
    for w in _words(
        """
    øke redusere andel antall nivå gjennomsnitt snitt prosent median number average level
    rate share increase reduce percentage total minst least score måned month uke week dag
    day time tid kunde bruker
    """
    )
)


def _weight(token: str) -> float:
    return 0.35 if token in _GENERIC else 1.0


def _soft_overlap(source: Sequence[str], target: Sequence[str]) -> float:
    total = sum(_weight(t) for t in source)
    if total == 0:
        return 0.0
    found = 0.0
    present, by_bigram = _index(tuple(target))
    for token in source:
        if token in present:
            best = 1.0  # which no other token can beat
        elif len(token) < _MIN_COMPOUND_PART:
            best = 0.0  # too short for any partial match
        else:
            best = max(
                [token_similarity(token, other) for other in _candidates(token, by_bigram)],
                default=0.0,
            )
        found += _weight(token) * best
    return found / total


# Comparing every token of a title with every token of another is most of the cost of
# comparing long titles. Two different tokens score above 0 only if they share a bigram
# (two letters in a row): a compound part is 4 letters or more, and a fuzzy match (a
# ratio of 0.8 or more, the shorter word 5 letters or more; 0.85 for synonyms) matches
# 0.8 of their letters or more in blocks, which cannot all be single letters:
# consecutive blocks are apart by at least one unmatched letter, so n one-letter blocks
# leave n - 1 letters unmatched, more than a ratio of 0.8 allows for words of 10 letters
# or more together. So a token is compared only with the tokens that share a bigram
# with it, and scores the same.


@lru_cache(maxsize=4096)
def _index(tokens: tuple[str, ...]) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """A title's tokens as a set, and by each bigram they hold."""
    by_bigram: dict[str, set[str]] = {}
    for token in tokens:
        for bigram in _bigrams(token):
            by_bigram.setdefault(bigram, set()).add(token)
    return frozenset(tokens), {b: tuple(sorted(found)) for b, found in by_bigram.items()}


@lru_cache(maxsize=65536)
def _letters(token: str) -> frozenset[str]:
    return frozenset(token)


@lru_cache(maxsize=65536)
def _bigrams(token: str) -> frozenset[str]:
    return frozenset(token[i : i + 2] for i in range(len(token) - 1))


def _candidates(token: str, by_bigram: Mapping[str, tuple[str, ...]]) -> set[str]:
    """The tokens of a title that share a bigram with ``token``: the only ones that can
    score above 0 against it."""
    return {other for bigram in _bigrams(token) for other in by_bigram.get(bigram, ())}


@lru_cache(maxsize=65536)
def _ratio(first: str, second: str) -> float:
    return SequenceMatcher(None, first, second).ratio()


_SPLIT_NUMBER = re.compile(r"([-−]?)(\d[\d \u00a0\u202f.,]*?)\s?([^\d\s]*)")


def _parse_number(raw: str) -> float | None:
    """The value of a number `_NUMBER` found, or None when it reads as no number at all
    (a title's numbers are compared, never trusted to be well formed)."""
    parts = _SPLIT_NUMBER.fullmatch(raw.strip().casefold())
    if parts is None:
        return None
    sign, digits, suffix = parts.groups()
    factor = _SCALES.get(suffix.rstrip("."), 1.0) if suffix else 1.0
    digits = re.sub(r"[ \u00a0\u202f]", "", digits)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        digits = digits.replace(",", "")  # English thousands: "1,300.5"
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?", digits):
        digits = digits.replace(".", "").replace(",", ".")  # bokmål thousands: "1.000.000,5"
    else:
        digits = digits.replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?", digits):
        return None
    value = float(digits) * factor * (-1.0 if sign else 1.0)
    return value if math.isfinite(value) else None


def _close(first: float, second: float, tolerance: float) -> bool:
    scale = max(abs(first), abs(second))
    return scale == 0 or abs(first - second) <= tolerance * scale
