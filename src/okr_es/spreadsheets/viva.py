"""A Microsoft Viva Goals "Explorer" export (XLSX or CSV) read as OKRs of one or more
time periods, with their check-in history.

Viva Goals let each customer pick the export's columns, so they are found by their
header (English or Norwegian, case and spacing ignored); unknown columns are ignored,
only Title and Object type are required. Team and Time period cells that a workbook
merged over several rows (read as empty below the first) carry down; without a team (no
column, or empty from the top) an objective is the organisation's. A key result
belongs to the objective its Aligned parent names, else to the nearest objective above
it; a check-in (a row of object type Check-in, or a row of a workbook's "Check-ins"
sheet) to the key result it names, else the nearest above it. Every item gets a source
key: its Viva Goals id, or its kind, period, team and title where the export has no
ids. Pure: bytes in, :class:`VivaFile` out, or :class:`SheetInvalid` naming every
problem's row and column.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import msgspec

from okr_es.aggregates import validation as check
from okr_es.aggregates.key_result import check_in_value, measure
from okr_es.errors import InvalidInput
from okr_es.spreadsheets.rows import MAX_PROBLEMS, MAX_ROWS, Problem, SheetInvalid
from okr_es.spreadsheets.tables import Format, read_named_sheet, read_table
from okr_es.spreadsheets.viva_values import (
    CLOSED,
    POSTPONED,
    Period,
    cell_date,
    period_of,
    status_of,
)

__all__ = [
    "CHECK_IN_SHEETS",
    "HEADERS",
    "ObjectiveIndex",
    "VivaCheckIn",
    "VivaFile",
    "VivaItem",
    "VivaObjective",
    "read_viva",
]

# Our name of a column → the headers Viva Goals gives it (English, Norwegian).
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("Id", "ID", "Object id", "Objekt-id"),
    "title": ("Title", "Name", "Tittel", "Navn"),
    "type": ("Object type", "Type", "Objekttype"),
    "owner": ("Owner", "Owners", "Eier", "Eiere"),
    "team": ("Team", "Teams"),
    "period": ("Time period", "Tidsperiode", "Periode"),
    "parent": ("Aligned parent", "Parent", "Justert overordnet", "Overordnet"),
    "parent_id": ("Parent id", "Aligned parent id", "Overordnet id"),
    "start_date": ("Start date", "Startdato"),
    "due": ("Due", "Due date", "End date", "Forfallsdato", "Sluttdato"),
    "metric_start": ("Metric start", "Start value", "Startverdi"),
    "target": ("Metric target", "Target", "Målverdi"),
    "current": ("Metric current", "Current value", "Gjeldende verdi", "Value", "Verdi"),
    "progress": ("Progress", "Fremdrift"),
    "status": ("Status",),
    "score": ("Score", "Poengsum"),
    "closing_note": ("Closing note", "Avslutningsnotat"),
    "tags": ("Tags", "Etiketter"),
    "check_in_date": (
        "Check-in date", "Last check-in", "Date", "Innsjekkingsdato", "Siste innsjekking", "Dato",
    ),
    "check_in_note": ("Check-in note", "Note", "Innsjekkingsnotat", "Notat", "Kommentar"),
    "check_in_by": ("Check-in owner", "Checked in by", "By", "Innsjekket av"),
    "key_result": ("Key result", "Key result id", "Nøkkelresultat", "Nøkkelresultat-id"),
}  # fmt: skip
# The sheet of a workbook that holds the check-in history, if it has one.
CHECK_IN_SHEETS = ("Check-ins", "Checkins", "Check-in history", "Innsjekkinger")
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
    "check-in": "check_in",
    "checkin": "check_in",
    "check in": "check_in",
    "innsjekking": "check_in",
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
    period: str = ""
    parent: str = ""
    parent_id: str = ""
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
    check_in_date: date | None = None
    check_in_note: str = ""
    check_in_by: str = ""
    key: str = ""  # the source key: Viva Goals' id, or kind, period, team and title

    @property
    def closed(self) -> bool:
        return self.status.casefold() in CLOSED

    @property
    def postponed(self) -> bool:
        return self.status.casefold() in POSTPONED


class VivaCheckIn(msgspec.Struct, frozen=True):
    """One reading of a key result's history, on the day Viva Goals recorded it."""

    number: int
    column_prefix: str  # "" in the main sheet, "Check-ins: " in the check-in sheet
    key_result: str  # the key result's source key
    on: date
    value: float
    status: str  # green, yellow, red
    note: str = ""
    by: str = ""

    @property
    def key(self) -> str:
        return f"{self.key_result}@{self.on.isoformat()}|{self.value:g}|{self.status}"


