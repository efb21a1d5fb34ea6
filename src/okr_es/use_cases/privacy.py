"""Use cases of personal data: erasing a member (crypto-shredding) and the organisation's
privacy policy on free texts (see docs/privacy.md)."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.utils import get_topic

from okr_es.aggregates import validation as check
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.personal_data import ERASED, ERASED_EMAIL
from okr_es.privacy.fields import declared
from okr_es.privacy.free_texts import FREE_TEXTS
from okr_es.privacy.keys import PersonKeys
from okr_es.privacy.snapshots import drop_snapshots
from okr_es.use_cases.machinery import CommandResult
from okr_es.use_cases.reads import AggregateReads
from okr_es.webhooks.store import DeliveryLog


class PrivacyCommands(AggregateReads):
    """Erasure and the free-text privacy policy."""

    person_keys: PersonKeys

    def erase_member(self, *, organization_id: Any, member_id: Any, by: Any) -> CommandResult:
        """Erase a member's personal data for good: ``MemberErased`` is recorded, then
        their key is destroyed, so their name, e-mail address and sealed free texts read
        as placeholders in every read model, export, replay and the timeline. Their ids,
        figures and times stay. The member is deactivated too; the last active admin
        cannot be erased, nor a member twice."""
        subject = check.identifier(member_id, "member_id")
        periods: list[tuple[int, int | None]] = []

        def erase(org: Organization, actor: UUID) -> None:
            periods[:] = self._sealing_periods(org.id)
            org.erase_member(member_id=subject, by=actor, sealed_between=periods)

        result = self._on_organization(organization_id, by, erase)
        organization = check.identifier(organization_id, "organization_id")
        # Read while the key is still there: what outbound bodies may hold in plain text.
        values = self._personal_values(organization, subject)
        self._shred(subject)
        self._erase_from_webhooks(organization, subject, values, periods, result.position)
        return result

    def set_privacy_policy(
        self, *, organization_id: Any, seal_free_text: Any, by: Any
    ) -> CommandResult:
        """Decide whether free texts members write from now on (check-in comments and
        blockers, reflections, closing notes, meeting notes, initiative notes) are their
        personal data, sealed under their keys and erased with them. Texts written before
        stay as they were written."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.set_privacy_policy(seal_free_text=seal_free_text, by=actor),
        )

    def reapply_erasures(self) -> list[UUID]:
        """Destroy the keys of every member the log says was erased whose key is there
        again (a key table restored from a backup taken before the erasure); the members
        whose keys were destroyed now."""
        erased = self.person_keys.erased_subjects()
        topic = get_topic(Organization.MemberErased)
        again: list[UUID] = []
        for notification in self.all_notifications(topics=[topic]):
            member_id = self.decode(notification).member_id  # type: ignore[attr-defined]
            if member_id not in erased:
                self._shred(member_id)
                erased.add(member_id)
                again.append(member_id)
        return again

    def _sealing_periods(self, organization_id: UUID) -> list[tuple[int, int | None]]:
        """When (log positions) the organisation sealed free texts."""
        periods: list[tuple[int, int | None]] = []
        topic = get_topic(Organization.PrivacyPolicySet)
        for notification in self.all_notifications(topics=[topic]):
            if UUID(str(notification.originator_id)) != organization_id:
                continue
            seal = self.decode(notification).seal_free_text  # type: ignore[attr-defined]
            if seal and (not periods or periods[-1][1] is not None):
                periods.append((notification.id, None))
            elif not seal and periods and periods[-1][1] is None:
                periods[-1] = (periods[-1][0], notification.id)
        return periods

    def _personal_values(self, organization_id: UUID, subject: UUID) -> set[str]:
        """Every name, address and login the member had."""
        values: set[str] = set()
        for event in self.history(organization_id):
            personal = declared(type(event))
            if personal is not None and getattr(event, personal.subject, None) == subject:
                values.update(getattr(event, field) or "" for field in personal.fields)
        return values - {"", ERASED, ERASED_EMAIL}

    def _erase_from_webhooks(
        self,
        organization_id: UUID,
        subject: UUID,
        values: set[str],
        periods: list[tuple[int, int | None]],
        erased_at: int,
    ) -> None:
        """Webhook bodies stored before the erasure (sent, or still to be sent) lose the
        member's names and addresses, and those quoting a sealed text of theirs."""
        log = DeliveryLog(self.factory.tracking_recorder())
        org = str(organization_id)
        quoting: list[int] = []
        for start, end in periods:
            for position in log.positions(org, sorted(FREE_TEXTS), start, end or erased_at):
                event = self.decode(self.notifications(position, 1)[0])
                if getattr(event, "by", None) == subject:
                    quoting.append(position)
        texts = {*values, *(msgspec.json.encode(v).decode()[1:-1] for v in values)}
        texts |= {json.dumps(v)[1:-1] for v in values}
        log.erase(org, sorted(texts), quoting, ERASED)

    def _shred(self, subject: UUID) -> None:
        self.person_keys.destroy(subject)
        # Snapshots and cached aggregates may hold free texts opened before (a closing
        # note): both are caches, rebuilt from the events as they read now.
        if self.snapshots is not None:
            drop_snapshots(self.snapshots.recorder)
        if self.repository.cache is not None:
            for aggregate_id in list(self.repository.cache.cache):
                self._evict(aggregate_id)

    def seals_free_text(self, aggregates: tuple[Any, ...]) -> bool:
        """Whether the organisation the aggregates belong to seals free texts."""
        for aggregate in aggregates:
            if isinstance(aggregate, Organization):
                return aggregate.seal_free_text
            organization_id = getattr(aggregate, "organization_id", None)
            if isinstance(organization_id, UUID):
                org = self._cached(Organization, organization_id)
                if org is None:
                    org = self._get(Organization, organization_id, copy=False)
                return org.seal_free_text
        return False
