"""Browser sign-in for GraphiQL: the authorisation code flow with PKCE (S256).

``GET /auth/login`` sends the browser to the provider with a fresh state, nonce and code
challenge; the state, nonce and code verifier wait in a short-lived HttpOnly cookie of
the ``/auth`` path (nothing is kept in the server, so any API process may answer the
callback). ``GET /auth/callback`` checks the state, exchanges the code with the verifier,
checks the ID token (signature, issuer, audience, expiry and nonce) and that it signs a
member in, then keeps the ID token in an HttpOnly, SameSite=Strict cookie that only the
GraphQL endpoint accepts, and opens GraphiQL. ``GET /auth/logout`` forgets it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
import jwt
from litestar import Request, Router, get
from litestar.datastructures import Cookie
from litestar.response import Redirect

from okr_es.api.dependencies import STATE_KEY
from okr_es.api.oidc.provider import OIDCProvider
from okr_es.api.oidc.session import SESSION_COOKIE, no_provider, principal_of_token, provider_of
from okr_es.application import OKRApplication
from okr_es.errors import InvalidInput, Unauthenticated

AUTH_PATH = "/auth"
SIGN_IN_COOKIE = "okr_es_sign_in"
# Long enough to type a password and answer a second factor; short enough to go stale.
SIGN_IN_SECONDS = 600
AFTER_SIGN_IN = "/graphql"


def _pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _redirect_uri(request: Request[Any, Any, Any], application: OKRApplication) -> str:
    configured = application.settings.oidc_redirect_url
    if configured is not None:
        return configured
    return str(request.base_url).rstrip("/") + AUTH_PATH + "/callback"


def _secure(request: Request[Any, Any, Any]) -> bool:
    return request.url.scheme == "https"


def _provider(request: Request[Any, Any, Any]) -> tuple[OIDCProvider, OKRApplication]:
    application: OKRApplication = request.app.state[STATE_KEY]
    provider = provider_of(request.app.state, application)
    if provider is None or application.settings.oidc_client_id is None:
        raise no_provider()
    return provider, application


@get("/login")
async def login(request: Request[Any, Any, Any]) -> Redirect:
    """Send the browser to the OpenID provider to sign in."""
    provider, application = _provider(request)
    authorize = await anyio.to_thread.run_sync(provider.endpoint, "authorization_endpoint")
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43 to 128
    query = urlencode(
        {
            "response_type": "code",
            "client_id": application.settings.oidc_client_id or "",
            "redirect_uri": _redirect_uri(request, application),
            "scope": application.settings.oidc_scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": _pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in authorize else "?"
    pending = Cookie(
        key=SIGN_IN_COOKIE,
        value=f"{state}.{nonce}.{verifier}",
        path=AUTH_PATH,
        max_age=SIGN_IN_SECONDS,
        httponly=True,
        secure=_secure(request),
        # Lax: the provider's redirect back is a top-level navigation from its site.
        samesite="lax",
    )
    return Redirect(authorize + separator + query, cookies=[pending])


@get("/callback")
async def callback(request: Request[Any, Any, Any]) -> Redirect:
    """Where the provider sends the browser back: finish the sign-in, then open GraphiQL."""
    provider, application = _provider(request)
    # Read by hand: "state" is a name litestar reserves for the app's state.
    query = request.query_params
    code, state, error = query.get("code"), query.get("state"), query.get("error")
    error_description = (query.get("error_description") or "")[:500]
    pending = request.cookies.get(SIGN_IN_COOKIE, "")
    expected_state, _, rest = pending.partition(".")
    nonce, _, verifier = rest.partition(".")
    if error is not None:
        raise Unauthenticated(
            f"the OpenID provider did not sign you in: {error}"
            + (f" ({error_description})" if error_description else ""),
            code="unauthenticated",
        )
    if not expected_state or not nonce or not verifier:
        raise InvalidInput(
            "no sign-in is under way in this browser (or it took longer than "
            f"{SIGN_IN_SECONDS // 60} minutes): start again at {AUTH_PATH}/login",
            field="state",
        )
    if state is None or not secrets.compare_digest(state, expected_state):
        raise InvalidInput(
            f"the sign-in's state does not match: start again at {AUTH_PATH}/login",
            field="state",
        )
    if not code:
        raise InvalidInput("the OpenID provider sent no code", field="code")
    answer = await anyio.to_thread.run_sync(
        lambda: provider.exchange_code(
            code=code, redirect_uri=_redirect_uri(request, application), verifier=verifier
        )
    )
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise Unauthenticated(
            "the OpenID provider refused the sign-in: "
            f"{answer.get('error', 'no ID token')} {answer.get('error_description', '')}".strip()
        )
    # Only a token that signs a member in becomes the session: an unknown person learns
    # why now, not at their first query.
    await anyio.to_thread.run_sync(principal_of_token, provider, application, id_token, nonce)
    expires = _expiry(id_token)
    session = Cookie(
        key=SESSION_COOKIE,
        value=id_token,
        path="/",
        max_age=max(1, expires - int(time.time())),
        httponly=True,
        secure=_secure(request),
        samesite="strict",
    )
    done = Cookie(key=SIGN_IN_COOKIE, value="", path=AUTH_PATH, max_age=0, httponly=True)
    return Redirect(AFTER_SIGN_IN, cookies=[session, done])


@get("/logout")
async def logout() -> Redirect:
    """Forget the browser's sign-in (the provider's own session stays)."""
    gone = Cookie(key=SESSION_COOKIE, value="", path="/", max_age=0, httponly=True,
                  samesite="strict")
    return Redirect(AFTER_SIGN_IN, cookies=[gone])


def _expiry(id_token: str) -> int:
    """The ``exp`` of an ID token verified a moment ago."""
    claims = jwt.decode(id_token, options={"verify_signature": False})
    return int(claims["exp"])


def auth_router() -> Router:
    return Router(
        path=AUTH_PATH, route_handlers=[login, callback, logout], include_in_schema=False
    )
