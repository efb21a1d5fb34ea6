"""okr-es review --format md as a real process: what people wrote shows as written, and
a cycle nobody set OKRs in says so."""

from __future__ import annotations

import re
from datetime import date

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.settings import Settings
from support.cli_process import okr_es

TODAY = "2026-11-23"


def test_user_text_cannot_break_the_table_or_bring_in_html(sqlite_settings: Settings) -> None:
    with OKRApplication(sqlite_settings) as app:
        demo = seed_demo(app, today=date.fromisoformat(TODAY))
        team_cycle = app.get_team_cycle(demo.units["Team Platform"], demo.cycles["2026 Q4"])
        assert team_cycle is not None
        app.add_key_result(
            objective_id=team_cycle.objective_ids[0],
            title="A | B | C *bold* `code` <script>alert(1)</script> & [link](x) \\ end",
            metric="milestone",
            by=demo.members["Aisha Khan"],
        )
    run = okr_es(
        sqlite_settings, "review", "--unit", "Team Platform", "--cycle", "2026 Q4",
        "--format", "md", "--today", TODAY,
    )  # fmt: skip
    assert run.code == 0, run.err
    row = next(line for line in run.out.splitlines() if line.startswith("| A "))
    # Seven columns: eight pipes that are no escaped part of a cell.
    assert len(re.findall(r"(?<!\\)\|", row)) == 8
    assert row.startswith(
        r"| A \| B \| C \*bold\* \`code\` &lt;script&gt;alert(1)&lt;/script&gt; &amp; "
        r"\[link\](x) \\ end |"
    )
    assert "<script" not in run.out


def test_every_units_review_of_a_cycle_without_okrs_says_so(sqlite_settings: Settings) -> None:
    with OKRApplication(sqlite_settings) as app:
        demo = seed_demo(app, today=date.fromisoformat(TODAY))
        app.define_cycle(
            organization_id=demo.organization_id,
            label="2027 Q1",
            kind="quarter",
            start="2027-01-01",
            end="2027-03-31",
            by=demo.admin_id,
        )
    run = okr_es(sqlite_settings, "review", "--all", "--cycle", "2027 Q1", "--today", TODAY)
    assert run.code == 0, run.err
    assert run.out == "No unit set OKRs in 2027 Q1.\n"


def test_a_norwegian_review_names_statuses_in_norwegian(sqlite_settings: Settings) -> None:
    with OKRApplication(sqlite_settings) as app:
        seed_demo(app, today=date.fromisoformat(TODAY))
    run = okr_es(
        sqlite_settings, "review", "--unit", "Team Selvbetjening", "--cycle", "2026 Q4",
        "--format", "md", "--today", TODAY,
    )  # fmt: skip
    assert run.code == 0, run.err
    headings = [line for line in run.out.splitlines() if line.startswith("### ")]
    rows = [line for line in run.out.splitlines()
            if line.startswith("| ") and not line.startswith("| Nøkkelresultat")]
    assert headings and all("(aktiv," in h for h in headings)
    cells = {row.split("|")[2].strip() for row in rows}
    assert cells and cells <= {"grønn", "gul", "rød", "–"}
    assert not re.search(r"\b(active|green|yellow|red)\b", run.out)
