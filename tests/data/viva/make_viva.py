"""Write the Viva Goals exports of this folder: python tests/data/viva/make_viva.py

Fjellby kommune's OKRs of 2026 as Microsoft Viva Goals' Explorer exports them (see
README.md): an English workbook of 40 columns over two quarters with a Check-ins sheet,
a later export of the same, a reworked one after the teams changed their OKRs in
Viva Goals, and a Norwegian CSV of fewer columns. Needs openpyxl.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

# Every field an Explorer export offers, in the order Viva Goals writes them.
COLUMNS = [
    "Id", "Title", "Object type", "Description", "Owner", "Team", "Time period",
    "Aligned parent", "Start date", "Due", "Metric start", "Metric target",
    "Metric current", "Metric unit", "Progress", "Status", "Score", "Closing note", "Tags",
    "Created by", "Created on", "Last modified", "Last check-in", "Check-in note",
    "Check-in owner", "Progress method", "Weight", "Visibility", "Level", "Parent id",
    "Contributors", "Key result type", "Target direction", "Confidence", "Goal cycle",
    "Workspace", "URL", "Comments", "Attachments", "Archived",
]  # fmt: skip


def serial(year: int, month: int, day: int) -> int:
    """The date as Excel's serial number (days since 1899-12-30)."""
    return (datetime(year, month, day) - datetime(1899, 12, 30)).days


KARI = "Kari Nordmann <kari@fjellby.no>"
PER = "Per Johansen <per@fjellby.no>"
OLA = "Ola Hansen"
NINA = "Nina Berg <nina@fjellby.no>"


def rows(later: bool) -> list[dict[str, Any]]:
    """The export's rows; ``later``: the same OKRs some weeks on."""
    q1, q2 = "Q1 2026", "Q2 2026"
    found: list[dict[str, Any]] = [
        {"Id": "VG-100", "Title": "Fjellby er en digital kommune", "Object type": "Objective",
         "Owner": KARI, "Team": "Digitalisering", "Time period": q1,
         "Start date": serial(2026, 1, 1), "Due": datetime(2026, 3, 31),
         "Status": "Closed" if later else "On Track", "Score": 0.7 if later else None,
         "Closing note": "Nesten i mål" if later else None, "Level": "Department"},
        {"Id": "VG-101", "Title": "Andel digitale søknader", "Object type": "Key result",
         "Owner": KARI, "Parent id": "VG-100", "Metric start": 40, "Metric target": 70,
         "Metric current": 52, "Metric unit": "%", "Progress": 40, "Status": "On Track",
         "Score": 0.6 if later else None, "Last check-in": serial(2026, 3, 2),
         "Check-in note": "Byggesøknader går digitalt"},
        {"Id": "VG-110", "Title": "Innbyggerne finner svar selv", "Object type": "Objective",
         "Owner": PER, "Team": "Team Data", "Time period": q1,
         "Aligned parent": "Fjellby er en digital kommune", "Parent id": "VG-100",
         "Start date": "01.01.2026", "Due": "2026-03-31", "Status": "On Track",
         "Tags": "innbygger; selvbetjening"},
        {"Id": "VG-111", "Title": "Selvbetjente saker", "Object type": "Key result",
         "Owner": PER, "Parent id": "VG-110", "Metric start": 20,
         "Metric target": 65 if later else 60, "Metric current": 40 if later else 35,
         "Status": "On Track", "Progress": 37.5},
        {"Id": "VG-112", "Title": "Svartid i dager", "Object type": "Key result",
         "Owner": PER, "Parent id": "VG-110", "Metric start": 21, "Metric target": 10,
         "Metric current": 18, "Status": "At Risk", "Target direction": "Decrease"},
        {"Id": "VG-113", "Title": "Ny chatbot i drift", "Object type": "Project",
         "Owner": PER, "Aligned parent": "Selvbetjente saker", "Due": "2026-03-15",
         "Status": "Not Started"},
        {"Id": "VG-120", "Title": "Plattformen er stabil", "Object type": "Objective",
         "Owner": OLA, "Team": "Team Platform", "Time period": q1,
         "Aligned parent": "Fjellby er en digital kommune", "Status": "Closed", "Score": 0.8,
         "Closing note": "Godt kvartal", "Due": serial(2026, 3, 31)},
        {"Id": "VG-121", "Title": "Oppetid i prosent", "Object type": "Key result",
         "Owner": OLA, "Metric start": 0, "Metric target": 99.5, "Metric current": 99.2,
         "Status": "Closed", "Score": 0.9},
        {"Id": "VG-122", "Title": "Driftshåndbok skrevet", "Object type": "Key result",
         "Owner": OLA, "Progress": 100, "Status": "Closed", "Score": 1},
        {"Id": "VG-130", "Title": "Bedre data for styring", "Object type": "Objective",
         "Owner": NINA, "Team": "Team Analyse", "Time period": q1,
         "Aligned parent": "Innbyggerne finner svar selv", "Status": "Behind"},
        {"Id": "VG-131", "Title": "Dashbord i bruk", "Object type": "Key result",
         "Owner": NINA, "Metric start": 0, "Metric target": 12, "Metric current": 4,
         "Status": "Behind"},
        {"Id": "VG-200", "Title": "Selvbetjening for alle", "Object type": "Objective",
         "Owner": PER, "Team": "Team Data", "Time period": q2,
         "Aligned parent": "Fjellby er en digital kommune", "Start date": serial(2026, 4, 1),
         "Status": "Not Started"},
        {"Id": "VG-201", "Title": "Digitale skjema", "Object type": "Key result",
         "Owner": PER, "Metric start": 10, "Metric target": 40, "Status": "Not Started"},
    ]  # fmt: skip
    if later:
        found.insert(5, {
            "Id": "VG-114", "Title": "Chatbot-samtaler per uke", "Object type": "Key result",
            "Owner": PER, "Parent id": "VG-110", "Metric start": 0, "Metric target": 500,
            "Metric current": 120, "Status": "On Track", "Last check-in": "20.03.2026",
        })  # fmt: skip
        found += [
            {"Id": "VG-210", "Title": "Data deles åpent", "Object type": "Objective",
             "Owner": PER, "Team": "Team Data", "Time period": q2, "Status": "Not Started"},
            {"Id": "VG-211", "Title": "Åpne datasett", "Object type": "Key result",
             "Owner": PER, "Metric start": 3, "Metric target": 15, "Status": "Not Started"},
        ]  # fmt: skip
    for row in found:  # the columns nobody reads, filled as Viva Goals fills them
        row.setdefault("Created by", "Kari Nordmann")
        row.setdefault("Workspace", "Fjellby kommune")
        row.setdefault("Visibility", "Everyone")
        row.setdefault("URL", f"https://goals.microsoft.com/fjellby/{row['Id']}")
    return found


