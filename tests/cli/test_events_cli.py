"""okr-es events as a real process: --limit, --after and log positions, for the whole log
and for one aggregate's history."""

from __future__ import annotations

import json
from typing import Any

from okr_es.settings import Settings
from support.cli_process import Run, okr_es


def records(run: Run) -> list[dict[str, Any]]:
    assert run.code == 0, run.err
    return [json.loads(line) for line in run.out.splitlines()]


def test_a_limit_of_zero_prints_no_event(sqlite_settings: Settings) -> None:
    assert okr_es(sqlite_settings, "demo").code == 0
    for args in (("--limit", "0"), ("--limit", "0", "--json"), ("--after", "5", "--limit", "0")):
        run = okr_es(sqlite_settings, "events", *args)
        assert (run.code, run.out) == (0, ""), args


def test_one_aggregates_history_has_log_positions_and_honours_after_and_limit(
    settings: Settings,
) -> None:
    assert okr_es(settings, "demo").code == 0
    log = records(okr_es(settings, "events", "--json"))
    dropped = next(r for r in log if r["event"] == "ObjectiveDropped")
    aggregate = dropped["aggregate_id"]
    positions = [r["position"] for r in log if r["aggregate_id"] == aggregate]
    assert len(positions) > 4

    history = records(okr_es(settings, "events", aggregate, "--json"))
    assert [r["position"] for r in history] == positions
    assert history == [r for r in log if r["aggregate_id"] == aggregate]

    after = positions[1]
    page = records(okr_es(settings, "events", aggregate, "--after", str(after), "--limit", "2",
                          "--json"))  # fmt: skip
    assert [r["position"] for r in page] == positions[2:4]

    text = okr_es(settings, "events", aggregate, "--after", str(after), "--limit", "2")
    assert text.code == 0, text.err
    entries = [line for line in text.out.splitlines() if not line.startswith(" ")]
    assert [line.split()[0] for line in entries] == [f"#{p}" for p in positions[2:4]]


def test_an_empty_aggregate_id_is_refused(sqlite_settings: Settings) -> None:
    assert okr_es(sqlite_settings, "demo").code == 0
    run = okr_es(sqlite_settings, "events", "")
    assert run.code == 1
    assert "[invalid-id]" in run.err and run.out == ""
