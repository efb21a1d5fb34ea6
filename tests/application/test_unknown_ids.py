"""Commands naming an id the store does not know raise NotFound and write nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

import msgspec
import pytest

from okr_es.application import OKRApplication
from okr_es.errors import NotFound
from support.world import World, build_world, refused_by, set_objective


class Ids(msgspec.Struct, frozen=True):
    w: World
    objective: UUID
    kr: UUID
    initiative: UUID
    kpi: UUID
    unknown: UUID
    department_objective: UUID


def _ids(app: OKRApplication) -> Ids:
    w = build_world(app)
    result = set_objective(app, w).ids
    initiative = app.start_initiative(organization_id=w.org, unit_id=w.team, title="Tool",
                                      owner_id=w.member, by=w.admin).ids["initiative_id"]
    kpi = app.define_kpi(organization_id=w.org, unit_id=w.team, name="Uptime", lower=99,
                         by=w.admin).ids["kpi_id"]
    parent = set_objective(app, w, unit=w.department, title="Department goal").ids
    return Ids(w, result["objective_id"], result["key_result_id_0"], initiative, kpi, uuid4(),
               parent["objective_id"])


Command = Callable[[OKRApplication, Ids], Any]

COMMANDS: dict[str, tuple[Command, str]] = {
    "organisation": (lambda a, i: a.add_member(organization_id=i.unknown, name="X",
                                               email="x@y.no", by=i.w.admin),
                     "organization_id"),
    "member acting": (lambda a, i: a.add_member(organization_id=i.w.org, name="X",
                                                email="x@y.no", by=i.unknown), "by"),
    "member acting on an objective": (
        lambda a, i: a.check_in(objective_id=i.objective, key_result_id=i.kr, value=70,
                                status="green", by=i.unknown), "by"),
    "unit renamed": (lambda a, i: a.rename_unit(organization_id=i.w.org, unit_id=i.unknown,
                                                name="X", by=i.w.admin), "unit_id"),
    "parent unit": (lambda a, i: a.add_unit(organization_id=i.w.org, name="X", kind="team",
                                            parent_id=i.unknown, by=i.w.admin), "parent_id"),
    "unit of an objective": (lambda a, i: set_objective(a, i.w, unit=i.unknown), "unit_id"),
    "member granted a role": (lambda a, i: a.grant_role(organization_id=i.w.org,
                                                        member_id=i.unknown, role="ambassador",
                                                        by=i.w.admin), "member_id"),
    "member linked to a sign-in account": (
        lambda a, i: a.link_sign_in(organization_id=i.w.org, member_id=i.unknown,
                                    issuer="https://idporten.no", subject="x", by=i.w.admin),
        "member_id"),
    "member unlinked from a sign-in account": (
        lambda a, i: a.unlink_sign_in(organization_id=i.w.org, member_id=i.unknown,
                                      issuer="https://idporten.no", subject="x",
                                      by=i.w.admin),
        "member_id"),
    "cycle of an objective": (lambda a, i: set_objective(a, i.w, cycle=i.unknown), "cycle_id"),
    "cycle renamed": (lambda a, i: a.rename_cycle(cycle_id=i.unknown, label="X", by=i.w.admin),
                      "cycle_id"),
    "parent cycle": (lambda a, i: a.define_cycle(organization_id=i.w.org, label="X",
                                                 kind="custom", start="2040-01-01",
                                                 end="2040-02-01", parent_id=i.unknown,
                                                 by=i.w.admin), "parent_id"),
    "objective checked in": (lambda a, i: a.check_in(objective_id=i.unknown, key_result_id=i.kr,
                                                     value=70, status="green", by=i.w.admin),
                             "objective_id"),
    "objective dropped": (lambda a, i: a.drop_objective(objective_id=i.unknown, reason="x",
                                                        by=i.w.admin), "objective_id"),
    "objective aligned to": (lambda a, i: set_objective(a, i.w,
                                                        aligned_to_objective_id=i.unknown),
                             "aligned_to_objective_id"),
    "key result aligned to": (lambda a, i: a.align_objective(objective_id=i.objective,
                                                              parent_objective_id=(
                                                                  i.department_objective),
                                                              parent_key_result_id=i.unknown,
                                                              by=i.w.admin),
                              "parent_key_result_id"),
    "objective aligned later": (lambda a, i: a.align_objective(objective_id=i.objective,
                                                               parent_objective_id=i.unknown,
                                                               by=i.w.admin),
                                "parent_objective_id"),
    "key result of a new initiative": (
        lambda a, i: a.start_initiative(organization_id=i.w.org, unit_id=i.w.team, title="X",
                                        owner_id=i.w.member, by=i.w.admin,
                                        key_results=[(i.objective, i.kr), (i.unknown, i.kr)]),
        "key_results[1].objective_id"),
    "objective carried over": (lambda a, i: set_objective(a, i.w, carried_over_from=i.unknown,
                                                          carry_over_reason="x"),
                               "carried_over_from"),
    "objective of another kind": (lambda a, i: a.reword_objective(objective_id=i.kpi,
                                                                  title="X", by=i.w.admin),
                                  "objective_id"),
    "key result checked in": (lambda a, i: a.check_in(objective_id=i.objective,
                                                      key_result_id=i.unknown, value=70,
                                                      status="green", by=i.w.admin),
                              "key_result_id"),
    "key result adjusted": (lambda a, i: a.adjust_key_result(objective_id=i.objective,
                                                             key_result_id=i.unknown,
                                                             target=90, reason="x",
                                                             by=i.w.admin), "key_result_id"),
    "key result linked": (lambda a, i: a.link_initiative(initiative_id=i.initiative,
                                                         objective_id=i.objective,
                                                         key_result_id=i.unknown,
                                                         by=i.w.admin), "key_result_id"),
    "key result scored": (lambda a, i: a.close_objective(objective_id=i.objective,
                                                         scores={i.unknown: 0.5},
                                                         by=i.w.admin),
                          "scores.{unknown}"),
    "initiative": (lambda a, i: a.complete_initiative(initiative_id=i.unknown, by=i.w.admin),
                   "initiative_id"),
    "kpi": (lambda a, i: a.measure_kpi(kpi_id=i.unknown, value=1, by=i.w.admin), "kpi_id"),
    "new owner": (lambda a, i: a.change_owner(objective_id=i.objective, owner_id=i.unknown,
                                              by=i.w.admin), "owner_id"),
    "team cycle": (lambda a, i: a.close_team_cycle(unit_id=i.w.sibling_team,
                                                   cycle_id=i.w.cycle, by=i.w.admin),
                   "cycle_id"),
}


@pytest.mark.parametrize("case", list(COMMANDS))
def test_an_unknown_id_raises_not_found_and_writes_nothing(
    app: OKRApplication, case: str
) -> None:
    ids = _ids(app)
    command, field = COMMANDS[case]
    error = refused_by(app, lambda: command(app, ids))
    assert isinstance(error, NotFound)
    assert (error.code, error.field) == ("not-found", field.format(unknown=ids.unknown))


def test_the_history_of_an_unknown_aggregate_is_not_found(app: OKRApplication) -> None:
    with pytest.raises(NotFound):
        app.history(uuid4())


def test_an_unknown_team_cycle_reads_as_none(app: OKRApplication) -> None:
    assert app.get_team_cycle(uuid4(), uuid4()) is None
