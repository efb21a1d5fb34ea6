"""The audit export: a cycle's events as JSON Lines with a SHA-256 hash chain.

Every line is one JSON object in a canonical encoding (keys sorted, no spaces, UTF-8).
Each line carries ``prev_hash`` (the previous line's ``hash``; 64 zeros on the first) and
``hash``: the SHA-256 of the canonical encoding of the line without its ``hash`` field.
Event lines (``"kind": "event"``) come in log order, numbered by ``seq`` from 1; the last
line (``"kind": "summary"``) counts them and is chained too, so cutting the end off is
noticed. `verify_lines` walks the chain and names the first line that was modified,
removed, inserted or reordered.

A chain proves the file is internally consistent; someone who rewrites every line after
a change can forge a new consistent chain. Keep the ``head`` hash (printed on export and
on verification) somewhere else, and pass it to verification to rule that out.

Pure functions: the store is read by :mod:`okr_es.learning.cycle_events`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec

from okr_es.event_log import EventRecord

__all__ = [
    "GENESIS",
    "Verification",
    "canonical",
    "export_lines",
    "line_hash",
    "verify_lines",
]

GENESIS = "0" * 64


def canonical(entry: Mapping[str, Any]) -> bytes:
    """The one byte encoding a line is hashed (and written) in."""
    return msgspec.json.encode(msgspec.to_builtins(entry), order="sorted")


def line_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical encoding of the entry without its ``hash`` field."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical(body)).hexdigest()


def export_lines(records: Iterable[EventRecord], scope: Mapping[str, Any]) -> list[str]:
    """The export as text lines (without newlines): one per event, then the summary.

    ``scope`` says what was exported (e.g. cycle id and label, unit id) and is copied
    into the summary line.
    """
    lines: list[str] = []
    prev = GENESIS
    count = 0
    first = last = None
    for seq, rec in enumerate(records, start=1):
        entry: dict[str, Any] = {
            "kind": "event",
            "seq": seq,
            **msgspec.to_builtins(rec),
            "prev_hash": prev,
        }
        prev = _chained(entry, lines)
        count = seq
        first = rec.position if first is None else first
        last = rec.position
    summary: dict[str, Any] = {
        "kind": "summary",
        "seq": count + 1,
        "count": count,
        "first_position": first,
        "last_position": last,
        "scope": dict(scope),
        "prev_hash": prev,
    }
    _chained(summary, lines)
    return lines


class Verification(msgspec.Struct, frozen=True):
    """The outcome of `verify_lines`: ``ok``, or the first problem and its line (1-based)."""

    ok: bool
    count: int
    head: str | None
    line: int | None = None
    problem: str | None = None
    message: str = ""


def verify_lines(lines: Sequence[str], expected_head: str | None = None) -> Verification:
    """Check the chain line by line; report the first line that breaks it.

    ``problem`` is one of "not-json", "modified", "reordered", "inserted", "removed",
    "broken-chain", "truncated", "after-summary", "wrong-count", "wrong-head", "empty".
    """
    entries: list[dict[str, Any]] = []
    for number, text in enumerate(lines, start=1):
        try:
            entry = msgspec.json.decode(text)
        except msgspec.DecodeError:
            return _bad(number, "not-json", f"line {number} is not valid JSON")
        if not isinstance(entry, dict) or not isinstance(entry.get("hash"), str):
            return _bad(number, "not-json", f"line {number} is not an audit line")
        entries.append(entry)
    if not entries:
        return _bad(1, "empty", "the file holds no lines")

    claimed = [e["hash"] for e in entries]
    for i, entry in enumerate(entries):
        number = i + 1
        if line_hash(entry) != entry["hash"]:
            return _bad(
                number,
                "modified",
                f"line {number} was modified: its hash does not match its content",
            )
        expected_prev = GENESIS if i == 0 else claimed[i - 1]
        if entry.get("prev_hash") != expected_prev:
            return _broken_link(entries, claimed, i)
        if entry.get("kind") == "summary":
            if number != len(entries):
                return _bad(
                    number + 1,
                    "after-summary",
                    f"line {number + 1} comes after the summary line",
                )
            events = len(entries) - 1
            if entry.get("count") != events:
                return _bad(
                    number,
                    "wrong-count",
                    f"the summary (line {number}) counts {entry.get('count')} events "
                    f"but the file holds {events}",
                )
            if expected_head is not None and entry["hash"] != expected_head:
                return _bad(
                    number,
                    "wrong-head",
                    f"the last hash is {entry['hash']}, not the expected {expected_head}",
                )
            return Verification(
                ok=True,
                count=events,
                head=entry["hash"],
                message=f"verified {events} events",
            )
        if entry.get("seq") != number:
            return _bad(
                number,
                "broken-chain",
                f"line {number} is numbered {entry.get('seq')}",
            )
    last = len(entries)
    return _bad(
        last + 1,
        "truncated",
        f"the file ends after line {last} without its summary line: lines were removed "
        "from the end",
    )


def _chained(entry: dict[str, Any], lines: list[str]) -> str:
    entry["hash"] = line_hash(entry)
    lines.append(canonical(entry).decode("utf-8"))
    digest: str = entry["hash"]
    return digest


def _bad(line: int, problem: str, message: str) -> Verification:
    return Verification(ok=False, count=0, head=None, line=line, problem=problem, message=message)


def _broken_link(entries: Sequence[dict[str, Any]], claimed: Sequence[str], i: int) -> Verification:
    """Line ``i`` (0-based) does not continue the chain: say what most likely happened."""
    number = i + 1
    prev = entries[i].get("prev_hash")
    if prev in claimed[i:]:
        # It points at a line further down: lines were swapped or moved.
        later = claimed.index(prev, i) + 1
        return _bad(
            number,
            "reordered",
            f"line {number} is out of order: it belongs after line {later}",
        )
    # The next line continues the one before: this one was slipped in between.
    if i + 1 < len(entries) and i > 0 and entries[i + 1].get("prev_hash") == claimed[i - 1]:
        return _bad(number, "inserted", f"line {number} was inserted")
    if i == 0 and len(entries) > 1 and entries[1].get("prev_hash") == GENESIS:
        return _bad(number, "inserted", f"line {number} was inserted")
    if prev in claimed[: max(0, i - 1)]:
        # It continues an earlier line: what lies between was inserted.
        earlier = claimed.index(prev) + 1
        return _bad(
            earlier + 1,
            "inserted",
            f"line {earlier + 1} was inserted: line {number} continues line {earlier}",
        )
    seq = entries[i].get("seq")
    if isinstance(seq, int) and seq > number:
        missing = seq - number
        return _bad(
            number,
            "removed",
            f"{missing} line{'s' if missing > 1 else ''} removed before line {number}",
        )
    return _bad(number, "broken-chain", f"line {number} does not continue the chain")
