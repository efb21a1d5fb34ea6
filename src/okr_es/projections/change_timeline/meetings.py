"""Weekly progress meetings: opened, good news, decisions, priorities, blockers, check-ins
made in the meeting, closed. Rows sit with the meeting's unit and cycle."""

from __future__ import annotations

from typing import Any

from okr_es.projections.base import text
from okr_es.projections.change_timeline.rows import (
    DEFAULT_LANGUAGE,
    Named,
    TimelineRows,
    _name,
    _Row,
)
from okr_es.projections.sentences import meetings as say
from okr_es.projections.sql import Sql


class MeetingChanges(TimelineRows):
    """The timeline's handlers for meetings. A meeting is named by its day; priorities
    and blockers are remembered by their text, so their completion can name them."""

    def on_MeetingOpened(self, sql: Sql, e: Any, position: int) -> None:
        unit = self._named(sql, e.unit_id)
        language = DEFAULT_LANGUAGE if unit is None else unit.language
        org, unit_id, cycle_id = text(e.organization_id), text(e.unit_id), text(e.cycle_id)
        day = e.held_at.date().isoformat()
        self._remember(
            sql, e.originator_id, Named("meeting", day, language, org, unit_id, cycle_id)
        )
        self._write(
            sql,
            e,
            position,
            _Row(org, unit_id, cycle_id, language=language),
            say.meeting_opened(language, self._actor(sql, e, language), day, _name(unit)),
        )

    def on_GoodNewsShared(self, sql: Sql, e: Any, position: int) -> None:
        self._about_subject(sql, e, position, say.good_news_shared, e.text)

    def on_DecisionRecorded(self, sql: Sql, e: Any, position: int) -> None:
        cited = [_name(self._named(sql, k)) or "?" for k in e.key_result_ids]
        self._about_subject(sql, e, position, say.decision_recorded, e.text, cited)

    def on_PriorityAgreed(self, sql: Sql, e: Any, position: int) -> None:
        meeting, _ = self._context(sql, e)
        self._remember_item(sql, e.priority_id, "priority", e.text, meeting)
        owner = _name(self._named(sql, e.owner_id))
        self._about_subject(sql, e, position, say.priority_agreed, e.text, owner, e.due.isoformat())

    def on_PriorityCompleted(self, sql: Sql, e: Any, position: int) -> None:
        _, row = self._context(sql, e)
        priority = _name(self._named(sql, e.priority_id))
        actor = self._actor(sql, e, row.language)
        self._write(
            sql, e, position, row, say.priority_completed(row.language, actor, priority, e.note)
        )

    def on_BlockerRaised(self, sql: Sql, e: Any, position: int) -> None:
        meeting, _ = self._context(sql, e)
        self._remember_item(sql, e.blocker_id, "blocker", e.text, meeting)
        self._about_subject(sql, e, position, say.blocker_raised, e.text)

    def on_BlockerResolved(self, sql: Sql, e: Any, position: int) -> None:
        _, row = self._context(sql, e)
        blocker = _name(self._named(sql, e.blocker_id))
        actor = self._actor(sql, e, row.language)
        self._write(
            sql, e, position, row, say.blocker_resolved(row.language, actor, blocker, e.resolution)
        )

    def on_MeetingCheckInLinked(self, sql: Sql, e: Any, position: int) -> None:
        _, row = self._context(sql, e)
        row.objective_id, row.key_result_id = text(e.objective_id), text(e.key_result_id)
        kr = _name(self._named(sql, e.key_result_id))
        self._about_subject_row(
            sql, e, position, row, say.meeting_check_in_linked, kr, e.value, e.status
        )

    def on_MeetingClosed(self, sql: Sql, e: Any, position: int) -> None:
        self._about_subject(sql, e, position, say.meeting_closed, len(e.attendee_ids), e.note)

    def _about_subject_row(
        self, sql: Sql, e: Any, position: int, row: _Row, sentence: Any, *details: Any
    ) -> None:
        meeting = self._named(sql, e.originator_id)
        actor = self._actor(sql, e, row.language)
        self._write(sql, e, position, row, sentence(row.language, actor, _name(meeting), *details))

    def _remember_item(
        self, sql: Sql, item_id: Any, kind: str, said: str, meeting: Named | None
    ) -> None:
        if meeting is None:
            return
        self._remember(
            sql,
            item_id,
            Named(
                kind,
                said[:200],
                meeting.language,
                meeting.organization_id,
                meeting.unit_id,
                meeting.cycle_id,
            ),
        )
