"""The events whose free texts are their author's personal data under the organisation's
privacy policy, and those fields (as the event classes declare them)."""

from __future__ import annotations

from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.meeting import Meeting
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.personal_data import PersonalData
from okr_es.aggregates.team_cycle import TeamCycle

__all__ = ["FREE_TEXTS"]


def _free_texts() -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for aggregate in (Objective, TeamCycle, Meeting, Initiative):
        for value in vars(aggregate).values():
            personal = getattr(value, "personal_data", None)
            if isinstance(value, type) and isinstance(personal, PersonalData):
                found[value.__name__] = personal.fields
    return found


# Per event kind, the free-text fields its author's key seals.
FREE_TEXTS: dict[str, tuple[str, ...]] = _free_texts()
