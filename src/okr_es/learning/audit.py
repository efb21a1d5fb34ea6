"""The audit export: a cycle's events as JSON Lines with a SHA-256 hash chain.

Every line is one JSON object in a canonical encoding (keys sorted, no spaces, UTF-8).
Each line carries ``prev_hash`` (the previous line's ``hash``; 64 zeros on the first) and
``hash``: the SHA-256 of the canonical encoding of the line without its ``hash`` field.
Event lines (``"kind": "event"``) come in log order, numbered by ``seq`` from 1; the last
line (``"kind": "summary"``) counts them and is chained too, so cutting the end off is
noticed. `verify_lines` walks the chain and names the first line that was modified,
removed, inserted or reordered. It checks the bytes it is given, not only what they
decode to: a line must be exactly the canonical encoding, since JSON that decodes to the
hashed content can still show a reader something else (a repeated key, say). The
summary's fields must agree with the event lines wherever those decide them.

An export taken after members were erased (docs/privacy.md) says so in its summary:
``erasures`` lists the erased members' ids (absent when nobody was erased). Their names
and sealed texts read as placeholders in it, so its lines differ from an export taken
before; each file's chain still verifies on its own.

A chain proves the file is internally consistent; someone who rewrites every line after
a change can forge a new consistent chain. Keep the ``head`` hash (printed on export and
on verification) somewhere else, and pass it to verification to rule that out.

Pure functions: the store is read by :mod:`okr_es.history.cycle_events`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, NamedTuple
from uuid import UUID

import msgspec

from okr_es.event_log import EventRecord, record

__all__ = [
    "GENESIS",
    "Verification",
    "canonical",
    "cycle_export_lines",
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


def export_lines(
    records: Iterable[EventRecord], scope: Mapping[str, Any], erasures: Sequence[str] = ()
) -> list[str]:
    """The export as text lines (without newlines): one per event, then the summary.

    ``scope`` says what was exported and is copied into the summary line; an export
    verifies only with the scope `cycle_export_lines` writes (``cycle_id``, ``cycle``,
    ``unit_id``), whose fields the event lines are checked against.
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
    if erasures:
        summary["erasures"] = sorted(erasures)
    _chained(summary, lines)
    return lines


def cycle_export_lines(
    events: Sequence[Any],
    cycle_id: UUID,
    label: str,
    unit_id: UUID | None = None,
    erased: Iterable[UUID] = (),
) -> list[str]:
    """The export of a cycle's events (positioned, as ``collect_cycle`` gives them).

    The summary's scope names the cycle by the label its exported events end with, and
    ``label`` (as read before them) only when they hold none: the summary must agree with
    the lines even if the cycle was renamed between the two reads."""
    labels = [getattr(p.event, "label", None) for p in events if p.event.originator_id == cycle_id]
    last_label = next((x for x in reversed(labels) if isinstance(x, str)), label)
    scope = {
        "cycle_id": str(cycle_id),
        "cycle": last_label,
        "unit_id": None if unit_id is None else str(unit_id),
    }
    return export_lines(
        (record(p.event, p.position) for p in events), scope, [str(m) for m in erased]
    )


class Verification(msgspec.Struct, frozen=True):
    """The outcome of `verify_lines`: ``ok``, or the first problem and its line (1-based)."""

    ok: bool
    count: int
    head: str | None
    line: int | None = None
    problem: str | None = None
    message: str = ""
    # The members erased before the export was taken (its summary's ``erasures``).
    erasures: tuple[str, ...] = ()


class _EventLine(msgspec.Struct, forbid_unknown_fields=True):
    """The fields an event line has, with their types: what `export_lines` writes."""

    kind: Literal["event"]
    seq: int
    position: int | None
    recorded_at: str
    aggregate: str
    aggregate_id: str
    aggregate_version: int
    event: str
    by: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


class _Scope(msgspec.Struct, forbid_unknown_fields=True):
    """What the export holds, as `cycle_export_lines` writes it: each field is checked
    against the event lines, so none may be missing, mistyped or added."""

    cycle_id: str
    cycle: str
    unit_id: str | None  # None: the whole cycle


class _SummaryLine(msgspec.Struct, forbid_unknown_fields=True):
    kind: Literal["summary"]
    seq: int
    count: int
    first_position: int | None
    last_position: int | None
    scope: _Scope
    prev_hash: str
    hash: str
    erasures: list[str] = msgspec.field(default_factory=list)


# Events that name the unit and cycle they belong to, as the summary's scope does.
_SCOPED_EVENTS = frozenset({"TeamCycleOpened", "ObjectiveSet"})