class VivaObjective(msgspec.Struct, frozen=True):
    item: VivaItem
    key_results: list[VivaItem]
    projects: list[VivaItem] = msgspec.field(default_factory=list)


class VivaFile(msgspec.Struct, frozen=True):
    """A Viva Goals export: its time periods (each a cycle), the objectives (with their key
    results and projects), the projects of no objective, the check-in history, and notes
    on what the import leaves out."""

    periods: list[Period]
    objectives: list[VivaObjective]
    projects: list[VivaItem]
    notes: list[str]
    check_ins: list[VivaCheckIn] = msgspec.field(default_factory=list)

    @property
    def period(self) -> Period:
        """The first time period (the only one of a single-period export)."""
        return self.periods[0]

    def period_of(self, item: VivaItem) -> Period:
        key = check.same_text_key(item.period)
        for period in self.periods:
            if check.same_text_key(period.label) == key:
                return period
        return self.periods[0]


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
    refused: set[str] = set()
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
                _period(number, label, periods, problems, refused)
        if len(problems) >= MAX_PROBLEMS:
            break
    if not problems and not periods:
        problems.append(
            Problem(0, _LABEL["period"], "missing-value", "no row names its time period")
        )
    objectives, projects, notes, check_ins = _grouped(items, problems)
    if claimed == "xlsx" and len(problems) < MAX_PROBLEMS:
        check_ins += _check_in_sheet(data, objectives, problems)
    if problems:
        raise SheetInvalid(problems[:MAX_PROBLEMS])
    if not objectives:
        raise SheetInvalid([Problem(0, None, "empty", "the export has no objectives")])
    ordered = sorted((p for _, p in periods.values()), key=lambda p: (p.start, p.end, p.label))
    return VivaFile(ordered, objectives, projects, notes, check_ins)


def _columns(header: Sequence[Any], required: Iterable[str] = ("title", "type")) -> dict[str, int]:
    wanted = {_key(h): name for name, headers in HEADERS.items() for h in headers}
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = wanted.get(_key(_text(cell)))
        if name is not None and name not in found:
            found[name] = i
    missing = [_LABEL[n] for n in required if n not in found]
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
        problem(
            "type", "invalid-choice", "object type is Objective, Key result, Project or Check-in"
        )
    title = _text(raw.get("title"))
    if not title and kind != "check_in":
        problem("title", "missing-value", "the title is empty")
    elif len(title) > check.TITLE_MAX:
        problem("title", "too-long", f"at most {check.TITLE_MAX} characters")
    values: dict[str, Any] = {}
    for name in ("start_date", "due", "check_in_date"):
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
        period=_text(raw.get("period")),
        parent=_text(raw.get("parent")),
        parent_id=_text(raw.get("parent_id")),
        status=status,
        check_in_status=check_in_status,
        closing_note=_text(raw.get("closing_note")),
        tags=_text(raw.get("tags")),
        check_in_note=_text(raw.get("check_in_note")),
        check_in_by=_text(raw.get("check_in_by")),
        **values,
    )
    if kind == "key_result":
        item = _metric(item, problem)
    if kind == "objective" and not item.owner:
        problem("owner", "missing-value", "an objective needs its owner")
    if kind == "check_in":
        _check_reading(item, problem)
    return None if len(problems) > before else item


