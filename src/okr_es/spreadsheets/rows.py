"""The spreadsheet row model: one row per key result, the columns teams keep in Excel.

Pure: cells in (text, numbers, dates as a reader found them), checked rows out. Every
problem names its row (as the spreadsheet numbers it: the header is row 1) and column;
all rows are checked, so one run lists every problem (up to :data:`MAX_PROBLEMS`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import msgspec

from okr_es.aggregates import validation as check
from okr_es.aggregates.cycle import CYCLE_KINDS
from okr_es.aggregates.key_result import METRICS, STATUSES, check_in_value, measure
from okr_es.errors import InvalidInput

__all__ = [
    "COLUMNS",
    "MAX_PROBLEMS",
    "MAX_ROWS",
    "REQUIRED_COLUMNS",
    "Problem",
    "SheetInvalid",
    "SheetRow",
    "check_header",
    "rows_from_cells",
]

# The columns, in the order a written spreadsheet has them.
COLUMNS: tuple[str, ...] = (
    "cycle",
    "cycle_kind",
    "cycle_start",
    "cycle_end",
    "unit",
    "objective",
    "why",
    "owner",
    "key_result",
    "metric",
    "start",
    "target",
    "metric_unit",
    "current",
    "status",
)
REQUIRED_COLUMNS: frozenset[str] = frozenset(
    {"cycle", "cycle_start", "cycle_end", "unit", "objective", "owner", "key_result", "metric"}
)
# A whole organisation's cycle is a few thousand key results; far more is a wrong file.
MAX_ROWS = 20_000
MAX_PROBLEMS = 50
# Units of which a negative amount cannot exist.
NON_NEGATIVE_UNITS: frozenset[str] = frozenset({"percent", "%", "count", "days"})
_TEXT_MAX = {"objective": check.TITLE_MAX, "key_result": check.TITLE_MAX, "why": check.TEXT_MAX}
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


class Problem(msgspec.Struct, frozen=True):
    """What is wrong, where: ``row`` as the spreadsheet numbers it (0 = the file as a whole)."""

    row: int
    column: str | None
    code: str
    message: str

    def __str__(self) -> str:
        where = "file" if self.row == 0 else f"row {self.row}"
        where += f", column {self.column}" if self.column else ""
        return f"{where}: {self.message}"


class SheetInvalid(Exception):
    """The spreadsheet cannot be imported; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else Problem(0, None, "invalid", "invalid")
        more = len(self.problems) - 1
        super().__init__(str(first) + (f" (and {more} more)" if more else ""))


class SheetRow(msgspec.Struct, frozen=True):
    """One checked row: a key result with its objective, unit and cycle (or an objective
    without key results, when ``key_result`` is empty)."""

    number: int
    cycle: str
    cycle_kind: str
    cycle_start: date
    cycle_end: date
    unit: str
    objective: str
    why: str
    owner: str
    key_result: str
    metric: str
    start: float | None
    target: float | None
    metric_unit: str
    current: float | None
    status: str

    def cells(self) -> tuple[Any, ...]:
        """The values in :data:`COLUMNS` order (numbers as numbers, dates as dates)."""
        return tuple(getattr(self, column) for column in COLUMNS)


def check_header(header: Sequence[Any]) -> list[str]:
    """The column names of a header row; raises listing unknown and missing columns."""
    names = [_text(cell).casefold().replace(" ", "_") for cell in header]
    while names and not names[-1]:
        names.pop()  # trailing empty cells Excel keeps after a deleted column
    problems = []
    unknown = [n or "(empty)" for n in names if n not in COLUMNS]
    if unknown:
        problems.append(
            Problem(
                1,
                None,
                "unknown-columns",
                f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}",
            )
        )
    missing = sorted(REQUIRED_COLUMNS - set(names))
    if missing:
        problems.append(
            Problem(1, None, "missing-columns", f"missing column(s) {', '.join(missing)}")
        )
    twice = sorted({n for n in names if names.count(n) > 1 and n in COLUMNS})
    if twice:
        problems.append(Problem(1, None, "duplicate-columns", f"column(s) twice: {twice}"))
    if problems:
        raise SheetInvalid(problems)
    return names


def rows_from_cells(
    names: Sequence[str], body: Iterable[tuple[int, Sequence[Any]]]
) -> list[SheetRow]:
    """Check every data row (``(row number, cells)``) and return them, or raise
    :class:`SheetInvalid` listing the problems. Rows that are entirely blank are skipped."""
    problems: list[Problem] = []
    rows: list[SheetRow] = []
    first: SheetRow | None = None
    objectives: dict[tuple[str, str], SheetRow] = {}
    for number, cells in body:
        if all(_text(c) == "" for c in cells):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            raise SheetInvalid(
                [Problem(number, None, "too-many-rows", f"more than {MAX_ROWS} rows")]
            )
        found: list[Problem] = []
        row = _row(number, dict(zip(names, cells, strict=False)), found)
        if row is not None:
            first = first or row
            found += _consistent(row, first, objectives)
        problems += found
        if len(problems) >= MAX_PROBLEMS:
            raise SheetInvalid(problems[:MAX_PROBLEMS])
        if row is not None and not found:
            rows.append(row)
    if problems:
        raise SheetInvalid(problems)
    if not rows:
        raise SheetInvalid([Problem(0, None, "empty", "the spreadsheet has no rows")])
    return rows


