"""Malformed input never escapes as anything but an OKRError, and never writes an event.

Explicit cases per category first, then a property test throwing generated garbage at the
commands that take the most free-form input.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okr_es.aggregates.cycle import CYCLE_KINDS
from okr_es.aggregates.key_result import METRICS, STATUSES
from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput, OKRError
from support.world import World, build_world, refused_by, set_objective

LONG = "x" * 10_000


class Target:
    """A world with one objective, and the valid arguments of each command under test."""

    def __init__(self, app: OKRApplication) -> None:
        self.w: World = build_world(app)
        ids = set_objective(app, self.w).ids
        self.objective: UUID = ids["objective_id"]
        self.kr: UUID = ids["key_result_id_0"]

    def args(self, command: str) -> dict[str, Any]:
        w = self.w
        return {
            "set_objective": {"organization_id": w.org, "unit_id": w.team, "cycle_id": w.cycle,
                              "title": "Another goal", "owner_id": w.member, "by": w.admin,
                              "why": "", "key_results": [], "effective_at": None},
            "check_in": {"objective_id": self.objective, "key_result_id": self.kr,
                         "value": 70, "status": "green", "by": w.member, "comment": "",
                         "blockers": "", "checked_in_at": None},
            "add_key_result": {"objective_id": self.objective, "title": "New KR",
                               "metric": "increase", "start": 1, "target": 2, "unit": "",
                               "by": w.admin, "effective_at": None},
            "define_cycle": {"organization_id": w.org, "label": "Future", "kind": "quarter",
                             "start": "2040-01-01", "end": "2040-03-31", "parent_id": None,
                             "by": w.admin},
            "add_member": {"organization_id": w.org, "name": "Siri", "email": "siri@d.no",
                           "by": w.admin},
        }[command]


def _call(app: OKRApplication, command: str, args: dict[str, Any]) -> Callable[[], object]:
    method: Callable[..., object] = getattr(app, command)
    return lambda: method(**args)


# --- explicit cases --------------------------------------------------------------------------

CASES: list[tuple[str, str, Any, str]] = [
    # (command, field, bad value, expected error code)
    ("set_objective", "title", "", "empty"),
    ("set_objective", "title", " \t\n ", "empty"),
    ("set_objective", "title", LONG, "too-long"),
    ("set_objective", "why", LONG, "too-long"),
    ("set_objective", "title", ["a", "list"], "wrong-type"),
    ("set_objective", "title", {"a": "dict"}, "wrong-type"),
    ("set_objective", "title", True, "wrong-type"),
    ("set_objective", "title", None, "wrong-type"),
    ("set_objective", "title", "tab\x00null", "control-characters"),
    ("set_objective", "title", "Two\nlines", "line-break"),
    ("set_objective", "title", "A\ttab", "control-characters"),
    ("set_objective", "title", "\u3164", "empty"),
    ("set_objective", "effective_at", "2026-13-45", "invalid-date"),
    ("set_objective", "unit_id", "not-a-uuid", "invalid-id"),
    ("set_objective", "owner_id", 12345, "invalid-id"),
    ("set_objective", "key_results", "not a list", "wrong-type"),
    ("set_objective", "key_results", [{"title": "x", "metric": "increase", "start": "zero",
                                       "target": 1}], "wrong-type"),
    ("check_in", "value", math.nan, "not-finite"),
    ("check_in", "value", math.inf, "not-finite"),
    ("check_in", "value", -math.inf, "not-finite"),
    ("check_in", "value", 1e300, "out-of-range"),
    ("check_in", "value", 10**400, "out-of-range"),
    ("check_in", "value", -(10**400), "out-of-range"),
    ("check_in", "value", "70", "wrong-type"),
    ("check_in", "value", False, "wrong-type"),
    ("check_in", "value", None, "wrong-type"),
    ("check_in", "status", "purple", "invalid-choice"),
    ("check_in", "checked_in_at", "yesterday", "invalid-date"),
    ("check_in", "key_result_id", ["x"], "invalid-id"),
    ("check_in", "comment", LONG, "too-long"),
    ("add_key_result", "start", math.nan, "not-finite"),
    ("add_key_result", "target", 10**400, "out-of-range"),
    ("add_key_result", "target", {"v": 2}, "wrong-type"),
    ("add_key_result", "metric", "more", "invalid-choice"),
    ("add_key_result", "title", "   ", "empty"),
    ("add_key_result", "unit", LONG, "too-long"),
    ("add_key_result", "title", "Raise\u2028conversion", "line-break"),
    ("add_key_result", "unit", "k\nr", "line-break"),
    ("define_cycle", "start", "2026-13-45", "invalid-date"),
    ("define_cycle", "end", "2026-02-30", "invalid-date"),
    ("define_cycle", "start", None, "invalid-date"),
    ("define_cycle", "label", LONG, "too-long"),
    ("define_cycle", "label", "2040\r\nQ1", "line-break"),
    ("define_cycle", "kind", ["quarter"], "invalid-choice"),
    ("define_cycle", "parent_id", "00000000-0000-0000-0000-00000000000g", "invalid-id"),
    ("add_member", "email", "no-at-sign", "invalid-email"),
    ("add_member", "email", "a@b", "invalid-email"),
    ("add_member", "name", "", "empty"),
    ("add_member", "name", "Siri\nNordmann", "line-break"),
    ("add_member", "by", "admin", "invalid-id"),
    ("add_member", "organization_id", None, "invalid-id"),
]


@pytest.mark.parametrize(
    ("command", "field", "value", "code"), CASES,
    ids=[f"{c}-{f}-{i}" for i, (c, f, _, _) in enumerate(CASES)],
)
def test_a_malformed_value_is_invalid_input_and_writes_nothing(
    app: OKRApplication, command: str, field: str, value: Any, code: str
) -> None:
    target = Target(app)
    args = target.args(command) | {field: value}
    error = refused_by(app, _call(app, command, args))
    assert isinstance(error, InvalidInput)
    assert error.code == code


def test_a_title_with_a_lone_surrogate_is_invalid_input(app: OKRApplication) -> None:
    target = Target(app)
    args = target.args("set_objective") | {"title": "broken \ud800 text"}
    error = refused_by(app, _call(app, "set_objective", args))
    assert isinstance(error, InvalidInput)


# --- generated garbage -----------------------------------------------------------------------


def _parses_as_date(value: str) -> bool:
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(value.strip())
        except ValueError:
            continue
        return True
    return False


def _parses_as_uuid(value: str) -> bool:
    try:
        UUID(value.strip())
    except ValueError:
        return False
    return True


_containers = st.one_of(
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(),
                                                         max_size=2),
)
NOT_TEXT = st.one_of(st.booleans(), st.integers(), st.floats(), _containers)
BLANK = st.text(alphabet=" \t\n\r", max_size=20)
TOO_LONG = st.integers(min_value=2_001, max_value=10_000).map(lambda n: "é" * n)
REQUIRED_TEXT = st.one_of(BLANK, TOO_LONG, NOT_TEXT, st.none())
OPTIONAL_TEXT = st.one_of(TOO_LONG, NOT_TEXT)
NOT_A_NUMBER = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.floats(min_value=1.1e15, allow_infinity=False),
    st.floats(max_value=-1.1e15, allow_infinity=False),
    st.integers(min_value=10**15 + 1), st.integers(max_value=-(10**15) - 1),
    st.sampled_from([10**400, -(10**400)]),
    st.text(max_size=10), st.booleans(), st.none(), _containers,
)
BAD_DAY = st.one_of(
    st.sampled_from(["2026-13-45", "2026-02-30", "2026-00-10", "31.12.2026", ""]),
    st.text(max_size=25).filter(lambda s: not _parses_as_date(s)),
    st.integers(), st.booleans(), st.floats(), _containers,
)
BAD_ID = st.one_of(
    st.text(max_size=40).filter(lambda s: not _parses_as_uuid(s)),
    st.integers(), st.booleans(), st.floats(), _containers,
)


def _not_one_of(options: frozenset[str]) -> st.SearchStrategy[Any]:
    return st.one_of(st.text(max_size=20).filter(lambda s: s not in options), NOT_TEXT,
                     st.none())


FIELDS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "set_objective": {
        "organization_id": st.one_of(BAD_ID, st.none()), "unit_id": BAD_ID,
        "cycle_id": BAD_ID, "owner_id": BAD_ID, "by": BAD_ID, "title": REQUIRED_TEXT,
        "why": OPTIONAL_TEXT, "effective_at": BAD_DAY,
        "key_results": st.one_of(
            st.text(max_size=5), st.integers(), st.dictionaries(st.text(max_size=3),
                                                                st.integers(), max_size=2),
            st.lists(NOT_A_NUMBER.map(lambda v: {"title": "KR", "metric": "increase",
                                                 "start": v, "target": 10}),
                     min_size=1, max_size=2),
        ),
    },
    "check_in": {
        "objective_id": BAD_ID, "key_result_id": BAD_ID, "value": NOT_A_NUMBER,
        "status": _not_one_of(STATUSES), "by": BAD_ID, "comment": OPTIONAL_TEXT,
        "blockers": OPTIONAL_TEXT, "checked_in_at": BAD_DAY,
    },
    "add_key_result": {
        "objective_id": BAD_ID, "title": REQUIRED_TEXT, "metric": _not_one_of(METRICS),
        "start": NOT_A_NUMBER, "target": NOT_A_NUMBER, "by": BAD_ID, "effective_at": BAD_DAY,
        "unit": st.one_of(st.integers(min_value=41, max_value=500).map(lambda n: "u" * n),
                          NOT_TEXT),
    },
    "define_cycle": {
        "organization_id": BAD_ID, "label": REQUIRED_TEXT, "kind": _not_one_of(CYCLE_KINDS),
        "start": st.one_of(BAD_DAY, st.none()), "end": st.one_of(BAD_DAY, st.none()),
        "parent_id": BAD_ID, "by": BAD_ID,
    },
    "add_member": {
        "organization_id": BAD_ID, "name": REQUIRED_TEXT, "by": BAD_ID,
        "email": st.one_of(REQUIRED_TEXT, st.text(min_size=1, max_size=30).filter(
            lambda s: "@" not in s)),
    },
}

CORRUPTION = st.sampled_from([(c, f) for c, fields in FIELDS.items() for f in fields]).flatmap(
    lambda cf: st.tuples(st.just(cf[0]), st.just(cf[1]), FIELDS[cf[0]][cf[1]])
)


def test_generated_garbage_only_ever_raises_okr_errors_and_writes_nothing(
    app: OKRApplication,
) -> None:
    target = Target(app)
    position = app.position()

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(corruption=CORRUPTION)
    def throw(corruption: tuple[str, str, Any]) -> None:
        command, field, value = corruption
        args = target.args(command) | {field: value}
        with pytest.raises(OKRError):
            _call(app, command, args)()
        assert app.position() == position

    throw()
