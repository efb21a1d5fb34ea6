"""Organisation: the review and lint policies it stores as events."""

from __future__ import annotations

from okr_es.aggregates.organization import POLICY_MAX
from support.given import ADMIN, given_organization, refused, signature, then


def test_a_review_policy_is_stored_as_its_document() -> None:
    org = given_organization()
    org.set_review_policy(policy='{"check_in_interval_days":14}', by=ADMIN)
    assert then(org) == [
        ("ReviewPolicySet", {"by": ADMIN, "policy": '{"check_in_interval_days":14}'})
    ]
    assert org.review_policy == '{"check_in_interval_days":14}'


def test_a_lint_policy_is_stored_as_its_document() -> None:
    org = given_organization()
    org.set_lint_policy(policy='{"max_objectives":4}', by=ADMIN)
    assert then(org) == [("LintPolicySet", {"by": ADMIN, "policy": '{"max_objectives":4}'})]
    assert org.lint_policy == '{"max_objectives":4}'


def test_storing_the_same_policy_again_changes_nothing() -> None:
    org = given_organization()
    org.set_review_policy(policy='{"max_gap_days":30}', by=ADMIN)
    org.collect_events()
    error = refused(org, lambda: org.set_review_policy(policy='{"max_gap_days":30}', by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", None)


def test_the_defaults_are_already_in_effect_before_any_policy_is_stored() -> None:
    org = given_organization()
    error = refused(org, lambda: org.set_lint_policy(policy="{}", by=ADMIN))
    assert signature(error) == ("RuleViolation", "no-change", None)


def test_back_to_the_defaults_after_a_stored_policy() -> None:
    org = given_organization()
    org.set_lint_policy(policy='{"max_objectives":4}', by=ADMIN)
    org.set_lint_policy(policy="{}", by=ADMIN)
    assert [e[1]["policy"] for e in then(org)] == ['{"max_objectives":4}', "{}"]


def test_a_policy_that_is_not_a_json_object_is_refused() -> None:
    org = given_organization()
    for bad in ("[1, 2]", "not json", 14, "x" * (POLICY_MAX + 1)):
        error = refused(org, lambda bad=bad: org.set_review_policy(policy=bad, by=ADMIN))
        assert signature(error) == ("InvalidInput", "invalid-policy", "policy"), bad
