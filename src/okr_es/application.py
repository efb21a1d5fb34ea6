"""OKRApplication: the one write entry point. Commands in, ids and log position out.

Every entry point (CLI, HTTP, importers, the demo) calls these methods with plain values;
none of them touches aggregates or the store directly. This module is the composition root:
it sets up the store (settings, transcoder, snapshots) and composes the use cases, one
module per area in :mod:`okr_es.use_cases`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import MutableOrImmutableAggregate
from eventsourcing.persistence import Mapper, Recording
from eventsourcing.utils import Environment

from okr_es.access_tokens import TokenIndex
from okr_es.aggregates.objective import Objective
from okr_es.persistence.msgspec_mapper import MsgspecMapper
from okr_es.privacy.keys import PersonKeys
from okr_es.privacy.policy import sealing_free_text
from okr_es.settings import Settings
from okr_es.use_cases.cycle_imports import CycleImportCommands
from okr_es.use_cases.cycles import CycleCommands
from okr_es.use_cases.directory_groups import DirectoryGroupCommands
from okr_es.use_cases.initiatives import InitiativeCommands
from okr_es.use_cases.kpis import KpiCommands
from okr_es.use_cases.machinery import Clock, CommandResult, project_events, utc_now
from okr_es.use_cases.meetings import MeetingCommands
from okr_es.use_cases.members import MemberCommands
from okr_es.use_cases.objectives import KeyResultSpec, ObjectiveCommands
from okr_es.use_cases.organizations import OrganizationCommands
from okr_es.use_cases.privacy import PrivacyCommands
from okr_es.use_cases.reminders import ReminderCommands
from okr_es.use_cases.saved_views import SavedViewCommands
from okr_es.use_cases.sign_ins import SignInCommands
from okr_es.use_cases.team_cycles import TeamCycleCommands
from okr_es.use_cases.tokens import AccessTokenCommands
from okr_es.use_cases.webhooks import WebhookCommands

# Edges import these from here: the command's result and a key result given with its objective.
__all__ = ["Clock", "CommandResult", "KeyResultSpec", "OKRApplication", "utc_now"]


class OKRApplication(
    OrganizationCommands,
    MemberCommands,
    DirectoryGroupCommands,
    PrivacyCommands,
    AccessTokenCommands,
    SignInCommands,
    CycleCommands,
    TeamCycleCommands,
    ObjectiveCommands,
    InitiativeCommands,
    KpiCommands,
    SavedViewCommands,
    MeetingCommands,
    ReminderCommands,
    CycleImportCommands,
    WebhookCommands,
):
    """Organisations, cycles, objectives, key results, check-ins, initiatives and KPIs."""

    name = "OKRApplication"
    snapshotting_intervals: ClassVar[dict[type[MutableOrImmutableAggregate[Any]], int]] = {
        Objective: 50
    }
    snapshotting_projectors: ClassVar[dict[type[MutableOrImmutableAggregate[Any]], Any]] = {
        Objective: project_events
    }

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        clock: Clock = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or Settings()
        self.clock = clock
        self.monotonic = monotonic
        env = self.settings.eventsourcing_env()
        env["AGGREGATE_CACHE_MAXSIZE"] = "2000"
        super().__init__(env)
        # Per instance, so each application follows its own settings.
        self.snapshotting_intervals = {Objective: self.settings.snapshot_interval}  # type: ignore[misc]
        self._save_listeners: list[Callable[[int], None]] = []
        # Personal data is sealed under keys kept beside the events, in the same database.
        self.person_keys = PersonKeys(getattr(self.recorder, "datastore", None), monotonic)
        self.person_keys.create_table()
        if isinstance(self.mapper, MsgspecMapper):
            self.mapper.keys = self.person_keys
        self._start_machinery()
        self._token_index = TokenIndex(self.notifications, self.decode)

    def on_saved(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(position)`` after every save in this process (wakes followers)."""
        self._save_listeners.append(listener)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        # Free texts are sealed when the organisation they belong to says so.
        with sealing_free_text(self.seals_free_text(objs)):
            return super().save(*objs, **kwargs)

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        if recordings:
            position = recordings[-1].notification.id
            for listener in self._save_listeners:
                listener(position)

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        # Configuration comes from Settings only; never from os.environ behind its back.
        return Environment(name, {"IS_SNAPSHOTTING_ENABLED": "y", **(env or {})})

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper(cipher=self.factory.cipher(), compressor=self.factory.compressor())
