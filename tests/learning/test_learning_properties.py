"""Properties: the loader fails only with OkrSetError; an OKR set is a copy of itself."""

from __future__ import annotations

import contextlib
import io
import json
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from okr_es import cli
from okr_es.aggregates import validation as check
from okr_es.learning.copy_paste import compare
from okr_es.learning.kr_kind import classify_key_result
from okr_es.learning.lint import lint
from okr_es.learning.okr_set import (
    MAX_TITLE_CHARS,
    KeyResult,
    Objective,
    OkrSet,
    OkrSetError,
    dump_okr_set,
    load_okr_set,
    load_okr_set_yaml,
)
from okr_es.learning.text import extract_numbers, text_similarity, token_similarity

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["", " ", "increase", "milestone", "x" * 600]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            ["unit", "cycle", "objectives", "key_results", "title", "why", "owner",
             "aligned_to", "metric", "start", "target", "unit", "other"]
        )
        | st.text(max_size=8),
        children,
        max_size=5,
    ),
    max_leaves=25,
)  # fmt: skip


def loads_or_rejects(load: Any, data: Any) -> None:
    try:
        result = load(data)
    except OkrSetError:
        return
    assert isinstance(result, OkrSet)


@given(json_values)
def test_loading_any_json_value_returns_a_set_or_raises_okr_set_error(value: Any) -> None:
    loads_or_rejects(load_okr_set, json.dumps(value, allow_nan=True))


@given(st.binary(max_size=200) | st.text(max_size=200))
def test_loading_any_bytes_or_text_returns_a_set_or_raises_okr_set_error(data: bytes | str) -> None:
    loads_or_rejects(load_okr_set, data)
    loads_or_rejects(load_okr_set_yaml, data)


titles = st.text(min_size=1, max_size=60).filter(lambda s: not check.blank(s))
numbers = st.none() | st.floats(allow_nan=False, allow_infinity=False, width=32)
key_results = st.builds(
    KeyResult,
    title=titles,
    metric=st.none()
    | st.sampled_from(["increase", "decrease", "stay_above", "stay_below", "milestone"]),
    start=numbers,
    target=numbers,
)
objectives = st.builds(
    Objective, title=titles, key_results=st.lists(key_results, max_size=4).map(tuple)
)
okr_sets = st.builds(
    OkrSet, unit=st.none() | titles, objectives=st.lists(objectives, max_size=4).map(tuple)
)


@settings(deadline=None)
@given(okr_sets.filter(lambda s: bool(s.objectives)))
def test_every_set_is_a_copy_of_itself(okr_set: OkrSet) -> None:
    # A set without objectives has nothing to copy (see the explicit test of that).
    result = compare(okr_set, okr_set)
    assert result.verdict == "copy"
    assert result.score >= 0.99
    assert all("dropped" not in e.changes and "added" not in e.changes for e in result.evidence)


@settings(deadline=None)
@given(okr_sets)
def test_every_set_survives_a_dump_and_load_and_can_be_linted(okr_set: OkrSet) -> None:
    assert load_okr_set(dump_okr_set(okr_set)) == okr_set
    report = lint(okr_set)
    assert len(report.key_results) == sum(len(o.key_results) for o in okr_set.objectives)


# Words that meet as synonyms, compounds, typos and stems, and some that meet nothing.
_WORDS = [
    "redusere", "reduce", "redusre", "øke", "increase", "incease", "kundetilfredshet",
    "brukertilfredshet", "tilfredshet", "saksbehandlingstid", "behandlingstid", "svartid",
    "innbyggere", "innbygere", "søknader", "byggesøknad", "digitale", "digital", "tjenester",
    "kvartal", "andel", "prosent", "75", "til", "fra", "xq", "zyklop", "blåbær",
]  # fmt: skip
_titles = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12).map(" ".join)


@settings(max_examples=300)
@given(_titles, _titles, st.sampled_from([0.0, 0.4, 0.5, 0.75, 0.8, 1.0]))
def test_a_similarity_asked_against_a_bar_decides_as_the_full_one(
    first: str, second: str, bar: float
) -> None:
    full = text_similarity(first, second)
    against = text_similarity(first, second, at_least=bar)
    if full >= bar:
        assert against == full
    else:
        assert against < bar


