"""The event catalogue: every stored event with its fields, generated from the code.

``python -m okr_es.catalogue > docs/events.md`` rewrites the documentation; a test keeps
the checked-in file equal to what the code says.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import typing
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from eventsourcing.utils import get_topic

from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.chat_link import ChatLink
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.import_mapping import ImportMapping
from okr_es.aggregates.initiative import Initiative
from okr_es.aggregates.kpi import Kpi
from okr_es.aggregates.meeting import Meeting
from okr_es.aggregates.objective import Objective
from okr_es.aggregates.organization import Organization
from okr_es.aggregates.reminders import Reminder, ReminderSettings
from okr_es.aggregates.saved_view import SavedView
from okr_es.aggregates.team_cycle import TeamCycle
from okr_es.aggregates.webhook import Webhook

if TYPE_CHECKING:
    from okr_es.api.reference import Route

AGGREGATES: tuple[type[OKRAggregate], ...] = (
    Organization,
    Cycle,
    TeamCycle,
    Objective,
    Initiative,
    Kpi,
    SavedView,
    Meeting,
    ReminderSettings,
    Reminder,
    Webhook,
    ChatLink,
    ImportMapping,
)
_COMMON = ("originator_id", "originator_version", "timestamp", "originator_topic", "by")


def event_classes(aggregate: type[OKRAggregate]) -> Iterator[type[OKRAggregate.Event]]:
    """The aggregate's own events, in the order they are declared."""
    for name, value in vars(aggregate).items():
        if (
            inspect.isclass(value)
            and issubclass(value, OKRAggregate.Event)
            and name not in ("Event", "Created")
            and value.__qualname__.startswith(aggregate.__name__ + ".")
        ):
            yield value


def render() -> str:
    lines = [
        "# Event catalogue",
        "",
        "Every change in okr-es is one of these events, stored in the event log in the order",
        "it was committed. Events are never changed or deleted; a newer version of an event is",
        "read through an upcaster (`class_version`). This file is generated from the code",
        "(`python -m okr_es.catalogue > docs/events.md`) and checked by the tests.",
        "",
        "Every event also carries:",
        "",
        "| field | type | meaning |",
        "|---|---|---|",
        "| `originator_id` | UUID | the aggregate the event belongs to |",
        "| `originator_version` | int | the aggregate's version after the event (1, 2, …) |",
        "| `timestamp` | datetime | when it was recorded (UTC) |",
        "| `by` | UUID | the member who caused it |",
        "",
        "Business time, where it differs from recorded time, is an explicit field",
        "(`effective_at`, `checked_in_at`, `measured_at`); empty means the recorded time.",
        "The JSON form of each event is its fields as plain JSON (UUIDs and dates as text).",
        "",
    ]
    for aggregate in AGGREGATES:
        lines += [f"## {aggregate.__name__}", "", (inspect.getdoc(aggregate) or "").strip(), ""]
        for event in event_classes(aggregate):
            hints = typing.get_type_hints(event)
            version = getattr(event, "class_version", 1)
            title = f"### {event.__name__}" + (f" (version {version})" if version > 1 else "")
            lines += [
                title,
                "",
                event_doc(event),
                "",
                f"Topic: `{get_topic(event)}`",
                "",
                "| field | type |",
                "|---|---|",
            ]
            for field in dataclasses.fields(event):
                if field.name in _COMMON:
                    continue
                lines.append(f"| `{field.name}` | {_type_name(hints[field.name])} |")
            lines.append("")
    return "\n".join(lines)


def event_doc(event: type) -> str:
    # Aggregate classes re-derive their event classes, and dataclasses give docless
    # classes their signature as docstring: take the first real one up the hierarchy.
    for cls in event.__mro__:
        doc = cls.__dict__.get("__doc__")
        if doc and not doc.startswith(cls.__name__ + "("):
            return inspect.cleandoc(doc)
    return ""


def _type_name(annotation: object) -> str:
    text = getattr(annotation, "__name__", None) if not typing.get_args(annotation) else None
    if text is None:
        text = str(annotation).replace("typing.", "").replace("uuid.", "")
        text = text.replace("datetime.", "")
    return text.replace("NoneType", "None").replace("|", "\\|")


