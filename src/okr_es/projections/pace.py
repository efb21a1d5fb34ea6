"""Pace and staleness: how a key result is doing against the time that has passed.

Pure functions of read-model values and a day, used by the read API at read time (the
answer changes as days pass, so it is never stored). The rules:

* **Elapsed share** — how much of the cycle lies behind ``today`` (0 before, 1 after).
* **Stale** — nobody checked in for :data:`STALE_AFTER_DAYS` days (counted from the last
  check-in, or from the cycle's start when there was none), judged while the cycle runs.
* **Expected status** — progress against the elapsed share:

  - increase / decrease: ``on-track`` while progress trails the elapsed share by at most
    :data:`ON_TRACK_GAP`, ``at-risk`` up to :data:`AT_RISK_GAP`, ``behind`` beyond;
  - stay_above / stay_below (met or not): ``on-track`` when met, otherwise ``behind``;
  - milestone (done or not): ``on-track`` when done or in the first half of the cycle,
    ``at-risk`` until :data:`MILESTONE_LATE` of it has passed, ``behind`` after;
  - a stale key result is never ``on-track``: it is at best ``at-risk``.
"""

from __future__ import annotations

from datetime import date

ON_TRACK = "on-track"
AT_RISK = "at-risk"
BEHIND = "behind"
PACES: tuple[str, ...] = (ON_TRACK, AT_RISK, BEHIND)

STALE_AFTER_DAYS = 14
ON_TRACK_GAP = 0.10
AT_RISK_GAP = 0.25
MILESTONE_LATE = 0.85

_THRESHOLDS = frozenset({"stay_above", "stay_below"})


def elapsed_share(start: date, end: date, today: date) -> float:
    """How much of the cycle ``start``–``end`` has passed on ``today``, from 0 to 1."""
    total = (end - start).days
    if total <= 0:
        return 1.0 if today >= end else 0.0
    return min(1.0, max(0.0, (today - start).days / total))


def is_stale(
    last_check_in: date | None,
    start: date,
    end: date,
    today: date,
    after_days: int = STALE_AFTER_DAYS,
) -> bool:
    """Whether ``after_days`` or more have passed without a check-in, within the cycle."""
    if today < start:
        return False
    judged_on = min(today, end)
    since = max(last_check_in, start) if last_check_in is not None else start
    return (judged_on - since).days >= after_days


def expected_status(metric: str, progress: float, elapsed: float, *, stale: bool) -> str:
    """``on-track``, ``at-risk`` or ``behind`` for this progress at this point of the cycle."""
    if metric in _THRESHOLDS:
        status = ON_TRACK if progress >= 1.0 else BEHIND
    elif metric == "milestone":
        if progress >= 1.0 or elapsed < 0.5:
            status = ON_TRACK
        elif elapsed < MILESTONE_LATE:
            status = AT_RISK
        else:
            status = BEHIND
    else:
        gap = elapsed - progress
        if gap <= ON_TRACK_GAP:
            status = ON_TRACK
        elif gap <= AT_RISK_GAP:
            status = AT_RISK
        else:
            status = BEHIND
    if stale and status == ON_TRACK:
        return AT_RISK
    return status
