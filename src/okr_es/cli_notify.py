"""``okr-es notify``: the outbound services (reminders, …) as their own process.

Distributed mode only (PostgreSQL): run two or more for availability; one is active (it
holds the store's notify lock), the others stand by and take over when it dies. In
embedded mode ``okr-es serve`` runs the same services itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput
from okr_es.settings import Settings

EXIT_OK = 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    notify = sub.add_parser(
        "notify",
        help="run reminders and other outbound services (distributed mode; one active)",
    )
    notify.set_defaults(run=run_notify_command)


def run_notify_command(args: argparse.Namespace, settings: Settings) -> int:
    import logging

    from okr_es.notify.process import run_notify
    from okr_es.notify.services import notify_services
    from okr_es.notify.single_active import SingleActive

    if not settings.uses_postgres:
        raise InvalidInput(
            "okr-es notify needs PostgreSQL (OKR_ES_DATABASE_URL); on SQLite, "
            "okr-es serve runs the reminders itself",
            field="OKR_ES_DATABASE_URL",
        )
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    # What the services report (a pass that recorded reminders …) goes to stdout.
    # Warnings (a lost connection) stay on stderr.
    report = logging.StreamHandler(sys.stdout)
    report.setFormatter(logging.Formatter("okr-es notify: %(message)s"))
    report.addFilter(lambda record: record.levelno < logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.WARNING)
    services_log = logging.getLogger("okr_es.notify")
    services_log.setLevel(logging.INFO)
    services_log.addHandler(report)

    def say(text: str) -> None:
        print(f"okr-es notify: {text}", flush=True)

    with OKRApplication(settings) as app:

        async def main() -> None:
            task = asyncio.current_task()
            assert task is not None
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, task.cancel)
            lock = SingleActive(settings)
            await run_notify(
                lock,
                lambda: notify_services(app, settings),
                on_active=lambda: say(f"active; following {settings.store_description()}"),
                on_standby=lambda: say("standing by for the notify lock"),
            )

        with contextlib.suppress(asyncio.CancelledError, KeyboardInterrupt):
            asyncio.run(main())
    print("okr-es notify: stopped", file=sys.stderr, flush=True)
    return EXIT_OK
