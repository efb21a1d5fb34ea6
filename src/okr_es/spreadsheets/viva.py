"""A Microsoft Viva Goals "Explorer" export (XLSX or CSV) read as one cycle's OKRs.

Viva Goals let each customer pick the export's columns, so they are found by their
header (English or Norwegian, case and spacing ignored); unknown columns are ignored,
only Title and Object type are required. Team and Time period cells that a workbook
merged over several rows (read as empty below the first) carry down; without a team (no
column, or empty from the top) an objective is the organisation's. A key result
belongs to the objective its Aligned parent names, else to the nearest objective above
it. Pure: bytes in, :class:`VivaFile` out, or :class:`SheetInvalid` naming every
problem's row and column.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

import msgspec

from okr_es.aggregates import validation as check
from okr_es.aggregates.key_result import check_in_value, measure
from okr_es.errors import InvalidInput
from okr_es.spreadsheets.rows import MAX_PROBLEMS, MAX_ROWS, Problem, SheetInvalid
from okr_es.spreadsheets.tables import Format, read_table
from okr_es.spreadsheets.viva_values import (
    CLOSED,
    POSTPONED,
    Period,
    cell_date,
    period_of,
    status_of,
)

__all__ = ["HEADERS", "VivaFile", "VivaItem", "VivaObjective", "read_viva"]

# Our name of a column → the headers Viva Goals gives it (English, Norwegian).
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("Id", "ID", "Object id", "Objekt-id"),
    "title": ("Title", "Name", "Tittel", "Navn"),
    "type": ("Object type", "Type", "Objekttype"),
    "owner": ("Owner", "Owners", "Eier", "Eiere"),
    "team": ("Team", "Teams"),
    "period": ("Time period", "Tidsperiode", "Periode"),
    "parent": ("Aligned parent", "Parent", "Justert overordnet", "Overordnet"),
    "start_date": ("Start date", "Startdato"),
    "due": ("Due", "Due date", "End date", "Forfallsdato", "Sluttdato"),
    "metric_start": ("Metric start", "Start value", "Startverdi"),
    "target": ("Metric target", "Target", "Målverdi"),
    "current": ("Metric current", "Current value", "Gjeldende verdi"),
    "progress": ("Progress", "Fremdrift"),
    "status": ("Status",),
    "score": ("Score", "Poengsum"),
    "closing_note": ("Closing note", "Avslutningsnotat"),
    "tags": ("Tags", "Etiketter"),
}
# A column's name in problems: the English header.
_LABEL = {name: headers[0] for name, headers in HEADERS.items()}
_TYPES = {
    "objective": "objective",
    "mål": "objective",
    "målsetting": "objective",
    "key result": "key_result",
    "keyresult": "key_result",
    "kr": "key_result",
    "nøkkelresultat": "key_result",
    "project": "project",
    "initiative": "project",
    "prosjekt": "project",
    "initiativ": "project",
}
_CARRIED = ("team", "period")


class VivaItem(msgspec.Struct, frozen=True):
    """One checked row: an objective, a key result or a project."""

    number: int
    kind: str  # objective, key_result, project
    title: str
    source_id: str = ""
    owner: str = ""
    team: str = ""
    parent: str = ""
    start_date: date | None = None
    due: date | None = None
    metric: str = ""
    metric_start: float | None = None
    target: float | None = None
    current: float | None = None
    progress: float | None = None
    status: str = ""  # as Viva Goals wrote it
    check_in_status: str | None = None  # green, yellow, red
    score: float | None = None
    closing_note: str = ""
    tags: str = ""


class VivaObjective(msgspec.Struct, frozen=True):
    item: VivaItem
    key_results: list[VivaItem]
    projects: list[VivaItem] = msgspec.field(default_factory=list)


class VivaFile(msgspec.Struct, frozen=True):
    """A Viva Goals export as one cycle's objectives (with their key results and
    projects), the projects of no objective, and notes on what the import leaves out."""

    period: Period
    objectives: list[VivaObjective]
    projects: list[VivaItem]
    notes: list[str]


def read_viva(data: bytes, claimed: Format) -> VivaFile:
    """The checked contents of a Viva Goals export; raises :class:`SheetInvalid`."""
    table = read_table(data, claimed)
    try:
        _, header = next(table)
    except StopIteration:
        raise SheetInvalid([Problem(0, None, "empty", "the file has no header row")]) from None
    columns = _columns(header)
    problems: list[Problem] = []
    items: list[VivaItem] = []
    periods: dict[str, tuple[int, Period]] = {}
    carried: dict[str, Any] = {}
    for number, cells in table:
        if all(_text(c) == "" for c in cells):
            continue
        if len(items) + len(problems) >= MAX_ROWS:
            raise SheetInvalid([Problem(number, None, "too-many-rows", f"over {MAX_ROWS} rows")])
        raw = {name: cells[i] if i < len(cells) else None for name, i in columns.items()}
        for name in _CARRIED:  # merged cells: the value is in the region's first row only
            if _text(raw.get(name)):
                carried[name] = raw[name]
            else:
                raw[name] = carried.get(name)
        item = _item(number, raw, problems)
        if item is not None:
            items.append(item)
            label = _text(raw.get("period"))
            if label:
                _period(number, label, periods, problems)
        if len(problems) >= MAX_PROBLEMS:
            break
    if not problems and not periods:
        problems.append(
            Problem(0, _LABEL["period"], "missing-value", "no row names its time period")
        )
    if len(periods) > 1:
        labels = ", ".join(sorted(periods))
        problems.append(
            Problem(
                periods[sorted(periods)[1]][0],
                _LABEL["period"],
                "several-periods",
                f"one time period per import (found {labels}); filter the export by period",
            )
        )
    objectives, projects, notes = _grouped(items, problems)
    if problems:
        raise SheetInvalid(problems[:MAX_PROBLEMS])
    if not objectives:
        raise SheetInvalid([Problem(0, None, "empty", "the export has no objectives")])
    return VivaFile(next(iter(periods.values()))[1], objectives, projects, notes)


def _columns(header: Sequence[Any]) -> dict[str, int]:
    wanted = {_key(h): name for name, headers in HEADERS.items() for h in headers}
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = wanted.get(_key(_text(cell)))
        if name is not None and name not in found:
            found[name] = i
    missing = [_LABEL[n] for n in ("title", "type") if n not in found]
    if missing:
        raise SheetInvalid(
            [
                Problem(
                    1,
                    None,
                    "missing-columns",
                    f"missing column(s) {', '.join(missing)} (is this a Viva Goals export?)",
                )
            ]
        )
    return found


def _item(number: int, raw: dict[str, Any], problems: list[Problem]) -> VivaItem | None:
    before = len(problems)

    def problem(name: str, code: str, message: str) -> None:
        problems.append(Problem(number, _LABEL[name], code, message))

    kind = _TYPES.get(" ".join(_text(raw.get("type")).casefold().split()))
    if kind is None:
        problem("type", "invalid-choice", "object type is Objective, Key result or Project")
    title = _text(raw.get("title"))
    if not title:
        problem("title", "missing-value", "the title is empty")
    elif len(title) > check.TITLE_MAX:
        problem("title", "too-long", f"at most {check.TITLE_MAX} characters")
    values: dict[str, Any] = {}
    for name in ("start_date", "due"):
        try:
            values[name] = cell_date(raw.get(name))
        except (ValueError, TypeError, OverflowError):
            problem(name, "invalid-date", f"not a date: {raw.get(name)!r}")
    for name in ("metric_start", "target", "current", "progress", "score"):
        values[name] = _number(raw.get(name), name, problem)
    status = _text(raw.get("status"))
    known, check_in_status = status_of(status)
    if not known:
        problem("status", "invalid-choice", f"unknown status {status!r}")
    if len(problems) > before or kind is None:
        return None
    item = VivaItem(
        number=number,
        kind=kind,
        title=title,
        source_id=_text(raw.get("id")),
        owner=_text(raw.get("owner")),
        team=_text(raw.get("team")),
        parent=_text(raw.get("parent")),
        status=status,
        check_in_status=check_in_status,
        closing_note=_text(raw.get("closing_note")),
        tags=_text(raw.get("tags")),
        **values,
    )
    if kind == "key_result":
        item = _metric(item, problem)
    if kind == "objective" and not item.owner:
        problem("owner", "missing-value", "an objective needs its owner")
    return None if len(problems) > before else item


def _metric(item: VivaItem, problem: Any) -> VivaItem:
    """The key result's metric from its numbers: from start (0 if not given) up or down
    to the target; without a target a milestone (done at 100 % progress)."""
    if item.target is None:
        if item.metric_start is not None or item.current is not None:
            problem("target", "missing-value", "a key result with numbers needs its target")
            return item
        done = None if item.progress is None else float(item.progress >= 100)
        return msgspec.structs.replace(item, metric="milestone", current=done)
    start = 0.0 if item.metric_start is None else item.metric_start
    if start == item.target:
        problem("target", "metric-mismatch", f"the target equals the start ({start:g})")
        return item
    metric = "increase" if item.target > start else "decrease"
    try:
        measure(metric, start, item.target, "")
        if item.current is not None:
            check_in_value(metric, item.current)
    except InvalidInput as e:
        problem("current" if e.field == "value" else "target", e.code, e.message)
    return msgspec.structs.replace(item, metric=metric, metric_start=start)


def _period(
    number: int, label: str, periods: dict[str, tuple[int, Period]], problems: list[Problem]
) -> None:
    key = check.same_text_key(label)
    if key in periods:
        return
    period = period_of(label)
    if period is None:
        problems.append(
            Problem(
                number,
                _LABEL["period"],
                "invalid-period",
                f"time period {label!r} is not like 'Q1 2026', 'FY26 Q1', 'H1 2026', "
                "'2026' or 'Jan 2026 - Mar 2026'",
            )
        )
        return
    periods[key] = (number, period)


def _grouped(
    items: Sequence[VivaItem], problems: list[Problem]
) -> tuple[list[VivaObjective], list[VivaItem], list[str]]:
    objectives: list[VivaObjective] = []
    by_title: dict[tuple[str, str], VivaObjective] = {}
    projects: list[VivaItem] = []
    notes: list[str] = []
    current: VivaObjective | None = None
    for item in items:
        if item.kind == "objective":
            key = (check.same_text_key(item.team), check.same_text_key(item.title))
            if key in by_title:
                problems.append(
                    Problem(
                        item.number,
                        _LABEL["title"],
                        "duplicate-objective",
                        f"objective {item.title!r} of {item.team} is already on row "
                        f"{by_title[key].item.number}",
                    )
                )
                continue
            current = by_title[key] = VivaObjective(item, [])
            objectives.append(current)
            if item.parent:
                notes.append(f"row {item.number}: alignment to {item.parent!r} not imported")
        else:
            named = [o for o in objectives if o.item.title.casefold() == item.parent.casefold()]
            owner = named[0] if item.parent and named else current
            if item.kind == "project":
                # A project under an objective comes with it (as an initiative of its unit).
                (projects if owner is None else owner.projects).append(item)
                continue
            if owner is None:
                problems.append(
                    Problem(
                        item.number,
                        _LABEL["parent"],
                        "no-objective",
                        "a key result needs an objective above it or named as aligned parent",
                    )
                )
                continue
            owner.key_results.append(item)
            closed = item.status.casefold() in CLOSED | POSTPONED
            if item.current is not None and item.check_in_status is None and not closed:
                notes.append(
                    f"row {item.number}: current value {item.current:g} not recorded "
                    f"(status {item.status or 'empty'}: no check-in)"
                )
        if item.status.casefold() in CLOSED | POSTPONED or item.score is not None:
            score = "" if item.score is None else f", score {item.score:g}"
            notes.append(
                f"row {item.number}: {item.title!r} is {item.status or 'scored'}{score} in "
                "Viva Goals; closing and scores are not imported"
            )
    return objectives, projects, notes


def _key(text: str) -> str:
    return "".join(text.casefold().split()).replace("_", "").replace("-", "")


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def _number(cell: Any, name: str, problem: Any) -> float | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool) or not isinstance(cell, (int, float, str)):
        problem(name, "not-a-number", f"not a number: {cell!r}")
        return None
    text = str(cell).strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # "12,5" where the comma is the decimal sign
    try:
        value = float(text)
    except ValueError:
        problem(name, "not-a-number", f"not a number: {str(cell)!r}")
        return None
    if not math.isfinite(value) or abs(value) > check.NUMBER_LIMIT:
        problem(name, "out-of-range", "must be a finite number (|x| ≤ 1e15)")
        return None
    return value
