"""What an access token's scope lets it do over HTTP, decided for every route in one place.

``read`` reads (GET, and every GraphQL query); ``check-in`` also checks in (the check-in
commands of key results and meetings); ``admin`` does all its member may. SCIM provisions
people, so it needs ``admin`` even to read. A route may name its scope itself in its
``opt`` (``opt={"scope": "check-in"}``).
"""

from __future__ import annotations

from typing import Any

from litestar.handlers.base import BaseRouteHandler

from okr_es.access_tokens import Principal
from okr_es.errors import Forbidden

SCOPE_OPTION = "scope"
# The commands a check-in integration (a form, a bot, a spreadsheet) sends.
CHECK_IN_HANDLERS = frozenset({"check_in", "check_in_at_meeting"})
_ADMIN_PATHS = ("/scim/",)
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def required_scope(handler: BaseRouteHandler, method: str, path: str) -> str:
    explicit: Any = handler.opt.get(SCOPE_OPTION)
    if isinstance(explicit, str):
        return explicit
    if path.startswith(_ADMIN_PATHS):
        return "admin"
    if method.upper() in _READ_METHODS:
        return "read"
    if handler.handler_name in CHECK_IN_HANDLERS:
        return "check-in"
    return "admin"


def require_scope(principal: Principal, handler: BaseRouteHandler, method: str, path: str) -> None:
    """Forbidden (403, code ``missing-scope``) unless the principal's scope covers the route."""
    needed = required_scope(handler, method, path)
    if not principal.allows(needed):
        raise Forbidden(
            f"this access token's scope is {principal.scope}; this request needs scope "
            f"{needed}",
            code="missing-scope",
            scope=needed,
            token_scope=principal.scope,
        )
