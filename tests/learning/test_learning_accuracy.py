"""Accuracy of the kind classifier and of compare() on the labelled data in tests/data.

Each data set has a "tuning" part and a "holdout" part; the rules must be right on at least
90 % of all cases and of the holdout cases alone. Run with `pytest -s` to see the rates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from okr_es.learning.copy_paste import compare
from okr_es.learning.kr_kind import classify_key_result
from okr_es.learning.okr_set import okr_set_from_python

REQUIRED = 0.90


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


def test_the_kind_data_is_large_and_balanced_enough(kr_cases: list[dict[str, Any]]) -> None:
    assert len(kr_cases) >= 140
    outputs = sum(case["kind"] == "output" for case in kr_cases)
    assert 0.4 <= outputs / len(kr_cases) <= 0.65
    assert {case["lang"] for case in kr_cases} == {"nb", "en"}
    assert {case["split"] for case in kr_cases} == {"tuning", "holdout"}


def test_the_pair_data_is_large_and_covers_every_verdict(copy_pairs: list[dict[str, Any]]) -> None:
    assert len(copy_pairs) >= 50
    assert {pair["label"] for pair in copy_pairs} == {"copy", "evolved", "new"}
    assert {pair["split"] for pair in copy_pairs} == {"tuning", "holdout"}
    assert len({pair["id"] for pair in copy_pairs}) == len(copy_pairs)


@pytest.mark.parametrize("split", ["all", "holdout"])
def test_the_kind_classifier_is_right_on_at_least_90_percent(
    kr_cases: list[dict[str, Any]], split: str
) -> None:
    cases = [c for c in kr_cases if split == "all" or c["split"] == split]
    assert rate(cases, kind_is_right, f"kr kind ({split})") >= REQUIRED


@pytest.mark.parametrize("split", ["all", "holdout"])
def test_compare_verdicts_are_right_on_at_least_90_percent(
    copy_pairs: list[dict[str, Any]], split: str
) -> None:
    pairs = [p for p in copy_pairs if split == "all" or p["split"] == split]
    assert rate(pairs, verdict_is_right, f"compare verdict ({split})") >= REQUIRED
