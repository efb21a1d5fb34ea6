from pathlib import Path

from okr_es.catalogue import AGGREGATES, event_classes, event_doc, render

DOC = Path(__file__).resolve().parents[1] / "docs" / "events.md"


def test_the_checked_in_event_catalogue_matches_the_code() -> None:
    assert DOC.read_text().strip() == render().strip(), (
        "docs/events.md is stale: run python -m okr_es.catalogue > docs/events.md"
    )


def test_every_event_has_a_docstring_saying_what_was_decided() -> None:
    missing = [
        f"{aggregate.__name__}.{event.__name__}"
        for aggregate in AGGREGATES
        for event in event_classes(aggregate)
        if not event_doc(event)
    ]
    assert missing == []
    assert sum(1 for a in AGGREGATES for _ in event_classes(a)) >= 37
