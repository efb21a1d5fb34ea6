"""A rebuild in large batches gives exactly the rows that live projection built, on every store.

Live projection applies each save as it happens (batches of a few events); a rebuild
applies thousands of events per transaction, keeping rows in memory between statements.
The workload is the demo organisation plus generated check-ins (some back-dated) and
target changes, interleaved as in real use.
"""

from __future__ import annotations

from datetime import date

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.projections.runner import REBUILD_BATCH_SIZE, ProjectionRunner
from support.workload import generate_work

TODAY = date(2026, 11, 23)
def test_a_rebuild_in_large_and_small_batches_equals_live_projection(app: OKRApplication) -> None:
    live = ProjectionRunner(app)
    app.on_saved(lambda position: live.catch_up())
    seed_demo(app, today=TODAY)
    generate_work(app, live, rounds=300, seed=7)
    assert live.applied() == app.position()
    expected = {p.name: live.rows(p) for p in live.projections}

    rebuilt = ProjectionRunner(app)
    done: list[int] = []
    read = rebuilt.rebuild(batch_size=REBUILD_BATCH_SIZE, progress=done.append)
    assert read == app.position()
    assert done[-1] == app.position()
    assert {p.name: rebuilt.rows(p) for p in rebuilt.projections} == expected

    rebuilt.rebuild(batch_size=37)
    assert {p.name: rebuilt.rows(p) for p in rebuilt.projections} == expected
    (check_ins,) = rebuilt.views.query("SELECT COUNT(*) FROM rm_check_ins")[0]
    assert check_ins == sum(1 for n in app.all_notifications() if n.topic.endswith("CheckInMade"))


def test_a_rebuild_leaves_every_index_the_readers_use(app: OKRApplication) -> None:
    seed_demo(app, today=TODAY)
    runner = ProjectionRunner(app)

    runner.rebuild()

    postgres = app.settings.database_url is not None
    names = {
        row[0]
        for row in runner.views.query(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            if postgres
            else "SELECT name FROM sqlite_master WHERE type = 'index'"
        )
    }
    wanted = {index for p in runner.projections for index in p.read_indexes}
    assert wanted and wanted <= names
