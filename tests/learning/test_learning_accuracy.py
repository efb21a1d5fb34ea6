"""Accuracy of the kind classifier and of compare() on the labelled data in tests/data.

The rules must be right on at least 95 % of the labelled data they were tuned on
(kr_kinds.json, copy_paste_pairs.json: every batch, both splits). The held-out files
(kr_kinds_holdout.json, copy_paste_pairs_holdout.json) were written before the rules were
changed for them and were measured once; their rates are printed, and must stay above a
floor below what they measured (see docs/learning.md). Run with `pytest -s` to see them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from okr_es.learning.copy_paste import compare
from okr_es.learning.kr_kind import classify_key_result
from okr_es.learning.okr_set import okr_set_from_python

REQUIRED = 0.95
# The held-out batch measured 106 of 110 key results and 33 of 33 pairs. With so few
# cases, 95 % intervals reach down to about 91 % and 90 %: a rate below 90 % means the
# rules have got worse, not that the sample was unlucky.
HELD_OUT_FLOOR = 0.90


def kind_is_right(case: dict[str, Any]) -> bool:
    return bool(classify_key_result(case["title"], case.get("metric")) == case["kind"])


def verdict_is_right(pair: dict[str, Any]) -> bool:
    result = compare(
        okr_set_from_python(pair["previous"]),
        okr_set_from_python(pair["next"]),
        missed_targets={(o, k) for o, k in pair.get("missed_targets", [])},
    )
    return bool(result.verdict == pair["label"])


def rate(cases: list[dict[str, Any]], right: Callable[[dict[str, Any]], bool], name: str) -> float:
    misses = [case["id"] for case in cases if not right(case)]
    value = 1 - len(misses) / len(cases)
    print(f"\n{name}: {len(cases) - len(misses)}/{len(cases)} = {value:.1%} misses={misses}")
    return value


def test_the_kind_data_is_large_and_balanced_enough(
    kr_cases: list[dict[str, Any]], kr_held_out: list[dict[str, Any]]
) -> None:
    for cases in (kr_cases, kr_held_out):
        outputs = sum(case["kind"] == "output" for case in cases)
        assert 0.4 <= outputs / len(cases) <= 0.65
        assert {case["lang"] for case in cases} == {"nb", "en"}
    assert len(kr_cases) >= 900 and len(kr_held_out) >= 100
    assert {case["split"] for case in kr_cases} == {"tuning", "holdout"}
    held_out = [c["title"].casefold() for c in kr_held_out]
    assert len(set(held_out)) == len(held_out)
    assert not set(held_out) & {c["title"].casefold() for c in kr_cases}


def test_the_pair_data_is_large_and_covers_every_verdict(
    copy_pairs: list[dict[str, Any]], copy_pairs_held_out: list[dict[str, Any]]
) -> None:
    for pairs in (copy_pairs, copy_pairs_held_out):
        assert {pair["label"] for pair in pairs} == {"copy", "evolved", "new"}
        assert {pair["lang"] for pair in pairs} == {"nb", "en"}
        # Copies that only refresh the baselines after a missed target, both languages.
        refreshed = [p for p in pairs if "baselines-refreshed" in p["disguise"]]
        assert {p["lang"] for p in refreshed if p["label"] == "copy"} == {"nb", "en"}
        assert any(p["label"] == "evolved" for p in refreshed)
    assert len(copy_pairs) >= 250 and len(copy_pairs_held_out) >= 30
    ids = [pair["id"] for pair in copy_pairs + copy_pairs_held_out]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("split", ["all", "holdout"])
def test_the_kind_classifier_is_right_on_at_least_95_percent(
    kr_cases: list[dict[str, Any]], split: str
) -> None:
    cases = [c for c in kr_cases if split == "all" or c["split"] == split]
    assert rate(cases, kind_is_right, f"kr kind ({split})") >= REQUIRED


@pytest.mark.parametrize("split", ["all", "holdout"])
def test_compare_verdicts_are_right_on_at_least_95_percent(
    copy_pairs: list[dict[str, Any]], split: str
) -> None:
    pairs = [p for p in copy_pairs if split == "all" or p["split"] == split]
    assert rate(pairs, verdict_is_right, f"compare verdict ({split})") >= REQUIRED


def test_the_held_out_key_results_stay_above_the_floor(kr_held_out: list[dict[str, Any]]) -> None:
    assert rate(kr_held_out, kind_is_right, "kr kind (held-out file)") >= HELD_OUT_FLOOR


def test_the_held_out_pairs_stay_above_the_floor(
    copy_pairs_held_out: list[dict[str, Any]],
) -> None:
    assert rate(copy_pairs_held_out, verdict_is_right, "compare verdict (held-out file)") >= (
        HELD_OUT_FLOOR
    )
