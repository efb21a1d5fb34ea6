"""Use cases of a member's life in an organisation: rename, new e-mail address, leaving
(deactivation) and coming back, and handing what they own to someone else."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.utils import get_topic

from okr_es.aggregates import validation as check
from okr_es.aggregates.initiative import RUNNING, Initiative
from okr_es.aggregates.objective import ACTIVE, Objective
from okr_es.aggregates.organization import Organization
from okr_es.use_cases.machinery import CommandResult
from okr_es.use_cases.reads import AggregateReads

# The events that make a member an owner: an aggregate named in one of them may be owned
# by the member now, and is read to find out.
_OWNING_EVENTS: tuple[tuple[type[Objective] | type[Initiative], type[Any]], ...] = (
    (Objective, Objective.ObjectiveSet),
    (Objective, Objective.OwnerChanged),
    (Initiative, Initiative.InitiativeStarted),
    (Initiative, Initiative.InitiativeOwnerChanged),
)


class MemberCommands(AggregateReads):
    """A member's name, e-mail address, access and ownership."""

    def rename_member(
        self, *, organization_id: Any, member_id: Any, name: Any, by: Any
    ) -> CommandResult:
        """Give a member a new name; their history shows the new name from now on."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.rename_member(
                member_id=check.identifier(member_id, "member_id"), name=name, by=actor
            ),
        )

    def change_member_email(
        self, *, organization_id: Any, member_id: Any, email: Any, by: Any
    ) -> CommandResult:
        """Change a member's e-mail address (unique in the organisation)."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.change_member_email(
                member_id=check.identifier(member_id, "member_id"), email=email, by=actor
            ),
        )

    def deactivate_member(
        self, *, organization_id: Any, member_id: Any, reason: Any = "", by: Any
    ) -> CommandResult:
        """A member leaves: every token of theirs stops working at once (in other
        processes within the token recheck window), nothing new can be given to them, and
        their history stays. The last active admin cannot be deactivated."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.deactivate_member(
                member_id=check.identifier(member_id, "member_id"), reason=reason, by=actor
            ),
        )

    def reactivate_member(self, *, organization_id: Any, member_id: Any, by: Any) -> CommandResult:
        """A deactivated member comes back; their tokens that were not revoked work again."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.reactivate_member(
                member_id=check.identifier(member_id, "member_id"), by=actor
            ),
        )

    def provision_member(
        self,
        *,
        organization_id: Any,
        name: Any,
        email: Any,
        user_name: Any,
        external_id: Any = None,
        active: Any = True,
        by: Any,
    ) -> CommandResult:
        """Add a person as a directory provisions them (SCIM): the member, how the
        directory knows them and, for a person created disabled, their deactivation, in
        one save."""
        org, actor = self._organization_and_actor(organization_id, by, for_change=True)
        member_id = uuid4()
        org.add_member(member_id=member_id, name=name, email=email, by=actor)
        org.link_to_directory(member_id=member_id, user_name=user_name,
                              external_id=external_id, by=actor)
        if not check.flag(active, "active"):
            org.deactivate_member(member_id=member_id, reason="", by=actor)
        return self._saved(org, ids={"member_id": member_id}, expected=org)

    def update_provisioned_member(
        self,
        *,
        organization_id: Any,
        member_id: Any,
        name: Any = None,
        email: Any = None,
        user_name: Any = None,
        external_id: Any = None,
        active: Any = None,
        by: Any,
    ) -> CommandResult:
        """Bring a member in line with the directory: each field given that differs from
        what the member has becomes its own event, all in one save (nothing that is
        already so is written again, so a directory sending the same state twice changes
        nothing)."""
        org, actor = self._organization_and_actor(organization_id, by, for_change=True)
        member = org.member(check.identifier(member_id, "member_id"))
        if name is not None and check.line(name, "name", max_length=check.NAME_MAX) != member.name:
            org.rename_member(member_id=member.id, name=name, by=actor)
        if email is not None and check.line(email, "email", max_length=254).lower() != member.email:
            org.change_member_email(member_id=member.id, email=email, by=actor)
        linked = (
            member.user_name if user_name is None else user_name,
            member.external_id if external_id is None else external_id,
        )
        if linked[0] is not None and linked != (member.user_name, member.external_id):
            org.link_to_directory(member_id=member.id, user_name=linked[0],
                                  external_id=linked[1], by=actor)
        if active is not None and check.flag(active, "active") != member.active:
            if member.active:
                org.deactivate_member(member_id=member.id, reason="", by=actor)
            else:
                org.reactivate_member(member_id=member.id, by=actor)
        if not org.pending_events:
            return CommandResult(position=self.position(), ids={"member_id": member.id})
        return self._saved(org, ids={"member_id": member.id}, expected=org)

    def transfer_ownership(
        self, *, organization_id: Any, from_member_id: Any, to_member_id: Any, by: Any
    ) -> CommandResult:
        """Hand every active objective and running initiative ``from_member_id`` owns to
        ``to_member_id`` (an active member), in one transaction: each gets its own owner
        change, and the organisation records the transfer. Closed, dropped, completed and
        stopped ones keep the owner they had (history). Nothing owned is refused
        (``nothing-to-transfer``)."""
        org, actor = self._organization_and_actor(organization_id, by, for_change=True)
        source = org.member(check.identifier(from_member_id, "from_member_id"),
                            field="from_member_id")
        target = org.member(check.identifier(to_member_id, "to_member_id"), field="to_member_id")
        objectives, initiatives = self._owned_by(org, source.id)
        org.record_ownership_transfer(
            from_member_id=source.id,
            to_member_id=target.id,
            objective_ids=[o.id for o in objectives],
            initiative_ids=[i.id for i in initiatives],
            by=actor,
        )
        for objective in objectives:
            objective.change_owner(owner_id=target.id, by=actor)
        for initiative in initiatives:
            initiative.change_owner(owner_id=target.id, by=actor)
        return self._saved(
            org,
            *objectives,
            *initiatives,
            ids={"member_id": target.id},
            expected=org,
        )

    def _owned_by(
        self, org: Organization, member_id: UUID
    ) -> tuple[list[Objective], list[Initiative]]:
        """The member's active objectives and running initiatives, read from the store."""
        candidates: dict[UUID, type[Objective] | type[Initiative]] = {}
        kinds = {get_topic(event): cls for cls, event in _OWNING_EVENTS}
        for notification in self.all_notifications(topics=list(kinds)):
            event = self.decode(notification)
            if getattr(event, "owner_id", None) == member_id:
                candidates[event.originator_id] = kinds[notification.topic]
        objectives: list[Objective] = []
        initiatives: list[Initiative] = []
        for aggregate_id, cls in candidates.items():
            aggregate: Objective | Initiative = self._get(cls, aggregate_id)
            if aggregate.organization_id != org.id:
                continue
            if aggregate.owner_id != member_id:
                continue
            if isinstance(aggregate, Objective) and aggregate.status == ACTIVE:
                objectives.append(aggregate)
            elif isinstance(aggregate, Initiative) and aggregate.status == RUNNING:
                initiatives.append(aggregate)
        return objectives, initiatives