def verify_lines(lines: Sequence[str | bytes], expected_head: str | None = None) -> Verification:
    """Check the chain line by line; report the first line that breaks it.

    Lines are best given as the bytes read from the file: a line must be exactly the
    canonical encoding of what it holds, because that encoding is what was hashed. The
    newline that ends a line is not part of it.

    ``problem`` is one of "not-json", "not-canonical", "modified", "reordered",
    "inserted", "removed", "broken-chain", "wrong-field", "truncated", "after-summary",
    "wrong-count", "wrong-summary", "wrong-head", "empty".
    """
    read: list[_Read] = []
    for number, line in enumerate(lines, start=1):
        one = _read_line(number, line)
        if isinstance(one, Verification):
            return one
        read.append(one)
    if not read:
        return _bad(1, "empty", "the file holds no lines")
    entries = [r.entry for r in read]

    claimed = [e["hash"] for e in entries]
    seen = _Seen()
    for i, entry in enumerate(entries):
        number = i + 1
        if read[i].hashed != entry["hash"]:
            return _bad(
                number,
                "modified",
                f"line {number} was modified: its hash does not match its content",
            )
        expected_prev = GENESIS if i == 0 else claimed[i - 1]
        if entry.get("prev_hash") != expected_prev:
            return _broken_link(entries, claimed, i)
        shaped = _shaped(number, entry)
        if isinstance(shaped, Verification):
            return shaped
        if shaped.seq != number:
            return _bad(
                number,
                "broken-chain",
                f"line {number} is numbered {shaped.seq}: lines were renumbered",
            )
        if isinstance(shaped, _EventLine):
            problem = seen.add(number, shaped)
            if problem is not None:
                return problem
        else:
            if number != len(entries):
                return _bad(
                    number + 1,
                    "after-summary",
                    f"line {number + 1} comes after the summary line",
                )
            problem = _check_summary(number, shaped, seen)
            if problem is not None:
                return problem
        if not read[i].canonical:
            return _bad(
                number,
                "not-canonical",
                f"line {number} is not in the canonical encoding (keys sorted, each key "
                "once, no spaces, UTF-8 without \\u escapes): its bytes are not the ones "
                "that were hashed",
            )
        if isinstance(shaped, _SummaryLine):
            head = shaped.hash
            if expected_head is not None and head != expected_head.strip().lower():
                return _bad(
                    number,
                    "wrong-head",
                    f"the last hash is {head}, not the expected {expected_head}",
                )
            erased = (
                f", taken after {len(shaped.erasures)} member(s) were erased"
                if shaped.erasures
                else ""
            )
            return Verification(
                ok=True,
                count=shaped.count,
                head=head,
                message=f"verified {shaped.count} events{erased}",
                erasures=tuple(shaped.erasures),
            )
    last = len(entries)
    return _bad(
        last + 1,
        "truncated",
        f"the file ends after line {last} without its summary line: lines were removed "
        "from the end",
    )


class _Read(NamedTuple):
    entry: dict[str, Any]
    hashed: str  # the hash its content has
    # Whether the line is exactly the canonical encoding of its content. Decoding
    # forgets what the hash never saw: key order, spacing, escapes, and every value of a
    # repeated key but the last. A reader who takes another one of those values would
    # read something the chain does not vouch for.
    canonical: bool


def _read_line(number: int, line: str | bytes) -> _Read | Verification:
    """The line decoded and hashed; or why it is no audit line at all."""
    try:
        data = line if isinstance(line, bytes) else line.encode("utf-8")
        # msgspec up to 0.22 raised UnicodeDecodeError for bytes that are not UTF-8, later
        # releases a DecodeError: checking first keeps the answer the same on both.
        data.decode("utf-8")
        entry = msgspec.json.decode(data)
        if not isinstance(entry, dict) or not isinstance(entry.get("hash"), str):
            return _bad(number, "not-json", f"line {number} is not an audit line")
        # Encoding nests deeper than decoding: a line can be read but not encoded again.
        return _Read(entry, line_hash(entry), canonical(entry) == data)
    except UnicodeError:
        return _bad(number, "not-json", f"line {number} is not UTF-8 text")
    except RecursionError:
        return _bad(number, "not-json", f"line {number} is nested too deeply to be read")
    except msgspec.DecodeError:
        return _bad(number, "not-json", f"line {number} is not valid JSON")


def _shaped(number: int, entry: dict[str, Any]) -> _EventLine | _SummaryLine | Verification:
    """The line as an event or summary line, or which field is missing or mistyped."""
    kind = entry.get("kind")
    if kind not in ("event", "summary"):
        return _bad(
            number,
            "wrong-field",
            f'line {number} has kind {_shown(kind)}, neither "event" nor "summary"',
        )
    shape: type[_EventLine | _SummaryLine] = _EventLine if kind == "event" else _SummaryLine
    try:
        return msgspec.convert(entry, shape)
    except msgspec.ValidationError as e:
        return _bad(number, "wrong-field", f"line {number} is not a valid {kind} line: {e}")


