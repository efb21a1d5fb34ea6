"""Use cases of OpenID Connect sign-in: which member a provider's person is, and the
links between members and provider accounts.

The token itself is checked before it comes here (``api/oidc``); here only its issuer,
subject and, for a first sign-in, its verified e-mail address count.
"""

from __future__ import annotations

from typing import Any

import msgspec

from okr_es.access_tokens import Principal
from okr_es.aggregates import validation as check
from okr_es.aggregates.organization import FULL_SCOPE, Member, Organization
from okr_es.errors import NotFound, OKRError, Unauthenticated
from okr_es.use_cases.machinery import CommandResult
from okr_es.use_cases.reads import AggregateReads


class SignInIdentity(msgspec.Struct, frozen=True):
    """A person as a verified token names them: the provider (``iss``), its id of the
    person (``sub``), and an e-mail address the provider vouches for, if any."""

    issuer: str
    subject: str
    verified_email: str | None = None


class SignInCommands(AggregateReads):
    """Members signing in with an OpenID provider's accounts."""

    def link_sign_in(
        self, *, organization_id: Any, member_id: Any, issuer: Any, subject: Any, by: Any
    ) -> CommandResult:
        """Let a member sign in with a provider account (issuer and subject id)."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.link_sign_in(
                member_id=check.identifier(member_id, "member_id"),
                issuer=issuer,
                subject=subject,
                by=actor,
            ),
        )

    def unlink_sign_in(
        self, *, organization_id: Any, member_id: Any, issuer: Any, subject: Any, by: Any
    ) -> CommandResult:
        """Stop a provider account from signing a member in."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.unlink_sign_in(
                member_id=check.identifier(member_id, "member_id"),
                issuer=check.line(issuer, "issuer"),
                subject=check.line(subject, "subject"),
                by=actor,
            ),
        )

    def sign_in(
        self, identity: SignInIdentity, organization_id: Any, *, match_email: bool
    ) -> Principal:
        """The member a provider's person is, or Unauthenticated.

        A linked account decides; otherwise, with ``match_email``, the member with the
        token's verified e-mail address is linked to the account now (so a later change
        of address at the provider does not move the sign-in to someone else). The
        organisation is trusted from memory for ``settings.token_recheck_seconds``, as
        for access tokens, so a deactivation made elsewhere counts within that time.
        """
        org_id = check.identifier(organization_id, "organization_id")
        org = self._organization_for_sign_in(org_id)
        member = org.member_signing_in_as(identity.issuer, identity.subject)
        if member is None:
            member = self._first_sign_in(org, identity, match_email=match_email)
            org = self._organization_for_sign_in(org_id)
        if not member.active:
            raise Unauthenticated(
                f"{member.name} is deactivated in this organisation", code="member-deactivated"
            )
        current = org.members[member.id]
        return Principal(
            organization_id=org.id,
            member_id=current.id,
            roles=tuple(current.grants),
            scope=FULL_SCOPE,
        )

    def _first_sign_in(
        self, org: Organization, identity: SignInIdentity, *, match_email: bool
    ) -> Member:
        unknown = Unauthenticated(
            "this account is not linked to a member of the organisation: ask an admin to "
            f"link issuer {identity.issuer} subject {identity.subject} to your member",
            code="unknown-person",
            issuer=identity.issuer,
            subject=identity.subject,
        )
        if not match_email or identity.verified_email is None:
            raise unknown
        email = identity.verified_email.strip().lower()
        member = next((m for m in org.members.values() if m.email == email), None)
        if member is None:
            raise unknown
        if any(issuer == identity.issuer for issuer, _ in member.sign_ins):
            # The address moved to another account of the same provider: an admin decides.
            raise unknown
        if not member.active:
            raise Unauthenticated(
                f"{member.name} is deactivated in this organisation", code="member-deactivated"
            )
        try:
            self.link_sign_in(
                organization_id=org.id,
                member_id=member.id,
                issuer=identity.issuer,
                subject=identity.subject,
                by=member.id,
            )
        except OKRError:
            # Linked meanwhile by a simultaneous first sign-in: the link now decides.
            fresh = self._get(Organization, org.id, copy=False)
            linked = fresh.member_signing_in_as(identity.issuer, identity.subject)
            if linked is None:
                raise unknown from None
            return linked
        return member

    def _organization_for_sign_in(self, organization_id: Any) -> Organization:
        read_at = self._organization_read_at.get(organization_id)
        if (
            read_at is not None
            and self.monotonic() - read_at <= self.settings.token_recheck_seconds
            and read_at > self._organization_changed_at.get(organization_id, -1.0)
        ):
            cached = self._cached(Organization, organization_id)
            if cached is not None:
                return cached
        started = self.monotonic()
        try:
            org = self._get(Organization, organization_id, copy=False)
        except NotFound:
            raise Unauthenticated(
                "the organisation configured for sign-in does not exist",
                code="unknown-person",
            ) from None
        self._organization_read_at[org.id] = started
        return org
