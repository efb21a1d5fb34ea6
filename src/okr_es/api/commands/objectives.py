"""Objective endpoints: objectives, their key results, check-ins and graduation to KPIs."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import command_response
from okr_es.api.schemas import (
    CheckInCreate,
    CommandResponse,
    Graduation,
    KeyResultAdjust,
    KeyResultCreate,
    KeyResultRemove,
    KeyResultWeight,
    ObjectiveAlign,
    ObjectiveClose,
    ObjectiveCreate,
    ObjectiveDrop,
    ObjectiveReopen,
    ObjectiveReword,
    ObjectivesImport,
    OwnerChange,
    RollUpModeChange,
)

fields = msgspec.structs.asdict
KEY_RESULT = "/{objective_id:uuid}/key-results/{key_result_id:uuid}"


class ObjectiveCommands(Controller):
    path = "/objectives"
    tags = ["objectives"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/", status_code=201, sync_to_thread=True)
    def set_objective(
        self, data: JSONBody[ObjectiveCreate], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Set an objective (with its first key results) in a unit's cycle."""
        access.unit_content(okr, principal, data.organization_id, data.unit_id)
        return command_response(okr.set_objective(by=principal.member_id, **fields(data)), 201)

    @post("/import", status_code=201, sync_to_thread=True)
    def import_objectives(
        self, data: JSONBody[ObjectivesImport], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Set several objectives of one unit's cycle at once: all of them, or none."""
        access.unit_content(okr, principal, data.organization_id, data.unit_id)
        result = okr.import_objectives(
            organization_id=data.organization_id,
            unit_id=data.unit_id,
            cycle_id=data.cycle_id,
            objectives=[fields(objective) for objective in data.objectives],
            by=principal.member_id,
        )
        return command_response(result, 201)

    @post("/{objective_id:uuid}/reword", status_code=200, sync_to_thread=True)
    def reword_objective(
        self,
        objective_id: FromPath[UUID],
        data: JSONBody[ObjectiveReword],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Rewrite the objective's title and, optionally, its why."""
        access.objective(okr, principal, objective_id)
        return command_response(
            okr.reword_objective(objective_id=objective_id, by=principal.member_id, **fields(data))
        )

    @post("/{objective_id:uuid}/owner", status_code=200, sync_to_thread=True)
    def change_owner(
        self, objective_id: FromPath[UUID], data: JSONBody[OwnerChange], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Make another member the objective's one accountable owner."""
        access.objective(okr, principal, objective_id)
        return command_response(
            okr.change_owner(objective_id=objective_id, by=principal.member_id, **fields(data))
        )

    @post("/{objective_id:uuid}/align", status_code=200, sync_to_thread=True)
    def align_objective(
        self,
        objective_id: FromPath[UUID],
        data: JSONBody[ObjectiveAlign],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Link the objective to an objective (or key result) of an ancestor unit."""
        access.objective(okr, principal, objective_id)
        return command_response(
            okr.align_objective(objective_id=objective_id, by=principal.member_id, **fields(data))
        )

    @post("/{objective_id:uuid}/drop", status_code=200, sync_to_thread=True)
    def drop_objective(
        self,
        objective_id: FromPath[UUID],
        data: JSONBody[ObjectiveDrop],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Drop the objective, with a reason; it leaves the unit's set."""
        access.objective(okr, principal, objective_id)
        return command_response(
            okr.drop_objective(objective_id=objective_id, by=principal.member_id, **fields(data))
        )

    @post("/{objective_id:uuid}/close", status_code=200, sync_to_thread=True)
    def close_objective(
        self,
        objective_id: FromPath[UUID],
        data: JSONBody[ObjectiveClose],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Score and close the objective."""
        access.objective(okr, principal, objective_id)
        return command_response(
            okr.close_objective(objective_id=objective_id, by=principal.member_id, **fields(data))
        )

    @post("/{objective_id:uuid}/reopen", status_code=200, sync_to_thread=True)
    def reopen_objective(
        self,
        objective_id: FromPath[UUID],
        data: JSONBody[ObjectiveReopen],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Reopen a closed objective, with a reason."""
        access.objective(okr, principal, objective_id)
        return command_response(
            okr.reopen_objective(objective_id=objective_id, by=principal.member_id, **fields(data))
        )

    @post("/{objective_id:uuid}/key-results", status_code=201, sync_to_thread=True)
    def add_key_result(
        self,
        objective_id: FromPath[UUID],
        data: JSONBody[KeyResultCreate],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Add a key result; its numbers must fit its metric."""
        access.objective(okr, principal, objective_id)
        result = okr.add_key_result(
            objective_id=objective_id, by=principal.member_id, **fields(data)
        )
        return command_response(result, 201)

    @post(KEY_RESULT + "/adjust", status_code=200, sync_to_thread=True)
    def adjust_key_result(
        self,
        objective_id: FromPath[UUID],
        key_result_id: FromPath[UUID],
        data: JSONBody[KeyResultAdjust],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Change the key result's title, start, target or unit, with a reason."""
        access.objective(okr, principal, objective_id)
        return command_response(
            okr.adjust_key_result(
                objective_id=objective_id,
                key_result_id=key_result_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post(KEY_RESULT + "/remove", status_code=200, sync_to_thread=True)
    def remove_key_result(
        self,
        objective_id: FromPath[UUID],
        key_result_id: FromPath[UUID],
        data: JSONBody[KeyResultRemove],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Remove the key result, with a reason."""
        access.objective(okr, principal, objective_id)
        return command_response(
            okr.remove_key_result(
                objective_id=objective_id,
                key_result_id=key_result_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post(KEY_RESULT + "/weight", status_code=200, sync_to_thread=True)
    def weight_key_result(
        self,
        objective_id: FromPath[UUID],
        key_result_id: FromPath[UUID],
        data: JSONBody[KeyResultWeight],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Give the key result its weight in the objective's progress (above 0; all 1 by
        default)."""
        access.objective(okr, principal, objective_id)
        return command_response(
            okr.weight_key_result(
                objective_id=objective_id,
                key_result_id=key_result_id,
                by=principal.member_id,
                **fields(data),
            )
        )

    @post("/{objective_id:uuid}/roll-up-mode", status_code=200, sync_to_thread=True)
    def change_roll_up_mode(
        self,
        objective_id: FromPath[UUID],
        data: JSONBody[RollUpModeChange],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Choose what the objective's progress is made of: key_results, children or
        key_results_and_children."""
        access.objective(okr, principal, objective_id)
        return command_response(
            okr.change_roll_up_mode(
                objective_id=objective_id, by=principal.member_id, **fields(data)
            )
        )

    @post(KEY_RESULT + "/check-ins", status_code=201, sync_to_thread=True)
    def check_in(
        self,
        objective_id: FromPath[UUID],
        key_result_id: FromPath[UUID],
        data: JSONBody[CheckInCreate],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Report the key result's value and status (green, yellow, red), and optionally
        the team's confidence of meeting it (a whole number from 0 to 10)."""
        access.objective(okr, principal, objective_id)
        result = okr.check_in(
            objective_id=objective_id,
            key_result_id=key_result_id,
            by=principal.member_id,
            **fields(data),
        )
        return command_response(result, 201)

    @post(KEY_RESULT + "/graduate", status_code=201, sync_to_thread=True)
    def graduate_key_result(
        self,
        objective_id: FromPath[UUID],
        key_result_id: FromPath[UUID],
        data: JSONBody[Graduation],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Turn a met key result into a KPI that keeps watching the same number."""
        access.objective(okr, principal, objective_id)
        result = okr.graduate_key_result(
            objective_id=objective_id,
            key_result_id=key_result_id,
            by=principal.member_id,
            **fields(data),
        )
        return command_response(result, 201)
