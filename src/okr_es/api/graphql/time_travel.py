"""The two time-travel arguments of the read API's list fields, and how a result says
which instants it was read at (see :mod:`okr_es.history.as_of`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

AsOf = Annotated[
    datetime | None,
    strawberry.argument(
        description="Recorded time: answer with what okr-es knew at this instant (a date "
        "alone: the end of that day, UTC). Null: now. Before the organisation existed: "
        "empty; in the future: an error (code in-the-future)."
    ),
]
EffectiveAsOf = Annotated[
    datetime | None,
    strawberry.argument(
        description="Business time: leave out what had not happened by this instant by "
        "its business date (a check-in's checkedInAt, an objective's or adjustment's "
        "effectiveAt, a measurement's measuredAt; else when it was recorded), as known "
        "at asOf (default: now). Pace, staleness and reviews are judged on this day."
    ),
]

AS_OF_FIELD = "The recorded instant this answer was read as of (null: now)."
EFFECTIVE_AS_OF_FIELD = (
    "The business instant this answer describes: effectiveAsOf when given, else asOf (null: now)."
)