def _row(number: int, raw: dict[str, Any], problems: list[Problem]) -> SheetRow | None:
    def problem(column: str, code: str, message: str) -> None:
        problems.append(Problem(number, column, code, message))

    values: dict[str, Any] = {}
    for column in ("cycle", "cycle_kind", "unit", "objective", "why", "owner", "key_result"):
        values[column] = _text(raw.get(column))
        limit = _TEXT_MAX.get(column, check.NAME_MAX)
        if len(values[column]) > limit:
            problem(column, "too-long", f"at most {limit} characters")
    values["metric"] = _text(raw.get("metric")).casefold()
    values["metric_unit"] = _text(raw.get("metric_unit"))
    values["status"] = _text(raw.get("status")).casefold()
    for column in ("cycle_start", "cycle_end"):
        values[column] = _date(raw.get(column), column, problem)
    for column in ("start", "target", "current"):
        values[column] = _number(raw.get(column), column, problem)
    for column in ("cycle", "cycle_start", "cycle_end", "unit", "objective", "owner"):
        if _text(raw.get(column)) == "":
            problem(column, "missing-value", f"{column} is required")
    values["cycle_kind"] = values["cycle_kind"].casefold() or "custom"
    if values["cycle_kind"] not in CYCLE_KINDS:
        problem("cycle_kind", "invalid-choice", f"one of {', '.join(sorted(CYCLE_KINDS))}")
    if problems:
        return None
    if values["cycle_start"] >= values["cycle_end"]:
        problem("cycle_end", "date-order", "the cycle must end after it starts")
    if values["key_result"]:
        _check_key_result(values, problem)
    else:
        extra = [
            c
            for c in ("metric", "start", "target", "metric_unit", "current", "status")
            if values[c] not in ("", None)
        ]
        if extra:
            problem("key_result", "missing-value", f"a row with {extra[0]} needs its key_result")
    if problems:
        return None
    return SheetRow(number=number, **values)


def _check_key_result(values: dict[str, Any], problem: Any) -> None:
    if not values["metric"]:
        problem("metric", "missing-value", "metric is required for a key result")
        return
    if values["metric"] not in METRICS:
        problem("metric", "invalid-choice", f"metric is one of {', '.join(sorted(METRICS))}")
        return
    try:
        measure(values["metric"], values["start"], values["target"], values["metric_unit"])
    except InvalidInput as e:
        column = "metric_unit" if e.field == "unit" else (e.field or "metric")
        problem(column, e.code, e.message)
        return
    if values["metric_unit"].casefold() in NON_NEGATIVE_UNITS:
        for column in ("start", "target", "current"):
            if values[column] is not None and values[column] < 0:
                problem(column, "negative", f"a negative {values['metric_unit']} is impossible")
    if (values["current"] is None) != (values["status"] == ""):
        column = "status" if values["current"] is not None else "current"
        problem(column, "missing-value", "current and status go together (a check-in)")
    elif values["current"] is not None:
        if values["status"] not in STATUSES:
            problem("status", "invalid-choice", f"status is one of {', '.join(sorted(STATUSES))}")
        try:
            check_in_value(values["metric"], values["current"])
        except InvalidInput as e:
            problem("current", e.code, e.message)


def _consistent(
    row: SheetRow, first: SheetRow, objectives: dict[tuple[str, str], SheetRow]
) -> list[Problem]:
    """One cycle per spreadsheet; an objective's why and owner the same on all its rows."""
    found = [
        Problem(
            row.number,
            column,
            "inconsistent",
            f"{column} differs from row {first.number} ({getattr(first, column)})",
        )
        for column in ("cycle", "cycle_kind", "cycle_start", "cycle_end")
        if getattr(row, column) != getattr(first, column)
    ]
    key = (check.same_text_key(row.unit), check.same_text_key(row.objective))
    earlier = objectives.setdefault(key, row)
    for column in ("why", "owner"):
        if getattr(row, column) != getattr(earlier, column):
            found.append(
                Problem(
                    row.number,
                    column,
                    "inconsistent",
                    f"the objective's {column} differs from row {earlier.number}",
                )
            )
    return found


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def _number(cell: Any, column: str, problem: Any) -> float | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, (bool, date, datetime)):
        problem(column, "not-a-number", f"{column} must be a number, not {cell!r}")
        return None
    if isinstance(cell, (int, float)):
        value = float(cell)
    else:
        text = str(cell).strip().replace("\u00a0", "").replace(" ", "")
        if _DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")  # "12,5" as written where the comma is decimal
        try:
            value = float(text)
        except ValueError:
            problem(column, "not-a-number", f"{column} must be a number, not {str(cell)!r}")
            return None
    if not math.isfinite(value) or abs(value) > check.NUMBER_LIMIT:
        problem(column, "out-of-range", f"{column} must be a finite number (|x| ≤ 1e15)")
        return None
    return value


def _date(cell: Any, column: str, problem: Any) -> date | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    try:
        return date.fromisoformat(str(cell).strip())
    except ValueError:
        problem(column, "invalid-date", f"{column} must be a date (YYYY-MM-DD), not {cell!r}")
        return None