def _bigrams(word: str) -> set[str]:
    return {word[i : i + 2] for i in range(len(word) - 1)}


@settings(max_examples=500)
@given(st.text("abcdeø", min_size=1, max_size=12), st.text("abcdeø", min_size=1, max_size=12))
def test_different_words_that_score_share_two_letters_in_a_row(first: str, second: str) -> None:
    # What comparing long titles relies on: it compares only words that share a bigram.
    if first != second and token_similarity(first, second) > 0:
        assert _bigrams(first) & _bigrams(second)


# Pieces of numbers as Norwegian and English writers put them, and what surrounds them.
_NUMBER_PIECES = [
    "0", "1", "12", "048", "1,2", "3.5", "1 000", "1\u00a0000", "1\u202f000", "1.000.000",
    "1,300", "1,300.50", "1.000,5", "9" * 40, ",", ".", ",,", "..", "-", "−", "–", "%", " %",
    "MNOK", " MNOK", "mnok", " mill.", "mill", " millioner", "million", "k", "K", "m", "M",
    " mrd.", "bn", " kr", "kr.", "NOK ", "$", "€", "fra ", " til ", "from ", " to ", " ", "e5",
    "½", "²", "٣", "１２", "x", "Q1", "2026", "1.", "3,5 mill. kr", "per", "/", "(", ")",
]  # fmt: skip
number_ish = st.lists(st.sampled_from(_NUMBER_PIECES), min_size=1, max_size=12).map("".join) | (
    st.text(alphabet="0123456789.,  \u00a0kKmM%-−$", min_size=1, max_size=30)
)


@settings(max_examples=400, deadline=None)
@given(number_ish, number_ish)
def test_number_ish_text_never_raises(first: str, second: str) -> None:
    # Every number format parses or is ignored; what comes out is a finite number.
    for text in (first, second):
        assert all(math.isfinite(n) for n in extract_numbers(text))
        classify_key_result(text)
    assert 0.0 <= text_similarity(first, second) <= 1.0


def _document(titles: list[str], metric: str | None, numbers: list[float]) -> dict[str, Any]:
    fields = dict(zip(("start", "target"), numbers, strict=False))
    key_results = [
        {"title": t, **({"metric": metric} if metric else {}), **fields, "unit": "MNOK"}
        for t in titles
    ]
    objective = {"title": "Mål " + titles[0][:50], "key_results": key_results}
    return {"unit": "Team", "cycle": "2026 Q1", "objectives": [objective]}


# Titles within the limits: number-ish text behind a usual opening, or any text at all.
document_titles = st.lists(
    st.tuples(st.sampled_from(["Øke inntektene ", "Reduce cost ", "Holde ", "", "Andel "]),
              number_ish).map("".join)
    | st.text(min_size=1, max_size=MAX_TITLE_CHARS),
    min_size=1, max_size=4,
).map(lambda titles: [t for t in titles if not check.blank(t)] or ["x"])  # fmt: skip
metrics = st.none() | st.sampled_from(["increase", "decrease", "stay_above", "milestone"])
field_numbers = st.lists(
    st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**20), 10**20), max_size=2
)


@settings(max_examples=60, deadline=None)
@given(document_titles, document_titles, metrics, field_numbers)
@example(["Øke inntektene fra 1,2 MNOK til 2 MNOK"], ["3,5 mill. kr"], "increase", [1.2, 2])
def test_lint_and_compare_on_any_document_exit_without_a_traceback(
    previous: list[str], following: list[str], metric: str | None, numbers: list[float]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder, "previous.json"), Path(folder, "next.json")
        first.write_text(json.dumps(_document(previous, metric, numbers)), "utf-8")
        second.write_text(json.dumps(_document(following, metric, numbers[::-1])), "utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            # An exception out of main() is what a user sees as a traceback.
            codes = [
                cli.main(["lint", str(first), "--fail-on", "never"]),
                cli.main(["lint", str(first), "--json", "--fail-on", "never"]),
                cli.main(["compare", str(first), str(second)]),
                cli.main(["compare", "--json", str(first), str(second)]),
            ]
    # A document the loader refuses exits 1 with a message, never a traceback.
    assert all(code in {0, 1} for code in codes), err.getvalue()
    assert "Traceback" not in err.getvalue()
