"""Erasing a member blanks the latest notes the read models keep — an objective's closing
note, an initiative's status note, a meeting's closing note and a priority's or blocker's
done note — without a rebuild, on both stores, applied live or in one batch with the
texts; other members' notes and notes written while texts were not sealed stay, and a
rebuild gives the same rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from okr_es.aggregates.personal_data import ERASED
from okr_es.application import OKRApplication
from okr_es.projections.runner import REBUILD_BATCH_SIZE, ProjectionRunner
from support.world import World, build_world

CLOSING = "Lukket etter Quendelstrups vurdering"
PROGRESS = "Quendelstrup har testet piloten"
COMPLETED = "Quendelstrup leverte skjemaet"
PRIORITY_DONE = "Quendelstrup ringte leverandøren"
RESOLUTION = "Quendelstrup fikk tilgang"
MEETING_NOTE = "Quendelstrup skrev referatet"
UNSEALED_CLOSING = "Skrevet før forseglingen"
UNSEALED_PROGRESS = "Skrevet etter forseglingen"
OTHERS_CLOSING = "Olas lukkenotat"
OTHERS_PROGRESS = "Olas fremdrift"
OTHERS_MEETING_NOTE = "Olas referat"


class Notes:
    """A member who writes every kind of latest note, some while texts are sealed."""

    def __init__(self, app: OKRApplication, world: World) -> None:
        self.world = world
        org, admin, other = world.org, world.admin, world.member
        self.person = app.add_member(
            organization_id=org, name="Zacharias Quendelstrup", email="zq@example.org",
            by=admin,
        ).ids["member_id"]
        self.unsealed = self._objective(app, self.person, "Kortere ventetid")
        app.close_objective(objective_id=self.unsealed, note=UNSEALED_CLOSING, by=self.person)
        app.set_privacy_policy(organization_id=org, seal_free_text=True, by=admin)

        self.closed = self._objective(app, self.person, "Færre klager")
        app.close_objective(objective_id=self.closed, note=CLOSING, by=self.person)
        self.others_closed = self._objective(app, other, "Raskere svar")
        app.close_objective(objective_id=self.others_closed, note=OTHERS_CLOSING, by=other)

        self.progressed = self._initiative(app, "Chat")
        app.record_initiative_progress(initiative_id=self.progressed, percent_complete=40,
                                       note=PROGRESS, by=self.person)
        self.completed = self._initiative(app, "Skjema")
        app.complete_initiative(initiative_id=self.completed, note=COMPLETED, by=self.person)
        self.others_progressed = self._initiative(app, "FAQ")
        app.record_initiative_progress(initiative_id=self.others_progressed,
                                       percent_complete=10, note=OTHERS_PROGRESS, by=other)

        self.meeting = self._meeting(app)
        priority = app.agree_priority(
            meeting_id=self.meeting, text="Ring leverandøren", owner_id=self.person,
            due=(date.today() + timedelta(days=7)).isoformat(), by=other,
        ).ids["priority_id"]
        app.complete_priority(meeting_id=self.meeting, priority_id=priority,
                              note=PRIORITY_DONE, by=self.person)
        blocker = app.raise_blocker(meeting_id=self.meeting, text="Ingen tilgang",
                                    by=other).ids["blocker_id"]
        app.resolve_blocker(meeting_id=self.meeting, blocker_id=blocker,
                            resolution=RESOLUTION, by=self.person)
        app.close_meeting(meeting_id=self.meeting, attendee_ids=[self.person, other],
                          note=MEETING_NOTE, by=self.person)
        self.others_meeting = self._meeting(app)
        app.close_meeting(meeting_id=self.others_meeting, attendee_ids=[other],
                          note=OTHERS_MEETING_NOTE, by=other)

        app.set_privacy_policy(organization_id=org, seal_free_text=False, by=admin)
        self.unsealed_progressed = self._initiative(app, "Portal")
        app.record_initiative_progress(initiative_id=self.unsealed_progressed,
                                       percent_complete=5, note=UNSEALED_PROGRESS,
                                       by=self.person)

    def _objective(self, app: OKRApplication, owner: UUID, title: str) -> UUID:
        objective: UUID = app.set_objective(
            organization_id=self.world.org, unit_id=self.world.team,
            cycle_id=self.world.cycle, title=title, owner_id=owner,
            by=self.world.admin,
            key_results=[{"title": "Ny rutine", "metric": "milestone"},
                         {"title": "Færre klager", "metric": "milestone"}],
        ).ids["objective_id"]
        return objective

    def _initiative(self, app: OKRApplication, title: str) -> UUID:
        initiative: UUID = app.start_initiative(
            organization_id=self.world.org, unit_id=self.world.team, title=title,
            owner_id=self.person, by=self.world.admin,
        ).ids["initiative_id"]
        return initiative

    def _meeting(self, app: OKRApplication) -> UUID:
        meeting: UUID = app.open_meeting(
            organization_id=self.world.org, unit_id=self.world.team,
            cycle_id=self.world.cycle, facilitator_id=self.world.member, by=self.world.admin,
        ).ids["meeting_id"]
        return meeting


def notes(runner: ProjectionRunner, made: Notes) -> dict[str, Any]:
    def one(statement: str, key: UUID) -> Any:
        ((value,),) = runner.views.query(statement, {"id": str(key)})
        return value

    objective = "SELECT status_reason FROM rm_objectives WHERE objective_id = :id"
    initiative = "SELECT status_note FROM rm_initiatives WHERE initiative_id = :id"
    meeting = "SELECT note FROM rm_meetings WHERE meeting_id = :id"
    return {
        "closed": one(objective, made.closed),
        "unsealed": one(objective, made.unsealed),
        "others_closed": one(objective, made.others_closed),
        "progressed": one(initiative, made.progressed),
        "completed": one(initiative, made.completed),
        "others_progressed": one(initiative, made.others_progressed),
        "unsealed_progressed": one(initiative, made.unsealed_progressed),
        "meeting": one(meeting, made.meeting),
        "others_meeting": one(meeting, made.others_meeting),
        "done": sorted(
            row[0]
            for row in runner.views.query(
                "SELECT done_note FROM rm_meeting_items WHERE meeting_id = :id",
                {"id": str(made.meeting)},
            )
        ),
    }


BLANKED = {
    "closed": ERASED,
    "unsealed": UNSEALED_CLOSING,
    "others_closed": OTHERS_CLOSING,
    "progressed": ERASED,
    "completed": ERASED,
    "others_progressed": OTHERS_PROGRESS,
    "unsealed_progressed": UNSEALED_PROGRESS,
    "meeting": ERASED,
    "others_meeting": OTHERS_MEETING_NOTE,
    "done": [ERASED, ERASED],
}


@pytest.mark.parametrize("projected", ["live", "in_one_batch"])
def test_an_erasure_blanks_the_members_latest_notes_without_a_rebuild(
    app: OKRApplication, projected: str
) -> None:
    live = ProjectionRunner(app)
    if projected == "live":
        app.on_saved(lambda position: live.catch_up())
    world = build_world(app)
    made = Notes(app, world)
    if projected == "live":
        assert notes(live, made)["closed"] == CLOSING
        assert notes(live, made)["done"] == sorted([PRIORITY_DONE, RESOLUTION])

    app.erase_member(organization_id=world.org, member_id=made.person, by=world.admin)
    live.catch_up()

    assert live.applied() == app.position()
    assert notes(live, made) == BLANKED
    expected = {p.name: live.rows(p) for p in live.projections}
    rebuilt = ProjectionRunner(app)
    for batch_size in (REBUILD_BATCH_SIZE, 37):
        rebuilt.rebuild(batch_size=batch_size)
        assert {p.name: rebuilt.rows(p) for p in rebuilt.projections} == expected


def test_notes_projected_before_their_authors_were_recorded_are_blanked_by_a_rebuild(
    app: OKRApplication,
) -> None:
    world = build_world(app)
    made = Notes(app, world)
    older = ProjectionRunner(app)
    older.catch_up()
    # The tables as an earlier release made them: no authors beside the notes.
    with older.views._transaction() as sql:
        for table, added in AUTHORS.items():
            for column in added:
                sql.run(f"ALTER TABLE {table} DROP COLUMN {column}")

    upgraded = ProjectionRunner(app)
    for table, added in AUTHORS.items():
        (authors,) = upgraded.views.query(
            f"SELECT COUNT({added[0]}) AS authors, COUNT({added[1]}) AS positions FROM {table}"
        )
        assert authors == (0, 0)
    app.erase_member(organization_id=world.org, member_id=made.person, by=world.admin)
    upgraded.catch_up()
    kept = notes(upgraded, made)
    assert (kept["closed"], kept["progressed"], kept["meeting"]) == (
        CLOSING, PROGRESS, MEETING_NOTE
    )

    upgraded.rebuild()
    assert notes(upgraded, made) == BLANKED


AUTHORS = {
    "rm_objectives": ("note_by", "note_position"),
    "rm_initiatives": ("note_by", "note_position"),
    "rm_meetings": ("note_by", "note_position"),
    "rm_meeting_items": ("done_by", "done_position"),
}
