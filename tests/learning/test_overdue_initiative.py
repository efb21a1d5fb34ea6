"""The review flags an initiative past its due date while a key result it should move is
well behind pace, on both review paths (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from okr_es.application import OKRApplication
from okr_es.history.analyses import review_for
from okr_es.learning.review import ReviewPolicy
from support.world import build_world, set_objective


@pytest.mark.parametrize("replay", [False, True])
def test_an_overdue_initiative_on_a_key_result_behind_pace_is_flagged(
    app: OKRApplication, replay: bool
) -> None:
    w = build_world(app)
    ids = set_objective(app, w).ids
    objective, kr = ids["objective_id"], ids["key_result_id_0"]
    today = date.today()

    def start(title: str, due: date, links: list[tuple[UUID, UUID]]) -> UUID:
        started: UUID = app.start_initiative(
            organization_id=w.org, unit_id=w.team, title=title, owner_id=w.member,
            key_results=links, due_on=due, by=w.admin,
        ).ids["initiative_id"]
        return started

    late = start("Nytt skjema", today - timedelta(days=1), [(objective, kr)])
    start("I rute", today + timedelta(days=3), [(objective, kr)])
    done = start("Levert", today - timedelta(days=5), [(objective, kr)])
    app.complete_initiative(initiative_id=done, by=w.admin)

    review = review_for(app, w.team, w.cycle, today=today, replay=replay)

    (flag,) = [f for f in review.flags if f.code == "overdue-initiative"]
    assert (flag.objective_id, flag.key_result_id) == (objective, kr)
    assert "Nytt skjema" in flag.message and "I rute" not in flag.message
    # Moved past today, it is no longer overdue.
    app.change_initiative_due_date(initiative_id=late, due_on=today, by=w.admin)
    again = review_for(app, w.team, w.cycle, today=today, replay=replay)
    assert "overdue-initiative" not in [f.code for f in again.flags]
    quiet = review_for(app, w.team, w.cycle, ReviewPolicy(disabled=("overdue-initiative",)),
                       today=today + timedelta(days=2), replay=replay)
    assert "overdue-initiative" not in [f.code for f in quiet.flags]
