"""Old event versions are upcast on load: a v1 CheckInMade (before blockers) still reads."""

from __future__ import annotations

import msgspec

from okr_es.aggregates.objective import Objective
from okr_es.application import OKRApplication
from okr_es.settings import Settings
from support.old_events import CHECKED_IN_AT, store_v1_check_in


def test_a_stored_v1_check_in_decodes_with_empty_blockers(app: OKRApplication) -> None:
    objective_id, _, version = store_v1_check_in(app)
    event = app.history(objective_id)[-1]
    assert isinstance(event, Objective.CheckInMade)
    assert (event.originator_version, event.blockers, event.value, event.comment) == (
        version, "", 72.5, "written by the old code")
    assert event.checked_in_at == CHECKED_IN_AT


def test_a_stored_v1_check_in_is_applied_to_the_objective(
    app: OKRApplication, settings: Settings
) -> None:
    objective_id, kr, version = store_v1_check_in(app)
    fresh = OKRApplication(settings)
    try:
        objective = fresh.get_objective(objective_id)
    finally:
        fresh.close()
    result = objective.key_results[kr]
    assert (objective.version, result.current, result.status, result.check_in_count) == (
        version, 72.5, "yellow", 1)


def test_a_v1_check_in_read_through_the_live_application_is_applied(
    app: OKRApplication,
) -> None:
    objective_id, kr, _ = store_v1_check_in(app)
    assert app.get_objective(objective_id).key_results[kr].current == 72.5


def test_new_check_ins_after_a_v1_event_are_stored_as_v2(app: OKRApplication) -> None:
    objective_id, kr, _ = store_v1_check_in(app)
    member = app.history(objective_id)[-1].by  # type: ignore[attr-defined]
    app.check_in(objective_id=objective_id, key_result_id=kr, value=75, status="green",
                 blockers="none", by=member)
    [last] = app.notifications(start=app.position(), limit=1)
    assert msgspec.json.decode(last.state)["class_version"] == 2
    assert app.get_objective(objective_id).key_results[kr].check_in_count == 2