class _Seen:
    """What the event lines read so far say about the export: what its summary must say."""

    def __init__(self) -> None:
        self.count = 0
        self.first: tuple[int, int | None] | None = None  # (line, position)
        self.last: tuple[int, int | None] | None = None
        # Ids of the cycles whose own events the lines hold, and their latest label.
        self.cycle_ids: dict[Any, int] = {}
        self.label: tuple[int, str] | None = None
        # Line by line, the unit and cycle named by events that name them.
        self.scoped: list[tuple[int, Any, Any]] = []

    def add(self, number: int, line: _EventLine) -> Verification | None:
        last = self.last
        if (
            last is not None
            and last[1] is not None
            and line.position is not None
            and line.position <= last[1]
        ):
            return _bad(
                number,
                "reordered",
                f"line {number} (log position {line.position}) follows line {last[0]} "
                f"(log position {last[1]}): the event lines are not in log order",
            )
        self.count += 1
        self.first = self.first or (number, line.position)
        self.last = (number, line.position)
        if line.aggregate == "Cycle":
            self.cycle_ids.setdefault(line.aggregate_id, number)
            label = line.data.get("label")
            if isinstance(label, str):
                self.label = (number, label)
        if line.event in _SCOPED_EVENTS:
            self.scoped.append((number, line.data.get("unit_id"), line.data.get("cycle_id")))
        return None


def _check_summary(number: int, summary: _SummaryLine, seen: _Seen) -> Verification | None:
    """Every field of the summary that the event lines decide must agree with them."""
    where = f"the summary (line {number})"
    if summary.count != seen.count:
        return _bad(
            number,
            "wrong-count",
            f"{where} counts {summary.count} events but the file holds {seen.count}",
        )
    for name, which, claimed, actual in (
        ("first_position", "first", summary.first_position, seen.first),
        ("last_position", "last", summary.last_position, seen.last),
    ):
        position = None if actual is None else actual[1]
        if claimed != position:
            held = (
                "the file holds no event lines"
                if actual is None
                else f"the {which} event line (line {actual[0]}) has log position "
                f"{_shown(position)}"
            )
            return _bad(
                number,
                "wrong-summary",
                f"{where} gives {name} {_shown(claimed)}, but {held}",
            )
    scope = summary.scope
    cycle_id = scope.cycle_id
    for other, line in seen.cycle_ids.items():
        if other != cycle_id:
            return _bad(
                number,
                "wrong-summary",
                f"{where} names cycle {_shown(cycle_id)}, but line {line} holds an "
                f"event of cycle {_shown(other)}",
            )
    for line, _, cycle in seen.scoped:
        if cycle != cycle_id:
            return _bad(
                number,
                "wrong-summary",
                f"{where} names cycle {_shown(cycle_id)}, but line {line} belongs to "
                f"cycle {_shown(cycle)}",
            )
    label = scope.cycle
    if seen.label is not None and label != seen.label[1]:
        return _bad(
            number,
            "wrong-summary",
            f"{where} names the cycle {_shown(label)}, but line {seen.label[0]} gives it "
            f"the label {_shown(seen.label[1])}",
        )
    unit_id = scope.unit_id
    if unit_id is not None:
        for line, unit, _ in seen.scoped:
            if unit != unit_id:
                return _bad(
                    number,
                    "wrong-summary",
                    f"{where} names unit {_shown(unit_id)}, but line {line} belongs to "
                    f"unit {_shown(unit)}",
                )
    return None


def _shown(value: Any) -> str:
    """A value as it stands in the file: text in quotes, so "5" is not taken for 5."""
    try:
        return msgspec.json.encode(value).decode("utf-8")
    except (msgspec.EncodeError, OverflowError, RecursionError):
        return repr(value)


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
    if isinstance(seq, int) and not isinstance(seq, bool) and seq > number:
        missing = seq - number
        return _bad(
            number,
            "removed",
            f"{missing} line{'s' if missing > 1 else ''} removed before line {number}",
        )
    if i == 0:
        return _bad(
            number,
            "broken-chain",
            "line 1 does not start the chain (its prev_hash is not 64 zeros): it was "
            "changed, or lines were removed before it",
        )
    # Line i-1 verified against its own hash, so either it was changed and re-hashed,
    # or this line once followed another one: both lines need looking at.
    return _bad(
        number,
        "broken-chain",
        f"line {number} does not follow line {number - 1}: line {number - 1} was changed "
        f"(and its hash recomputed), or lines were removed or inserted between them",
    )
