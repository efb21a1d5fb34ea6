"""Signatures: Standard Webhooks for what okr-es sends, Slack's v0 for what Slack sends us.

Standard Webhooks (https://www.standardwebhooks.com/): the secret is ``whsec_`` and base64
key bytes; ``webhook-signature`` is ``v1,`` and the base64 HMAC-SHA256 of
``<webhook-id>.<webhook-timestamp>.<body>``, several space-separated during a rotation.
Slack: ``X-Slack-Signature`` is ``v0=`` and the hex HMAC-SHA256 (keyed with the app's
signing secret) of ``v0:<X-Slack-Request-Timestamp>:<body>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"
# Both schemes refuse a request signed longer ago (or further ahead) than this.
TOLERANCE_SECONDS = 5 * 60


class InvalidSignature(Exception):
    """The request is not signed as it should be (or too long ago): answer 401."""


def standard_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for one body."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def standard_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(secret, msg_id, timestamp, body),
    }


def verify_standard(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> None:
    """What a receiver does: raises :class:`InvalidSignature` unless one ``v1`` entry of
    ``webhook-signature`` matches and ``webhook-timestamp`` is within the tolerance."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        signatures = lowered["webhook-signature"].split()
    except (KeyError, ValueError):
        raise InvalidSignature("missing or malformed webhook-* headers") from None
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature("webhook-timestamp is too far from now")
    expected = standard_signature(secret, msg_id, timestamp, body).encode()
    if not any(hmac.compare_digest(expected, s.encode()) for s in signatures):
        raise InvalidSignature("no matching signature")


def slack_signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    signed = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), signed, hashlib.sha256).hexdigest()


def verify_slack(
    signing_secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float
) -> None:
    """Raises :class:`InvalidSignature` unless Slack signed ``body`` within 5 minutes."""
    if not timestamp or not signature:
        raise InvalidSignature("missing X-Slack-Request-Timestamp or X-Slack-Signature")
    try:
        sent = int(timestamp)
    except ValueError:
        raise InvalidSignature("malformed X-Slack-Request-Timestamp") from None
    if abs(now - sent) > TOLERANCE_SECONDS:
        raise InvalidSignature("the request is too old (or from the future): replayed?")
    expected = slack_signature(signing_secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise InvalidSignature("the signature does not match")


def _key(secret: str) -> bytes:
    encoded = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(encoded)
