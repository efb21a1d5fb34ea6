"""Use cases of access tokens: issuing and revoking bearer tokens, and telling whose a
token is."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import msgspec

from okr_es import access_tokens
from okr_es.access_tokens import Principal, TokenIndex
from okr_es.aggregates import validation as check
from okr_es.aggregates.organization import FULL_SCOPE, Organization
from okr_es.errors import (
    NotFound,
    Unauthenticated,
)
from okr_es.use_cases.machinery import CommandResult
from okr_es.use_cases.reads import AggregateReads


def _principal(org: Organization, token_id: UUID) -> Principal:
    stored = org.tokens.get(token_id)
    if stored is None or stored.revoked or stored.member_id not in org.members:
        raise Unauthenticated("unknown or revoked access token")
    if not org.members[stored.member_id].active:
        raise Unauthenticated("the token's member is deactivated")
    grants = tuple(org.members[stored.member_id].grants)
    return Principal(
        organization_id=org.id, member_id=stored.member_id, roles=grants, scope=stored.scope
    )


class AccessTokenCommands(AggregateReads):
    """Bearer tokens of members: issue, revoke, authenticate."""

    # Finds a token's organisation without reading the log (set up by the composition root).
    _token_index: TokenIndex

    def issue_token(
        self,
        *,
        organization_id: Any,
        member_id: Any,
        by: Any,
        label: Any = "",
        scope: Any = None,
    ) -> CommandResult:
        """Issue a bearer token for a member; its plaintext is in ``token``, this once only.
        ``scope`` (read, check-in, admin; None: admin) bounds what the token may do."""
        token_id, secret = uuid4(), access_tokens.new_secret()
        result = self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.issue_token(
                token_id=token_id,
                member_id=check.identifier(member_id, "member_id"),
                token_hash=access_tokens.secret_hash(secret),
                label=label,
                by=actor,
                scope=FULL_SCOPE if scope is None else scope,
            ),
            ids={"token_id": token_id},
        )
        return msgspec.structs.replace(result, token=access_tokens.token_text(token_id, secret))

    def revoke_token(self, *, organization_id: Any, token_id: Any, by: Any) -> CommandResult:
        """Stop accepting a bearer token."""
        return self._on_organization(
            organization_id,
            by,
            lambda org, actor: org.revoke_token(
                token_id=check.identifier(token_id, "token_id"), by=actor
            ),
        )

    def authenticate(self, token: str) -> Principal:
        """The member a bearer token belongs to, or Unauthenticated.

        The index finds the token's organisation without reading the log; the organisation
        itself then decides, read from the store now, so a revocation made by another
        process counts at once.
        """
        token_id, secret = access_tokens.parse(token)
        entry = self._token_index.get(token_id)
        if entry is None or entry.revoked or not access_tokens.matches(secret, entry.token_hash):
            raise Unauthenticated("unknown or revoked access token")
        started = self.monotonic()
        try:
            org = self._get(Organization, entry.organization_id, copy=False)
        except NotFound:
            raise Unauthenticated("unknown or revoked access token") from None
        self._organization_read_at[org.id] = started
        return _principal(org, token_id)

    def authenticate_cached(self, token: str) -> Principal | None:
        """:meth:`authenticate` from memory alone, never reading the store (so it may run
        on an event loop), or None when it cannot say without reading: the token is not
        in the index yet, or its organisation was last read from the store more than
        ``settings.token_recheck_seconds`` ago. Changes made through this process are in
        memory at once.
        """
        token_id, secret = access_tokens.parse(token)
        entry = self._token_index.peek(token_id)
        if entry is None:
            return None
        if entry.revoked or not access_tokens.matches(secret, entry.token_hash):
            raise Unauthenticated("unknown or revoked access token")
        read_at = self._organization_read_at.get(entry.organization_id)
        if (
            read_at is None
            or self.monotonic() - read_at > self.settings.token_recheck_seconds
            or read_at <= self._organization_changed_at.get(entry.organization_id, -1.0)
        ):
            return None
        org = self._cached(Organization, entry.organization_id)
        return None if org is None else _principal(org, token_id)