def _check_reading(item: VivaItem, problem: Any) -> None:
    """A check-in has its day, its value and a status that is a reading."""
    if item.check_in_date is None:
        problem("check_in_date", "missing-value", "a check-in needs its date")
    if item.current is None:
        problem("current", "missing-value", "a check-in needs its value")
    if item.check_in_status is None:
        problem("status", "invalid-choice", "a check-in's status is On Track, Behind or At Risk")


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
    number: int,
    label: str,
    periods: dict[str, tuple[int, Period]],
    problems: list[Problem],
    refused: set[str],
) -> None:
    key = check.same_text_key(label)
    if key in periods or key in refused:  # a merged cell's label is checked once
        return
    period = period_of(label)
    if period is None:
        refused.add(key)
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
) -> tuple[list[VivaObjective], list[VivaItem], list[str], list[VivaCheckIn]]:
    objectives: list[VivaObjective] = []
    by_title: dict[tuple[str, str, str], VivaObjective] = {}
    projects: list[VivaItem] = []
    notes: list[str] = []
    check_ins: list[VivaCheckIn] = []
    ids: dict[str, int] = {}
    index = ObjectiveIndex()
    current: VivaObjective | None = None
    last_kr: VivaItem | None = None
    for item in items:
        if item.source_id and item.kind != "check_in":
            if item.source_id in ids:
                problems.append(
                    Problem(
                        item.number,
                        _LABEL["id"],
                        "duplicate-id",
                        f"id {item.source_id!r} is already on row {ids[item.source_id]}",
                    )
                )
                continue
            ids[item.source_id] = item.number
        if item.kind == "objective":
            key = (
                check.same_text_key(item.period),
                check.same_text_key(item.team),
                check.same_text_key(item.title),
            )
            if key in by_title:
                problems.append(
                    Problem(
                        item.number,
                        _LABEL["title"],
                        "duplicate-objective",
                        f"objective {item.title!r} of {item.team or 'the organisation'} in "
                        f"{item.period} is already on row {by_title[key].item.number}",
                    )
                )
                continue
            item = _keyed(item, "o", "|".join(key))
            current = by_title[key] = VivaObjective(item, [])
            objectives.append(current)
            index.add(current)
            last_kr = None
        elif item.kind == "check_in":
            kr = _named_key_result(item.parent, current) or last_kr
            if kr is None:
                problems.append(
                    Problem(
                        item.number,
                        _LABEL["parent"],
                        "no-key-result",
                        "a check-in needs a key result above it or named as aligned parent",
                    )
                )
                continue
            _add_check_in(check_ins, item, kr, "", problems)
            continue
        else:
            owner = index.named(item) or current
            if item.kind == "project":
                # A project under an objective comes with it (as an initiative of its unit).
                within = "-" if owner is None else owner.item.key
                item = _keyed(item, "p", f"{within}|{check.same_text_key(item.title)}")
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
            item = _keyed(item, "k", f"{owner.item.key}|{check.same_text_key(item.title)}")
            owner.key_results.append(item)
            last_kr = item
            if item.closed and not owner.item.closed:
                notes.append(
                    f"row {item.number}: key result {item.title!r} is closed in Viva Goals; "
                    "okr-es closes whole objectives, so it stays open"
                )
        if item.postponed:
            notes.append(
                f"row {item.number}: {item.title!r} is postponed in Viva Goals; not marked"
            )
        if item.score is not None and not item.closed and item.kind == "objective":
            notes.append(
                f"row {item.number}: score {item.score:g} of an objective that is not closed "
                "not imported"
            )
    return objectives, projects, notes, check_ins


def _keyed(item: VivaItem, kind: str, natural: str) -> VivaItem:
    key = f"{kind}:id:{item.source_id}" if item.source_id else f"{kind}:{natural}"
    return msgspec.structs.replace(item, key=key)


