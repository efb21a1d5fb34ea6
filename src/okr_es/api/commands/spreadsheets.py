"""Importing a whole cycle: as JSON (the ``import_cycle`` command) or as a spreadsheet
file (CSV or XLSX, the columns of docs/migration.md), a Microsoft Viva Goals export, and
the cycle as a spreadsheet."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import anyio.to_thread
import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter

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
    str, QueryParameter(name="format", pattern="^(csv|xlsx)$", description="csv or xlsx")
]
DryRunParameter = Annotated[
    bool, QueryParameter(name="dry_run", description="only say what would be imported")
]
CreateMembersParameter = Annotated[
    bool, QueryParameter(name="create_members", description="add owners not yet members")
]


class VivaImportResponse(CommandResponse, kw_only=True):
    """What a Viva Goals import wrote (201), or would write (200: a dry run, or an export
    with nothing new); ``would_write`` lists each item by its row."""

    dry_run: bool
    written: bool
    periods: list[str]
    counts: dict[str, int]
    would_write: list[str]
    already_imported: list[str]
    notes: list[str]


_VIVA_RESPONSES = {
    200: ResponseSpec(
        data_container=VivaImportResponse,
        description="A dry run, or an export with nothing new: nothing was written",
        generate_examples=False,
    )
}


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
                raise _problem(e) from None
            return command_response(result, 201)

        # The event store is synchronous: off the event loop.
        return await anyio.to_thread.run_sync(run)

    @post(
        "/viva-import",
        status_code=201,
        before_request=_any_body,
        request_max_body_size=MAX_UPLOAD_BYTES,
        responses=_VIVA_RESPONSES,
    )
    async def import_viva(
        self,
        organization_id: FromPath[UUID],
        request: Request[Any, Any, Any],
        okr: Okr,
        principal: Actor,
        fmt: FormatParameter,
        dry_run: DryRunParameter = False,
        create_members: CreateMembersParameter = False,
    ) -> Response[VivaImportResponse]:
        """Import a Microsoft Viva Goals Explorer export sent as the body
        (``?format=csv|xlsx``; ``dry_run=true`` only says what it would write): its time
        periods as cycles, its items and check-in history; what an earlier import of the
        organisation's Viva Goals exports made is not made again (admin). A refusal lists
        every problem with its row and column; nothing is written."""
        data = await request.body()

        def run() -> Response[VivaImportResponse]:
            from okr_es.history.viva import plan_viva_import, write_viva_import
            from okr_es.spreadsheets.viva import read_viva

            access.administer(okr, principal, organization_id)
            try:
                plan = plan_viva_import(
                    okr,
                    read_viva(data, _format(fmt)),
                    organization_id=organization_id,
                    create_members=create_members,
                )
                written = not dry_run and not plan.is_empty()
                result = write_viva_import(okr, plan, by=principal.member_id) if written else None
            except SheetInvalid as e:
                raise _problem(e) from None
            body = VivaImportResponse(
                position=okr.position() if result is None else result.position,
                ids={} if result is None else result.ids,
                warnings=[] if result is None else result.warnings,
                dry_run=dry_run,
                written=written,
                periods=plan.labels,
                counts=plan.counts(),
                would_write=plan.described(),
                already_imported=plan.skipped,
                notes=plan.notes,
            )
            return Response(
                body,
                status_code=201 if written else 200,
                headers={"X-OKR-Position": str(body.position)},
            )

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


def _problem(e: SheetInvalid) -> InvalidInput:
    return InvalidInput(
        str(e),
        code="invalid-spreadsheet",
        field=e.problems[0].column,
        problems=[msgspec.structs.asdict(p) for p in e.problems],
    )


def _format(text: str) -> Format:
    return "xlsx" if text == "xlsx" else "csv"
