"""The configured OpenID provider: its discovery document, its signing keys, and the
check of a token it signed.

Blocking (network and signature checks): called from a worker thread, never on the event
loop. Every fetch has a timeout; a provider that cannot be reached raises
``ProviderUnavailable`` (HTTP 503), a token that does not hold up ``Unauthenticated``.
Keys are cached; a token signed by a key not in the cache fetches the key set again (the
provider rotated its keys), at most once per ``Settings.oidc_jwks_refetch_seconds``, so
tokens with made-up key ids cannot make okr-es hammer the provider.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

import jwt

from okr_es.errors import ProviderUnavailable, Unauthenticated
from okr_es.settings import Settings
from okr_es.use_cases.sign_ins import SignInIdentity

DISCOVERY_PATH = "/.well-known/openid-configuration"
# A discovery document or key set is a few kilobytes; anything far larger is not one.
MAX_DOCUMENT_BYTES = 1_000_000
# Real ID and access tokens are a few kilobytes; this bounds the work spent on garbage.
MAX_TOKEN_LENGTH = 16_384
Fetch = Callable[[urllib.request.Request, float], Any]


def fetch_json(request: urllib.request.Request, timeout: float) -> Any:
    """The JSON document a provider answers with, or ProviderUnavailable."""
    where = request.full_url
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_DOCUMENT_BYTES + 1)
    except urllib.error.HTTPError as e:
        if request.get_method() == "POST" and 400 <= e.code < 500:
            # The token endpoint refuses a code with a JSON error body: the caller's
            # sign-in failed, the provider is fine.
            return _json_error(e)
        raise ProviderUnavailable(f"the OpenID provider answered {e.code} at {where}") from None
    except (OSError, ValueError) as e:
        raise ProviderUnavailable(
            f"the OpenID provider cannot be reached at {where}: {e}"
        ) from None
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ProviderUnavailable(f"the OpenID provider's answer at {where} is too large")
    try:
        return json.loads(body)
    except ValueError:
        raise ProviderUnavailable(f"the OpenID provider's answer at {where} is not JSON") from None


def _web_address(url: Any) -> bool:
    """An https address, or http to this machine: never file:, ftp: or the like."""
    if not isinstance(url, str):
        return False
    parts = urllib.parse.urlsplit(url)
    return bool(parts.hostname) and (
        parts.scheme == "https"
        or (parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1"))
    )


def _json_error(error: urllib.error.HTTPError) -> dict[str, Any]:
    try:
        decoded = json.loads(error.read(MAX_DOCUMENT_BYTES))
    except ValueError:
        decoded = None
    if isinstance(decoded, dict):
        return {"error": str(decoded.get("error") or f"http-{error.code}"),
                "error_description": str(decoded.get("error_description") or "")}
    return {"error": f"http-{error.code}", "error_description": ""}


class OIDCProvider:
    """One issuer: checks its tokens and knows its endpoints. Thread-safe."""

    def __init__(
        self,
        settings: Settings,
        *,
        fetch: Fetch = fetch_json,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if settings.oidc_issuer is None:
            raise ValueError("no OpenID provider is configured")
        self.settings = settings
        self.issuer = settings.oidc_issuer
        self.audience = tuple(
            dict.fromkeys([*settings.oidc_audience, *filter(None, [settings.oidc_client_id])])
        )
        self._fetch = fetch
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._discovery: dict[str, Any] | None = None
        self._keys: dict[str, dict[str, Any]] = {}
        self._keys_fetched_at: float | None = None

    # --- discovery ---------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        """The provider's discovery document (fetched once; again after a failure)."""
        known = self._discovery
        if known is not None:
            return known
        document = self._get(self.issuer + DISCOVERY_PATH)
        if not isinstance(document, dict) or not _web_address(document.get("jwks_uri")):
            raise ProviderUnavailable(
                f"the OpenID provider's discovery document at {self.issuer} has no jwks_uri"
            )
        if str(document.get("issuer", "")).rstrip("/") != self.issuer:
            # The document must be the configured issuer's own (OpenID Connect Discovery 4.3).
            raise ProviderUnavailable(
                f"the discovery document at {self.issuer} names another issuer: "
                f"{document.get('issuer')!r}"
            )
        self._discovery = document
        return document

    def endpoint(self, name: str) -> str:
        """A URL of the discovery document (``authorization_endpoint``, ``token_endpoint``)."""
        url = self.discovery().get(name)
        if not _web_address(url):
            raise ProviderUnavailable(f"the OpenID provider has no {name}")
        return str(url)

    def exchange_code(self, *, code: str, redirect_uri: str, verifier: str) -> dict[str, Any]:
        """The token endpoint's answer to an authorisation code with its PKCE verifier."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
            "client_id": self.settings.oidc_client_id or "",
        }
        if self.settings.oidc_client_secret:
            form["client_secret"] = self.settings.oidc_client_secret
        request = urllib.request.Request(
            self.endpoint("token_endpoint"),
            data=urllib.parse.urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/json"},
            method="POST",
        )
        answer = self._fetch(request, self.settings.oidc_timeout_seconds)
        if not isinstance(answer, dict):
            raise ProviderUnavailable("the OpenID provider's token endpoint answered nonsense")
        return answer

    # --- tokens ------------------------------------------------------------------------------

    def verify(self, token: str, *, nonce: str | None = None) -> dict[str, Any]:
        """The claims of a token this provider signed for okr-es, or Unauthenticated."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise Unauthenticated("malformed token: far longer than any sign-in token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("malformed token: not a JSON Web Token") from None
        algorithm = header.get("alg")
        if algorithm not in self.settings.oidc_algorithms:
            raise Unauthenticated(
                f"tokens signed with {algorithm!r} are not accepted; accepted: "
                + ", ".join(self.settings.oidc_algorithms),
                code="unauthenticated",
            )
        key = self._key(header.get("kid"), algorithm)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=[algorithm],
                audience=list(self.audience),
                issuer=self.issuer,
                leeway=self.settings.oidc_leeway_seconds,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired: sign in again") from None
        except jwt.ImmatureSignatureError:
            raise Unauthenticated("the token is not valid yet (nbf/iat)") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated(
                "the token is meant for another application (aud): expected "
                + " or ".join(self.audience)
            ) from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated(
                f"the token comes from another issuer (iss): expected {self.issuer}"
            ) from None
        except jwt.InvalidSignatureError:
            raise Unauthenticated("the token's signature does not verify") from None
        except jwt.MissingRequiredClaimError as e:
            raise Unauthenticated(f"the token has no {e.claim} claim") from None
        except jwt.PyJWTError as e:
            raise Unauthenticated(f"the token is not valid: {e}") from None
        if nonce is not None and claims.get("nonce") != nonce:
            raise Unauthenticated("the sign-in's nonce does not match: start again")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise Unauthenticated("the token names no subject (sub)")
        return claims

    def identity(self, claims: Mapping[str, Any]) -> SignInIdentity:
        """The person the verified claims name, with the e-mail address the provider
        vouches for (``email`` only with ``email_verified``; Entra ID's
        ``preferred_username``/``upn`` are its tenant's own sign-in names)."""
        claim = self.settings.oidc_email_claim
        value = claims.get(claim)
        verified = claim != "email" or claims.get("email_verified") in (True, "true")
        email = value if isinstance(value, str) and "@" in value and verified else None
        return SignInIdentity(issuer=self.issuer, subject=str(claims["sub"]),
                              verified_email=email)

    def _key(self, kid: Any, algorithm: str) -> jwt.PyJWK:
        """The provider's public key ``kid`` for ``algorithm`` (a key published for one
        algorithm never verifies another's signatures)."""
        with self._lock:
            entry = self._known_key(kid)
            fetched_at = self._keys_fetched_at
            if entry is None and (
                fetched_at is None
                or self._monotonic() - fetched_at >= self.settings.oidc_jwks_refetch_seconds
            ):
                self._refresh_keys()
                entry = self._known_key(kid)
        if entry is None:
            raise Unauthenticated(
                "the token is signed by a key the OpenID provider does not publish"
            )
        if entry.get("alg", algorithm) != algorithm:
            raise Unauthenticated(f"the token's key is not one for {algorithm}")
        try:
            return jwt.PyJWK(entry, algorithm=algorithm)
        except (jwt.PyJWTError, ValueError, TypeError):
            raise Unauthenticated(f"the token's key is not one for {algorithm}") from None

    def _known_key(self, kid: Any) -> dict[str, Any] | None:
        if kid is None:
            # Without a key id only a provider with a single key can be meant.
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid) if isinstance(kid, str) else None

    def _refresh_keys(self) -> None:
        jwks_uri = self.discovery()["jwks_uri"]
        document = self._get(jwks_uri)
        entries = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            raise ProviderUnavailable(f"the OpenID provider's key set at {jwks_uri} has no keys")
        keys: dict[str, dict[str, Any]] = {}
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
                continue
            if entry.get("kty") not in ("RSA", "EC", "OKP"):
                continue  # a shared secret ("oct") is never a provider's signing key
            keys[str(entry.get("kid", ""))] = entry
        self._keys = keys
        self._keys_fetched_at = self._monotonic()

    def _get(self, url: str) -> Any:
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        return self._fetch(request, self.settings.oidc_timeout_seconds)
