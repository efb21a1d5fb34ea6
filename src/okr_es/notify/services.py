"""The outbound services ``okr-es notify`` (and embedded ``okr-es serve``) run.

To add one: implement :class:`okr_es.notify.process.NotifyService` (a ``name`` and an
``async run()`` that works until cancelled) and append it to the list below.
"""

from __future__ import annotations

from datetime import datetime

from okr_es.application import OKRApplication
from okr_es.notify.process import NotifyService
from okr_es.notify.reminders import Clock, ReminderService
from okr_es.projections.runner import ProjectionRunner
from okr_es.settings import Settings
from okr_es.webhooks.service import WebhookService


def notify_services(app: OKRApplication, settings: Settings) -> list[NotifyService]:
    """Every outbound service, in the order they start."""
    return [
        ReminderService(
            app,
            ProjectionRunner(app).views,
            clock=reminder_clock(app, settings),
            interval=settings.reminder_interval,
        ),
        # JetStream's durable consumer when NATS is configured, else the log in-process.
        WebhookService(app),
    ]


def reminder_clock(app: OKRApplication, settings: Settings) -> Clock:
    """The application's clock, or the fixed instant OKR_ES_REMINDERS_NOW names."""
    fixed = settings.reminders_now
    if fixed is None:
        return app.clock

    def pretend() -> datetime:
        assert fixed is not None
        return fixed

    return pretend