def reworked() -> list[dict[str, Any]]:
    """The later export after a reorganisation in Viva Goals: renamed, handed over,
    realigned, moved and deleted items."""
    by_id = {row["Id"]: dict(row) for row in rows(later=True)}
    answers = "Innbyggerne finner svarene selv"
    by_id["VG-110"].update(Title=answers)  # renamed, and aligned to nothing
    by_id["VG-110"].pop("Aligned parent")
    by_id["VG-110"].pop("Parent id")
    by_id["VG-130"].update({"Aligned parent": answers, "Team": "Team Platform"})  # moved
    by_id["VG-112"].update(Title="Svartid i virkedager")
    by_id["VG-113"].update(Title="Chatbot i drift", Owner=OLA)  # an initiative: handed over
    by_id["VG-200"].update({"Owner": KARI, "Aligned parent": "Digitale tjenester for alle"})
    by_id["VG-210"].update({"Time period": "Q1 2026"})  # moved to the other quarter
    by_id["VG-114"].update({"Parent id": "VG-200"})  # moved to another objective
    deleted = {"VG-120", "VG-121", "VG-122", "VG-131"}
    order = [
        "VG-100", "VG-101", "VG-110", "VG-111", "VG-112", "VG-113", "VG-130", "VG-300",
        "VG-301", "VG-200", "VG-201", "VG-114", "VG-210", "VG-211",
    ]  # fmt: skip
    by_id["VG-300"] = {
        "Id": "VG-300", "Title": "Digitale tjenester for alle", "Object type": "Objective",
        "Owner": KARI, "Team": "Digitalisering", "Time period": "Q2 2026",
        "Status": "Not Started", "Created by": "Kari Nordmann", "Workspace": "Fjellby kommune",
        "Visibility": "Everyone", "URL": "https://goals.microsoft.com/fjellby/VG-300",
    }  # fmt: skip
    by_id["VG-301"] = {
        "Id": "VG-301", "Title": "Tjenester med innlogging", "Object type": "Key result",
        "Owner": KARI, "Metric start": 12, "Metric target": 30, "Status": "Not Started",
    }  # fmt: skip
    assert not deleted & set(order)
    return [by_id[i] for i in order]


