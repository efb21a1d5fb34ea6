"""Fixtures for the learning tests: the labelled data sets in tests/data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def kr_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((DATA / "kr_kinds.json").read_text("utf-8"))["cases"]
    return cases


@pytest.fixture(scope="session")
def copy_pairs() -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = json.loads((DATA / "copy_paste_pairs.json").read_text("utf-8"))[
        "pairs"
    ]
    return pairs
