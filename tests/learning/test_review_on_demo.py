"""The learning review on the demo organisation, stored on SQLite and on PostgreSQL.

Each demo team behaves in one way a review should notice (see okr_es.demo); the review
reads their stored events and must say so, and must stay silent about the steady team.
"""

from __future__ import annotations

from datetime import date

import pytest

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary, seed_demo
from okr_es.history.analyses import copy_paste_for, okr_set_for, review_for
from okr_es.learning.review import ReviewPolicy

TODAY = date(2026, 11, 23)
PAST, CURRENT = "2026 Q3", "2026 Q4"


@pytest.fixture
def demo(app: OKRApplication) -> DemoSummary:
    return seed_demo(app, today=TODAY)


def codes(app: OKRApplication, demo: DemoSummary, team: str, cycle: str) -> list[str]:
    result = review_for(app, demo.units[team], demo.cycles[cycle], today=TODAY)
    return [f.code for f in result.flags]


def test_the_steady_team_gets_no_flags(app: OKRApplication, demo: DemoSummary) -> None:
    assert codes(app, demo, "Team Selvbetjening", PAST) == []
    assert codes(app, demo, "Team Selvbetjening", CURRENT) == []
    review = review_for(app, demo.units["Team Selvbetjening"], demo.cycles[PAST], today=TODAY)
    assert review.rhythm.coverage >= 0.9
    assert review.rhythm.longest_gap_days == 7
    assert review.hockey_stick.evaluated and not review.hockey_stick.flagged
    assert review.suggestions  # even a clean review says what to keep doing


def test_the_silent_team_is_flagged_for_a_hockey_stick_in_the_quarter_it_completed(
    app: OKRApplication, demo: DemoSummary
) -> None:
    review = review_for(app, demo.units["Team Saksbehandling"], demo.cycles[PAST], today=TODAY)
    assert review.finished
    assert review.hockey_stick.flagged
    assert review.hockey_stick.share is not None and review.hockey_stick.share > 0.9
    assert {"hockey-stick", "long-silence", "irregular-check-ins"} <= {f.code for f in review.flags}
    assert review.language == "nb"
    assert any("siste del av perioden" in f.message for f in review.flags)


def test_the_hockey_stick_is_not_judged_before_the_last_part_of_a_running_cycle(
    app: OKRApplication, demo: DemoSummary
) -> None:
    review = review_for(app, demo.units["Team Saksbehandling"], demo.cycles[CURRENT], today=TODAY)
    assert not review.hockey_stick.evaluated
    assert review.hockey_stick.not_evaluated_because == "cycle-not-there-yet"
    # The silence itself is already visible.
    assert "long-silence" in {f.code for f in review.flags}


def test_the_copying_team_s_stored_set_is_a_copy_of_its_previous_one(
    app: OKRApplication, demo: DemoSummary
) -> None:
    check = copy_paste_for(app, demo.units["Team Data"], demo.cycles[CURRENT])
    assert check is not None
    assert check.previous_cycle.label == PAST
    assert check.comparison.verdict == "copy"
    assert "missed-target-repeated" in {c for e in check.comparison.evidence for c in e.changes}
    steady = copy_paste_for(app, demo.units["Team Selvbetjening"], demo.cycles[CURRENT])
    assert steady is not None and steady.comparison.verdict != "copy"


def test_a_unit_without_an_earlier_cycle_has_nothing_to_compare(
    app: OKRApplication, demo: DemoSummary
) -> None:
    assert copy_paste_for(app, demo.units["Team Data"], demo.cycles["2026 Q2"]) is None


def test_a_lowered_target_is_reported_as_moved_goalposts_with_who_and_when(
    app: OKRApplication, demo: DemoSummary
) -> None:
    review = review_for(app, demo.units["Team Platform"], demo.cycles[CURRENT], today=TODAY)
    assert [f.code for f in review.flags] == ["moved-goalposts"]
    (moved,) = review.moved_goalposts
    assert moved.by_name == "Aisha Khan" and moved.by == demo.members["Aisha Khan"]
    assert (moved.previous_target, moved.target) == (40.0, 32.0)
    assert moved.effective_at.date() == date(2026, 11, 12)
    assert moved.recorded_at >= moved.effective_at
    assert "vendor" in moved.reason
    assert review.language == "en"
    assert "lowered from 40 to 32 by Aisha Khan" in review.flags[0].message


