"""An organisation's OKR quality policy: the thresholds and switches the lint applies.

Defaults follow common practice (at most three objectives, two to five key results per
objective, a warning above three). An organisation keeps its own policy as a small JSON
document and loads it with `load_lint_policy`.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from okr_es.learning.byte_order_mark import without_bom

__all__ = [
    "FINDING_CODES",
    "Alignment",
    "LintPolicy",
    "Severity",
    "load_lint_policy",
]

Severity = Literal["error", "warning", "info"]
Alignment = Literal["each", "at-least-one", "off"]

FINDING_CODES: tuple[str, ...] = (
    "too-many-objectives",
    "objective-not-aligned",
    "objective-has-no-owner",
    "too-few-key-results",
    "too-many-key-results",
    "all-key-results-are-outputs",
    "kr-is-output",
    "kr-has-no-number",
    "duplicate-key-result",
    "member-without-initiative",
)

Count = Annotated[int, msgspec.Meta(ge=0, le=1000)]


class LintPolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Thresholds and switches; every field has a sensible default."""

    max_objectives: Count = 3
    min_key_results: Count = 2
    max_key_results: Count = 5
    warn_key_results_above: Count = 3
    require_owner: bool = True
    # "each": every objective names what it aligns to; "at-least-one": one is enough.
    alignment: Alignment = "each"
    # Milestone key results are yes/no by nature, so "no number" is not held against them.
    numberless_milestones_ok: bool = True
    duplicate_similarity: Annotated[float, msgspec.Meta(ge=0.0, le=1.0)] = 0.9
    language: Literal["auto", "nb", "en"] = "auto"
    disabled: frozenset[str] = frozenset()
    severities: dict[str, Severity] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = (set(self.disabled) | set(self.severities)) - set(FINDING_CODES)
        if unknown:
            raise ValueError(f"unknown finding codes: {', '.join(sorted(unknown))}")
        if self.min_key_results > self.max_key_results:
            raise ValueError("min_key_results must not exceed max_key_results")


def load_lint_policy(data: bytes | str) -> LintPolicy:
    """Decode a JSON policy document; raise `ValueError` naming the problem. A byte order
    mark before the JSON is ignored, as editors on some systems write one."""
    try:
        return msgspec.json.decode(without_bom(data), type=LintPolicy)
    except msgspec.DecodeError as error:  # ValidationError is a DecodeError
        raise ValueError(f"invalid lint policy: {error}") from None


# The counts an organisation's command policy also sets (``change_policy``).
LIMITS: tuple[str, ...] = (
    "max_objectives",
    "min_key_results",
    "max_key_results",
    "warn_key_results_above",
)


def stored_lint_policy(stored: str | None, limits: dict[str, int]) -> LintPolicy:
    """The lint policy in effect for an organisation: its stored document (None: the
    defaults), where each count the document leaves out is the organisation's own limit
    (``limits``), so the lint and the commands agree about how many is too many."""
    document = msgspec.json.decode(without_bom(stored)) if stored else {}
    counts = {name: limits[name] for name in LIMITS if name not in document and name in limits}
    try:
        return load_lint_policy(msgspec.json.encode({**document, **counts}))
    except ValueError:
        # A stored minimum above the organisation's maximum (or the like): the document's
        # own counts hold, as they were checked when it was stored.
        return load_lint_policy(msgspec.json.encode(document))
