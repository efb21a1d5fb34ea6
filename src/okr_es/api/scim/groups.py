"""SCIM 2.0 groups (RFC 7643 §4.2, RFC 7644) as a directory such as Microsoft Entra ID sends
them: the resource okr-es answers with, what it takes from a POSTed or PUT group, the
changes a PatchOp asks for (in the shapes Entra ID sends: ``Add``/``Remove``/``Replace``
in any case, members as a list or one object, ``members[value eq "…"]`` paths), and the
filters directories look groups up with. Pure: no store, no HTTP."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from okr_es.api.scim.users import PATCH_SCHEMA, ScimError

GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


class GroupMember(msgspec.Struct, frozen=True):
    """A member of a group as SCIM shows it."""

    id: str
    name: str


class Group(msgspec.Struct, frozen=True):
    """A directory group as SCIM shows it (read from the organisation for the answer)."""

    id: str
    display_name: str
    external_id: str | None
    members: list[GroupMember]


class GroupChanges(msgspec.Struct, frozen=True):
    """What a request changes in a group: None where it did not say. ``members`` is the
    whole new list (POST, PUT, a ``Replace`` of members); ``added`` and ``removed`` are
    changes to the current one."""

    display_name: str | None = None
    external_id: str | None = None
    members: list[str] | None = None
    added: list[str] = msgspec.field(default_factory=list)
    removed: list[str] = msgspec.field(default_factory=list)

    def member_list(self, current: list[str]) -> list[str]:
        """The members after the change, from the ``current`` ones."""
        base = current if self.members is None else self.members
        kept = [m for m in [*base, *self.added] if m not in self.removed]
        return list(dict.fromkeys(kept))


def group_resource(group: Group, location: str, users: str, *, members: bool = True
                   ) -> dict[str, Any]:
    """The group's SCIM resource; ``users`` is the Users endpoint's path, for ``$ref``."""
    resource: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA],
        "id": group.id,
        "displayName": group.display_name,
        "meta": {"resourceType": "Group", "location": location},
    }
    if group.external_id is not None:
        resource["externalId"] = group.external_id
    if members:
        resource["members"] = [
            {"value": m.id, "$ref": f"{users}/{m.id}", "display": m.name, "type": "User"}
            for m in group.members
        ]
    return resource


def fields_of_group(resource: Any) -> GroupChanges:
    """The fields of a POSTed or PUT group; displayName is required."""
    if not isinstance(resource, dict):
        raise ScimError(400, "invalidSyntax", "the body must be a SCIM Group object")
    name = _text(resource.get("displayName"), "displayName")
    if not name or not name.strip():
        raise ScimError(400, "invalidValue", "displayName is required")
    return GroupChanges(
        display_name=name,
        external_id=_text(resource.get("externalId"), "externalId"),
        members=_member_values(resource.get("members", [])),
    )


def changes_of_patch(body: Any) -> GroupChanges:
    """The changes a PatchOp asks of a group. Attributes okr-es does not keep are
    refused (``invalidPath``): a group has a name, a directory id and members."""
    if not isinstance(body, dict) or PATCH_SCHEMA not in (body.get("schemas") or []):
        raise ScimError(400, "invalidSyntax", f"the body must be a {PATCH_SCHEMA}")
    operations = body.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "invalidSyntax", "Operations must be a non-empty list")
    changes: dict[str, Any] = {"added": [], "removed": []}
    for operation in operations:
        if not isinstance(operation, dict):
            raise ScimError(400, "invalidSyntax", "each operation must be an object")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise ScimError(400, "invalidSyntax", f"unknown op {operation.get('op')!r}")
        path, value = operation.get("path"), operation.get("value")
        if path is not None and not isinstance(path, str):
            raise ScimError(400, "invalidPath", "path must be text")
        if op == "remove":
            _remove(path, value, changes)
        elif path is None:
            if not isinstance(value, dict):
                raise ScimError(400, "invalidValue", "an operation without a path needs an object")
            for key, item in value.items():
                _set(op, key, item, changes)
        else:
            _set(op, path, value, changes)
    return GroupChanges(**changes)


_FILTER = re.compile(r'^\s*(\w+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)
_FILTER_ATTRIBUTES = {"displayname": "display_name", "externalid": "external_id", "id": "id"}


def parse_group_filter(text: str) -> tuple[str, str]:
    """``displayName eq "x"`` → ("display_name", "x"): the forms directories look a group
    up with before they create it. Anything else is answered with ``invalidFilter``."""
    match = _FILTER.match(text)
    attribute = None if match is None else _FILTER_ATTRIBUTES.get(match[1].lower())
    if match is None or attribute is None:
        raise ScimError(400, "invalidFilter",
                        'only attribute eq "value" on displayName, externalId or id')
    return attribute, re.sub(r"\\(.)", r"\1", match[2])


# --- helpers ---------------------------------------------------------------------------

_MEMBER_PATH = re.compile(r'^\s*members\s*\[\s*value\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\]\s*$',
                          re.IGNORECASE)


def _remove(path: str | None, value: Any, changes: dict[str, Any]) -> None:
    if path is None:
        raise ScimError(400, "noTarget", "a remove needs a path")
    key = path.strip().lower()
    selected = _MEMBER_PATH.match(path)
    if selected is not None:
        changes["removed"].append(re.sub(r"\\(.)", r"\1", selected[1]))
    elif key == "members" and value is None:
        changes["members"], changes["added"], changes["removed"] = [], [], []
    elif key == "members":
        changes["removed"] += _member_values(value)
    elif key in ("displayname", "externalid"):
        raise ScimError(400, "mutability", f"{path} cannot be removed")
    else:
        raise ScimError(400, "invalidPath", f"a group has no attribute {path}")


def _set(op: str, path: str, value: Any, changes: dict[str, Any]) -> None:
    key = path.strip().lower()
    if key == "displayname":
        name = _text(value, "displayName")
        if not name or not name.strip():
            raise ScimError(400, "invalidValue", "displayName must not be empty")
        changes["display_name"] = name
    elif key == "externalid":
        changes["external_id"] = _text(value, "externalId")
    elif key == "members" and op == "add":
        changes["added"] += _member_values(value)
    elif key == "members":
        changes["members"] = _member_values(value)
        changes["added"], changes["removed"] = [], []
    else:
        raise ScimError(400, "invalidPath", f"a group has no attribute {path}")


def _member_values(value: Any) -> list[str]:
    """Member ids from ``[{"value": id}, …]`` or one ``{"value": id}`` (Entra ID sends
    both)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise ScimError(400, "invalidValue", 'members must be objects like {"value": id}')
        found.append(item["value"])
    return found


def _text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ScimError(400, "invalidValue", f"{field} must be a string")
    return value
