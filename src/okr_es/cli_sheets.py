"""``okr-es export --format csv|xlsx`` and ``okr-es import FILE.csv|FILE.xlsx``: a whole
cycle's OKRs as a spreadsheet, one row per key result (see docs/migration.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from uuid import UUID

from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.organization import Organization
from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput
from okr_es.history.sheets import cycle_rows, import_rows
from okr_es.spreadsheets.tables import (
    MAX_FILE_BYTES,
    Format,
    format_of,
    read_rows,
    write_csv,
    write_xlsx,
)

EXIT_OK = 0


def sheet_format(file: str, given: str | None) -> Format | None:
    """The spreadsheet format of an import (``--format`` or the suffix); None: a document."""
    if given is not None:
        return given if given in ("csv", "xlsx") else None  # type: ignore[return-value]
    return format_of(file)


def export_sheet(app: OKRApplication, cycle: Cycle, fmt: str, output: str | None) -> int:
    rows = cycle_rows(app, cycle.organization_id, cycle.id)
    data = write_xlsx(rows) if fmt == "xlsx" else write_csv(rows)
    if output is not None:
        Path(output).write_bytes(data)
        print(f"Exported {len(rows)} rows of {cycle.label} to {output}", file=sys.stderr)
    elif fmt == "xlsx" and sys.stdout.isatty():
        raise InvalidInput("an XLSX workbook is binary: give --output FILE", field="output")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def import_sheet(app: OKRApplication, org: Organization, file: str, fmt: Format, by: UUID) -> int:
    with Path(file).open("rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)  # one byte more than allowed is enough to refuse
    rows = read_rows(data, fmt)
    result = import_rows(app, rows, organization_id=org.id, by=by)
    objectives = sum(1 for key in result.ids if key.startswith("objective_id_"))
    print(
        f"Imported {len(rows)} rows ({objectives} objectives) into {org.name} "
        f"(log position {result.position})"
    )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def import_viva(
    app: OKRApplication,
    org: Organization,
    file: str,
    by: UUID,
    *,
    dry_run: bool,
    create_members: bool,
) -> int:
    """``okr-es import viva FILE``: a Microsoft Viva Goals export as OKRs of its time
    periods, with their check-in history; a later export adds only what changed."""
    from okr_es.history.viva import plan_viva_import, write_viva_import
    from okr_es.spreadsheets.viva import read_viva

    fmt = format_of(file)
    if fmt is None:
        raise InvalidInput("a Viva Goals export is a .xlsx or .csv file", field="file")
    with Path(file).open("rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    viva = read_viva(data, fmt)
    plan = plan_viva_import(app, viva, organization_id=org.id, create_members=create_members)
    counts = ", ".join(f"{kind.replace('_', ' ')}: {n}" for kind, n in plan.counts().items())
    verb = "Would import" if dry_run else "Importing"
    print(f"{verb} {', '.join(plan.labels)} into {org.name}: {counts}")
    if dry_run:
        for line in plan.described():
            print(f"would write {line}")
    for line in plan.skipped:
        print(f"already imported: {line}")
    for note in plan.notes:
        print(f"note: {note}")
    if dry_run:
        print("dry run: nothing was written")
        return EXIT_OK
    if plan.is_empty():
        print("Nothing changed since the last import: nothing new to import")
        return EXIT_OK
    result = write_viva_import(app, plan, by=by)
    print(f"Imported (log position {result.position})")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK
