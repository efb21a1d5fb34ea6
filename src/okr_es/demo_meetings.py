"""The demo's weekly progress meetings: four past weeks of fremdriftsmøter per team.

Called at the end of :func:`okr_es.demo.seed_demo`, so ``okr-es serve --demo`` shows
past meetings and an agenda at once: good news, decisions citing key results, priorities
(most done by the next meeting, one left open), blockers (one still open) and who came.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from uuid import UUID

from okr_es.aggregates.cycle import Cycle
from okr_es.application import OKRApplication


class DemoSummary(Protocol):
    """What the demo created (:class:`okr_es.demo.DemoSummary`), as far as used here."""

    organization_id: UUID
    units: dict[str, UUID]
    members: dict[str, UUID]
    cycles: dict[str, UUID]


WEEKS = 4
# Each demo team's lead (who facilitates) and its other member.
TEAMS: dict[str, tuple[str, str]] = {
    "Team Selvbetjening": ("Ola Nordmann", "Jonas Dahl"),
    "Team Saksbehandling": ("Kari Hansen", "Nora Bakke"),
    "Team Data": ("Per Johansen", "Emil Strand"),
    "Team Hjemmetjenester": ("Siri Larsen", "Marte Lie"),
    "Team Platform": ("Aisha Khan", "Tom Evans"),
}
_GOOD_NEWS = (
    "Brukerundersøkelsen viste bedre tilbakemeldinger enn sist",
    "Ny versjon er ute uten feil",
    "Vi fikk ros fra innbyggertorget",
    "Hele teamet var på plass denne uken",
)
_PRIORITIES = (
    "Følge opp nøkkelresultatet som står stille",
    "Avklare tiltaket med leverandøren",
    "Forberede innsjekk med tall før mandag",
    "Rydde i restansene før fredag",
)
_BLOCKERS = (
    "Venter på tilgang til produksjonsdata",
    "Leverandøren har ikke svart på to uker",
)


def seed_meetings(app: OKRApplication, summary: DemoSummary, today: date, cycle: str) -> int:
    """Four weekly meetings per demo team in ``cycle``, the last a week before ``today``
    (none before the cycle starts); returns the position of the last event written."""
    cycle_id = summary.cycles[cycle]
    start = app.read_aggregate(Cycle, cycle_id).start
    position = app.position()
    for t_index, (team, (lead_name, member_name)) in enumerate(TEAMS.items()):
        unit_id = summary.units[team]
        lead, member = summary.members[lead_name], summary.members[member_name]
        key_results = _key_results(app, unit_id, cycle_id)
        previous: list[UUID] = []
        previous_meeting: UUID | None = None
        for week in range(WEEKS, 0, -1):
            day = today - timedelta(days=7 * week)
            if day < start:
                continue
            held_at = datetime.combine(day, time(10, 0), tzinfo=UTC)
            meeting = app.open_meeting(
                organization_id=summary.organization_id,
                unit_id=unit_id,
                cycle_id=cycle_id,
                facilitator_id=lead,
                held_at=held_at,
                by=lead,
            ).ids["meeting_id"]
            # Last week's priorities were done during the week.
            for priority_id in previous:
                assert previous_meeting is not None
                app.complete_priority(
                    meeting_id=previous_meeting, priority_id=priority_id, by=member, note="Gjort"
                )
            app.share_good_news(
                meeting_id=meeting, text=_GOOD_NEWS[(week + t_index) % len(_GOOD_NEWS)], by=member
            )
            if key_results:
                app.record_decision(
                    meeting_id=meeting,
                    text="Vi prioriterer dette nøkkelresultatet de neste ukene",
                    key_result_ids=[key_results[(week + t_index) % len(key_results)]],
                    by=lead,
                )
            blocker = app.raise_blocker(
                meeting_id=meeting, text=_BLOCKERS[(week + t_index) % len(_BLOCKERS)], by=member
            ).ids["blocker_id"]
            if week > 1:
                app.resolve_blocker(
                    meeting_id=meeting, blocker_id=blocker, resolution="Løst i uken", by=lead
                )
            previous = [
                app.agree_priority(
                    meeting_id=meeting,
                    text=_PRIORITIES[(week + i + t_index) % len(_PRIORITIES)],
                    owner_id=owner,
                    due=day + timedelta(days=4),
                    by=lead,
                ).ids["priority_id"]
                for i, owner in enumerate((lead, member))
            ]
            previous_meeting = meeting
            position = app.close_meeting(
                meeting_id=meeting, attendee_ids=[lead, member], by=lead
            ).position
        # Of the latest meeting's priorities, every other team left its first one open.
        for p_index, priority_id in enumerate(previous):
            if previous_meeting is None or (p_index == 0 and t_index % 2 == 0):
                continue
            position = app.complete_priority(
                meeting_id=previous_meeting, priority_id=priority_id, by=member, note="Gjort"
            ).position
    return position


def _key_results(app: OKRApplication, unit_id: UUID, cycle_id: UUID) -> list[UUID]:
    team_cycle = app.get_team_cycle(unit_id, cycle_id)
    if team_cycle is None:
        return []
    return [
        kr.id
        for objective_id in team_cycle.objective_ids
        for kr in app.get_objective(objective_id).active_key_results()
    ]
