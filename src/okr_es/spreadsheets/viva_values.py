"""Cell values of a Microsoft Viva Goals export: its dates, its time periods and its
statuses, in English and Norwegian, as the exports write them. Pure functions."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

import msgspec

__all__ = ["Period", "cell_date", "period_of", "status_of"]

# Excel counts days from 1899-12-30 (the 1900 leap-year bug folded in).
_EXCEL_EPOCH = date(1899, 12, 30)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            (),
            ("jan", "january", "januar"),
            ("feb", "february", "februar"),
            ("mar", "march", "mars"),
            ("apr", "april"),
            ("may", "mai"),
            ("jun", "june", "juni"),
            ("jul", "july", "juli"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "okt", "october", "oktober"),
            ("nov", "november"),
            ("dec", "des", "december", "desember"),
        )
    )
    for name in names
}
_QUARTER = re.compile(r"^(?:fy\s*(?P<fy>\d{2,4})\s*)?q(?P<q>[1-4])\s*(?P<year>\d{4})?$")
_YEAR_QUARTER = re.compile(r"^(?P<year>\d{4})\s*[-/]?\s*q(?P<q>[1-4])$")
_HALF = re.compile(r"^(?:h(?P<h>[12])\s*(?P<year>\d{4})|(?P<year2>\d{4})\s*h(?P<h2>[12]))$")
_YEAR = re.compile(r"^(?:fy\s*|år\s*)?(?P<year>\d{4})$|^fy\s*(?P<fy>\d{2})$")
_MONTH_RANGE = re.compile(
    r"^(?P<m1>[a-zæøå]+)\.?\s*(?P<y1>\d{4})\s*[-–]\s*(?P<m2>[a-zæøå]+)\.?\s*(?P<y2>\d{4})$"
)

# Viva Goals' statuses → a check-in's status; None: the status records no check-in.
_STATUSES: dict[str, str | None] = {
    "on track": "green",
    "på sporet": "green",
    "i rute": "green",
    "behind": "yellow",
    "bak skjema": "yellow",
    "etter skjema": "yellow",
    "forsinket": "yellow",
    "at risk": "red",
    "i faresonen": "red",
    "risiko": "red",
    "not started": None,
    "ikke startet": None,
    "closed": None,
    "lukket": None,
    "avsluttet": None,
    "postponed": None,
    "utsatt": None,
}
CLOSED = frozenset({"closed", "lukket", "avsluttet"})
POSTPONED = frozenset({"postponed", "utsatt"})


class Period(msgspec.Struct, frozen=True):
    """A Viva Goals time period as an okr-es cycle."""

    label: str
    kind: str
    start: date
    end: date


def cell_date(cell: object) -> date | None:
    """A date from a cell: a date/datetime, an Excel serial number, ISO text or dd.mm.yyyy
    (also dd/mm/yyyy). Raises ValueError for anything else; None for an empty cell."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if not 1 <= cell < 2_958_466:  # up to 9999-12-31
            raise ValueError(f"{cell!r} is no Excel date")
        return _EXCEL_EPOCH + timedelta(days=int(cell))
    text = str(cell).strip()
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):
        return cell_date(float(text))
    match = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text[:10])


def status_of(text: str) -> tuple[bool, str | None]:
    """(known, check-in status) of a Viva Goals status (empty: known, none)."""
    key = " ".join(text.casefold().split())
    if not key:
        return True, None
    if key in _STATUSES:
        return True, _STATUSES[key]
    return False, None


def period_of(text: str) -> Period | None:
    """A time period as Viva Goals names them: "Q1 2026", "2026 Q1", "FY26 Q1", "H1 2026",
    "2026", "Jan 2026 - Mar 2026" (fiscal years are taken as calendar years)."""
    label = " ".join(text.split())
    key = label.casefold()
    for pattern in (_QUARTER, _YEAR_QUARTER):
        match = pattern.match(key)
        if match:
            parts = match.groupdict()
            year = _year(parts.get("year") or parts.get("fy"))
            if year is None:
                return None
            first = 3 * int(parts["q"]) - 2
            return Period(label, "quarter", date(year, first, 1), _month_end(year, first + 2))
    match = _HALF.match(key)
    if match:
        year = int(match.group("year") or match.group("year2"))
        first = 1 if (match.group("h") or match.group("h2")) == "1" else 7
        return Period(label, "half_year", date(year, first, 1), _month_end(year, first + 5))
    match = _YEAR.match(key)
    if match:
        year = _year(match.group("year") or match.group("fy"))
        return None if year is None else Period(label, "year", date(year, 1, 1), date(year, 12, 31))
    match = _MONTH_RANGE.match(key)
    if match:
        m1, m2 = _MONTHS.get(match.group("m1")), _MONTHS.get(match.group("m2"))
        y1, y2 = int(match.group("y1")), int(match.group("y2"))
        if m1 is None or m2 is None or (y2, m2) < (y1, m1):
            return None
        months = (y2 - y1) * 12 + m2 - m1 + 1
        kind = {3: "quarter", 4: "tertial", 6: "half_year", 12: "year"}.get(months, "custom")
        return Period(label, kind, date(y1, m1, 1), _month_end(y2, m2))
    return None


def _year(text: str | None) -> int | None:
    if not text:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
