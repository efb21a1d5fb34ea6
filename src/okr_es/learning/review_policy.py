"""What a learning review counts as a finding: its thresholds, as a ``ReviewPolicy``."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from okr_es.learning.byte_order_mark import without_bom

Ratio = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
Days = Annotated[int, msgspec.Meta(ge=1, le=366)]
Count = Annotated[int, msgspec.Meta(ge=1, le=1000)]
# A part of a cycle: none of it, or all of it, leaves no before and after to compare.
Part = Annotated[float, msgspec.Meta(gt=0.0, lt=1.0)]
# A confidence as check-ins report it: a whole number from 0 to 10.
Confidence = Annotated[int, msgspec.Meta(ge=0, le=10)]

FLAG_CODES: tuple[str, ...] = (
    "irregular-check-ins",
    "long-silence",
    "hockey-stick",
    "moved-goalposts",
    "zombie-key-result",
    "sandbagging",
    "member-without-initiative",
    "overdue-initiative",
    "high-confidence-low-progress",
    "low-confidence-on-pace",
    "low-confidence-target-met",
)


class ReviewPolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Every threshold the review applies; docs/learning.md explains how to tune each."""

    # The expected check-in rhythm: one check-in per this many days ("a week").
    check_in_interval_days: Days = 7
    # Flag "irregular-check-ins" when fewer than this share of rhythm periods had one.
    min_coverage: Ratio = 0.6
    # Flag "long-silence" when the longest stretch without a check-in exceeds this.
    max_gap_days: Days = 21
    # The end part of the cycle the hockey stick looks at (0.2 = the last fifth).
    last_part: Part = 0.2
    # Flag "hockey-stick" when more than this share of the progress came in that part.
    hockey_stick_share: Ratio = 0.5
    # Below this average progress per key result there is too little progress to judge.
    hockey_stick_min_progress: Ratio = 0.1
    # Flag "zombie-key-result" after this many green check-ins in a row with one value.
    zombie_check_ins: Count = 3
    # Flag "sandbagging" when the unit scored at least this ...
    sandbagging_score: Ratio = 0.9
    # ... in this many consecutive cycles, this one included (one high cycle can be luck;
    # three in a row is a habit).
    sandbagging_cycles: Count = 3
    # Confidence (0 to 10) at or above this is very high, for "high-confidence-low-progress" ...
    high_confidence: Confidence = 8
    # ... and at or below this low, for "low-confidence-on-pace" / "low-confidence-target-met".
    low_confidence: Confidence = 4
    # The confidence flags judge a key result's last this many check-ins that gave one.
    confidence_check_ins: Count = 3
    # Well behind pace: progress trails the share of the cycle passed by more than this.
    confidence_pace_gap: Ratio = 0.25
    # Flag every target made easier mid-cycle.
    flag_moved_goalposts: bool = True
    language: Literal["auto", "nb", "en"] = "auto"
    disabled: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.disabled) - set(FLAG_CODES)
        if unknown:
            raise ValueError(f"unknown review flags: {', '.join(sorted(unknown))}")


def load_review_policy(data: bytes | str) -> ReviewPolicy:
    """Decode a JSON review policy; fields left out keep their defaults (a byte order
    mark before the JSON is ignored, as editors on some systems write one)."""
    try:
        return msgspec.json.decode(without_bom(data), type=ReviewPolicy)
    except msgspec.DecodeError as error:  # ValidationError is a DecodeError
        raise ValueError(f"invalid review policy: {error}") from None


# gc=False: these hold only values (never other objects), so they cannot form reference
# cycles, and a cycle's review builds tens of thousands of them.
