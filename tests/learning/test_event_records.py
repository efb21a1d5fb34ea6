"""Stored events read as records (what the reviews read): the event's fields with ids as
text, decoded straight from the rows; events of an older class version upcast first."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID, uuid4

import msgspec
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import Environment, get_topic

from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.team_cycle import TeamCycle, team_cycle_id
from okr_es.application import OKRApplication
from okr_es.history.analyses import review_for, reviews_for
from okr_es.history.cycle_events import collect_unit_cycle
from okr_es.history.event_records import EventRows, RecordDecoders, record_type
from okr_es.settings import Settings
from support.old_events import CHECKED_IN_AT, Tally, store_v1_check_in, store_v2_check_in
from support.world import build_world, set_objective


def test_a_record_has_the_event_fields_with_ids_as_text() -> None:
    record = record_type(Objective.ObjectiveClosed)
    assert {"timestamp", "by", "scores", "note", "originator_id"} <= set(record.__struct_fields__)
    decoded = msgspec.json.decode(
        b'{"timestamp": "2026-01-12T09:31:00Z", "by": "5c1e6b0e-1111-4222-8333-444455556666",'
        b' "scores": {"5c1e6b0e-1111-4222-8333-444455556667": 0.7}, "note": "done",'
        b' "effective_at": null, "class_version": 2}',
        type=record,
    )
    assert decoded.by == "5c1e6b0e-1111-4222-8333-444455556666"  # type: ignore[attr-defined]
    assert decoded.scores == {"5c1e6b0e-1111-4222-8333-444455556667": 0.7}  # type: ignore[attr-defined]


def test_a_record_keeps_only_the_fields_asked_for() -> None:
    record = record_type(Objective.CheckInMade, ("value", "status"))
    assert set(record.__struct_fields__) == {"value", "status", "originator_id", "class_version"}


def test_rows_of_aggregates_come_in_log_order_and_the_log_from_a_position(
    app: OKRApplication,
) -> None:
    w = build_world(app)
    first = set_objective(app, w).ids["objective_id"]
    second = set_objective(app, w, title="Gjøre selvbetjening til førstevalget").ids[
        "objective_id"
    ]
    rows = EventRows(app).of([second, first])
    positions = [r[0] for r in rows]
    assert positions == sorted(positions)
    assert {str(UUID(str(r[1]))) for r in rows} == {str(first), str(second)}
    pages = list(EventRows(app).log(positions[0]))
    notifications = list(app.notifications(positions[0]))
    assert [p for page in pages for p in page.positions] == [n.id for n in notifications]
    assert [t for page in pages for t in page.topics] == [n.topic for n in notifications]
    assert [str(UUID(str(i))) for page in pages for i in page.originator_ids] == [
        str(n.originator_id) for n in notifications
    ]
    assert [msgspec.json.decode(s) for page in pages for s in page.states] == [
        msgspec.json.decode(n.state) for n in notifications
    ]


def test_the_log_read_from_a_position_past_its_end_is_empty(app: OKRApplication) -> None:
    set_objective(app, build_world(app))
    pages = list(EventRows(app).log(app.position() + 1))
    assert [p for page in pages for p in page.positions] == []


def test_creation_positions_are_found_from_the_creation_events(app: OKRApplication) -> None:
    w = build_world(app)
    defined = [
        n.id
        for n in app.all_notifications(topics=[get_topic(Cycle.CycleDefined)])
        if UUID(str(n.originator_id)) == w.cycle
    ]
    assert app.created_position(Cycle, w.cycle) == defined[0]
    assert app.created_position(TeamCycle, team_cycle_id(w.team, w.cycle)) is None
    set_objective(app, w)
    opened = app.created_position(TeamCycle, team_cycle_id(w.team, w.cycle))
    assert opened is not None and opened > defined[0]


def test_a_v1_check_in_fails_the_record_decoder_and_is_upcast(app: OKRApplication) -> None:
    store_v1_check_in(app)
    [page] = EventRows(app).log(app.position())
    [topic], [state] = page.topics, page.states
    decoders = RecordDecoders(app.mapper, [Objective.CheckInMade])
    with pytest.raises(msgspec.ValidationError):
        decoders.by_topic[topic](state)
    record = decoders.upcast(topic, state)
    assert (record.value, record.blockers, record.confidence, record.class_version) == (
        72.5, "", None, 3)


def test_check_ins_decoded_in_one_go_upcast_an_old_one_among_them(app: OKRApplication) -> None:
    objective_id, kr, _ = store_v1_check_in(app)
    [stored] = EventRows(app).log(app.position())
    by = msgspec.json.decode(stored.states[0])["by"]
    app.check_in(objective_id=objective_id, key_result_id=kr, value=80.0, status="green", by=by)
    topic = get_topic(Objective.CheckInMade)
    [page] = EventRows(app).log(stored.positions[0])
    assert page.topics == [topic, topic]
    decoders = RecordDecoders(app.mapper, [Objective.CheckInMade])
    old, new = decoders.decode_many(topic, page.states)
    assert (old.value, old.blockers, old.confidence, old.class_version) == (72.5, "", None, 3)
    assert (new.value, new.status, new.class_version) == (80.0, "green", 3)
    both = decoders.decode_many(topic, page.states[1:] * 2)
    assert [r.value for r in both] == [80.0, 80.0]


def test_a_v1_check_in_is_reviewed_like_any_other(app: OKRApplication) -> None:
    objective_id, kr, _ = store_v1_check_in(app)
    objective = app.get_objective(objective_id)
    unit, cycle = objective.unit_id, objective.cycle_id
    records = collect_unit_cycle(app, unit, cycle, records=True).events
    [check_in] = [r for r in records if type(r).__name__ == "CheckInMade"]
    assert (check_in.value, check_in.status, check_in.key_result_id) == (72.5, "yellow", str(kr))
    one = review_for(app, unit, cycle)
    [reviewed] = [k for o in one.objectives for k in o.key_results if k.id == kr]
    assert [(c.value, c.status, c.at) for c in reviewed.check_ins] == [
        (72.5, "yellow", CHECKED_IN_AT)
    ]
    every = reviews_for(app, objective.organization_id, cycle, unit_ids=[unit])
    assert msgspec.json.encode(every[unit]) == msgspec.json.encode(one)


def test_a_v2_check_in_is_reviewed_with_no_confidence(app: OKRApplication) -> None:
    objective_id, kr, _ = store_v2_check_in(app)
    objective = app.get_objective(objective_id)
    unit, cycle = objective.unit_id, objective.cycle_id
    by = app.history(objective_id)[-1].by  # type: ignore[attr-defined]
    app.check_in(objective_id=objective_id, key_result_id=kr, value=75, status="green",
                 confidence=6, checked_in_at=CHECKED_IN_AT.replace(day=19), by=by)
    one = review_for(app, unit, cycle)
    [reviewed] = [k for o in one.objectives for k in o.key_results if k.id == kr]
    assert [(c.value, c.confidence) for c in reviewed.check_ins] == [(72.5, None), (75.0, 6)]
    assert (reviewed.confidence.reported, reviewed.confidence.last) == (1, 6)
    every = reviews_for(app, objective.organization_id, cycle, unit_ids=[unit])
    assert msgspec.json.encode(every[unit]) == msgspec.json.encode(one)


def test_pages_of_old_check_ins_read_as_the_mapper_upcasts_them(app: OKRApplication) -> None:
    objective_id, _, _ = store_v2_check_in(app)
    topic = get_topic(Objective.CheckInMade)
    [v2] = [row[4] for row in EventRows(app).of([objective_id]) if row[3] == topic]
    store_v1_check_in(app)
    [page] = EventRows(app).log(app.position())
    [v1] = page.states
    upcast = app.mapper.to_domain_event(StoredEvent(objective_id, 1, topic, bytes(v2)))
    only = {Objective.CheckInMade: ("value", "blockers", "confidence", "by")}
    for decoders in (RecordDecoders(app.mapper, [Objective.CheckInMade]),
                     RecordDecoders(app.mapper, [Objective.CheckInMade], only)):
        records = decoders.decode_many(topic, [v2] * 3) + decoders.decode_many(topic, [v1, v2])
        assert [(r.blockers, r.confidence, r.class_version) for r in records] == [
            ("legal review", None, 3)] * 3 + [("", None, 3), ("legal review", None, 3)]
        assert records[0].by == str(upcast.by)  # type: ignore[attr-defined]


def test_an_upcaster_that_reads_the_stored_state_still_runs_for_records(
    app: OKRApplication,
) -> None:
    topic = get_topic(Tally.Counted)
    decoders = RecordDecoders(app.mapper, [Tally.Counted])
    v1 = (b'{"timestamp": "2026-01-12T09:31:00Z", '
          b'"by": "5c1e6b0e-1111-4222-8333-444455556666", "count": 21}')
    v2 = v1.replace(b'"count": 21', b'"halves": 8, "class_version": 2')
    assert [(r.halves, r.class_version) for r in decoders.decode_many(topic, [v1, v2])] == [
        (42, 2), (8, 2)]
    event = app.mapper.to_domain_event(StoredEvent(uuid4(), 1, topic, v1))
    assert event.halves == 42  # type: ignore[attr-defined]


class _CompressingApplication(OKRApplication):
    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        return super().construct_env(
            name, {**(env or {}), "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor"}
        )


def test_compressed_states_are_read_row_by_row_and_reviewed_alike(
    sqlite_settings: Settings,
) -> None:
    app = _CompressingApplication(sqlite_settings)
    try:
        w = build_world(app)
        ids = set_objective(app, w).ids
        for value in (20.0, 30.0):
            app.check_in(objective_id=ids["objective_id"], key_result_id=ids["key_result_id_0"],
                         value=value, status="green", by=w.member)
        pages = list(EventRows(app).log())
        assert all(isinstance(s, bytes) for page in pages for s in page.states)
        assert [p for page in pages for p in page.positions] == list(range(1, app.position() + 1))
        one = review_for(app, w.team, w.cycle)
        every = reviews_for(app, w.org, w.cycle, unit_ids=[w.team])
        assert msgspec.json.encode(every[w.team]) == msgspec.json.encode(one)
        [reviewed] = [k for o in one.objectives for k in o.key_results][:1]
        assert [c.value for c in reviewed.check_ins] == [20.0, 30.0]
    finally:
        app.close()


@pytest.mark.parametrize(
    "odd_state",
    [b'{"note": "a\x1eb"}', b"\xff\xfe not text"],
    ids=["separator-inside", "not-utf8"],
)
def test_a_page_sqlite_cannot_join_is_read_row_by_row(
    sqlite_settings: Settings, odd_state: bytes
) -> None:
    app = OKRApplication(sqlite_settings)
    try:
        set_objective(app, build_world(app))
        app.recorder.insert_events([StoredEvent(
            originator_id=uuid4(), originator_version=1, topic="elsewhere:Odd", state=odd_state,
        )])
        pages = list(EventRows(app).log())
        states = [s if isinstance(s, bytes) else s.encode() for p in pages for s in p.states]
        assert states == [n.state for n in app.notifications(1, 10_000)]
        assert [p for page in pages for p in page.positions] == list(range(1, app.position() + 1))
    finally:
        app.close()
