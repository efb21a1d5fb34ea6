"""A written review speaks one language: a Norwegian report shows no flag codes, status
codes, English units or ISO dates, and an English one shows English words."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from uuid import UUID, uuid5

import msgspec
import pytest

from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Policy
from okr_es.learning.portfolio import portfolio_html
from okr_es.learning.report import review_html, review_markdown
from okr_es.learning.review import FLAG_CODES, Flag, Review, ReviewPolicy, review
from okr_es.vocabulary.cycle_facts import CycleInfo

_NS = UUID("6a1f0c3e-8b2d-4f7a-9c5e-1d3b5f7a9c0e")
CYCLE = CycleInfo(uuid5(_NS, "q"), "2026 Q3", date(2026, 7, 1), date(2026, 9, 30))
KARI = uuid5(_NS, "kari")

# What the codes and the English words of a report look like; none may show in Norwegian.
RAW_CODES = [
    *FLAG_CODES,
    "on-track", "at-risk", "cycle-not-there-yet", "too-little-progress", "no-key-results",
]  # fmt: skip
ENGLISH_WORDS = [
    "percent", "green", "yellow", "red", "active", "closed", "dropped", "behind", "stale",
    "on track", "at risk", "value", "target", "threshold", "silence", "expected pace",
    "last part", "as of", "no check-in", "days", "count", "Jul", "Aug", "Sep",
]  # fmt: skip
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def a_cycle(language: str) -> Review:
    """A cycle with a silence, a hockey stick, a lowered target, a threshold and every
    kind of finding, in ``language``."""
    o = Objective.set(
        objective_id=uuid5(_NS, "o"), organization_id=uuid5(_NS, "org"),
        unit_id=uuid5(_NS, "team"), cycle_id=CYCLE.id, title="Raskere svar til innbyggerne",
        why="", owner_id=KARI, by=KARI,
    )  # fmt: skip
    share, backlog, happy = uuid5(_NS, "share"), uuid5(_NS, "backlog"), uuid5(_NS, "happy")
    for kr, title, metric, numbers, unit in (
        (share, "Andel digitale søknader", "increase", {"start": 55, "target": 75}, "percent"),
        (backlog, "Restanser ned", "decrease", {"start": 120, "target": 40}, "count"),
        (happy, "Brukertilfredshet over 7", "stay_above", {"target": 7}, "score"),
    ):
        o.add_key_result(key_result_id=kr, title=title, metric=metric, unit=unit,
                         policy=Policy(), by=KARI, **numbers)  # fmt: skip

    def check_in(day: int, kr: UUID, value: float, status: str) -> None:
        o.check_in(
            key_result_id=kr, value=value, status=status, confidence=7,
            checked_in_at=datetime(2026, 7, 1, 9, tzinfo=UTC) + timedelta(days=day), by=KARI,
        )  # fmt: skip

    for kr, first, last in ((share, 56, 74), (backlog, 118, 45), (happy, 6.8, 7.4)):
        check_in(5, kr, first, "yellow")
        check_in(80, kr, last, "green")
    o.adjust_key_result(key_result_id=backlog, target=50, reason="Ny lov", by=KARI,
                        effective_at=datetime(2026, 8, 1, tzinfo=UTC))  # fmt: skip
    check_in(85, share, 74, "red")
    o.close(scores=None, note="Godt jobbet", by=KARI)
    result = review(list(o.collect_events()), CYCLE, ReviewPolicy(language=language))  # type: ignore[arg-type]
    found = {f.code for f in result.flags}
    assert {"long-silence", "hockey-stick", "moved-goalposts"} <= found
    # Every other finding too, with a message in the report's language.
    others = [Flag(code, "melding" if language == "nb" else "message") for code in FLAG_CODES]
    return msgspec.structs.replace(
        result, flags=[*result.flags, *(f for f in others if f.code not in found)]
    )


class VisibleText(HTMLParser):
    """What a reader sees or hears: text outside style and script, and aria-labels."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._hidden += 1
        self.parts += [v for k, v in attrs if k == "aria-label" and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def shown(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


@pytest.mark.parametrize("form", ["html", "markdown", "portfolio"])
def test_a_norwegian_report_shows_no_codes_english_words_or_iso_dates(form: str) -> None:
    result = a_cycle("nb")
    text = {
        "html": lambda: visible(review_html(result)),
        "markdown": lambda: review_markdown(result),
        "portfolio": lambda: visible(portfolio_html([result], result.cycle)),
    }[form]()

    assert [w for w in RAW_CODES + ENGLISH_WORDS if shown(text, w)] == []
    assert ISO_DAY.findall(text) == []
    assert "prosent" in text and "poeng" in text and "antall" in text
    assert "30. september 2026" in text and "Lang stillhet" in text


def test_an_english_report_says_the_same_in_english() -> None:
    result = a_cycle("en")
    text = visible(review_html(result))
    assert "percent" in text and "30 September 2026" in text and "Long silence" in text
    assert [w for w in ("prosent", "dager", "ingen innsjekk", "grønn") if shown(text, w)] == []
    assert [c for c in RAW_CODES if shown(text, c)] == []


def test_codes_stay_in_the_data_for_programs() -> None:
    html = review_html(a_cycle("nb"))
    assert "data-code='long-silence'" in html
