"""okr-es review, replay, audit export/verify, export and import, run as real processes
against a demo organisation stored on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from okr_es.application import OKRApplication
from okr_es.demo import DemoSummary, seed_demo
from okr_es.settings import Settings
from support.cli_process import okr_es

TODAY = "2026-11-23"


@pytest.fixture
def demo(settings: Settings) -> DemoSummary:
    with OKRApplication(settings) as app:
        return seed_demo(app, today=date.fromisoformat(TODAY))


def test_review_as_json_flags_the_hockey_stick(settings: Settings, demo: DemoSummary) -> None:
    run = okr_es(
        settings, "review", "--unit", "Team Saksbehandling", "--cycle", "2026 Q3",
        "--format", "json", "--today", TODAY,
    )  # fmt: skip
    assert run.code == 0, run.err
    review = json.loads(run.out)
    assert review["hockey_stick"]["flagged"] is True
    assert "hockey-stick" in [f["code"] for f in review["flags"]]


def test_review_as_markdown_and_html(settings: Settings, demo: DemoSummary) -> None:
    md = okr_es(
        settings, "review", "--unit", "Team Platform", "--cycle", "2026 Q4", "--today", TODAY
    )
    assert md.code == 0, md.err
    assert md.out.startswith("# Learning review: Team Platform – 2026 Q4")
    assert "**Moved goalposts**" in md.out and "Aisha Khan" in md.out
    html = okr_es(
        settings, "review", "--unit", str(demo.units["Team Platform"]), "--cycle", "2026 Q4",
        "--format", "html", "--today", TODAY,
    )  # fmt: skip
    assert html.code == 0, html.err
    assert html.out.startswith("<!doctype html>") and "<svg" in html.out
    # One offline file: nothing is fetched from anywhere.
    assert "<script" not in html.out and "http" not in html.out and "<link" not in html.out


def test_review_of_every_unit_gives_each_units_own_review(
    settings: Settings, demo: DemoSummary
) -> None:
    every = okr_es(
        settings, "review", "--all", "--cycle", "2026 Q3", "--format", "json", "--today", TODAY
    )
    assert every.code == 0, every.err
    reviews = json.loads(every.out)
    by_unit = {r["unit"]: r for r in reviews}
    assert "Team Saksbehandling" in by_unit and len(by_unit) == len(reviews) >= 2
    one = okr_es(
        settings, "review", "--unit", "Team Saksbehandling", "--cycle", "2026 Q3",
        "--format", "json", "--today", TODAY,
    )  # fmt: skip
    assert by_unit["Team Saksbehandling"] == json.loads(one.out)
    md = okr_es(settings, "review", "--all", "--cycle", "2026 Q3", "--today", TODAY)
    assert md.code == 0, md.err
    # One report per unit, each headed in its team's language.
    headings = [line for line in md.out.splitlines() if line.startswith("# ")]
    assert [h.split(": ", 1)[1] for h in headings] == [f"{r['unit']} – 2026 Q3" for r in reviews]


def test_review_of_every_unit_as_one_html_page_written_to_a_file(
    settings: Settings, demo: DemoSummary, tmp_path: Path
) -> None:
    page = tmp_path / "portfolio.html"
    run = okr_es(
        settings, "review", "--all", "--cycle", "2026 Q3", "--format", "html",
        "--today", TODAY, "--output", str(page),
    )  # fmt: skip
    assert run.code == 0, run.err
    assert run.out == ""
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<table id=portfolio>" in html
    for team in ("Team Saksbehandling", "Team Selvbetjening", "Team Platform"):
        assert f"<tr data-unit='{team}'>" in html
        assert f": {team} – 2026 Q3</h2>" in html
    # One offline file: its only script is inline, and nothing is fetched from anywhere.
    assert "<script src" not in html and "http" not in html and "<link" not in html


def test_review_output_to_a_file_that_cannot_be_written_is_an_error(
    settings: Settings, demo: DemoSummary, tmp_path: Path
) -> None:
    run = okr_es(
        settings, "review", "--all", "--cycle", "2026 Q3", "--format", "html",
        "--today", TODAY, "--output", str(tmp_path / "missing" / "page.html"),
    )  # fmt: skip
    assert run.code != 0 and "cannot write" in run.err
    assert not (tmp_path / "missing").exists()


def test_review_replay_gives_the_read_model_s_review(
    settings: Settings, demo: DemoSummary
) -> None:
    for which in (("--unit", "Team Platform"), ("--all",)):
        args = ("review", *which, "--cycle", "2026 Q4", "--format", "json", "--today", TODAY)
        read, replayed = okr_es(settings, *args), okr_es(settings, *args, "--replay")
        assert read.code == 0 and replayed.code == 0, read.err + replayed.err
        assert read.out == replayed.out and "moved-goalposts" in read.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--unit", "Team Platform", "--organization", "Fjordby kommune"), "goes with --all"),
        (("--all", "--organization", "Nowhere"), "no organisation 'Nowhere'"),
        (("--unit", "Team Platform", "--all"), "not allowed with"),
        ((), "one of the arguments --unit --all is required"),
    ],
)
def test_review_refuses_what_it_cannot_do(
    settings: Settings, demo: DemoSummary, args: tuple[str, ...], message: str
) -> None:
    run = okr_es(settings, "review", "--cycle", "2026 Q3", *args)
    assert run.code != 0 and message in run.err


def test_review_of_an_unknown_unit_is_an_error(settings: Settings, demo: DemoSummary) -> None:
    run = okr_es(settings, "review", "--unit", "Team Nobody", "--cycle", "2026 Q4")
    assert run.code == 1 and "no unit" in run.err


def test_two_replays_are_byte_identical(settings: Settings, demo: DemoSummary) -> None:
    args = ("replay", "--unit", "Team Hjemmetjenester", "--cycle", "2026 Q4")
    first, second = okr_es(settings, *args), okr_es(settings, *args)
    assert first.code == 0, first.err
    assert first.out == second.out
    assert "droppet målet" in first.out
    early = okr_es(settings, *args, "--as-of", "2000-01-01")
    assert early.code == 0 and "Endringer (0)" in early.out


def test_audit_export_verifies_and_tampering_is_caught(
    settings: Settings, demo: DemoSummary, tmp_path: Path
) -> None:
    export = okr_es(settings, "audit", "export", "--cycle", "2026 Q3")
    assert export.code == 0, export.err
    file = tmp_path / "q3.jsonl"
    file.write_text(export.out)
    verified = okr_es(settings, "audit", "verify", str(file))
    assert verified.code == 0, verified.err
    count = len(export.out.splitlines()) - 1
    assert verified.out.startswith(f"verified {count} events")

    lines = export.out.splitlines()
    entry = json.loads(lines[4])
    entry["by"] = next(str(m) for m in demo.members.values() if str(m) != entry["by"])
    # Canonically encoded, as a careful forger would: only the hash chain can tell.
    lines[4] = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    file.write_text("\n".join(lines) + "\n")
    tampered = okr_es(settings, "audit", "verify", str(file))
    assert tampered.code == 1
    assert "line 5" in tampered.err and "modified" in tampered.err


def test_audit_export_refuses_an_empty_unit_rather_than_exporting_the_whole_cycle(
    settings: Settings, demo: DemoSummary
) -> None:
    run = okr_es(settings, "audit", "export", "--cycle", "2026 Q4", "--unit", "")
    assert (run.code, run.out) == (1, "")
    assert "[not-found] (unit)" in run.err


@pytest.fixture
def two_demos(settings: Settings) -> tuple[DemoSummary, DemoSummary]:
    """Two organisations of the same name, with units and cycles of the same names."""
    with OKRApplication(settings) as app:
        today = date.fromisoformat(TODAY)
        return seed_demo(app, today=today), seed_demo(app, today=today)


def test_audit_export_refuses_a_unit_of_another_organisation(
    settings: Settings, two_demos: tuple[DemoSummary, DemoSummary]
) -> None:
    first, second = two_demos
    run = okr_es(
        settings, "audit", "export", "--cycle", "2026 Q4",
        "--unit", str(first.units["Team Platform"]),
        "--organization", str(second.organization_id),
    )  # fmt: skip
    assert (run.code, run.out) == (1, "")
    assert "[not-found] (unit)" in run.err and str(second.organization_id) in run.err
    mine = okr_es(
        settings, "audit", "export", "--cycle", "2026 Q4", "--unit", "Team Platform",
        "--organization", str(second.organization_id),
    )  # fmt: skip
    assert mine.code == 0, mine.err
    summary = json.loads(mine.out.splitlines()[-1])
    assert summary["scope"]["unit_id"] == str(second.units["Team Platform"])


def test_an_organisation_name_two_share_is_ambiguous(
    settings: Settings, two_demos: tuple[DemoSummary, DemoSummary]
) -> None:
    run = okr_es(
        settings, "audit", "export", "--cycle", "2026 Q4", "--organization", "Fjordby kommune"
    )
    assert (run.code, run.out) == (1, "")
    assert "[ambiguous] (organization)" in run.err
    assert all(str(demo.organization_id) in run.err for demo in two_demos)


def test_export_and_import_round_trip_into_another_unit(
    settings: Settings, demo: DemoSummary, tmp_path: Path
) -> None:
    exported = okr_es(settings, "export", "--unit", "Team Platform", "--cycle", "2026 Q4")
    assert exported.code == 0, exported.err
    file = tmp_path / "platform.json"
    file.write_text(exported.out)
    imported = okr_es(
        settings, "import", str(file), "--organization", "Fjordby kommune",
        "--unit", "Team Data", "--cycle", "2026 Q4", "--by", "Per Johansen",
    )  # fmt: skip
    assert imported.code == 0, imported.err
    assert "Imported 1 objectives" in imported.out
    again = okr_es(settings, "export", "--unit", "Team Data", "--cycle", "2026 Q4")
    titles = [o["title"] for o in json.loads(again.out)["objectives"]]
    assert titles[-1] == json.loads(exported.out)["objectives"][0]["title"]


def test_an_import_run_twice_writes_nothing_the_second_time(
    settings: Settings, demo: DemoSummary, tmp_path: Path
) -> None:
    exported = okr_es(settings, "export", "--unit", "Team Platform", "--cycle", "2026 Q4")
    file = tmp_path / "platform.json"
    file.write_text(exported.out)
    into_data = (
        "import", str(file), "--organization", "Fjordby kommune",
        "--unit", "Team Data", "--cycle", "2026 Q4", "--by", "Per Johansen",
    )  # fmt: skip
    assert okr_es(settings, *into_data).code == 0
    before = okr_es(settings, "events", "--json").out.count("\n")

    again = okr_es(settings, *into_data)

    assert again.code == 1
    assert "[duplicate-objective] (objectives[0].title)" in again.err
    assert okr_es(settings, "events", "--json").out.count("\n") == before


def test_an_alignment_two_parent_objectives_share_is_refused_until_given_by_id(
    settings: Settings, demo: DemoSummary, tmp_path: Path
) -> None:
    title = "Fornøyde innbyggere i alle bydeler"
    team = demo.units["Team Data"]
    with OKRApplication(settings) as app:
        org = app.get_organization(demo.organization_id)
        parents = [
            app.set_objective(
                organization_id=org.id, unit_id=unit, cycle_id=demo.cycles["2026 Q4"],
                title=title, owner_id=demo.admin_id, by=demo.admin_id,
            ).ids["objective_id"]
            for unit in org.ancestors(team)
        ]  # fmt: skip
    assert len(parents) == 2
    file = tmp_path / "aligned.json"
    entry = {"title": "Data alle stoler på", "key_results": [
        {"title": "Feil i rapportene ned fra 30 til 5", "metric": "decrease", "start": 30,
         "target": 5}]}  # fmt: skip
    command = (
        "import", str(file), "--organization", "Fjordby kommune",
        "--unit", "Team Data", "--cycle", "2026 Q4", "--by", "Per Johansen",
    )  # fmt: skip

    file.write_text(json.dumps({"objectives": [{**entry, "aligned_to": title.upper()}]}))
    refused = okr_es(settings, *command)
    assert refused.code == 1
    assert "[ambiguous] (objectives[0].aligned_to)" in refused.err
    assert all(str(p) in refused.err for p in parents)

    file.write_text(json.dumps({"objectives": [{**entry, "aligned_to": str(parents[1])}]}))
    assert okr_es(settings, *command).code == 0, refused.err
    with OKRApplication(settings) as app:
        team_cycle = app.get_team_cycle(team, demo.cycles["2026 Q4"])
        assert team_cycle is not None
        imported = app.get_objective(team_cycle.objective_ids[-1])
        assert imported.aligned_to_objective_id == parents[1]


def test_an_import_that_breaks_a_rule_writes_nothing(
    settings: Settings, demo: DemoSummary, tmp_path: Path
) -> None:
    before = okr_es(settings, "events", "--json").out.count("\n")
    document = {
        "objectives": [
            {
                "title": "Et gyldig mål",
                "key_results": [
                    {"title": "A øker fra 1 til 2", "metric": "increase", "start": 1, "target": 2},
                    {"title": "B ned fra 5 til 3", "metric": "decrease", "start": 5, "target": 3},
                ],
            },
            {
                "title": "Et mål med feil tall",
                "key_results": [
                    # An increase needs target > start: the second objective is refused.
                    {"title": "C øker", "metric": "increase", "start": 9, "target": 2},
                    {"title": "D ned fra 5 til 3", "metric": "decrease", "start": 5, "target": 3},
                ],
            },
        ]
    }
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(document))
    run = okr_es(
        settings, "import", str(file), "--organization", "Fjordby kommune",
        "--unit", "Team Platform", "--cycle", "2026 Q4", "--by", "Aisha Khan",
    )  # fmt: skip
    assert run.code == 1
    assert "[metric-mismatch] (objectives[1].key_results[0].target)" in run.err
    assert okr_es(settings, "events", "--json").out.count("\n") == before
