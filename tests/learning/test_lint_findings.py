"""Given an OKR set, then these lint findings: one behaviour per test."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from okr_es.learning.lint import Finding, lint
from okr_es.learning.lint_policy import LintPolicy, load_lint_policy
from okr_es.learning.okr_set import KeyResult, Objective, OkrSet

GOOD_KRS = (
    KeyResult(title="Redusere svartid fra 5 til 2 dager"),
    KeyResult(title="80 % av sakene løses ved første kontakt"),
)


def objective(
    title: str = "Raskere svar til innbyggerne",
    key_results: tuple[KeyResult, ...] = GOOD_KRS,
    owner: str | None = "Kari",
    aligned_to: str | None = "Virksomhetsmål 1",
) -> Objective:
    return Objective(title=title, owner=owner, aligned_to=aligned_to, key_results=key_results)


def okr(*objectives: Objective) -> OkrSet:
    return OkrSet(unit="Kundesenteret", cycle="2025-Q2", objectives=objectives)


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def test_a_well_formed_set_has_no_findings() -> None:
    report = lint(okr(objective()))
    assert report.findings == []
    assert [k.kind for k in report.key_results] == ["outcome", "outcome"]


def test_a_task_shaped_key_result_is_reported_as_output() -> None:
    krs = (*GOOD_KRS, KeyResult(title="Holde 4 workshops med kommunene"))
    [finding] = only(lint(okr(objective(key_results=krs))).findings, "kr-is-output")
    assert (finding.severity, finding.objective, finding.key_result) == ("warning", 0, 2)
    assert "Holde 4 workshops" in finding.message


def test_a_key_result_without_a_number_is_reported() -> None:
    krs = (GOOD_KRS[0], KeyResult(title="Innbyggerne opplever raskere svar"))
    [finding] = only(lint(okr(objective(key_results=krs))).findings, "kr-has-no-number")
    assert (finding.objective, finding.key_result, finding.severity) == (0, 1, "warning")


def test_a_target_field_counts_as_a_number() -> None:
    krs = (GOOD_KRS[0], KeyResult(title="Innbyggertilfredshet", target=4.5))
    assert only(lint(okr(objective(key_results=krs))).findings, "kr-has-no-number") == []


def test_a_numberless_milestone_is_accepted_unless_the_policy_says_otherwise() -> None:
    krs = (GOOD_KRS[0], KeyResult(title="Ny nettside lansert", metric="milestone"))
    assert only(lint(okr(objective(key_results=krs))).findings, "kr-has-no-number") == []
    strict = LintPolicy(numberless_milestones_ok=False)
    assert (
        len(only(lint(okr(objective(key_results=krs)), strict).findings, "kr-has-no-number")) == 1
    )


def test_more_objectives_than_the_policy_allows_are_reported_once_for_the_set() -> None:
    report = lint(okr(*(objective(title=f"Mål nummer {i}") for i in range(4))))
    [finding] = only(report.findings, "too-many-objectives")
    assert (finding.objective, finding.key_result, finding.severity) == (None, None, "warning")
    assert (
        lint(okr(*(objective() for _ in range(4))), LintPolicy(max_objectives=4))
        .codes()
        .count("too-many-objectives")
        == 0
    )


def test_four_key_results_are_a_warning_and_six_an_error() -> None:
    four = tuple(KeyResult(title=f"Øke andel {x} fra 10 % til 20 %") for x in "abcd")
    six = tuple(KeyResult(title=f"Øke andel {x} fra 10 % til 20 %") for x in "abcdef")
    [warning] = only(lint(okr(objective(key_results=four))).findings, "too-many-key-results")
    [error] = only(lint(okr(objective(key_results=six))).findings, "too-many-key-results")
    assert (warning.severity, error.severity) == ("warning", "error")
    assert warning.objective == 0 and warning.key_result is None


def test_one_key_result_is_too_few_and_none_is_an_error() -> None:
    [one] = only(lint(okr(objective(key_results=GOOD_KRS[:1]))).findings, "too-few-key-results")
    [none] = only(lint(okr(objective(key_results=()))).findings, "too-few-key-results")
    assert (one.severity, none.severity) == ("warning", "error")


def test_an_objective_with_only_outputs_is_an_error() -> None:
    krs = (KeyResult(title="Levere årsrapport"), KeyResult(title="Lansere ny nettside"))
    report = lint(okr(objective(key_results=krs)))
    [finding] = only(report.findings, "all-key-results-are-outputs")
    assert (finding.severity, finding.objective, finding.key_result) == ("error", 0, None)
    assert len(only(report.findings, "kr-is-output")) == 2


def test_an_objective_without_alignment_is_reported_as_information() -> None:
    [finding] = only(lint(okr(objective(aligned_to=None))).findings, "objective-not-aligned")
    assert (finding.severity, finding.objective) == ("info", 0)


def test_with_at_least_one_alignment_a_single_aligned_objective_is_enough() -> None:
    policy = LintPolicy(alignment="at-least-one")
    mixed = okr(objective(), objective(title="Tryggere drift", aligned_to=None))
    assert only(lint(mixed, policy).findings, "objective-not-aligned") == []
    none = okr(objective(aligned_to=None), objective(title="Tryggere drift", aligned_to=" "))
    [finding] = only(lint(none, policy).findings, "objective-not-aligned")
    assert (finding.objective, finding.severity) == (None, "warning")


def test_an_objective_without_an_owner_is_reported() -> None:
    [finding] = only(lint(okr(objective(owner=None))).findings, "objective-has-no-owner")
    assert (finding.severity, finding.objective) == ("warning", 0)
    relaxed = LintPolicy(require_owner=False)
    assert only(lint(okr(objective(owner=None)), relaxed).findings, "objective-has-no-owner") == []


def test_the_same_key_result_twice_is_reported_on_the_second_one() -> None:
    krs = (*GOOD_KRS, KeyResult(title="Redusere svartiden fra 5 til 2 dager."))
    first = objective(key_results=krs)
    [finding] = only(lint(okr(first)).findings, "duplicate-key-result")
    assert (finding.objective, finding.key_result) == (0, 2)
    assert "nøkkelresultat 1" in finding.message


def test_duplicates_are_found_across_objectives_too() -> None:
    second = objective(title="Tryggere drift", key_results=(GOOD_KRS[1], GOOD_KRS[0]))
    findings = only(lint(okr(objective(), second)).findings, "duplicate-key-result")
    assert [(f.objective, f.key_result) for f in findings] == [(1, 0), (1, 1)]


def test_english_documents_get_english_messages() -> None:
    krs = (KeyResult(title="Ship 5 features"), KeyResult(title="Increase NPS from 30 to 45"))
    report = lint(okr(objective(title="Delight our customers", key_results=krs, owner=None)))
    assert report.language == "en"
    assert only(report.findings, "objective-has-no-owner")[0].message.startswith("The objective")


def test_norwegian_documents_get_norwegian_messages() -> None:
    report = lint(okr(objective(owner=None)))
    assert report.language == "nb"
    assert only(report.findings, "objective-has-no-owner")[0].message.startswith("Målet")


def test_a_policy_can_disable_codes_and_change_severities() -> None:
    krs = (KeyResult(title="Levere årsrapport"), KeyResult(title="Lansere ny nettside"))
    policy = load_lint_policy(
        b'{"disabled": ["kr-has-no-number"], "severities": {"kr-is-output": "error"},'
        b' "language": "en"}'
    )
    report = lint(okr(objective(key_results=krs)), policy)
    assert "kr-has-no-number" not in report.codes()
    assert {f.severity for f in only(report.findings, "kr-is-output")} == {"error"}
    assert report.findings[0].message.isascii()


@pytest.mark.parametrize(
    "document",
    [b'{"disabled": ["no-such-code"]}', b'{"max_objectives": -1}', b'{"colour": 1}', b"{"],
)
def test_an_invalid_policy_is_rejected(document: bytes) -> None:
    with pytest.raises(ValueError):
        load_lint_policy(document)


def test_the_report_encodes_to_the_documented_json_shape() -> None:
    krs = (GOOD_KRS[0], KeyResult(title="Holde 4 workshops"))
    encoded: dict[str, Any] = msgspec.json.decode(
        msgspec.json.encode(lint(okr(objective(key_results=krs))))
    )
    assert encoded["key_results"][1] == {
        "objective": 0,
        "index": 1,
        "title": "Holde 4 workshops",
        "kind": "output",
    }
    assert set(encoded["findings"][0]) == {"code", "severity", "objective", "key_result", "message"}


def test_findings_come_in_document_order() -> None:
    report = lint(
        okr(*(objective(title=f"Mål {i}", owner=None, key_results=GOOD_KRS[:1]) for i in range(4)))
    )
    positions = [(f.objective, f.key_result) for f in report.findings]
    assert positions[0] == (None, None)
    assert positions[1:] == sorted(
        positions[1:], key=lambda p: (p[0], -1 if p[1] is None else p[1])
    )


def test_an_output_whose_numbers_count_our_own_work_says_so() -> None:
    own_work = KeyResult(title="Øke antall innlegg vi publiserer fra 10 til 20 i måneden")
    workshops = KeyResult(title="Holde 4 workshops med brukerne")
    report = lint(okr(objective(key_results=(*GOOD_KRS, own_work, workshops))))

    counted, plain = only(report.findings, "kr-is-output")
    assert (counted.key_result, plain.key_result) == (2, 3)
    assert "måler vårt eget arbeid" in counted.message
    assert "måler vårt eget arbeid" not in plain.message and "aktivitet" in plain.message
