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


COMMANDS_DOC = DOC.parent / "commands.md"
SRC = DOC.parents[1] / "src" / "okr_es"


def test_the_checked_in_command_reference_matches_the_code() -> None:
    from okr_es.catalogue import render_commands

    assert COMMANDS_DOC.read_text().strip() == render_commands().strip(), (
        "docs/commands.md is stale: run python -m okr_es.catalogue commands > docs/commands.md"
    )


def test_every_public_command_is_in_the_reference() -> None:
    import inspect

    from okr_es.application import CommandResult, OKRApplication
    from okr_es.catalogue import COMMANDS, DIRECTORY_COMMANDS

    returning_results = {
        name
        for name, fn in inspect.getmembers(OKRApplication, inspect.isfunction)
        if not name.startswith("_")
        and inspect.signature(fn).return_annotation in (CommandResult, "CommandResult")
    }
    assert returning_results == set(COMMANDS) | set(DIRECTORY_COMMANDS)


def test_every_error_code_raised_in_the_code_is_documented() -> None:
    import re

    from okr_es.errors import ERROR_CODES

    used = set()
    # Commands raise from the aggregates and the application; other packages have own codes.
    for path in [*(SRC / "aggregates").rglob("*.py"), SRC / "application.py"]:
        used |= set(re.findall(r'code="([a-z-]+)"', path.read_text()))
        used |= (
            {f"initiative-{s}" for s in ("completed", "stopped")}
            if "initiative" in path.name
            else set()
        )
    assert used - set(ERROR_CODES) == set()
