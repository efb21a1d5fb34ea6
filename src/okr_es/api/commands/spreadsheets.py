"""Importing a whole cycle: as JSON (the ``import_cycle`` command) or as a spreadsheet
file (CSV or XLSX, the columns of docs/migration.md), and the cycle as a spreadsheet."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import anyio.to_thread
import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody, Parameter

from okr_es.access_tokens import Principal
from okr_es.aggregates.cycle import Cycle
from okr_es.api import access
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.responses import command_response
from okr_es.api.schemas import CommandResponse, CycleImport
from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput, NotFound
from okr_es.history.sheets import cycle_rows, import_rows
from okr_es.spreadsheets.rows import SheetInvalid
from okr_es.spreadsheets.tables import Format, read_rows, write_csv, write_xlsx

MAX_UPLOAD_BYTES = 16 * 1024 * 1024
CONTENT_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FormatParameter = Annotated[
    str, Parameter(query="format", pattern="^(csv|xlsx)$", description="csv or xlsx")
]


async def _any_body(request: Request[Any, Any, Any]) -> None:
    """The spreadsheet is the body, whatever its declared type: its bytes say what it is."""


class SpreadsheetCommands(Controller):
    path = "/organizations/{organization_id:uuid}"
    tags = ["spreadsheets"]  # noqa: RUF012 (litestar reads it as a class attribute)

    @post("/cycle-import", status_code=201, sync_to_thread=True)
    def import_cycle(
        self,
        organization_id: FromPath[UUID],
        data: JSONBody[CycleImport],
        okr: Okr,
        principal: Actor,
    ) -> Response[CommandResponse]:
        """Set the objectives of several units for one cycle (defined if new): all or none
        (admin)."""
        access.administer(okr, principal, organization_id)
        body = msgspec.to_builtins(data, builtin_types=(UUID,))
        result = okr.import_cycle(
            organization_id=organization_id,
            cycle=body["cycle"],
            units=body["units"],
            checked_in_at=data.checked_in_at,
            by=principal.member_id,
        )
        return command_response(result, 201)

    # A file, not JSON: the command router's JSON-only check is replaced here.
    @post(
        "/spreadsheet-import",
        status_code=201,
        before_request=_any_body,
        # A file is larger than a command's JSON: a whole organisation's cycle fits.
        request_max_body_size=MAX_UPLOAD_BYTES,
    )
    async def import_spreadsheet(
        self,
        organization_id: FromPath[UUID],
        request: Request[Any, Any, Any],
        okr: Okr,
        principal: Actor,
        fmt: FormatParameter,
    ) -> Response[CommandResponse]:
        """Import a cycle from a spreadsheet file sent as the body (``?format=csv|xlsx``):
        all rows or none (admin). A refusal lists every problem with its row and column."""
        data = await request.body()

        def run() -> Response[CommandResponse]:
            access.administer(okr, principal, organization_id)
            try:
                rows = read_rows(data, _format(fmt))
                result = import_rows(
                    okr, rows, organization_id=organization_id, by=principal.member_id
                )
            except SheetInvalid as e:
                raise InvalidInput(
                    str(e),
                    code="invalid-spreadsheet",
                    field=e.problems[0].column,
                    problems=[msgspec.structs.asdict(p) for p in e.problems],
                ) from None
            return command_response(result, 201)

        # The event store is synchronous: off the event loop.
        return await anyio.to_thread.run_sync(run)

    @get(
        "/cycles/{cycle_id:uuid}/spreadsheet.csv",
        sync_to_thread=True,
        media_type=CONTENT_TYPES["csv"],
    )
    def export_spreadsheet_csv(
        self, organization_id: FromPath[UUID], cycle_id: FromPath[UUID], okr: Okr, principal: Actor
    ) -> Response[bytes]:
        """Every unit's OKRs of the cycle as CSV, one row per key result."""
        return _exported(okr, principal, organization_id, cycle_id, "csv")

    @get(
        "/cycles/{cycle_id:uuid}/spreadsheet.xlsx",
        sync_to_thread=True,
        media_type=CONTENT_TYPES["xlsx"],
    )
    def export_spreadsheet_xlsx(
        self, organization_id: FromPath[UUID], cycle_id: FromPath[UUID], okr: Okr, principal: Actor
    ) -> Response[bytes]:
        """Every unit's OKRs of the cycle as an XLSX workbook, one row per key result."""
        return _exported(okr, principal, organization_id, cycle_id, "xlsx")


def _exported(
    okr: OKRApplication, principal: Principal, organization_id: UUID, cycle_id: UUID, fmt: Format
) -> Response[bytes]:
    # A read: any member of the organisation, of a cycle of that organisation only.
    access.organization(okr, principal, organization_id)
    missing = NotFound(f"no Cycle {cycle_id}", field="cycle_id")
    try:
        cycle = okr.read_aggregate(Cycle, cycle_id, fresh=False)
    except NotFound:
        raise missing from None
    if cycle.organization_id != organization_id:
        raise missing
    rows = cycle_rows(okr, organization_id, cycle_id)
    content = write_xlsx(rows) if fmt == "xlsx" else write_csv(rows)
    return Response(
        content,
        media_type=CONTENT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="okrs.{fmt}"'},
    )


def _format(text: str) -> Format:
    return "xlsx" if text == "xlsx" else "csv"
