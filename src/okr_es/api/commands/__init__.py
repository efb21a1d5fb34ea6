"""The command endpoints under ``/api/v1``: one per OKRApplication command.

Each handler decodes its body, asks :mod:`okr_es.api.access` whether the token's member may
act on the target, calls one application method with ``by`` = that member, and maps the
result. Handlers are synchronous and run in a worker thread (the event store is sync).
"""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from okr_es.api.commands.cycles import CycleCommands
from okr_es.api.commands.directory_groups import DirectoryGroupCommands
from okr_es.api.commands.initiatives import InitiativeCommands
from okr_es.api.commands.kpis import KpiCommands
from okr_es.api.commands.meetings import MeetingCommands
from okr_es.api.commands.members import MemberCommands
from okr_es.api.commands.objectives import ObjectiveCommands
from okr_es.api.commands.organizations import OrganizationCommands
from okr_es.api.commands.policies import PolicyCommands
from okr_es.api.commands.reminders import ReminderCommands
from okr_es.api.commands.saved_views import SavedViewCommands
from okr_es.api.commands.spreadsheets import SpreadsheetCommands
from okr_es.api.commands.team_cycles import TeamCycleCommands
from okr_es.api.commands.webhooks import SlackUserCommands, WebhookCommands

COMMAND_HANDLERS: tuple[ControllerRouterHandler, ...] = (
    OrganizationCommands,
    MemberCommands,
    DirectoryGroupCommands,
    PolicyCommands,
    CycleCommands,
    ObjectiveCommands,
    TeamCycleCommands,
    InitiativeCommands,
    KpiCommands,
    SavedViewCommands,
    MeetingCommands,
    ReminderCommands,
    SpreadsheetCommands,
    WebhookCommands,
    SlackUserCommands,
)
