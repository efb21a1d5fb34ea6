"""KPI endpoints: health metrics kept inside a corridor."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import command_response
from okr_es.api.schemas import (
    CommandResponse,
    KpiCorridorChange,
    KpiCreate,
    KpiMeasurement,
    KpiRetire,
)

fields = msgspec.structs.asdict


class KpiCommands(Controller):
    path = "/kpis"
    tags = ["KPIs"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/", status_code=201, sync_to_thread=True)
    def define_kpi(
        self, data: JSONBody[KpiCreate], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Start tracking a health metric of a unit, with a corridor."""
        access.unit_content(okr, principal, data.organization_id, data.unit_id)
        return command_response(okr.define_kpi(by=principal.member_id, **fields(data)), 201)

    @post("/{kpi_id:uuid}/measurements", status_code=201, sync_to_thread=True)
    def measure_kpi(
        self, kpi_id: FromPath[UUID], data: JSONBody[KpiMeasurement], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Record a measurement (business date optional)."""
        access.kpi(okr, principal, kpi_id)
        result = okr.measure_kpi(kpi_id=kpi_id, by=principal.member_id, **fields(data))
        return command_response(result, 201)

    @post("/{kpi_id:uuid}/corridor", status_code=200, sync_to_thread=True)
    def change_kpi_corridor(
        self, kpi_id: FromPath[UUID], data: JSONBody[KpiCorridorChange], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Change the KPI's healthy range, with a reason."""
        access.kpi(okr, principal, kpi_id)
        return command_response(
            okr.change_kpi_corridor(kpi_id=kpi_id, by=principal.member_id, **fields(data))
        )

    @post("/{kpi_id:uuid}/retire", status_code=200, sync_to_thread=True)
    def retire_kpi(
        self, kpi_id: FromPath[UUID], data: JSONBody[KpiRetire], okr: Okr, principal: Actor
    ) -> Response[CommandResponse]:
        """Stop tracking the KPI."""
        access.kpi(okr, principal, kpi_id)
        return command_response(
            okr.retire_kpi(kpi_id=kpi_id, by=principal.member_id, **fields(data))
        )
