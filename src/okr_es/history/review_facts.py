"""Reviews from the reviews read model: a unit's facts for a cycle, replayed for its review.

The read model (:mod:`okr_es.projections.reviews`) keeps, per team and cycle, the events
a review replays, as their fields (plain JSON, ids as text). Here those rows are decoded
into the same records the full replay reads from the log
(:mod:`~okr_es.history.event_records`) and added, in log order, to a
:class:`~okr_es.learning.review.ReviewReplay`: the findings are computed by the same pure
functions on both paths, from the same input, so they cannot differ. What a review reads
is its own rows, found through an index on (cycle, unit): its cost follows the unit's and
cycle's events, not the length of the log.
"""

from __future__ import annotations

import operator
import threading
import weakref
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from itertools import groupby
from uuid import UUID

from eventsourcing.utils import get_topic

from okr_es.aggregates.meeting import Meeting
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.reminders import Reminder
from okr_es.aggregates.team_cycle import TeamCycle
from okr_es.application import OKRApplication
from okr_es.history.event_records import RecordDecoders, event_classes
from okr_es.learning.review import ReviewReplay
from okr_es.persistence.msgspec_mapper import MsgspecMapper
from okr_es.projections.initiatives import Initiatives
from okr_es.projections.queries import ReviewCycleRow, ReviewFactRow, Views
from okr_es.projections.reviews import CHECK_IN_FIELDS, Reviews
from okr_es.projections.rosters import Rosters
from okr_es.projections.runner import ProjectionRunner
from okr_es.vocabulary.cycle_facts import CycleInfo

__all__ = ["current_review_views", "earlier_cycles_of", "names_of", "replays_of"]

_CHECK_IN = "CheckInMade"


def current_review_views(app: OKRApplication) -> Views:
    """The application's reviews read model (with the rosters and initiatives), first
    brought up to the head of its log in this process (a no-op when a server or ``okr-es
    project`` keeps it current; the first time, the read model is built from the whole
    log once and kept)."""
    runner, lock = _runner(app)
    with lock:
        runner.catch_up()
    return runner.views


_RUNNERS: weakref.WeakKeyDictionary[OKRApplication, tuple[ProjectionRunner, threading.Lock]] = (
    weakref.WeakKeyDictionary()
)
_RUNNERS_LOCK = threading.Lock()


def _runner(app: OKRApplication) -> tuple[ProjectionRunner, threading.Lock]:
    with _RUNNERS_LOCK:
        found = _RUNNERS.get(app)
        if found is None:
            # The rosters and initiatives too: the review's "member without an
            # initiative" reads them.
            runner = ProjectionRunner(app, [Reviews(), Initiatives(), Rosters()])
            found = _RUNNERS[app] = (runner, threading.Lock())
        return found


def replays_of(rows: Iterable[ReviewFactRow]) -> dict[str, ReviewReplay]:
    """Per unit (id as text), a replay given that unit's facts; ``rows`` by unit, each
    unit's in log order."""
    decoders, topics = _decoders()
    check_in = topics[_CHECK_IN]
    replays: dict[str, ReviewReplay] = {}
    for unit_id, facts in groupby(rows, _unit):
        replay = replays[unit_id] = ReviewReplay()
        # Check-ins in a row (of any of the unit's objectives, with nothing else between
        # them) are replayed as if added one by one: decoded and added in one go.
        for kind, run in groupby(facts, _kind):
            if kind == _CHECK_IN:
                replay.add_check_ins(decoders.decode_many(check_in, [f.data for f in run]))
                continue
            for fact in run:
                record = decoders.decode(topics[kind], fact.data)
                record.originator_id = fact.aggregate_id
                replay.add(record)
    return replays


def earlier_cycles_of(
    cycles: Sequence[ReviewCycleRow], team_cycles: set[str], cycle: CycleInfo
) -> list[CycleInfo]:
    """Of the organisation's cycles (earliest first), those ending before ``cycle``
    starts in which the unit set OKRs (``team_cycles``: their ids), latest first: what
    :func:`okr_es.history.cycle_events.earlier_cycles` finds from the store."""
    found = [_info(c) for c in cycles if c.cycle_id in team_cycles]
    found = [c for c in found if c.end < cycle.start]
    return sorted(found, key=lambda c: (c.end, c.start), reverse=True)


def names_of(org: Organization, cycles: Sequence[ReviewCycleRow]) -> dict[UUID, str]:
    """Names of the organisation's members, units and cycles by id, as
    :func:`okr_es.history.cycle_events.member_names` gives them."""
    names: dict[UUID, str] = {org.id: org.name}
    names.update({m.id: m.name for m in org.members.values()})
    names.update({u.id: u.name for u in org.units.values()})
    names.update({UUID(c.cycle_id): c.label for c in cycles})
    return names


def _info(c: ReviewCycleRow) -> CycleInfo:
    return CycleInfo(
        id=UUID(c.cycle_id),
        label=c.label,
        start=date.fromisoformat(c.start_date),
        end=date.fromisoformat(c.end_date),
    )


_unit = operator.attrgetter("unit_id")
_kind = operator.attrgetter("kind")


@cache
def _decoders() -> tuple[RecordDecoders, dict[str, str]]:
    """Record decoders for the facts (stored as plain JSON, whatever the store's cipher or
    compression), and each event class's topic by name."""
    classes = [
        *event_classes(TeamCycle),
        *event_classes(Objective),
        *event_classes(Meeting),
        *event_classes(Reminder),
    ]
    decoders = RecordDecoders(
        MsgspecMapper(), classes, only={Objective.CheckInMade: CHECK_IN_FIELDS}
    )
    return decoders, {cls.__name__: get_topic(cls) for cls in classes}
