"""RFC 9457 problem details: how every error leaves the API, mapped in one table.

Every response that is not a success is ``application/problem+json`` with ``type``,
``title``, ``status``, ``detail`` and the stable ``code`` (plus ``field`` and details when
the error has them): domain errors, the framework's own validation and routing errors,
an oversized body, an unreachable store, and, for genuine bugs only, a 500 that reveals
nothing about the internals.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

import msgspec
from eventsourcing.persistence import PersistenceError
from litestar import Litestar, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import Empty, ExceptionHandlersMap

from okr_es.errors import (
    ERROR_CODES,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    OKRError,
    ProviderUnavailable,
    RuleViolation,
    TooManyAttempts,
    Unauthenticated,
)

PROBLEM_JSON = "application/problem+json"
# A handler option (``opt``): the handler documents its own error answers (GraphQL's).
OWN_ERRORS = "documents_own_errors"

# Domain error class → HTTP status; the first matching class wins (subclasses first).
STATUS_OF_ERROR: tuple[tuple[type[OKRError], int], ...] = (
    (Unauthenticated, 401),
    (TooManyAttempts, 429),
    (Forbidden, 403),
    (ProviderUnavailable, 503),
    (InvalidInput, 422),
    (NotFound, 404),
    (Conflict, 409),
    (RuleViolation, 409),  # LimitExceeded is a RuleViolation
)

# Codes for errors the framework raises before a command runs, by status.
CODE_OF_STATUS: dict[int, str] = {
    400: "invalid-input",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    413: "payload-too-large",
    415: "unsupported-media-type",
    429: "too-many-requests",
}

_log = logging.getLogger(__name__)


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    field: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    """A problem details response."""
    known = ERROR_CODES.get(code)
    body: dict[str, Any] = {
        "type": f"urn:okr-es:problem:{code}",
        "title": known[1] if known else HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if field is not None:
        body["field"] = field
    # Details never overwrite the standard members.
    body.update({k: v for k, v in extra.items() if k not in body})
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_of(error: OKRError) -> int:
    for cls, status in STATUS_OF_ERROR:
        if isinstance(error, cls):
            return status
    return 400


def domain_error(request: Request[Any, Any, Any], exc: OKRError) -> Response[dict[str, Any]]:
    status = status_of(exc)
    details = exc.as_dict()
    for key in ("code", "message", "field"):
        details.pop(key, None)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after)}
    return problem(status, exc.code, exc.message, field=exc.field, headers=headers, **details)


def validation_error(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[dict[str, Any]]:
    errors = _framework_errors(exc.extra)
    field = next((e["field"] for e in errors if e.get("field")), None)
    detail = "; ".join(e["message"] for e in errors if e.get("message")) or exc.detail
    return problem(400, "invalid-input", detail, field=field, errors=errors)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    if status >= 500:
        _log.error("HTTP %s on %s %s: %s", status, request.method, request.url.path, exc.detail)
        return problem(status, "internal-error", "the server could not answer this request")
    code = CODE_OF_STATUS.get(status, f"http-{status}")
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 405 and exc.headers:
        headers = {**(headers or {}), **exc.headers}
    return problem(status, code, exc.detail or HTTPStatus(status).phrase, headers=headers)


def store_unavailable(
    request: Request[Any, Any, Any], exc: PersistenceError
) -> Response[dict[str, Any]]:
    _log.error("event store error on %s %s: %s", request.method, request.url.path, exc)
    return problem(503, "store-unavailable", "the event store cannot be reached; try again")


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    # A bug, not bad input: log everything, tell the client nothing about the internals.
    _log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(500, "internal-error", "the server failed to answer this request")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    OKRError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    PersistenceError: store_unavailable,
    Exception: unexpected_error,
}


def _framework_errors(extra: Any) -> list[dict[str, str]]:
    """Litestar's validation messages as ``{"field", "message"}`` pairs, naming the body
    field (``key_results[0].metric``) rather than the handler parameter (``data``)."""
    items = extra if isinstance(extra, list) else [extra] if extra else []
    errors: list[dict[str, str]] = []
    for item in items:
        raw = item if isinstance(item, dict) else {"message": item}
        key = str(raw.get("key") or "")
        message = str(raw.get("message", ""))
        if key == "data":
            # The handler's parameter for the whole body, not a field of it.
            key = ""
            if message == "'data'":
                message = "a JSON object body is required"
        named = _NAMED_FIELD.search(message)
        at = _AT_PATH.search(message)
        if named:  # a field of the object at the path (or of the body itself)
            key = f"{at.group(1)}.{named.group(1)}" if at else named.group(1)
        elif at:
            key = at.group(1)
        errors.append({"field": key, "message": message} if key else {"message": message})
    return errors


_NAMED_FIELD = re.compile(r"(?:unknown|missing required) field `([^`]+)`")
_AT_PATH = re.compile(r"at `\$\.([^`]+)`")


class Problem(msgspec.Struct, kw_only=True):
    """The documented shape of every error answer (extra details may follow)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None


_ERROR_STATUSES: dict[int, str] = {
    400: "Malformed request: not JSON, wrong types, unknown or missing fields",
    401: "No valid access token",
    403: "The token's member may not do this",
    404: "An id is unknown in the token's organisation",
    409: "A rule, a policy limit or a concurrent change refused the command",
    413: "The body is larger than allowed",
    415: "The body is not sent as application/json",
    422: "A value is well-formed but not acceptable (empty, too long, not finite, …)",
    429: "Too many failed authentications from this address: wait Retry-After seconds",
    503: "The event store is unavailable",
}


def document_problems(app: Litestar) -> None:
    """Document every error answer as ``application/problem+json`` with the Problem shape
    (the framework would otherwise document its own error format as application/json),
    and the bearer token on exactly the operations that need one."""
    responses = {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_JSON,
            description=description,
            generate_examples=False,
        )
        for status, description in _ERROR_STATUSES.items()
    }
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not (isinstance(handler, HTTPRouteHandler) and handler.include_in_schema):
                continue
            if handler.opt.get(OWN_ERRORS):
                continue
            authenticated = "principal" in handler.parsed_fn_signature.parameters
            documented = {
                status: spec
                for status, spec in responses.items()
                if authenticated or status not in (401, 403, 429)
            }
            handler.responses = {**documented, **(handler.responses or {})}
            if authenticated and not handler.security:
                # Only commands that act as a member need a token; registering does not.
                handler.security = [{"bearer": []}]
                # The framework caches the resolved requirements at registration.
                handler._resolved_security = Empty
