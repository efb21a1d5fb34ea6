"""okr-es audit verify on export files, run as a real process: a line must be exactly the
bytes that were hashed, the summary must agree with the event lines, and no input makes
it fail with anything but a named problem."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import pytest

from okr_es.event_log import EventRecord
from okr_es.learning.audit import GENESIS, canonical, export_lines, line_hash
from support.cli_process import Run, okr_es

_NS = UUID("5d0e3a7c-9b1f-4c2e-8a6d-1f2e3d4c5b6a")
CYCLE = uuid5(_NS, "2026 Q3")
UNIT = uuid5(_NS, "Team Data")
OBJECTIVE = uuid5(_NS, "objective")
KARI = uuid5(_NS, "kari")


def verify(file: Path, *args: str) -> Run:
    return okr_es(None, "audit", "verify", str(file), *args)


def event(
    position: int, aggregate: str, aggregate_id: UUID, version: int, name: str, **data: Any
) -> EventRecord:
    return EventRecord(
        position=position,
        recorded_at=datetime(2026, 7, 1, 9, tzinfo=UTC) + timedelta(minutes=position),
        aggregate_id=aggregate_id,
        aggregate_version=version,
        aggregate=aggregate,
        event=name,
        by=KARI,
        data=data,
    )


def export() -> list[bytes]:
    """A unit's export of a cycle, as the lines of the file (without newlines)."""
    team_cycle = uuid5(_NS, "team cycle")
    mine = {"unit_id": str(UNIT), "cycle_id": str(CYCLE)}
    check_in = {"status": "green", "comment": "God fremdrift – æøå"}
    records = [
        event(3, "Cycle", CYCLE, 1, "CycleDefined", label="2026 Q3", kind="quarter"),
        event(40, "TeamCycle", team_cycle, 1, "TeamCycleOpened", **mine),
        event(41, "TeamCycle", team_cycle, 2, "ObjectiveCommitted", objective_id=str(OBJECTIVE)),
        event(42, "Objective", OBJECTIVE, 1, "ObjectiveSet", title="Raskere svar", **mine),
        *(
            event(50 + i, "Objective", OBJECTIVE, 2 + i, "CheckInMade", value=10.5 + i, **check_in)
            for i in range(4)
        ),
    ]
    scope = {"cycle_id": str(CYCLE), "cycle": "2026 Q3", "unit_id": str(UNIT)}
    return [line.encode() for line in export_lines(records, scope)]


def write(tmp_path: Path, lines: list[bytes], end: bytes = b"\n") -> Path:
    file = tmp_path / "export.jsonl"
    file.write_bytes(b"".join(line + end for line in lines))
    return file


def head(lines: list[bytes]) -> str:
    digest: str = json.loads(lines[-1])["hash"]
    return digest


def rehashed(entry: dict[str, Any]) -> bytes:
    """A line changed by someone who also recomputed its hash."""
    entry["hash"] = line_hash(entry)
    return canonical(entry)


def rechained(entries: list[dict[str, Any]]) -> list[bytes]:
    """Every line re-hashed from the first on: a chain consistent in itself."""
    lines, prev = [], GENESIS
    for entry in entries:
        entry["prev_hash"] = prev
        lines.append(rehashed(entry))
        prev = entry["hash"]
    return lines


def test_an_export_without_its_final_newline_verifies_against_an_upper_case_head(
    tmp_path: Path,
) -> None:
    lines = export()
    file = write(tmp_path, lines)
    file.write_bytes(file.read_bytes().rstrip(b"\n"))
    run = verify(file, "--head", head(lines).upper())
    assert run.code == 0, run.err
    assert run.out == f"verified 8 events (head {head(lines)})\n"


def test_a_head_that_is_no_hash_is_bad_usage(tmp_path: Path) -> None:
    run = verify(write(tmp_path, export()), "--head", "not-a-hash")
    assert run.code == 2
    assert "64 hex digits" in run.err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"hash":"\xff\xfe"}', "line 4 is not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "line 4 is nested too deeply"),
    ],
)
def test_unreadable_lines_are_named_not_crashed_on(
    tmp_path: Path, line: bytes, message: str
) -> None:
    lines = export()
    lines[3] = line
    run = verify(write(tmp_path, lines))
    assert run.code == 1
    assert run.err.startswith("okr-es: audit [not-json] line 4: ") and message in run.err
    assert "Traceback" not in run.err


def _forged_first(line: bytes) -> bytes:
    # A reader that takes the first of two values of a key sees the forged ones; the
    # hash covers the last ones.
    return b'{"data":{"value":999,"comment":"FORGED"},' + line[1:]


def _reordered(line: bytes) -> bytes:
    return json.dumps(
        dict(reversed(json.loads(line).items())), ensure_ascii=False, separators=(",", ":")
    ).encode()


def _spaced(line: bytes) -> bytes:
    return json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False).encode()


