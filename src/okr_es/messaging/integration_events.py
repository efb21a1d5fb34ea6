"""Integration events: the versioned contract okr-es publishes to other systems.

Domain events are the store's private vocabulary and may evolve (upcasters, new fields);
an integration event is what leaves the process, on subject
``okr.<organization id>.<Aggregate>.<EventName>`` with a JSON payload whose ``schema`` is
:data:`SCHEMA`. :func:`translate` turns a stored domain event and its log position into one,
with no I/O: it publishes only the fields listed in :data:`PUBLISHED_FIELDS`, so secrets
(token hashes) and personal contact data never leave, and a new domain field is not
published until someone adds it here deliberately. docs/integration-events.md documents it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from okr_es.aggregates.chat_link import ChatLink
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.import_mapping import ImportMapping
from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.kpi import Kpi
from okr_es.aggregates.meeting import Meeting
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.reminders import Reminder, ReminderSettings
from okr_es.aggregates.saved_view import SavedView
from okr_es.aggregates.team_cycle import TeamCycle
from okr_es.aggregates.webhook import Webhook

SCHEMA = "okr-es.integration/1"
SUBJECT_PREFIX = "okr"

# Per event ("Aggregate.EventName"), the domain fields published in ``data``, in order.
# Left out on purpose: AccessTokenIssued.token_hash (a secret), MemberAdded.email and
# MemberEmailChanged.email (personal data other systems can ask the API for), the subject
# of MemberSignInLinked/Unlinked (a person's account id at their OpenID provider), and
# organization_id (it is in the envelope).
# Adding a field or an event is a compatible change; removing or renaming one needs a new
# SCHEMA major version (see docs/integration-events.md).
PUBLISHED_FIELDS: dict[str, tuple[str, ...]] = {
    "Organization.OrganizationRegistered": ("name", "root_unit_id"),
    "Organization.UnitAdded": ("unit_id", "name", "kind", "parent_id"),
    "Organization.UnitRenamed": ("unit_id", "name"),
    "Organization.UnitMoved": ("unit_id", "parent_id"),
    "Organization.UnitArchived": ("unit_id", "reason"),
    "Organization.MemberAdded": ("member_id", "name"),
    "Organization.MemberRenamed": ("member_id", "name"),
    "Organization.MemberEmailChanged": ("member_id",),
    "Organization.MemberDeactivated": ("member_id", "reason"),
    "Organization.MemberReactivated": ("member_id",),
    "Organization.MemberLinkedToDirectory": ("member_id", "user_name", "external_id"),
    # Consumers that keep a member's name drop it on this (docs/privacy.md).
    "Organization.MemberErased": ("member_id",),
    "Organization.PrivacyPolicySet": ("seal_free_text",),
    "Organization.MemberSignInLinked": ("member_id", "issuer"),
    "Organization.MemberSignInUnlinked": ("member_id", "issuer"),
    "Organization.OwnershipTransferred": (
        "from_member_id",
        "to_member_id",
        "objective_ids",
        "initiative_ids",
    ),
    "Organization.RoleGranted": ("member_id", "role", "unit_id", "source"),
    "Organization.RoleRevoked": ("member_id", "role", "unit_id", "source"),
    "Organization.DirectoryGroupCreated": ("group_id", "display_name", "external_id"),
    "Organization.DirectoryGroupRenamed": ("group_id", "display_name"),
    "Organization.DirectoryGroupRelinked": ("group_id", "external_id"),
    "Organization.DirectoryGroupMembersAdded": ("group_id", "member_ids"),
    "Organization.DirectoryGroupMembersRemoved": ("group_id", "member_ids"),
    "Organization.DirectoryGroupDeleted": ("group_id",),
    "Organization.DirectoryGroupMapped": ("group_id", "display_name", "role", "unit_id"),
    "Organization.DirectoryGroupUnmapped": ("group_id", "display_name"),
    "Organization.PolicyChanged": (
        "max_objectives",
        "min_key_results",
        "max_key_results",
        "warn_key_results_above",
        "mode",
    ),
    "Organization.AccessTokenIssued": ("token_id", "member_id", "label", "scope"),
    "Organization.AccessTokenRevoked": ("token_id",),
    "Organization.ReviewPolicySet": ("policy",),
    "Organization.LintPolicySet": ("policy",),
    "Cycle.CycleDefined": ("label", "kind", "start", "end", "parent_id"),
    "Cycle.CycleRenamed": ("label",),
    "TeamCycle.TeamCycleOpened": ("unit_id", "cycle_id"),
    "TeamCycle.ObjectiveCommitted": ("objective_id",),
    "TeamCycle.ObjectiveWithdrawn": ("objective_id", "reason"),
    "TeamCycle.ReflectionRecorded": (
        "keep_doing",
        "stop_doing",
        "start_doing",
        "learnings",
        "effective_at",
    ),
    "TeamCycle.TeamCycleClosed": ("note", "effective_at"),
    "Objective.ObjectiveSet": (
        "unit_id",
        "cycle_id",
        "title",
        "why",
        "owner_id",
        "aligned_to_objective_id",
        "aligned_to_key_result_id",
        "carried_over_from",
        "carry_over_reason",
        "hypothesis",
        "effective_at",
    ),
    "Objective.ObjectiveReworded": ("title", "why"),
    "Objective.OwnerChanged": ("owner_id",),
    "Objective.ObjectiveAligned": ("objective_id", "key_result_id"),
    "Objective.KeyResultAdded": (
        "key_result_id",
        "title",
        "metric",
        "start",
        "target",
        "unit",
        "effective_at",
    ),
    "Objective.KeyResultAdjusted": (
        "key_result_id",
        "title",
        "start",
        "target",
        "unit",
        "previous_start",
        "previous_target",
        "reason",
        "effective_at",
    ),
    "Objective.KeyResultRemoved": ("key_result_id", "reason"),
    "Objective.CheckInMade": (
        "key_result_id",
        "value",
        "status",
        "comment",
        "blockers",
        "confidence",
        "checked_in_at",
    ),
    "Objective.KeyResultWeighted": ("key_result_id", "weight"),
    "Objective.RollUpModeChanged": ("mode",),
    "Objective.ObjectiveDropped": ("reason", "effective_at"),
    "Objective.ObjectiveClosed": ("scores", "note", "effective_at"),
    "Objective.ObjectiveReopened": ("reason",),
    "Initiative.InitiativeStarted": ("unit_id", "title", "owner_id", "due_on"),
    "Initiative.InitiativeLinked": ("objective_id", "key_result_id"),
    "Initiative.InitiativeDueDateChanged": ("due_on",),
    "Initiative.InitiativeProgressed": ("percent_complete", "note"),
    "Initiative.InitiativeCompleted": ("note",),
    "Initiative.InitiativeStopped": ("reason",),
    "Initiative.InitiativeOwnerChanged": ("owner_id",),
    "Kpi.KpiDefined": ("unit_id", "name", "unit", "lower", "upper"),
    "Kpi.KpiMeasured": ("value", "measured_at"),
    "Kpi.KpiCorridorChanged": ("lower", "upper", "reason"),
    "Kpi.KpiRetired": ("reason",),
    "Kpi.KeyResultGraduated": ("objective_id", "key_result_id"),
    "SavedView.SavedViewCreated": ("owner_id", "name", "filter", "sort"),
    "SavedView.SavedViewRenamed": ("name",),
    "SavedView.SavedViewFilterChanged": ("filter", "sort"),
    "SavedView.SavedViewDeleted": (),
    "Meeting.MeetingOpened": ("unit_id", "cycle_id", "held_at", "facilitator_id"),
    "Meeting.GoodNewsShared": ("text",),
    "Meeting.DecisionRecorded": ("text", "key_result_ids"),
    "Meeting.PriorityAgreed": ("priority_id", "text", "owner_id", "due"),
    "Meeting.PriorityCompleted": ("priority_id", "note"),
    "Meeting.BlockerRaised": ("blocker_id", "text"),
    "Meeting.BlockerResolved": ("blocker_id", "resolution"),
    "Meeting.MeetingCheckInLinked": (
        "objective_id",
        "key_result_id",
        "objective_version",
        "value",
        "status",
    ),
    "Meeting.MeetingClosed": ("attendee_ids", "note"),
    "ReminderSettings.ReminderSettingsStarted": (),
    "ReminderSettings.ReminderDefaultChanged": ("policy",),
    "ReminderSettings.UnitReminderPolicySet": ("unit_id", "policy"),
    "ReminderSettings.UnitReminderPolicyCleared": ("unit_id",),
    "Reminder.ReminderSent": (
        "unit_id",
        "member_id",
        "cycle_id",
        "period",
        "due_at",
        "key_result_ids",
        "escalated",
        "escalated_to",
        "missed_periods",
        "helped_within_days",
    ),
    # Never the URL or signing secret (secrets), nor the chat user's ids.
    "Webhook.WebhookSubscribed": ("label", "format", "event_types", "unit_ids"),
    "Webhook.WebhookPaused": (),
    "Webhook.WebhookResumed": (),
    "Webhook.WebhookRemoved": (),
    "Webhook.WebhookRedriven": (),
    "ChatLink.ChatUserLinked": ("member_id", "platform"),
    "ChatLink.ChatUserUnlinked": (),
    "ChatLink.ChatUserRelinked": ("member_id",),
    # Which okr-es objects another tool's items became: the source's name only.
    "ImportMapping.ImportMappingStarted": ("source",),
    "ImportMapping.SourceItemsMapped": (),
}

# The creation events that name their organisation; every later event of the same
# aggregate is attributed through them (see OrganizationDirectory).
ORGANIZATION_NAMING_EVENTS: tuple[type[Any], ...] = (
    Cycle.CycleDefined,
    TeamCycle.TeamCycleOpened,
    Objective.ObjectiveSet,
    Initiative.InitiativeStarted,
    Kpi.KpiDefined,
    SavedView.SavedViewCreated,
    Meeting.MeetingOpened,
    ReminderSettings.ReminderSettingsStarted,
    Reminder.ReminderSent,
    Webhook.WebhookSubscribed,
    ChatLink.ChatUserLinked,
    ImportMapping.ImportMappingStarted,
)
ORGANIZATION_NAMING_TOPICS: tuple[str, ...] = tuple(
    get_topic(cls) for cls in ORGANIZATION_NAMING_EVENTS
)


class IntegrationEvent(msgspec.Struct, frozen=True):
    """One published event: the JSON payload, field for field."""

    schema: str
    position: int
    event: str
    aggregate: str
    aggregate_id: UUID
    aggregate_version: int
    organization_id: UUID
    recorded_at: datetime
    by: UUID | None
    data: dict[str, Any]

    def subject(self, prefix: str = SUBJECT_PREFIX) -> str:
        """``okr.<organization id>.<Aggregate>.<EventName>``"""
        return f"{prefix}.{self.organization_id}.{self.aggregate}.{self.event}"

    def msg_id(self) -> str:
        """The ``Nats-Msg-Id`` header: the log position, so JetStream drops a re-publish."""
        return str(self.position)

    def encode(self) -> bytes:
        return msgspec.json.encode(self)


class UnpublishableEvent(Exception):
    """An event the contract has no entry for, or whose organisation is unknown.

    Publishing it anyway would break the contract, so the relay stops instead.
    """


def translate(
    event: DomainEventProtocol[UUID], position: int, organization_id: UUID
) -> IntegrationEvent:
    """The integration event for a stored domain event at log ``position``."""
    aggregate, _, name = type(event).__qualname__.rpartition(".")
    fields = PUBLISHED_FIELDS.get(f"{aggregate}.{name}")
    if fields is None:
        raise UnpublishableEvent(f"no integration contract for {aggregate}.{name}")
    state = vars(event)
    return IntegrationEvent(
        schema=SCHEMA,
        position=position,
        event=name,
        aggregate=aggregate,
        aggregate_id=event.originator_id,
        aggregate_version=event.originator_version,
        organization_id=organization_id,
        recorded_at=state["timestamp"],
        by=state.get("by"),
        # Plain JSON values already (ids and dates as text), so an event read back off the
        # wire equals the one published.
        data=msgspec.to_builtins({field: state[field] for field in fields}),
    )


def decode(payload: bytes) -> IntegrationEvent:
    """Read a published payload back (consumers and tests)."""
    return msgspec.json.decode(payload, type=IntegrationEvent)


class OrganizationDirectory:
    """Which organisation each aggregate belongs to, learned from the events themselves.

    Organisation events belong to their own organisation; the other aggregates name theirs
    in their creation event only, which always precedes their later events in the log.
    """

    def __init__(self, known: Mapping[UUID, UUID] | None = None) -> None:
        self._by_aggregate: dict[UUID, UUID] = dict(known or {})

    def __len__(self) -> int:
        return len(self._by_aggregate)

    def learn(self, event: DomainEventProtocol[UUID]) -> None:
        organization_id = getattr(event, "organization_id", None)
        if isinstance(organization_id, UUID):
            self._by_aggregate[event.originator_id] = organization_id

    def organization_of(self, event: DomainEventProtocol[UUID]) -> UUID:
        if type(event).__qualname__.startswith("Organization."):
            return event.originator_id
        self.learn(event)
        try:
            return self._by_aggregate[event.originator_id]
        except KeyError:
            raise UnpublishableEvent(
                f"{type(event).__qualname__} of {event.originator_id}: its creation event, "
                "which names the organisation, was not seen"
            ) from None


def render_contract() -> str:
    """The per-event table of docs/integration-events.md (a test keeps them equal)."""
    lines = ["| subject suffix | `data` fields |", "|---|---|"]
    for key, fields in PUBLISHED_FIELDS.items():
        listed = ", ".join(f"`{f}`" for f in fields)
        lines.append(f"| `{key}` | {listed} |")
    return "\n".join(lines)
