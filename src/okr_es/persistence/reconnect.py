"""How long-running processes wait between attempts to reach a store that went away.

``okr-es project`` and ``okr-es relay`` keep running through a PostgreSQL or NATS restart:
each failed attempt waits a little longer than the last (doubling, capped), so a server
that is back soon is found soon, and one that stays away is not hammered.
"""

from __future__ import annotations

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

from okr_es.persistence.postgres_datastore import StoreUnreachable

__all__ = ["CONNECTION_LOST", "Backoff"]

# What a lost or refused connection raises: psycopg's own errors (a LISTEN connection),
# and the library's wrappers of them (statements through its pool, after its retries).
CONNECTION_LOST: tuple[type[Exception], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    OperationalError,
    InterfaceError,
    StoreUnreachable,
)

FIRST_WAIT_SECONDS = 0.25
MAX_WAIT_SECONDS = 5.0


class Backoff:
    """Waits that double after each failure, from ``first`` up to ``cap`` seconds."""

    def __init__(self, first: float = FIRST_WAIT_SECONDS, cap: float = MAX_WAIT_SECONDS) -> None:
        self.first = first
        self.cap = cap
        self.failures = 0

    def next(self) -> float:
        """The wait before the next attempt (and count this failure)."""
        wait = min(self.cap, self.first * 2.0**self.failures)
        self.failures += 1
        return wait

    def reset(self) -> None:
        """The store answered: the next failure starts from the shortest wait again."""
        self.failures = 0
