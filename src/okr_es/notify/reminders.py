"""The reminder scheduler: every so often, record the reminders that are due.

Each pass reads the facts (:mod:`okr_es.notify.reminder_facts`), asks the pure schedule
(:mod:`okr_es.learning.reminder_schedule`) which reminders are due, and records each as a
``ReminderSent`` event. A reminder's aggregate id follows from its unit, member and
period, so recording one twice — after a restart, or by a second scheduler — is refused
by the store and counted as already sent: a reminder is sent at most once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

import anyio.to_thread

from okr_es.application import OKRApplication
from okr_es.learning.reminder_schedule import due_reminders
from okr_es.notify.reminder_facts import units_to_remind
from okr_es.persistence.reconnect import CONNECTION_LOST, Backoff
from okr_es.projections.queries import Views

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class ReminderService:
    """A :class:`okr_es.notify.process.NotifyService` that records due reminders."""

    name = "reminders"

    def __init__(
        self,
        app: OKRApplication,
        views: Views,
        *,
        clock: Clock,
        interval: float,
    ) -> None:
        self.app = app
        self.views = views
        self.clock = clock
        self.interval = interval
        self.passes = 0

    async def run(self) -> None:
        """Look for due reminders every ``interval`` seconds, until cancelled; ride out a
        lost store with backoff."""
        backoff = Backoff()
        while True:
            try:
                await anyio.to_thread.run_sync(self.send_due)
            except CONNECTION_LOST as e:
                wait = backoff.next()
                log.warning("reminders: the store is unreachable (%s); retrying in %.1fs", e, wait)
                await asyncio.sleep(wait)
                continue
            backoff.reset()
            await asyncio.sleep(self.interval)

    def send_due(self) -> int:
        """One pass: record every reminder due now; the number recorded by this pass."""
        now = self.clock()
        recorded = 0
        for org in self.app.organizations():
            settings = self.app.reminder_settings(org.id)
            if settings is None:
                continue
            for facts, sent in units_to_remind(self.app, self.views, org, settings, now):
                for due in due_reminders(facts, sent, now):
                    result = self.app.record_reminder(
                        organization_id=due.organization_id,
                        unit_id=due.unit_id,
                        member_id=due.member_id,
                        cycle_id=due.cycle_id,
                        period=due.period,
                        due_at=due.due_at,
                        key_result_ids=list(due.key_result_ids),
                        escalated_to=list(due.escalated_to),
                        missed_periods=due.missed_periods,
                        helped_within_days=due.helped_within_days,
                    )
                    recorded += result is not None
        self.passes += 1
        # Said when something happened, and once at the start (an operator sees it runs).
        level = logging.INFO if recorded or self.passes == 1 else logging.DEBUG
        log.log(level, "reminders: pass %d recorded %d", self.passes, recorded)
        return recorded
