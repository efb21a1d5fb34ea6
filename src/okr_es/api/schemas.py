"""Request and response bodies of the command API, as msgspec structs.

Bodies reject unknown fields, so a misspelt field is a 400 rather than silently ignored.
Types are checked at the edge (text, number, UUID, date); the domain then checks the
values (length, range, metric) and answers 422. ``by`` is never a field: the acting
member is the one the bearer token belongs to.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from okr_es.application import KeyResultSpec

__all__ = ["KeyResultSpec"]


# A date-time as RFC 3339 has it: with its offset from UTC (``Z`` or ``+01:00``). One without
# would be read in an unknown zone; the CLI and the Python API read such a time as UTC.
Instant = Annotated[datetime, msgspec.Meta(tz=True)]


class Body(msgspec.Struct, forbid_unknown_fields=True):
    """Base of every request body (``forbid_unknown_fields`` is inherited by subclasses)."""


class CommandResponse(msgspec.Struct, kw_only=True):
    """What every command answers: its last log position, new ids, policy warnings."""

    position: int
    ids: dict[str, UUID]
    warnings: list[str]


class TokenResponse(CommandResponse, kw_only=True):
    """A command that issued an access token: its plaintext, shown this once."""

    token: str


# --- organisation ----------------------------------------------------------------------------


class OrganizationCreate(Body):
    name: str
    admin_name: str
    admin_email: str
    token_label: str = "first admin token"


class UnitCreate(Body):
    name: str
    kind: str
    parent_id: UUID


class UnitRename(Body):
    name: str


class UnitMove(Body):
    parent_id: UUID


class UnitArchive(Body):
    reason: str


class MemberCreate(Body):
    name: str
    email: str


class MemberRename(Body):
    name: str


class MemberEmailChange(Body):
    email: str


class SignInAccount(Body):
    """A person's account at an OpenID provider: its issuer and subject id (``sub``)."""

    issuer: str
    subject: str


class MemberDeactivate(Body):
    reason: str = ""


class PrivacyPolicy(Body):
    """Whether members' free texts are their personal data (sealed, erased with them)."""

    seal_free_text: bool


class OwnershipTransfer(Body):
    to_member_id: UUID


class RoleChange(Body):
    role: str
    unit_id: UUID | None = None


class PolicyChange(Body):
    max_objectives: int | None = None
    min_key_results: int | None = None
    max_key_results: int | None = None
    warn_key_results_above: int | None = None
    mode: str | None = None


class PolicyDocument(Body):
    """A review or lint policy, as the CLI's ``--policy FILE`` holds it."""

    policy: dict[str, Any]


class TokenCreate(Body):
    label: str = ""
    # read, check-in or admin; left out: admin (all the member may do).
    scope: str | None = None


# --- cycles ------------------------------------------------------------------------------------


class CycleCreate(Body):
    label: str
    kind: str
    start: date
    end: date
    parent_id: UUID | None = None


class CycleRename(Body):
    label: str


# --- objectives and key results --------------------------------------------------------------


class ObjectiveCreate(Body):
    organization_id: UUID
    unit_id: UUID
    cycle_id: UUID
    title: str
    owner_id: UUID
    why: str = ""
    key_results: list[KeyResultSpec] = msgspec.field(default_factory=list)
    aligned_to_objective_id: UUID | None = None
    aligned_to_key_result_id: UUID | None = None
    carried_over_from: UUID | None = None
    carry_over_reason: str = ""
    hypothesis: str = ""
    effective_at: Instant | None = None


class ImportedObjective(Body):
    title: str
    owner_id: UUID
    why: str = ""
    key_results: list[KeyResultSpec] = msgspec.field(default_factory=list)
    aligned_to_objective_id: UUID | None = None
    aligned_to_key_result_id: UUID | None = None
    hypothesis: str = ""


