"""Concurrent saves against a group-committing recorder (both stores): a save that loses
its race fails alone, everything else commits, and no position is numbered twice or
skipped."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, StoredEvent


def _event(originator: uuid.UUID, version: int) -> StoredEvent:
    return StoredEvent(originator, version, "topic", f"{originator}:{version}".encode())


def _save_all(
    recorder: ApplicationRecorder, saves: Sequence[Sequence[StoredEvent]]
) -> list[object]:
    """Every save from its own thread, all released at once; each one's ids or error."""
    outcomes: list[object] = [None] * len(saves)
    start = threading.Barrier(len(saves))

    def save(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = recorder.insert_events(list(saves[i]))
        except IntegrityError as e:
            outcomes[i] = e

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(saves))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


class ConcurrentSavesCases:
    """Mixin for a TestCase whose ``recorder`` is a group-committing application recorder."""

    recorder: ApplicationRecorder
    # PostgreSQL's sequence keeps the ids a rolled-back insert took: gaps, never repeats.
    ids_without_gaps = True
    def test_a_conflicting_save_fails_alone_and_the_others_commit(self) -> None:
        contested = uuid.uuid4()
        free = [uuid.uuid4() for _ in range(24)]
        # Eight saves race for version 1 of one aggregate; 24 others have theirs to
        # themselves, two events each.
        saves = [[_event(contested, 1)] for _ in range(8)]
        saves += [[_event(f, 1), _event(f, 2)] for f in free]
        for _ in range(3):  # several rounds, so groups form in different shapes
            outcomes = _save_all(self.recorder, saves)
            winners = [o for o in outcomes[:8] if not isinstance(o, IntegrityError)]
            assert len(winners) == 1  # the first one written; the others conflict
            assert all(not isinstance(o, IntegrityError) for o in outcomes[8:])
            contested = uuid.uuid4()
            free = [uuid.uuid4() for _ in range(24)]
            saves = [[_event(contested, 1)] for _ in range(8)]
            saves += [[_event(f, 1), _event(f, 2)] for f in free]
        notifications = self.recorder.select_notifications(start=1, limit=10_000)
        ids = [n.id for n in notifications]
        if self.ids_without_gaps:
            assert ids == list(range(1, len(ids) + 1))  # none skipped, none twice
        else:
            assert ids == sorted(set(ids))  # none twice, in order
        by_aggregate: dict[str, list[int]] = {}
        for n in notifications:
            by_aggregate.setdefault(str(n.originator_id), []).append(n.originator_version)
        # Every free aggregate got both its events, and every contested one exactly one.
        assert sorted(len(v) for v in by_aggregate.values()).count(2) == 3 * 24
        assert sorted(len(v) for v in by_aggregate.values()).count(1) == 3

    def test_each_save_gets_the_positions_of_its_own_events(self) -> None:
        originators = [uuid.uuid4() for _ in range(16)]
        outcomes = _save_all(
            self.recorder, [[_event(o, 1), _event(o, 2), _event(o, 3)] for o in originators]
        )
        notifications = {
            n.id: n for n in self.recorder.select_notifications(start=1, limit=1000)
        }
        for originator, ids in zip(originators, outcomes, strict=True):
            assert isinstance(ids, list) and len(ids) == 3
            got = [notifications[i] for i in ids]
            assert [(uuid.UUID(str(n.originator_id)), n.originator_version) for n in got] == [
                (originator, 1),
                (originator, 2),
                (originator, 3),
            ]
