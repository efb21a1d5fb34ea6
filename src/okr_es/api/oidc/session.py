"""From a provider's token to the acting member, and where the provider is kept."""

from __future__ import annotations

from typing import Any

from okr_es.access_tokens import Principal
from okr_es.api.oidc.provider import OIDCProvider
from okr_es.application import OKRApplication
from okr_es.errors import Unauthenticated

PROVIDER_KEY = "okr_es_oidc_provider"
# The browser's signed-in ID token (HttpOnly): accepted by GraphQL only, which only reads,
# so another site cannot make a signed-in browser change anything.
SESSION_COOKIE = "okr_es_session"


def provider_of(state: Any, application: OKRApplication) -> OIDCProvider | None:
    """The app's provider (made at first use), or None when sign-in is not configured."""
    provider: OIDCProvider | None = state.get(PROVIDER_KEY)
    if provider is None and application.settings.oidc_issuer is not None:
        provider = OIDCProvider(application.settings)
        state[PROVIDER_KEY] = provider
    return provider


def principal_of_token(
    provider: OIDCProvider, application: OKRApplication, token: str, nonce: str | None = None
) -> Principal:
    """The member a provider's token signs in (blocking: run in a worker thread)."""
    claims = provider.verify(token, nonce=nonce)
    settings = application.settings
    return application.sign_in(
        provider.identity(claims),
        settings.oidc_organization_id,
        match_email=settings.oidc_match_email,
    )


def no_provider() -> Unauthenticated:
    return Unauthenticated(
        "this server accepts no sign-in tokens (no OpenID provider is configured): send an "
        "okr access token"
    )
