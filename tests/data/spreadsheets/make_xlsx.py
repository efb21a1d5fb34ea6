"""Write cycle_2027_q1.xlsx from cycle_2027_q1.csv: python tests/data/spreadsheets/make_xlsx.py

The workbook is what `okr-es export --format xlsx` writes for the same rows: one sheet
"OKRs", a header row, numbers as numbers and dates as dates.
"""

from __future__ import annotations

from pathlib import Path

from okr_es.spreadsheets.tables import read_rows, write_xlsx

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    rows = read_rows((HERE / "cycle_2027_q1.csv").read_bytes(), "csv")
    (HERE / "cycle_2027_q1.xlsx").write_bytes(write_xlsx(rows))