class ObjectiveIndex:
    """The objectives of an export by Viva Goals id and by title, to find the one an
    item's Aligned parent (or Parent id) names."""

    def __init__(self, objectives: Iterable[VivaObjective] = ()) -> None:
        self._by_id: dict[str, VivaObjective] = {}
        self._by_title: dict[str, list[VivaObjective]] = {}
        for objective in objectives:
            self.add(objective)

    def add(self, objective: VivaObjective) -> None:
        if objective.item.source_id:
            self._by_id.setdefault(objective.item.source_id, objective)
        title = check.same_text_key(objective.item.title)
        self._by_title.setdefault(title, []).append(objective)

    def named(self, item: VivaItem) -> VivaObjective | None:
        """By id, else by title (of the item's period first); never the item itself."""
        found = self._by_id.get(item.parent_id) if item.parent_id else None
        if found is not None and found.item.key != item.key:
            return found
        if not item.parent:
            return None
        named = [
            o
            for o in self._by_title.get(check.same_text_key(item.parent), [])
            if o.item.key != item.key or not item.key
        ]
        period = check.same_text_key(item.period)
        same = [o for o in named if check.same_text_key(o.item.period) == period]
        found_all = same or named
        return found_all[0] if found_all else None


def _named_key_result(name: str, objective: VivaObjective | None) -> VivaItem | None:
    if not name or objective is None:
        return None
    title = check.same_text_key(name)
    return next(
        (kr for kr in objective.key_results if check.same_text_key(kr.title) == title), None
    )


def _add_check_in(
    check_ins: list[VivaCheckIn],
    item: VivaItem,
    kr: VivaItem,
    prefix: str,
    problems: list[Problem],
) -> None:
    assert item.check_in_date is not None and item.current is not None
    assert item.check_in_status is not None
    try:
        value = check_in_value(kr.metric, item.current)
    except InvalidInput as e:
        problems.append(Problem(item.number, prefix + _LABEL["current"], e.code, e.message))
        return
    check_ins.append(
        VivaCheckIn(
            number=item.number,
            column_prefix=prefix,
            key_result=kr.key,
            on=item.check_in_date,
            value=value,
            status=item.check_in_status,
            note=item.check_in_note,
            by=item.check_in_by or item.owner,
        )
    )


def _check_in_sheet(
    data: bytes, objectives: Sequence[VivaObjective], problems: list[Problem]
) -> list[VivaCheckIn]:
    """The workbook's check-in sheet, if it has one: each row names its key result by its
    id (Key result id, else Id) or its title (Key result, else Title)."""
    table = read_named_sheet(data, CHECK_IN_SHEETS)
    if table is None:
        return []
    prefix = "Check-ins: "
    try:
        _, header = next(table)
    except StopIteration:
        return []
    try:
        columns = _columns(header, required=("check_in_date", "current"))
    except SheetInvalid as e:
        sheet = prefix.rstrip(": ")
        raise SheetInvalid([Problem(1, sheet, p.code, p.message) for p in e.problems]) from None
    krs = [kr for o in objectives for kr in o.key_results]
    by_id = {kr.source_id: kr for kr in krs if kr.source_id}
    by_title: dict[str, list[VivaItem]] = {}
    for kr in krs:
        by_title.setdefault(check.same_text_key(kr.title), []).append(kr)
    check_ins: list[VivaCheckIn] = []
    for number, cells in table:
        if all(_text(c) == "" for c in cells):
            continue
        raw = {name: cells[i] if i < len(cells) else None for name, i in columns.items()}
        named = _text(raw.get("key_result")) or _text(raw.get("id"))
        title = _text(raw.get("title"))
        target = by_id.get(named)
        if target is None:
            found = by_title.get(check.same_text_key(named or title), [])
            target = found[0] if len(found) == 1 else None
            if target is None:
                why = "names several key results" if found else "names no key result of the export"
                problems.append(
                    Problem(number, prefix + _LABEL["key_result"], "unknown-key-result",
                            f"{named or title!r} {why}")
                )  # fmt: skip
                continue
        raw["type"] = "check-in"
        before = len(problems)
        sheet_problems: list[Problem] = []
        item = _item(number, raw, sheet_problems)
        problems += [
            Problem(p.row, prefix + (p.column or ""), p.code, p.message) for p in sheet_problems
        ]
        if item is not None and len(problems) == before:
            _add_check_in(check_ins, item, target, prefix, problems)
        if len(problems) >= MAX_PROBLEMS:
            break
    return check_ins


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
