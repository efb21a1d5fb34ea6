"""Bearer tokens for the API: their text form, their hash, and an in-process index.

A token reads ``okr_<token id as 32 hex digits>_<secret>``. Only the SHA-256 of the secret
is stored (in ``Organization.AccessTokenIssued``); the plaintext is shown once, when issued.
The index maps token ids to their organisation so a request finds its organisation without
reading the log; it follows the notification log by position and catches up on a miss.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable, Sequence
from uuid import UUID

import msgspec
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from okr_es.aggregates.organization import FULL_SCOPE, TOKEN_SCOPES, Grant, Organization
from okr_es.errors import Unauthenticated

PREFIX = "okr"
# Far longer than any real token; bounds the work spent on garbage headers.
MAX_TOKEN_LENGTH = 200
TOKEN_TOPICS: tuple[str, ...] = (
    get_topic(Organization.AccessTokenIssued),
    get_topic(Organization.AccessTokenRevoked),
)


class Principal(msgspec.Struct, frozen=True):
    """Who is acting: a member of one organisation, with their grants at that moment,
    and what the credential they act with may do (a token's scope; a person signed in
    with OpenID Connect acts with all their roles)."""

    organization_id: UUID
    member_id: UUID
    roles: tuple[Grant, ...] = ()
    scope: str = FULL_SCOPE

    def allows(self, scope: str) -> bool:
        """Whether the credential's scope covers ``scope`` (each scope includes the
        ones before it in ``TOKEN_SCOPES``: read, check-in, admin)."""
        return TOKEN_SCOPES.index(self.scope) >= TOKEN_SCOPES.index(scope)


def looks_like_jwt(token: str) -> bool:
    """A JSON Web Token has three dot-separated parts; okr tokens have no dot."""
    return token.count(".") == 2


class TokenEntry(msgspec.Struct):
    organization_id: UUID
    member_id: UUID
    token_hash: str
    revoked: bool = False


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def token_text(token_id: UUID, secret: str) -> str:
    return f"{PREFIX}_{token_id.hex}_{secret}"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(token: str) -> tuple[UUID, str]:
    """The token id and secret of a token's text form, or Unauthenticated."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise Unauthenticated("malformed access token")
    prefix, _, rest = token.partition("_")
    hex_id, _, secret = rest.partition("_")
    if prefix != PREFIX or len(hex_id) != 32 or not secret:
        raise Unauthenticated("malformed access token")
    try:
        return UUID(hex=hex_id), secret
    except ValueError:
        raise Unauthenticated("malformed access token") from None


def matches(secret: str, token_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), token_hash)


class TokenIndex:
    """token id → (organisation, member, hash, revoked), caught up from the log by position.

    ``read`` fetches notifications after a position; ``decode`` turns one into its event.
    Thread-safe: API requests run in a thread pool.
    """

    def __init__(
        self,
        read: Callable[[int, int, Sequence[str]], Sequence[Notification]],
        decode: Callable[[Notification], DomainEventProtocol[UUID]],
        page: int = 500,
    ) -> None:
        self._read = read
        self._decode = decode
        self._page = page
        self._entries: dict[UUID, TokenEntry] = {}
        self._position = 0
        self._lock = threading.Lock()

    @property
    def position(self) -> int:
        """The last log position the index has seen."""
        return self._position

    def get(self, token_id: UUID) -> TokenEntry | None:
        """The entry for a token id, catching up with the log first when it is unknown."""
        entry = self._entries.get(token_id)
        if entry is None:
            self.catch_up()
            entry = self._entries.get(token_id)
        return entry

    def peek(self, token_id: UUID) -> TokenEntry | None:
        """The entry for a token id as far as the index has read (never reads the log)."""
        return self._entries.get(token_id)

    def catch_up(self) -> None:
        with self._lock:
            while True:
                batch = self._read(self._position + 1, self._page, TOKEN_TOPICS)
                for notification in batch:
                    self._apply(self._decode(notification))
                    self._position = notification.id
                if len(batch) < self._page:
                    return

    def _apply(self, event: DomainEventProtocol[UUID]) -> None:
        if isinstance(event, Organization.AccessTokenIssued):
            self._entries[event.token_id] = TokenEntry(
                event.originator_id, event.member_id, event.token_hash
            )
        elif isinstance(event, Organization.AccessTokenRevoked):
            entry = self._entries.get(event.token_id)
            if entry is not None:
                entry.revoked = True
