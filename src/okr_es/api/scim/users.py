"""SCIM 2.0 users (RFC 7643/7644) as a directory such as Microsoft Entra ID sends them: the
resource okr-es answers with, the fields it takes from a resource or a PATCH, and the one
filter form directories use (``attribute eq "value"``). Pure: no store, no HTTP."""

from __future__ import annotations

import re
from typing import Any

import msgspec

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


class ScimError(Exception):
    """A SCIM error answer: HTTP status, ``scimType`` (RFC 7644 §3.12) and a detail."""

    def __init__(self, status: int, scim_type: str | None, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.scim_type = scim_type
        self.detail = detail

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "schemas": [ERROR_SCHEMA], "status": str(self.status), "detail": self.detail,
        }
        if self.scim_type is not None:
            body["scimType"] = self.scim_type
        return body


class UserFields(msgspec.Struct, frozen=True):
    """What okr-es keeps of a SCIM user: None where the request did not say."""

    name: str | None = None
    email: str | None = None
    user_name: str | None = None
    external_id: str | None = None
    active: bool | None = None


class Member(msgspec.Struct, frozen=True):
    """A member as SCIM shows it (the organisation's member, read for the answer)."""

    id: str
    name: str
    email: str
    active: bool
    user_name: str | None
    external_id: str | None

    @property
    def scim_user_name(self) -> str:
        return self.user_name or self.email


def user_resource(member: Member, location: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": member.id,
        "userName": member.scim_user_name,
        "displayName": member.name,
        "name": {"formatted": member.name},
        "emails": [{"value": member.email, "type": "work", "primary": True}],
        "active": member.active,
        "meta": {"resourceType": "User", "location": location},
    }
    if member.external_id is not None:
        resource["externalId"] = member.external_id
    return resource


def list_response(resources: list[dict[str, Any]], start: int, total: int) -> dict[str, Any]:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def fields_of_resource(resource: Any) -> UserFields:
    """The fields of a POSTed or PUT user; userName is required."""
    if not isinstance(resource, dict):
        raise ScimError(400, "invalidSyntax", "the body must be a SCIM User object")
    user_name = _text(resource.get("userName"), "userName")
    if user_name is None:
        raise ScimError(400, "invalidValue", "userName is required")
    email = _work_email(resource.get("emails")) or user_name
    name = (
        _text(resource.get("displayName"), "displayName")
        or _name_of(resource.get("name"), None)
        or user_name
    )
    active = resource.get("active", True)
    return UserFields(
        name=name,
        email=email,
        user_name=user_name,
        external_id=_text(resource.get("externalId"), "externalId"),
        active=_boolean(active, "active"),
    )


def fields_of_patch(body: Any, current_name: str) -> UserFields:
    """The fields a PatchOp changes. Attributes okr-es does not keep (title, phone
    numbers, the enterprise extension, …) are accepted and left alone, as directories
    send whatever their attribute mapping holds."""
    if not isinstance(body, dict) or PATCH_SCHEMA not in (body.get("schemas") or []):
        raise ScimError(400, "invalidSyntax", f"the body must be a {PATCH_SCHEMA}")
    operations = body.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "invalidSyntax", "Operations must be a non-empty list")
    changes: dict[str, Any] = {}
    names: dict[str, str] = {}
    for operation in operations:
        if not isinstance(operation, dict):
            raise ScimError(400, "invalidSyntax", "each operation must be an object")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise ScimError(400, "invalidSyntax", f"unknown op {operation.get('op')!r}")
        path, value = operation.get("path"), operation.get("value")
        if op == "remove":
            if isinstance(path, str) and path.strip().lower() == "externalid":
                raise ScimError(400, "mutability", "externalId cannot be removed")
            continue  # nothing okr-es keeps can be removed: a member always has a name
        if path is None:
            if not isinstance(value, dict):
                raise ScimError(400, "invalidValue", "an operation without a path needs an object")
            for key, item in value.items():
                _assign(key, item, changes, names)
        elif isinstance(path, str):
            _assign(path, value, changes, names)
        else:
            raise ScimError(400, "invalidPath", "path must be text")
    if names:
        changes["name"] = _name_of(names, current_name)
    return UserFields(**changes)


_FILTER = re.compile(r'^\s*([A-Za-z.\[\]" ]+?)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)
_FILTER_ATTRIBUTES = {
    "username": "user_name",
    "externalid": "external_id",
    "id": "id",
    "emails.value": "email",
    'emails[type eq "work"].value': "email",
}


def parse_filter(text: str) -> tuple[str, str]:
    """``userName eq "x"`` → ("email", "x"): the one form directories send to find a user
    before they create it. Anything else is answered with ``invalidFilter``."""
    match = _FILTER.match(text)
    attribute = None if match is None else _FILTER_ATTRIBUTES.get(match[1].strip().lower())
    if match is None or attribute is None:
        raise ScimError(400, "invalidFilter",
                        'only attribute eq "value" on userName, externalId, id or emails')
    return attribute, re.sub(r"\\(.)", r"\1", match[2])


# --- helpers ---------------------------------------------------------------------------


def _assign(path: str, value: Any, changes: dict[str, Any], names: dict[str, str]) -> None:
    key = path.strip().lower()
    if key == "active":
        changes["active"] = _boolean(value, "active")
    elif key == "username":
        changes["user_name"] = _text(value, "userName")
    elif key == "externalid":
        changes["external_id"] = _text(value, "externalId")
    elif key == "displayname":
        names["displayName"] = _text(value, "displayName") or ""
    elif key in ('emails[type eq "work"].value', "emails"):
        email = _text(value, "emails") if key != "emails" else _work_email(value)
        if email is not None:
            changes["email"] = email
    elif key == "name" and isinstance(value, dict):
        for part in ("givenName", "familyName", "formatted"):
            if part in value:
                names[part] = _text(value[part], f"name.{part}") or ""
    elif key in ("name.givenname", "name.familyname", "name.formatted"):
        part = {"name.givenname": "givenName", "name.familyname": "familyName",
                "name.formatted": "formatted"}[key]
        names[part] = _text(value, path) or ""


def _name_of(name: Any, current: str | None) -> str | None:
    """A display name from SCIM's name parts; a given or family name alone replaces that
    part of the current name (okr-es keeps one name, as people are shown)."""
    if not isinstance(name, dict):
        return None
    for whole in ("displayName", "formatted"):
        if name.get(whole):
            return str(name[whole]).strip()
    given, family = name.get("givenName"), name.get("familyName")
    if not given and not family:
        return None
    words = (current or "").split()
    if not given:
        given = " ".join(words[:1])
    if not family:
        family = " ".join(words[1:])
    return f"{given} {family}".strip() or None


def _work_email(emails: Any) -> str | None:
    if not isinstance(emails, list):
        return None
    found = [e for e in emails if isinstance(e, dict) and isinstance(e.get("value"), str)]
    for wanted in (lambda e: e.get("primary") is True, lambda e: e.get("type") == "work",
                   lambda e: True):
        for entry in found:
            if wanted(entry):
                return str(entry["value"])
    return None


def _text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ScimError(400, "invalidValue", f"{field} must be a string")
    return value


def _boolean(value: Any, field: str) -> bool:
    # Entra ID has sent "True"/"False" as strings in PATCH operations.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ScimError(400, "invalidValue", f"{field} must be true or false")
