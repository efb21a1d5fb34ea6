"""``python -m okr_es.webhooks``: the webhook delivery as a process of its own.

Settings come from the environment (OKR_ES_DATABASE_URL, OKR_ES_NATS_URL, …, see the
README); with a NATS URL it consumes the relay's stream, otherwise it follows the log.
Runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from okr_es.application import OKRApplication
from okr_es.errors import OKRError
from okr_es.settings import Settings
from okr_es.webhooks.service import WebhookService


async def main() -> None:
    settings = Settings.from_env()
    app = await asyncio.to_thread(OKRApplication, settings)
    try:
        task = asyncio.create_task(WebhookService(app).run())
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        await asyncio.to_thread(app.close)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        asyncio.run(main())
    except OKRError as e:
        print(f"okr-es webhooks: {e.message}", file=sys.stderr)
        sys.exit(2)