class ObjectivesImport(Body):
    organization_id: UUID
    unit_id: UUID
    cycle_id: UUID
    objectives: list[ImportedObjective]


class ImportedKeyResult(Body):
    title: str
    metric: str
    start: float | None = None
    target: float | None = None
    unit: str = ""
    current: float | None = None
    status: str | None = None


class CycleObjective(Body):
    title: str
    owner_id: UUID
    why: str = ""
    key_results: list[ImportedKeyResult] = msgspec.field(default_factory=list)


class CycleUnitObjectives(Body):
    unit_id: UUID
    objectives: list[CycleObjective]


class CycleToFill(Body):
    label: str
    kind: str
    start: date
    end: date


class CycleImport(Body):
    cycle: CycleToFill
    units: list[CycleUnitObjectives]
    checked_in_at: Instant | None = None


class ObjectiveReword(Body):
    title: str
    why: str | None = None
    expected_version: int | None = None


class OwnerChange(Body):
    owner_id: UUID
    expected_version: int | None = None


class ObjectiveAlign(Body):
    parent_objective_id: UUID
    parent_key_result_id: UUID | None = None
    expected_version: int | None = None


class ObjectiveDrop(Body):
    reason: str
    effective_at: Instant | None = None
    expected_version: int | None = None


class ObjectiveClose(Body):
    note: str = ""
    scores: dict[UUID, float] | None = None
    effective_at: Instant | None = None
    expected_version: int | None = None


class ObjectiveReopen(Body):
    reason: str
    expected_version: int | None = None


class KeyResultCreate(Body):
    title: str
    metric: str
    start: float | None = None
    target: float | None = None
    unit: str = ""
    effective_at: Instant | None = None
    expected_version: int | None = None


class KeyResultAdjust(Body):
    reason: str
    title: str | None = None
    start: float | None = None
    target: float | None = None
    unit: str | None = None
    effective_at: Instant | None = None
    expected_version: int | None = None


class KeyResultRemove(Body):
    reason: str
    expected_version: int | None = None


class KeyResultWeight(Body):
    weight: float
    expected_version: int | None = None


class RollUpModeChange(Body):
    mode: str
    expected_version: int | None = None


class CheckInCreate(Body):
    value: float
    status: str
    comment: str = ""
    blockers: str = ""
    # A whole number from 0 to 10; read as a number so a fraction gets the domain's 422.
    confidence: float | None = None
    checked_in_at: Instant | None = None


class Graduation(Body):
    name: str | None = None
    lower: float | None = None
    upper: float | None = None


# --- a unit's cycle --------------------------------------------------------------------------


class ReflectionCreate(Body):
    keep_doing: str = ""
    stop_doing: str = ""
    start_doing: str = ""
    learnings: str = ""
    effective_at: Instant | None = None


class TeamCycleClose(Body):
    note: str = ""
    effective_at: Instant | None = None


# --- initiatives -------------------------------------------------------------------------------


class KeyResultLink(Body):
    objective_id: UUID
    key_result_id: UUID


class InitiativeCreate(Body):
    organization_id: UUID
    unit_id: UUID
    title: str
    owner_id: UUID
    key_results: list[KeyResultLink] = msgspec.field(default_factory=list)
    due_on: date | None = None


class InitiativeDueDate(Body):
    due_on: date | None


class InitiativeProgress(Body):
    percent_complete: float
    note: str = ""


class InitiativeComplete(Body):
    note: str = ""


class InitiativeStop(Body):
    reason: str


# --- KPIs --------------------------------------------------------------------------------------


class KpiCreate(Body):
    organization_id: UUID
    unit_id: UUID
    name: str
    unit: str = ""
    lower: float | None = None
    upper: float | None = None


class KpiMeasurement(Body):
    value: float
    measured_at: Instant | None = None


class KpiCorridorChange(Body):
    reason: str
    lower: float | None = None
    upper: float | None = None


class KpiRetire(Body):
    reason: str
