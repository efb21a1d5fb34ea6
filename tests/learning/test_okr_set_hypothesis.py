"""An objective's hypothesis travels with the OKR set document: exported from the store,
written back on import, and checked like the other texts when a document loads."""

from __future__ import annotations

import pytest

from okr_es.application import OKRApplication
from okr_es.history.analyses import import_okr_set, okr_set_for
from okr_es.learning.okr_set import (
    MAX_TEXT_CHARS,
    OkrSetError,
    dump_okr_set,
    load_okr_set,
)
from support.world import build_world, set_objective


def test_the_hypothesis_is_exported_and_imported_again(app: OKRApplication) -> None:
    w = build_world(app)
    set_objective(app, w, title="Happier users", hypothesis="faster answers make happier users")
    set_objective(app, w, title="Trusted services")

    exported = okr_set_for(app, w.team, w.cycle).okr_set
    document = load_okr_set(dump_okr_set(exported))
    import_okr_set(app, document, organization_id=w.org, unit_id=w.sibling_team,
                   cycle_id=w.cycle, by=w.admin)  # fmt: skip
    again = okr_set_for(app, w.sibling_team, w.cycle).okr_set

    assert [o.hypothesis for o in exported.objectives] == [
        "faster answers make happier users",
        None,
    ]
    assert b'"hypothesis": "faster answers make happier users"' in dump_okr_set(exported)
    assert again.objectives == exported.objectives
    stored = app.get_team_cycle(w.sibling_team, w.cycle)
    assert stored is not None
    assert [app.get_objective(i).hypothesis for i in stored.objective_ids] == [
        "faster answers make happier users",
        "",
    ]


def test_a_document_hypothesis_longer_than_the_store_takes_is_refused() -> None:
    too_long = "x" * (MAX_TEXT_CHARS + 1)

    with pytest.raises(OkrSetError) as refused:
        load_okr_set(f'{{"objectives": [{{"title": "T", "hypothesis": "{too_long}"}}]}}')

    assert refused.value.path == "$.objectives[0].hypothesis"
