"""Member without an initiative: the review and the lint of a stored set name each member
of a unit's roster who owns none of the initiatives linked to its key results; a document,
a unit without a roster and a unit that records no initiatives are not judged."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from okr_es.application import OKRApplication
from okr_es.history.analyses import lint_for, okr_set_for, review_for, reviews_for
from okr_es.learning.lint import lint
from okr_es.learning.lint_policy import LintPolicy
from okr_es.learning.review import ReviewPolicy
from support.world import World, build_world, set_objective

CODE = "member-without-initiative"

NORWEGIAN_KEY_RESULTS: list[dict[str, Any]] = [
    {"title": "Andel fornøyde brukere øker fra 60 til 80 prosent", "metric": "increase",
     "start": 60, "target": 80, "unit": "percent"},
    {"title": "Ny brukerundersøkelse er lansert", "metric": "milestone"},
]


def on_roster(app: OKRApplication, w: World) -> None:
    """Ola is a member of the team, Per its lead; the admin holds no role there."""
    for person, role in ((w.member, "member"), (w.colleague, "lead")):
        app.grant_role(organization_id=w.org, member_id=person, role=role, unit_id=w.team,
                       by=w.admin)  # fmt: skip


def initiative(app: OKRApplication, w: World, objective: dict[str, Any], owner: UUID) -> UUID:
    started: UUID = app.start_initiative(
        organization_id=w.org, unit_id=w.team, title="Intervjue brukere", owner_id=owner,
        key_results=[(objective["objective_id"], objective["key_result_id_0"])], by=w.admin,
    ).ids["initiative_id"]  # fmt: skip
    return started


def flagged(app: OKRApplication, w: World, **policy: Any) -> list[Any]:
    review = review_for(app, w.team, w.cycle, ReviewPolicy(**policy))
    return [f for f in review.flags if f.code == CODE]


def test_a_member_of_the_roster_who_owns_no_initiative_is_flagged_by_name_and_id(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    on_roster(app, w)
    objective = set_objective(app, w).ids
    initiative(app, w, objective, owner=w.member)

    review = review_for(app, w.team, w.cycle)
    (flag,) = [f for f in review.flags if f.code == CODE]
    everyone = reviews_for(app, w.org, w.cycle)[w.team]

    assert flag.member_id == w.colleague
    assert flag.message == (
        "Per Colleague owns none of the initiatives meant to move the unit's key results "
        "this cycle."
    )
    assert "Let everyone in the team own at least one initiative" in " ".join(review.suggestions)
    assert everyone.flags == review.flags


def test_the_lint_of_a_stored_set_reports_the_member_but_the_document_alone_does_not(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    on_roster(app, w)
    objective = set_objective(app, w, title="Fornøyde brukere",
                              key_results=NORWEGIAN_KEY_RESULTS).ids  # fmt: skip
    initiative(app, w, objective, owner=w.colleague)

    stored = lint_for(app, w.team, w.cycle)
    document = lint(okr_set_for(app, w.team, w.cycle).okr_set)

    (finding,) = [f for f in stored.findings if f.code == CODE]
    assert (finding.severity, finding.objective, finding.key_result) == ("warning", None, None)
    assert finding.message.startswith("Ola Member eier ingen av tiltakene")
    assert CODE not in document.codes()
    assert [f for f in stored.findings if f.code != CODE] == document.findings


def test_the_review_words_the_flag_in_norwegian_for_norwegian_okrs(app: OKRApplication) -> None:
    w = build_world(app)
    on_roster(app, w)
    objective = set_objective(app, w, title="Fornøyde brukere",
                              key_results=NORWEGIAN_KEY_RESULTS).ids  # fmt: skip
    initiative(app, w, objective, owner=w.member)

    (flag,) = flagged(app, w)

    assert flag.message == (
        "Per Colleague eier ingen av tiltakene som skal flytte enhetens nøkkelresultater i "
        "denne perioden."
    )


def test_nobody_is_flagged_when_everyone_owns_one_or_the_unit_records_no_initiatives(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    on_roster(app, w)
    objective = set_objective(app, w).ids
    # An initiative linked to an objective of another cycle does not count for this one.
    earlier = set_objective(app, w, cycle=w.previous_cycle).ids
    initiative(app, w, earlier, owner=w.member)

    without_initiatives = flagged(app, w)
    initiative(app, w, objective, owner=w.member)
    one_missing = flagged(app, w)
    stopped = initiative(app, w, objective, owner=w.colleague)
    app.stop_initiative(initiative_id=stopped, reason="erstattet", by=w.admin)

    assert without_initiatives == []
    assert [f.member_id for f in one_missing] == [w.colleague]
    # Owning an initiative counts, whatever became of it.
    assert flagged(app, w) == []
    assert CODE not in lint_for(app, w.team, w.cycle).codes()


def test_a_unit_without_a_roster_is_not_judged(app: OKRApplication) -> None:
    w = build_world(app)
    app.grant_role(organization_id=w.org, member_id=w.colleague, role="ambassador",
                   unit_id=w.team, by=w.admin)  # fmt: skip
    objective = set_objective(app, w).ids
    initiative(app, w, objective, owner=w.member)

    assert flagged(app, w) == []
    assert CODE not in lint_for(app, w.team, w.cycle).codes()


def test_the_finding_can_be_switched_off_in_either_policy(app: OKRApplication) -> None:
    w = build_world(app)
    on_roster(app, w)
    objective = set_objective(app, w).ids
    initiative(app, w, objective, owner=w.member)

    review = review_for(app, w.team, w.cycle, ReviewPolicy(disabled=frozenset({CODE})))
    linted = lint_for(app, w.team, w.cycle, LintPolicy(disabled=frozenset({CODE})))

    assert CODE not in [f.code for f in review.flags]
    assert CODE not in linted.codes()
