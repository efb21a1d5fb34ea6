"""``/scim/v2``: SCIM 2.0 provisioning of members from a directory (Microsoft Entra ID and
other SCIM clients). Users: create, read, list with ``filter``, replace, patch and delete
(a member is never deleted: DELETE deactivates, as a leaver's history stays). Groups: see
:mod:`okr_es.api.scim.group_routes`.

The token is an admin's access token of the organisation (a service account). Users are
read from the organisation itself, not a read model: a directory reads a user right after
writing it, and must see its own write.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, Router, delete, get, patch, post, put
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery, RawBody
from litestar.types import ExceptionHandlersMap

from okr_es.aggregates.organization import Organization
from okr_es.api.dependencies import Actor, Okr
from okr_es.api.scim.exchange import (
    MAX_PAGE,
    MEDIA_TYPE,
    SCIM_PATH,
    answer,
    decoded,
    organization_of,
    page,
)
from okr_es.api.scim.group_routes import GROUP_ROUTES
from okr_es.api.scim.users import (
    Member,
    ScimError,
    UserFields,
    fields_of_patch,
    fields_of_resource,
    list_response,
    parse_filter,
    user_resource,
)
from okr_es.application import OKRApplication
from okr_es.errors import Conflict, Forbidden, NotFound, OKRError, RuleViolation, Unauthenticated

__all__ = ["MEDIA_TYPE", "SCIM_EXCEPTION_HANDLERS", "SCIM_PATH", "scim_router"]

# Refusals that are about what the directory sent, not about a resource it asked for.
_UNIQUENESS = frozenset({"duplicate-member", "duplicate-group"})


@get("/Users", sync_to_thread=True)
def list_users(
    okr: Okr,
    principal: Actor,
    filter: FromQuery[str | None] = None,
    startIndex: FromQuery[int] = 1,
    count: FromQuery[int] = 100,
) -> Response[Any]:
    org = organization_of(okr, principal)
    # An erased member is nobody the directory can look up any more.
    members = [_member(m) for m in org.members.values() if not m.erased]
    if filter is not None:
        attribute, value = parse_filter(filter)
        # userName and e-mail addresses compare without case, as directories treat them.
        folded = attribute in ("email", "user_name")
        wanted = value.lower() if folded else value
        members = [m for m in members
                   if ((_value(m, attribute) or "").lower() if folded else _value(m, attribute))
                   == wanted]
    start, size = page(startIndex, count)
    shown = members[start - 1 : start - 1 + size]
    return answer(list_response([_resource(m) for m in shown], start, len(members)))


@post("/Users", sync_to_thread=True, status_code=201)
def create_user(okr: Okr, principal: Actor, body: RawBody) -> Response[Any]:
    org = organization_of(okr, principal)
    fields = fields_of_resource(decoded(body))
    result = okr.provision_member(
        organization_id=org.id, name=fields.name, email=fields.email,
        user_name=fields.user_name, external_id=fields.external_id, active=fields.active,
        by=principal.member_id,
    )
    created = okr.read_aggregate(Organization, org.id).members[result.ids["member_id"]]
    return answer(_resource(_member(created)), 201)


@get("/Users/{member_id:str}", sync_to_thread=True)
def get_user(okr: Okr, principal: Actor, member_id: FromPath[str]) -> Response[Any]:
    return answer(_resource(_member_of(organization_of(okr, principal), member_id)))


@put("/Users/{member_id:str}", sync_to_thread=True)
def replace_user(
    okr: Okr, principal: Actor, member_id: FromPath[str], body: RawBody
) -> Response[Any]:
    fields = fields_of_resource(decoded(body))
    return _updated(okr, principal, member_id, fields)


@patch("/Users/{member_id:str}", sync_to_thread=True)
def patch_user(
    okr: Okr, principal: Actor, member_id: FromPath[str], body: RawBody
) -> Response[Any]:
    current = _member_of(organization_of(okr, principal), member_id)
    fields = fields_of_patch(decoded(body), current.name)
    return _updated(okr, principal, member_id, fields)


@delete("/Users/{member_id:str}", sync_to_thread=True, status_code=204)
def delete_user(okr: Okr, principal: Actor, member_id: FromPath[str]) -> None:
    org = organization_of(okr, principal)
    member = _member_of(org, member_id)
    if member.active:
        okr.deactivate_member(organization_id=org.id, member_id=member.id,
                              reason="removed in the directory", by=principal.member_id)


@get("/ServiceProviderConfig", sync_to_thread=False)
def service_provider_config() -> Response[Any]:
    unsupported = {"supported": False}
    return answer({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": True},
        "bulk": {**unsupported, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_PAGE},
        "changePassword": unsupported,
        "sort": unsupported,
        "etag": unsupported,
        "authenticationSchemes": [{
            "type": "oauthbearertoken", "name": "Bearer token",
            "description": "An admin's okr-es access token: okr_<token id>_<secret>",
        }],
    })


# --- errors ------------------------------------------------------------------------------


def _scim_error(_: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    if isinstance(error, ScimError):
        scim = error
    elif isinstance(error, Unauthenticated):
        scim = ScimError(401, None, str(error))
    elif isinstance(error, Forbidden):
        scim = ScimError(403, None, str(error))
    elif isinstance(error, NotFound) and error.field == "members":
        # A member the request names: the request is at fault, not the resource asked for.
        scim = ScimError(400, "invalidValue", str(error))
    elif isinstance(error, NotFound):
        scim = ScimError(404, None, str(error))
    elif isinstance(error, Conflict):
        scim = ScimError(409, None, str(error))
    elif isinstance(error, RuleViolation) and error.code in _UNIQUENESS:
        scim = ScimError(409, "uniqueness", str(error))
    elif isinstance(error, OKRError):
        scim = ScimError(400, "invalidValue", f"{error.code}: {error}")
    elif isinstance(error, HTTPException):
        scim = ScimError(error.status_code, None, error.detail)
    else:
        raise error
    return Response(scim.body(), status_code=scim.status, media_type=MEDIA_TYPE)


SCIM_EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ScimError: _scim_error,
    OKRError: _scim_error,
    HTTPException: _scim_error,
}


def scim_router() -> Router:
    return Router(
        path=SCIM_PATH,
        route_handlers=[list_users, create_user, get_user, replace_user, patch_user,
                        delete_user, service_provider_config, *GROUP_ROUTES],
        exception_handlers=SCIM_EXCEPTION_HANDLERS,
        tags=["scim"],
        include_in_schema=False,
    )


# --- helpers -----------------------------------------------------------------------------


def _updated(okr: OKRApplication, principal: Any, member_id: str,
             fields: UserFields) -> Response[Any]:
    org = organization_of(okr, principal)
    member = _member_of(org, member_id)
    okr.update_provisioned_member(
        organization_id=org.id, member_id=member.id, name=fields.name, email=fields.email,
        user_name=fields.user_name, external_id=fields.external_id, active=fields.active,
        by=principal.member_id,
    )
    return answer(_resource(_member_of(okr.read_aggregate(Organization, org.id), member_id)))


def _member_of(org: Organization, member_id: str) -> Member:
    try:
        return _member(org.members[UUID(member_id)])
    except (ValueError, KeyError):
        raise ScimError(404, None, f"no user {member_id}") from None


def _member(member: Any) -> Member:
    return Member(id=str(member.id), name=member.name, email=member.email,
                  active=member.active, user_name=member.user_name,
                  external_id=member.external_id)


def _resource(member: Member) -> dict[str, Any]:
    return user_resource(member, f"{SCIM_PATH}/Users/{member.id}")


def _value(member: Member, attribute: str) -> str | None:
    return {"email": member.email, "user_name": member.scim_user_name,
            "external_id": member.external_id, "id": member.id}[attribute]