def render_commands() -> str:
    """The command reference: every OKRApplication command, its arguments and errors."""
    from okr_es.api.reference import EXAMPLES, command_routes
    from okr_es.application import OKRApplication
    from okr_es.errors import ERROR_CODES

    routes = command_routes()

    lines = [
        "# Command reference",
        "",
        "Every change goes through one `OKRApplication` command: plain values in, a",
        "`CommandResult` out (`position`: the log position of the last event written; `ids`:",
        "ids of what was created; `warnings`: policy limits crossed in mode `warn`). The CLI,",
        "the importers and the HTTP API call these and nothing else. `by` is always the",
        "acting member's id; ids may be given as UUIDs or their text form; dates as ISO 8601",
        "(a date alone is its midnight UTC; over HTTP, date-times are RFC 3339 strings).",
        "A refused command raises an `OKRError` with a stable `code` and writes nothing.",
        "This file is generated (`python -m okr_es.catalogue commands > docs/commands.md`).",
        "",
        "Over HTTP each command is a `POST` under `/api/v1` with a JSON body",
        "(`Content-Type: application/json`) and, for all but `register_organization`, an",
        "`Authorization: Bearer <token>` header; `by` is the token's member. Ids in braces",
        "(`{objective_id}`) stand for real ids, in the path and in the example bodies. A",
        'success answers `{"position", "ids", "warnings"}` (and `token` when one was',
        "issued) with the position again in the `X-OKR-Position` header; a refusal is an",
        "RFC 9457 problem (`application/problem+json`) with the `code` below. The full",
        "description is served as OpenAPI at `/schema/openapi.json`.",
        "",
        "## Commands",
        "",
    ]
    for name in COMMANDS:
        method = getattr(OKRApplication, name)
        params = [p for p in inspect.signature(method).parameters.values() if p.name != "self"]
        required = [p.name for p in params if p.default is inspect.Parameter.empty]
        optional = [p.name for p in params if p.default is not inspect.Parameter.empty]
        lines += [f"### `{name}`", "", inspect.getdoc(method) or "", ""]
        lines.append("Required: " + ", ".join(f"`{n}`" for n in required))
        if optional:
            lines.append("Optional: " + ", ".join(f"`{n}`" for n in optional))
        lines += ["", *_http(routes[name], EXAMPLES[name])]
    lines += [
        "## Directory provisioning",
        "",
        "These commands are what SCIM 2.0 (`/scim/v2/Users` and `/scim/v2/Groups`, see",
        "docs/auth.md) calls when a directory such as Entra ID creates or updates a person or",
        "a group; they are not under `/api/v1`.",
        "",
    ]
    for name in DIRECTORY_COMMANDS:
        method = getattr(OKRApplication, name)
        lines += [f"### `{name}`", "", inspect.getdoc(method) or "", ""]
    lines += [
        "## Error codes",
        "",
        "| code | class | HTTP | meaning |",
        "|---|---|---|---|",
    ]
    http = {
        "InvalidInput": 422,
        "NotFound": 404,
        "Conflict": 409,
        "RuleViolation": 409,
        "LimitExceeded": 409,
        "Unauthenticated": 401,
        "TooManyAttempts": 429,
        "Forbidden": 403,
        "ProviderUnavailable": 503,
    }
    for code, (cls, meaning) in ERROR_CODES.items():
        lines.append(f"| `{code}` | {cls.__name__} | {http[cls.__name__]} | {meaning} |")
    return "\n".join(lines)


def _http(route: Route, body: dict[str, Any] | None) -> list[str]:
    """How the command is sent over HTTP: method, path, success status, example body."""
    line = f"HTTP: `{route.method} {route.path}` answers {route.status}"
    if body is None:
        return [line + ", with no body.", ""]
    example = json.dumps(body, indent=2, ensure_ascii=False)
    return [line + "; for example:", "", "```json", example, "```", ""]


# Commands a directory drives through SCIM (``api/scim``), not the command API.
DIRECTORY_COMMANDS = (
    "provision_member",
    "update_provisioned_member",
    "create_directory_group",
    "update_directory_group",
    "delete_directory_group",
)

COMMANDS = (
    "register_organization",
    "add_unit",
    "rename_unit",
    "move_unit",
    "archive_unit",
    "add_member",
    "rename_member",
    "change_member_email",
    "deactivate_member",
    "reactivate_member",
    "erase_member",
    "set_privacy_policy",
    "link_sign_in",
    "unlink_sign_in",
    "transfer_ownership",
    "grant_role",
    "revoke_role",
    "map_directory_group",
    "unmap_directory_group",
    "change_policy",
    "issue_token",
    "revoke_token",
    "define_cycle",
    "rename_cycle",
    "set_objective",
    "reword_objective",
    "change_owner",
    "align_objective",
    "add_key_result",
    "adjust_key_result",
    "remove_key_result",
    "weight_key_result",
    "change_roll_up_mode",
    "check_in",
    "drop_objective",
    "close_objective",
    "reopen_objective",
    "record_reflection",
    "close_team_cycle",
    "start_initiative",
    "link_initiative",
    "change_initiative_due_date",
    "record_initiative_progress",
    "complete_initiative",
    "stop_initiative",
    "define_kpi",
    "measure_kpi",
    "change_kpi_corridor",
    "retire_kpi",
    "graduate_key_result",
    "import_objectives",
    "set_review_policy",
    "set_lint_policy",
    "create_saved_view",
    "rename_saved_view",
    "change_saved_view_filter",
    "delete_saved_view",
    "open_meeting",
    "share_good_news",
    "record_decision",
    "agree_priority",
    "complete_priority",
    "raise_blocker",
    "resolve_blocker",
    "check_in_at_meeting",
    "close_meeting",
    "set_reminder_default",
    "set_unit_reminder_policy",
    "clear_unit_reminder_policy",
    "import_cycle",
    "subscribe_webhook",
    "pause_webhook",
    "resume_webhook",
    "redrive_webhook",
    "remove_webhook",
    "link_slack_user",
    "unlink_slack_user",
)


if __name__ == "__main__":
    import sys

    print(render_commands() if sys.argv[1:] == ["commands"] else render())
