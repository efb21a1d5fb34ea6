"""Fixtures for the learning tests: the labelled data sets in tests/data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


def _load(name: str, key: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads((DATA / name).read_text("utf-8"))[key]
    return items


@pytest.fixture(scope="session")
def kr_cases() -> list[dict[str, Any]]:
    return _load("kr_kinds.json", "cases")


@pytest.fixture(scope="session")
def copy_pairs() -> list[dict[str, Any]]:
    return _load("copy_paste_pairs.json", "pairs")


@pytest.fixture(scope="session")
def kr_held_out() -> list[dict[str, Any]]:
    """Written before the rules were changed for them, and never read while tuning."""
    return _load("kr_kinds_holdout.json", "cases")


@pytest.fixture(scope="session")
def copy_pairs_held_out() -> list[dict[str, Any]]:
    """Written before the rules were changed for them, and never read while tuning."""
    return _load("copy_paste_pairs_holdout.json", "pairs")