def _escaped(line: bytes) -> bytes:
    return json.dumps(json.loads(line), sort_keys=True, separators=(",", ":")).encode()


@pytest.mark.parametrize(
    "change",
    [_forged_first, _reordered, _spaced, _escaped, lambda line: line + b" "],
    ids=["repeated-keys", "reordered-keys", "spaces", "u-escapes", "trailing-space"],
)
def test_a_line_must_be_exactly_its_canonical_encoding(tmp_path: Path, change: Any) -> None:
    lines = export()
    lines[5] = change(lines[5])
    assert json.loads(lines[5])["hash"] == json.loads(export()[5])["hash"]
    run = verify(write(tmp_path, lines), "--head", head(lines))
    assert run.code == 1
    assert run.err.startswith("okr-es: audit [not-canonical] line 6: ")


def test_crlf_line_ends_are_not_the_canonical_encoding(tmp_path: Path) -> None:
    run = verify(write(tmp_path, export(), end=b"\r\n"))
    assert run.code == 1
    assert run.err.startswith("okr-es: audit [not-canonical] line 1: ")


def test_a_line_changed_and_rehashed_breaks_the_chain_after_it_and_both_are_named(
    tmp_path: Path,
) -> None:
    lines = export()
    entry = json.loads(lines[4])
    entry["data"]["value"] = 99.0
    lines[4] = rehashed(entry)
    run = verify(write(tmp_path, lines))
    assert run.code == 1
    assert run.err.startswith("okr-es: audit [broken-chain] line 6: ")
    assert "line 6 does not follow line 5: line 5 was changed" in run.err
    assert "removed or inserted between them" in run.err


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "first_position",
            1,
            "gives first_position 1, but the first event line (line 1) has log position 3",
        ),
        (
            "last_position",
            99,
            "gives last_position 99, but the last event line (line 8) has log position 53",
        ),
        ("cycle_id", str(uuid5(_NS, "2026 Q4")), "but line 1 holds an event of cycle"),
        ("cycle", "2026 Q4", 'names the cycle "2026 Q4", but line 1 gives it the label "2026 Q3"'),
        ("unit_id", str(uuid5(_NS, "Team Platform")), "but line 2 belongs to unit"),
    ],
)
def test_a_rehashed_summary_must_agree_with_the_event_lines(
    tmp_path: Path, field: str, value: Any, message: str
) -> None:
    lines = export()
    summary = json.loads(lines[-1])
    (summary["scope"] if field in summary["scope"] else summary)[field] = value
    lines[-1] = rehashed(summary)
    run = verify(write(tmp_path, lines))
    assert run.code == 1
    assert run.err.startswith("okr-es: audit [wrong-summary] line 9: ")
    assert message in run.err


@pytest.mark.parametrize(
    ("line", "field", "value", "message"),
    [
        (9, "count", "7", "not a valid summary line: Expected `int`, got `str` - at `$.count`"),
        (5, "seq", "5", "not a valid event line: Expected `int`, got `str` - at `$.seq`"),
        (3, "kind", "note", 'line 3 has kind "note", neither "event" nor "summary"'),
    ],
)
def test_a_field_of_the_wrong_type_is_reported_as_such(
    tmp_path: Path, line: int, field: str, value: Any, message: str
) -> None:
    entries = [json.loads(x) for x in export()]
    entries[line - 1][field] = value
    run = verify(write(tmp_path, rechained(entries)))
    assert run.code == 1
    assert run.err.startswith(f"okr-es: audit [wrong-field] line {line}: ")
    assert message in run.err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda scope: scope.update(note="x"), "Object contains unknown field `note`"),
        (lambda scope: scope.pop("cycle"), "Object missing required field `cycle`"),
        (lambda scope: scope.pop("unit_id"), "Object missing required field `unit_id`"),
        (lambda scope: scope.update(unit_id=5), "Expected `str | null`, got `int`"),
        (lambda scope: scope.update(cycle_id=None), "Expected `str`, got `null`"),
    ],
)
def test_a_scope_field_missing_unknown_or_mistyped_is_a_wrong_field(
    tmp_path: Path, change: Any, message: str
) -> None:
    lines = export()
    summary = json.loads(lines[-1])
    change(summary["scope"])
    lines[-1] = rehashed(summary)
    run = verify(write(tmp_path, lines))
    assert run.code == 1
    assert run.err.startswith("okr-es: audit [wrong-field] line 9: line 9 is not a valid summary")
    assert message in run.err and "$.scope" in run.err


def test_rechained_event_lines_out_of_log_order_are_found(tmp_path: Path) -> None:
    entries = [json.loads(x) for x in export()]
    entries[5], entries[6] = entries[6], entries[5]
    for seq, entry in enumerate(entries, start=1):
        entry["seq"] = seq
    run = verify(write(tmp_path, rechained(entries)))
    assert run.code == 1
    assert run.err.startswith("okr-es: audit [reordered] line 7: ")
    assert "not in log order" in run.err
