"""The audit export's hash chain: an intact export verifies, every kind of tampering is
named with the first line it affects."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from uuid import UUID, uuid5

import pytest

from okr_es.event_log import EventRecord
from okr_es.learning.audit import GENESIS, export_lines, line_hash, verify_lines

_NS = UUID("0b8a4c62-1f7e-4d0a-9d7c-5a1e2f3b4c5d")
# What a whole cycle's export names in its summary.
SCOPE = {"cycle_id": str(uuid5(_NS, "2026 Q3")), "cycle": "2026 Q3", "unit_id": None}


def records(count: int) -> list[EventRecord]:
    start = datetime(2026, 7, 1, 9, tzinfo=UTC)
    return [
        EventRecord(
            position=10 + i,
            recorded_at=start + timedelta(minutes=i),
            aggregate_id=uuid5(_NS, "objective"),
            aggregate_version=i + 1,
            aggregate="Objective",
            event="CheckInMade",
            by=uuid5(_NS, "kari"),
            data={"value": 10.5 + i, "status": "green", "comment": "God fremdrift – æøå"},
        )
        for i in range(count)
    ]


@pytest.fixture
def lines() -> list[str]:
    return export_lines(records(5), SCOPE)


def test_an_untampered_export_verifies(lines: list[str]) -> None:
    result = verify_lines(lines)
    assert result.ok and result.count == 5
    assert result.message == "verified 5 events"
    assert result.head == json.loads(lines[-1])["hash"]


def test_the_chain_starts_at_zeros_and_each_hash_covers_its_line(lines: list[str]) -> None:
    entries = [json.loads(line) for line in lines]
    assert entries[0]["prev_hash"] == GENESIS == "0" * 64
    for before, after in pairwise(entries):
        assert after["prev_hash"] == before["hash"]
    assert all(line_hash(e) == e["hash"] for e in entries)
    assert entries[-1]["kind"] == "summary" and entries[-1]["count"] == 5


def test_the_export_is_the_same_bytes_every_time() -> None:
    assert export_lines(records(3), {"c": 1}) == export_lines(records(3), {"c": 1})


def test_an_empty_cycle_still_has_a_verifiable_summary() -> None:
    result = verify_lines(export_lines([], SCOPE))
    assert result.ok and result.count == 0


def test_a_modified_field_is_found_on_its_line(lines: list[str]) -> None:
    entry = json.loads(lines[2])
    entry["data"]["value"] = 99.0
    lines[2] = json.dumps(entry)
    result = verify_lines(lines)
    assert (result.ok, result.problem, result.line) == (False, "modified", 3)


def test_a_deleted_line_is_found_where_it_is_missing(lines: list[str]) -> None:
    del lines[1]
    result = verify_lines(lines)
    assert (result.problem, result.line) == ("removed", 2)
    assert "1 line removed before line 2" in result.message


def test_an_inserted_line_with_a_forged_hash_is_found(lines: list[str]) -> None:
    forged = json.loads(lines[1])
    forged["data"]["comment"] = "lagt til i ettertid"
    forged["hash"] = line_hash(forged)  # consistent in itself, but the chain goes around it
    lines.insert(2, json.dumps(forged))
    result = verify_lines(lines)
    assert (result.problem, result.line) == ("inserted", 3)


def test_an_inserted_line_without_a_valid_hash_is_found(lines: list[str]) -> None:
    lines.insert(1, json.dumps({"kind": "event", "seq": 2, "hash": "ab" * 32}))
    result = verify_lines(lines)
    assert (result.ok, result.line) == (False, 2)


def test_two_swapped_lines_are_found_as_out_of_order(lines: list[str]) -> None:
    lines[1], lines[2] = lines[2], lines[1]
    result = verify_lines(lines)
    assert (result.problem, result.line) == ("reordered", 2)


def test_a_truncated_end_is_found(lines: list[str]) -> None:
    del lines[-2:]
    result = verify_lines(lines)
    assert (result.problem, result.line) == ("truncated", len(lines) + 1)


def test_an_altered_summary_is_found(lines: list[str]) -> None:
    summary = json.loads(lines[-1])
    summary["count"] = 4
    lines[-1] = json.dumps(summary)
    assert (verify_lines(lines).problem, verify_lines(lines).line) == ("modified", 6)


def test_a_summary_rehashed_to_hide_a_removed_line_still_counts_wrong(lines: list[str]) -> None:
    summary = json.loads(lines[-1])
    summary["count"] = 6
    summary["hash"] = line_hash(summary)
    lines[-1] = json.dumps(summary)
    assert verify_lines(lines).problem == "wrong-count"


def test_lines_after_the_summary_are_found(lines: list[str]) -> None:
    lines.append(lines[0])
    result = verify_lines(lines)
    assert not result.ok and result.line == 7


def test_a_wrong_head_is_found_when_the_head_was_kept_elsewhere(lines: list[str]) -> None:
    assert verify_lines(lines, expected_head="f" * 64).problem == "wrong-head"
    assert verify_lines(lines, expected_head=json.loads(lines[-1])["hash"]).ok


def test_a_line_that_is_not_json_is_found(lines: list[str]) -> None:
    lines[3] = lines[3][:-5]
    assert (verify_lines(lines).problem, verify_lines(lines).line) == ("not-json", 4)
