"""Tell Norwegian bokmål from English, so findings speak the language of the document."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

__all__ = ["Language", "detect_language"]


def _words(text: str) -> frozenset[str]:
    """A lexicon written as whitespace-separated words."""
    return frozenset(text.split())


Language = Literal["nb", "en"]

# Short function words are the most reliable signal in text as terse as OKR titles.
_NORWEGIAN = _words(
    """
    og i på av til for med å som er fra en et ei den det de vi vår våre skal kan ikke innen
    minst flere færre antall andel økt øke redusere alle nye ny nytt mer enn under over hos
    eller brukere kunder innbyggere ansatte saker per uke måned dager gjennom får bedre
    """
)
_ENGLISH = _words(
    """
    the of to and in on for with by from at is are be our we will all new than least more
    less number share users customers citizens employees per week month days increase reduce
    improve grow raise lower cut launch deliver run hold ship build
    """
)


_NORWEGIAN_LETTERS = re.compile(r"[æøå]")
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(texts: Iterable[str], default: Language = "en") -> Language:
    """Guess the language of a document from all its texts together; ties give `default`."""
    lowered = "\n".join(texts).casefold()
    norwegian = 2.0 * len(_NORWEGIAN_LETTERS.findall(lowered))
    words = _WORD.findall(lowered)
    norwegian += sum(map(_NORWEGIAN.__contains__, words))
    english = float(sum(map(_ENGLISH.__contains__, words)))
    if norwegian == english:
        return default
    return "nb" if norwegian > english else "en"
