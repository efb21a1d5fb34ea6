"""SavedView: a named objectives filter — saving, renaming, refiltering and deleting it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from okr_es.aggregates.saved_view import SavedView, ViewFilter
from okr_es.errors import OKRError
from support.given import ADMIN, CYCLE, MEMBER, ORG, TEAM, ident, refused, signature, then

VIEW = ident("view")


def _create(**changes: Any) -> SavedView:
    args: dict[str, Any] = {
        "view_id": VIEW,
        "organization_id": ORG,
        "owner_id": MEMBER,
        "name": "My stale objectives",
        "filter": {"cycle_id": str(CYCLE), "stale": True},
        "sort": "oldest-first",
        "by": MEMBER,
    }
    args.update(changes)
    return SavedView.create(**args)


def given_view() -> SavedView:
    view = _create()
    view.collect_events()
    return view


def _refused_creation(**changes: Any) -> OKRError:
    return refused(None, lambda: _create(**changes))


def test_a_member_saves_a_view_of_their_own() -> None:
    view = _create()
    assert then(view) == [("SavedViewCreated", {
        "by": MEMBER, "organization_id": ORG, "owner_id": MEMBER,
        "name": "My stale objectives", "filter": ViewFilter(cycle_id=CYCLE, stale=True),
        "sort": "oldest-first",
    })]


def test_an_organisation_view_has_no_owner() -> None:
    view = _create(owner_id=None, by=ADMIN, filter={"at_risk": True, "unit_id": str(TEAM)})
    (_, fields), = then(view)
    assert fields["owner_id"] is None
    assert fields["filter"] == ViewFilter(at_risk=True, unit_id=TEAM)


def test_every_filter_field_is_kept_typed() -> None:
    since = "2026-11-01T08:00:00+00:00"
    view = _create(filter={
        "unit_id": str(TEAM), "include_descendants": True, "cycle_id": str(CYCLE),
        "owner_id": str(MEMBER), "status": "active", "level": "team", "stale": False,
        "reported_status": "red", "derived_status": "behind", "at_risk": True,
        "unaligned": True, "updated_since": since,
    })
    saved = then(view)[0][1]["filter"]
    assert saved.updated_since == datetime(2026, 11, 1, 8, tzinfo=UTC)
    assert saved.derived_status == "behind" and saved.reported_status == "red"


def test_an_unknown_filter_field_is_refused() -> None:
    error = _refused_creation(filter={"colour": "red"})
    assert signature(error) == ("InvalidInput", "invalid-filter", "filter")
    assert "colour" in error.message


def test_a_filter_value_that_does_not_fit_is_refused() -> None:
    for bad in ({"reported_status": "purple"}, {"stale": "yes"}, {"cycle_id": "q4"},
                {"updated_since": "2026-11-01T08:00:00"}, ["stale"]):
        error = _refused_creation(filter=bad)
        assert signature(error) == ("InvalidInput", "invalid-filter", "filter"), bad


def test_an_unknown_sort_is_refused() -> None:
    assert signature(_refused_creation(sort="by-colour")) == (
        "InvalidInput", "invalid-choice", "sort"
    )


def test_an_empty_name_is_refused() -> None:
    assert signature(_refused_creation(name="  ")) == ("InvalidInput", "empty", "name")


def test_a_view_is_renamed() -> None:
    view = given_view()
    view.rename(name="Stale in Q4", by=MEMBER)
    assert then(view) == [("SavedViewRenamed", {"by": MEMBER, "name": "Stale in Q4"})]


def test_renaming_to_the_same_name_changes_nothing() -> None:
    view = given_view()
    error = refused(view, lambda: view.rename(name="My stale objectives", by=MEMBER))
    assert signature(error) == ("RuleViolation", "no-change", "name")


def test_the_filter_and_sort_change_together() -> None:
    view = given_view()
    view.change_filter(filter={"at_risk": True}, sort="recently-updated", by=MEMBER)
    assert then(view) == [("SavedViewFilterChanged", {
        "by": MEMBER, "filter": ViewFilter(at_risk=True), "sort": "recently-updated",
    })]


def test_a_filter_change_without_a_sort_keeps_the_sort() -> None:
    view = given_view()
    view.change_filter(filter={"at_risk": True}, sort=None, by=MEMBER)
    assert then(view)[0][1]["sort"] == "oldest-first"


def test_an_invalid_filter_change_is_refused_and_nothing_changes() -> None:
    view = given_view()
    error = refused(view, lambda: view.change_filter(filter={"risky": 1}, sort=None, by=MEMBER))
    assert signature(error) == ("InvalidInput", "invalid-filter", "filter")
    assert view.filter == ViewFilter(cycle_id=CYCLE, stale=True)


def test_the_same_filter_changes_nothing() -> None:
    view = given_view()
    same = {"stale": True, "cycle_id": str(CYCLE)}
    error = refused(view, lambda: view.change_filter(filter=same, sort=None, by=MEMBER))
    assert signature(error) == ("RuleViolation", "no-change", None)


def test_a_deleted_view_is_gone_for_every_later_command() -> None:
    view = given_view()
    view.delete(by=MEMBER)
    assert then(view) == [("SavedViewDeleted", {"by": MEMBER})]
    error = refused(view, lambda: view.rename(name="Again", by=MEMBER))
    assert signature(error) == ("NotFound", "not-found", "view_id")
    assert signature(refused(view, lambda: view.delete(by=MEMBER)))[0] == "NotFound"