def check_ins(later: bool) -> list[list[Any]]:
    found: list[list[Any]] = [
        ["VG-111", "Selvbetjente saker", serial(2026, 1, 15), 24, "On Track", "God start", PER],
        ["VG-111", "Selvbetjente saker", datetime(2026, 2, 1), 30, "Behind", "", PER],
        ["VG-111", "Selvbetjente saker", "15.02.2026", 35, "On Track", "Skjema ute", PER],
        ["VG-112", "Svartid i dager", serial(2026, 1, 15), 20, "Behind", "", PER],
        ["VG-112", "Svartid i dager", "2026-02-15", 18, "At Risk", "Ferieavvikling", PER],
        ["VG-121", "Oppetid i prosent", serial(2026, 1, 31), 98.5, "Behind", "", OLA],
        ["VG-121", "Oppetid i prosent", "2026-03-20", 99.2, "On Track", "", OLA],
        ["VG-101", "Andel digitale søknader", serial(2026, 2, 2), 46, "On Track", "", KARI],
    ]  # fmt: skip
    if later:
        found.append(["VG-111", "Selvbetjente saker", "2026-03-15", 40, "On Track", "", PER])
    return found


def workbook(later: bool = False, rework: bool = False) -> bytes:
    """The English export: Team and Time period merged over each objective's rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Explorer"
    sheet.append(COLUMNS)
    found = reworked() if rework else rows(later)
    for row in found:
        sheet.append([row.get(c) for c in COLUMNS])
    objective_rows = [i + 2 for i, r in enumerate(found) if r["Object type"] == "Objective"]
    ends = [*objective_rows[1:], len(found) + 2]
    for column in ("Team", "Time period"):
        letter = sheet.cell(1, COLUMNS.index(column) + 1).column_letter
        for first, after in zip(objective_rows, ends, strict=True):
            if after - 1 > first:
                sheet.merge_cells(f"{letter}{first}:{letter}{after - 1}")
    history = book.create_sheet("Check-ins")
    history.append(
        ["Key result id", "Key result", "Check-in date", "Value", "Status", "Note", "Checked in by"]
    )
    for line in check_ins(later or rework):
        if not (rework and line[0] in ("VG-121", "VG-122", "VG-131")):
            history.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The Norwegian export picks fewer columns, and a check-in is a row of its own.
NORWEGIAN = [
    "Tittel", "Objekttype", "Eier", "Team", "Tidsperiode", "Justert overordnet", "Startdato",
    "Forfallsdato", "Startverdi", "Målverdi", "Gjeldende verdi", "Status",
    "Innsjekkingsdato", "Innsjekkingsnotat",
]  # fmt: skip


def norwegian_csv() -> bytes:
    """Semicolons and decimal commas as Excel writes them with Norwegian settings; dates
    as text (dd.mm.yyyy and ISO); no Id column, so items are known by their titles."""
    lines = [
        ["Bedre tjenester på nett", "Mål", "Per Johansen", "Team Data", "Jan 2026 - Mar 2026",
         "", "01.01.2026", "31.03.2026", "", "", "", "På sporet", "", ""],
        ["Brukertilfredshet", "Nøkkelresultat", "Per Johansen", "", "", "", "", "", "3,5",
         "4,5", "4,1", "På sporet", "2026-03-01", ""],
        ["", "Innsjekking", "Per Johansen", "", "", "", "", "", "", "", "3,8", "Bak skjema",
         "01.02.2026", "Treg start"],
        ["", "Innsjekking", "Per Johansen", "", "", "", "", "", "", "", "4,1", "På sporet",
         "2026-03-01", ""],
        ["Ventetid på telefon (min)", "Nøkkelresultat", "Per Johansen", "", "", "", "", "",
         "12", "5", "", "Ikke startet", "", ""],
        ["Drift uten avbrudd", "Mål", "Ola Hansen", "Team Platform", "Apr 2026 - Jun 2026",
         "", "2026-04-01", "", "", "", "", "I faresonen", "", ""],
        ["Oppetid", "Nøkkelresultat", "Ola Hansen", "", "", "", "", "", "99", "99,9", "99,4",
         "I faresonen", "15.04.2026", ""],
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(NORWEGIAN)
    writer.writerows(lines)
    return out.getvalue().encode("utf-8-sig")


FILES = {
    "fjellby_2026_en.xlsx": lambda: workbook(),
    "fjellby_2026_en_later.xlsx": lambda: workbook(later=True),
    "fjellby_2026_en_reworked.xlsx": lambda: workbook(rework=True),
    "fjellby_2026_no.csv": norwegian_csv,
}

if __name__ == "__main__":
    for name, make in FILES.items():
        (HERE / name).write_bytes(make())
