"""Use cases of an organisation: registering it, its unit tree, its members and their
roles, its policy."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import msgspec

from okr_es import access_tokens
from okr_es.aggregates import validation as check
from okr_es.aggregates.organization import Organization
from okr_es.errors import (
    OKRError,
)
from okr_es.use_cases.machinery import CommandResult
from okr_es.use_cases.reads import AggregateReads


class OrganizationCommands(AggregateReads):
    """Organisation, units, members, roles and policy."""

    def register_organization(
        self, *, name: str, admin_name: str, admin_email: str, token_label: Any = None
    ) -> CommandResult:
        """Register an organisation; ``admin`` is its first member, with the admin role.

        With ``token_label``, the admin's first access token is issued in the same save and
        its plaintext returned, once, in the result's ``token``.
        """
        org_id, root_id, admin_id = uuid4(), uuid4(), uuid4()
        org = Organization.register(
            organization_id=org_id,
            name=name,
            root_unit_id=root_id,
            founder_id=admin_id,
            founder_name=admin_name,
            founder_email=admin_email,
        )
        ids = {"organization_id": org_id, "root_unit_id": root_id, "member_id": admin_id}
        if token_label is None:
            return self._saved(org, ids=ids)
        token_id, secret = uuid4(), access_tokens.new_secret()
        with _renamed("label", "token_label"):
            org.issue_token(
                token_id=token_id,
                member_id=admin_id,
                token_hash=access_tokens.secret_hash(secret),
                label=token_label,
                by=admin_id,
            )
        result = self._saved(org, ids={**ids, "token_id": token_id})
        return msgspec.structs.replace(result, token=access_tokens.token_text(token_id, secret))

    def add_unit(
        self, *, organization_id: Any, name: Any, kind: Any, parent_id: Any, by: Any
    ) -> CommandResult:
        """Add a department, team or project under a parent unit."""
        unit_id = uuid4()
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.add_unit(
                unit_id=unit_id,
                name=name,
                kind=kind,
                parent_id=check.identifier(parent_id, "parent_id"),
                by=actor,
            ),
            ids={"unit_id": unit_id},
        )

    def rename_unit(
        self, *, organization_id: Any, unit_id: Any, name: Any, by: Any
    ) -> CommandResult:
        """Give a unit a new name (unique among its siblings)."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.rename_unit(
                unit_id=check.identifier(unit_id, "unit_id"), name=name, by=actor
            ),
        )

    def move_unit(
        self, *, organization_id: Any, unit_id: Any, parent_id: Any, by: Any
    ) -> CommandResult:
        """Move a unit under another parent; the tree stays a tree."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.move_unit(
                unit_id=check.identifier(unit_id, "unit_id"),
                parent_id=check.identifier(parent_id, "parent_id"),
                by=actor,
            ),
        )

    def archive_unit(
        self, *, organization_id: Any, unit_id: Any, reason: Any, by: Any
    ) -> CommandResult:
        """Archive a unit without active sub-units; its history stays."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.archive_unit(
                unit_id=check.identifier(unit_id, "unit_id"), reason=reason, by=actor
            ),
        )

    def add_member(self, *, organization_id: Any, name: Any, email: Any, by: Any) -> CommandResult:
        """Add a person (name, unique e-mail) to the organisation."""
        member_id = uuid4()
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.add_member(
                member_id=member_id, name=name, email=email, by=actor
            ),
            ids={"member_id": member_id},
        )

    def grant_role(
        self, *, organization_id: Any, member_id: Any, role: Any, unit_id: Any = None, by: Any
    ) -> CommandResult:
        """Grant admin (organisation-wide), ambassador, lead or member (in a unit)."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.grant_role(
                member_id=check.identifier(member_id, "member_id"),
                role=role,
                unit_id=check.optional_identifier(unit_id, "unit_id"),
                by=actor,
            ),
        )

    def revoke_role(
        self, *, organization_id: Any, member_id: Any, role: Any, unit_id: Any = None, by: Any
    ) -> CommandResult:
        """Revoke a role; the last admin keeps theirs."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.revoke_role(
                member_id=check.identifier(member_id, "member_id"),
                role=role,
                unit_id=check.optional_identifier(unit_id, "unit_id"),
                by=actor,
            ),
        )

    def change_policy(
        self,
        *,
        organization_id: Any,
        by: Any,
        max_objectives: Any = None,
        min_key_results: Any = None,
        max_key_results: Any = None,
        warn_key_results_above: Any = None,
        mode: Any = None,
    ) -> CommandResult:
        """Change the limits; unspecified ones keep their current value.

        The limits are whole numbers: ``max_objectives`` and ``max_key_results`` from 1 to
        50, ``min_key_results`` (at most ``max_key_results``) and ``warn_key_results_above``
        from 0 to 50.

        ``mode`` ``enforce`` refuses a command that would pass ``max_objectives`` or
        ``max_key_results``, or remove a key result below ``min_key_results``; ``warn``
        accepts it with a warning. An objective may still be set with fewer than
        ``min_key_results`` key results and given the rest later (OKRs are drafted
        that way); the lint reports such an objective (``too-few-key-results``)."""

        def change(org: Organization, actor: UUID) -> None:
            p = org.policy
            org.change_policy(
                max_objectives=p.max_objectives if max_objectives is None else max_objectives,
                min_key_results=p.min_key_results if min_key_results is None else min_key_results,
                max_key_results=p.max_key_results if max_key_results is None else max_key_results,
                warn_key_results_above=(
                    p.warn_key_results_above
                    if warn_key_results_above is None
                    else warn_key_results_above
                ),
                mode=p.mode if mode is None else mode,
                by=actor,
            )

        return self._on_organization(organization_id, by, change)

    def set_review_policy(self, *, organization_id: Any, policy: Any, by: Any) -> CommandResult:
        """Store the thresholds the learning review applies to the organisation's units:
        a JSON review policy (the document ``okr-es review --policy FILE`` reads; ``{}``
        for the defaults), decoded by the caller with ``load_review_policy``."""
        return self._on_organization(
            organization_id, by, lambda org, actor: org.set_review_policy(policy=policy, by=actor)
        )

    def set_lint_policy(self, *, organization_id: Any, policy: Any, by: Any) -> CommandResult:
        """Store the rules the OKR quality lint holds the organisation's sets to: a JSON
        lint policy (the document ``okr-es lint --policy FILE`` reads; ``{}`` for the
        defaults), decoded by the caller with ``load_lint_policy``."""
        return self._on_organization(
            organization_id, by, lambda org, actor: org.set_lint_policy(policy=policy, by=actor)
        )


@contextlib.contextmanager
def _renamed(field: str, as_sent: str) -> Iterator[None]:
    """Name a refusal's ``field`` as the command calls it (``as_sent``), in its message
    too."""
    try:
        yield
    except OKRError as error:
        if error.field == field:
            error.field = as_sent
            if error.message.startswith(f"{field} "):
                error.message = as_sent + error.message[len(field) :]
                error.args = (error.message,)
        raise
