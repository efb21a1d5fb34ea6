"""What every SCIM route shares: where SCIM lives, its media type, the organisation a
token may provision, and reading and answering JSON."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response
from litestar.params import RawBody

from okr_es.aggregates.organization import Organization
from okr_es.api import access
from okr_es.api.scim.users import ScimError
from okr_es.application import OKRApplication

SCIM_PATH = "/scim/v2"
MEDIA_TYPE = "application/scim+json"
MAX_PAGE = 200


def organization_of(okr: OKRApplication, principal: Any) -> Organization:
    """The token's organisation, which only an admin's token provisions."""
    access.administer(okr, principal, principal.organization_id)
    return okr.read_aggregate(Organization, principal.organization_id)


def decoded(body: RawBody) -> Any:
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError:
        raise ScimError(400, "invalidSyntax", "the body is not JSON") from None


def answer(content: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(content, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def page(start_index: int, count: int) -> tuple[int, int]:
    """The first index (1-based) and size of a page, as SCIM's startIndex and count ask."""
    return max(1, start_index), max(0, min(count, MAX_PAGE))