def test_a_dropped_objective_is_listed_with_its_reason(
    app: OKRApplication, demo: DemoSummary
) -> None:
    review = review_for(app, demo.units["Team Hjemmetjenester"], demo.cycles[CURRENT], today=TODAY)
    (dropped,) = review.dropped
    assert dropped.title == "Mer tid hos brukeren, mindre i bilen"
    assert "vaksinasjon" in dropped.reason
    assert dropped.by_name == "Siri Larsen"
    statuses = {o.title: (o.status, o.score) for o in review.objectives}
    assert statuses["Mer tid hos brukeren, mindre i bilen"] == ("dropped", None)
    assert any("droppede" in s for s in review.suggestions)


def test_a_closed_quarter_shows_scores_transitions_and_reflections(
    app: OKRApplication, demo: DemoSummary
) -> None:
    review = review_for(app, demo.units["Team Saksbehandling"], demo.cycles[PAST], today=TODAY)
    assert all(o.status == "closed" and o.score is not None for o in review.objectives)
    assert all(kr.score is not None for o in review.objectives for kr in o.key_results)
    (objective,) = review.objectives
    assert [t.to_status for t in objective.transitions] == ["active", "closed"]
    (reflection,) = review.reflections
    assert reflection.start_doing == "Faste innsjekker hver mandag"
    assert reflection.by_name == "Kari Hansen"


def test_zombie_key_results_are_green_without_moving(
    app: OKRApplication, demo: DemoSummary
) -> None:
    review = review_for(app, demo.units["Team Data"], demo.cycles[PAST], today=TODAY)
    zombies = {z.key_result: z for z in review.zombies}
    milestone = zombies["Datakatalogen tas i bruk av alle fagområder"]
    assert milestone.value == 0.0 and milestone.check_ins >= 3
    assert "zombie-key-result" in {f.code for f in review.flags}


def test_sandbagging_follows_the_policy_s_number_of_high_cycles(
    app: OKRApplication, demo: DemoSummary
) -> None:
    unit, cycle = demo.units["Team Selvbetjening"], demo.cycles[PAST]
    default = review_for(app, unit, cycle, today=TODAY)
    assert default.sandbagging.streak == 2 and not default.sandbagging.flagged
    strict = review_for(app, unit, cycle, ReviewPolicy(sandbagging_cycles=2), today=TODAY)
    assert strict.sandbagging.flagged
    assert "sandbagging" in {f.code for f in strict.flags}


def test_a_disabled_flag_is_not_raised(app: OKRApplication, demo: DemoSummary) -> None:
    policy = ReviewPolicy(disabled=frozenset({"moved-goalposts"}))
    review = review_for(app, demo.units["Team Platform"], demo.cycles[CURRENT], policy, today=TODAY)
    assert review.flags == [] and review.moved_goalposts  # still listed, just not flagged


def test_the_stored_okr_set_holds_the_committed_objectives(
    app: OKRApplication, demo: DemoSummary
) -> None:
    stored = okr_set_for(app, demo.units["Team Hjemmetjenester"], demo.cycles[CURRENT])
    assert stored.okr_set.unit == "Team Hjemmetjenester"
    assert stored.okr_set.cycle == CURRENT
    # The dropped objective left the set.
    assert [o.title for o in stored.okr_set.objectives] == [
        "Tryggere hverdag for hjemmeboende eldre"
    ]
    (objective,) = stored.okr_set.objectives
    assert objective.owner == "Siri Larsen"
    assert objective.aligned_to == "Innbyggerne får raskere og enklere hjelp"
    assert [kr.metric for kr in objective.key_results] == ["increase", "stay_below"]


def test_a_unit_without_okrs_gets_no_findings_only_the_empty_set_named(
    app: OKRApplication, demo: DemoSummary
) -> None:
    review = review_for(app, demo.units["Helse og velferd"], demo.cycles[CURRENT], today=TODAY)
    assert review.objectives == []
    assert review.flags == []
    assert review.suggestions == ["Enheten satte ingen OKR-er i denne perioden."]


def test_today_does_not_cut_short_a_finished_cycle(app: OKRApplication, demo: DemoSummary) -> None:
    mid_quarter = date(2026, 8, 15)
    review = review_for(app, demo.units["Team Saksbehandling"], demo.cycles[PAST],
                        today=mid_quarter)
    assert review.finished
    assert review.as_of == review.end
    assert "hockey-stick" in {f.code for f in review.flags}
