"""Each command as a client sends it over HTTP: its route, its success status and an
example body, for the command reference (docs/commands.md).

Ids in the examples are named in braces, like the route's path parameters: a client puts
the real ids there. The tests send every example, with real ids, to a running server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from litestar import Router
from litestar.handlers import HTTPRouteHandler

from okr_es.api.app import API_PREFIX
from okr_es.api.commands import COMMAND_HANDLERS


@dataclass(frozen=True)
class Route:
    """Where a command is sent and what a success answers."""

    method: str
    path: str
    status: int


def command_routes(prefix: str = API_PREFIX) -> dict[str, Route]:
    """Every command handler by name (the OKRApplication command it calls), with its path
    parameters written ``{name}``."""
    router = Router(path=prefix, route_handlers=list(COMMAND_HANDLERS))
    found: dict[str, Route] = {}
    for route in router.routes:
        for handler in getattr(route, "route_handlers", ()):
            if isinstance(handler, HTTPRouteHandler) and handler.include_in_schema:
                (method,) = handler.http_methods
                path = _PARAMETER.sub(r"{\1}", route.path)
                found[handler.handler_name] = Route(method, path, handler.status_code)
    return found


_PARAMETER = re.compile(r"\{(\w+):\w+\}")

KEY_RESULTS = [
    {"title": "Median answer time", "metric": "decrease", "start": 12, "target": 4, "unit": "days"},
    {
        "title": "Self-service share",
        "metric": "increase",
        "start": 40,
        "target": 70,
        "unit": "percent",
    },
]

# Example bodies by command (None: the command takes no body). Most fields with a default
# are left out; a few show what is possible.
EXAMPLES: dict[str, dict[str, Any] | None] = {
    "register_organization": {
        "name": "Fjordby kommune",
        "admin_name": "Kari Nordmann",
        "admin_email": "kari@fjordby.no",
        "token_label": "setup",
    },
    "add_unit": {"name": "Team Data", "kind": "team", "parent_id": "{parent_id}"},
    "rename_unit": {"name": "Team Data and Analysis"},
    "move_unit": {"parent_id": "{parent_id}"},
    "archive_unit": {"reason": "merged into Team Data"},
    "add_member": {"name": "Ola Nordmann", "email": "ola@fjordby.no"},
    "rename_member": {"name": "Ola Nordmann Berg"},
    "change_member_email": {"email": "ola.berg@fjordby.no"},
    "deactivate_member": {"reason": "left the municipality"},
    "reactivate_member": None,
    "erase_member": None,
    "set_privacy_policy": {"seal_free_text": True},
    "transfer_ownership": {"to_member_id": "{to_member_id}"},
    "grant_role": {"role": "lead", "unit_id": "{unit_id}"},
    "revoke_role": {"role": "lead", "unit_id": "{unit_id}"},
    "map_directory_group": {"group": "OKR Team Data", "role": "member", "unit_id": "{unit_id}"},
    "unmap_directory_group": {"group": "OKR Team Data"},
    "change_policy": {"max_objectives": 4, "warn_key_results_above": 4, "mode": "warn"},
    "issue_token": {"label": "check-in form", "scope": "check-in"},
    "link_sign_in": {"issuer": "https://idporten.no", "subject": "4oJ8aZ3x-pairwise-id"},
    "unlink_sign_in": {"issuer": "https://idporten.no", "subject": "4oJ8aZ3x-pairwise-id"},
    "revoke_token": None,
    "define_cycle": {
        "label": "2027 Q1",
        "kind": "quarter",
        "start": "2027-01-01",
        "end": "2027-03-31",
    },
    "rename_cycle": {"label": "Q1 2027"},
    "set_objective": {
        "organization_id": "{organization_id}",
        "unit_id": "{unit_id}",
        "cycle_id": "{cycle_id}",
        "title": "Residents get answers without waiting",
        "why": "Long waits are the top complaint in the resident survey",
        "owner_id": "{owner_id}",
        "key_results": KEY_RESULTS,
    },
    "reword_objective": {"title": "Residents get answers the same week"},
    "change_owner": {"owner_id": "{owner_id}"},
    "align_objective": {"parent_objective_id": "{parent_objective_id}"},
    "add_key_result": {
        "title": "Cases closed at first contact",
        "metric": "increase",
        "start": 30,
        "target": 60,
        "unit": "percent",
    },
    "adjust_key_result": {"reason": "the baseline was measured again", "start": 35},
    "remove_key_result": {"reason": "measured elsewhere already"},
    "weight_key_result": {"weight": 2},
    "change_roll_up_mode": {"mode": "key_results_and_children"},
    "check_in": {
        "value": 9,
        "status": "green",
        "comment": "the new form is live",
        "checked_in_at": "2027-01-15T09:00:00Z",
    },
    "drop_objective": {"reason": "the service moves to the county"},
    "close_objective": {"note": "most residents now get an answer within a week"},
    "reopen_objective": {"reason": "closed by mistake"},
    "record_reflection": {
        "keep_doing": "weekly check-ins",
        "stop_doing": "key results that are tasks",
        "start_doing": "measuring before we set targets",
        "learnings": "the form mattered more than the staffing",
    },
    "close_team_cycle": {"note": "reviewed with the department"},
    "start_initiative": {
        "organization_id": "{organization_id}",
        "unit_id": "{unit_id}",
        "title": "A new self-service form",
        "owner_id": "{owner_id}",
        "key_results": [{"objective_id": "{objective_id}", "key_result_id": "{key_result_id}"}],
        "due_on": "2026-03-31",
    },
    "link_initiative": {"objective_id": "{objective_id}", "key_result_id": "{key_result_id}"},
    "change_initiative_due_date": {"due_on": "2026-04-30"},
    "record_initiative_progress": {"percent_complete": 50, "note": "the form is in testing"},
    "complete_initiative": {"note": "live since January"},
    "stop_initiative": {"reason": "replaced by the national solution"},
    "define_kpi": {
        "organization_id": "{organization_id}",
        "unit_id": "{unit_id}",
        "name": "Median answer time",
        "unit": "days",
        "upper": 5,
    },
    "measure_kpi": {"value": 4, "measured_at": "2027-02-01T08:00:00Z"},
    "change_kpi_corridor": {"reason": "the new target from the council", "upper": 4},
    "retire_kpi": {"reason": "no longer measured"},
    "graduate_key_result": {"name": "Median answer time", "upper": 5},
    "open_meeting": {
        "organization_id": "{organization_id}",
        "unit_id": "{unit_id}",
        "cycle_id": "{cycle_id}",
        "facilitator_id": "{facilitator_id}",
        "held_at": "2027-01-18T09:00:00Z",
    },
    "share_good_news": {"text": "the new form got its first hundred users"},
    "record_decision": {
        "text": "we pause the chat pilot and put the team on the form",
        "key_result_ids": ["{key_result_id}"],
    },
    "agree_priority": {"text": "call ten users", "owner_id": "{owner_id}", "due": "2027-01-22"},
    "complete_priority": {"note": "done on Tuesday"},
    "raise_blocker": {"text": "no access to the production data"},
    "resolve_blocker": {"resolution": "access granted by the data owner"},
    "check_in_at_meeting": {
        "objective_id": "{objective_id}",
        "key_result_id": "{key_result_id}",
        "value": 9,
        "status": "yellow",
        "comment": "slower than hoped",
    },
    "close_meeting": {"attendee_ids": ["{member_id}"], "note": "20 minutes"},
    "set_reminder_default": {"cadence": "weekly", "weekday": "monday", "time_of_day": "09:00"},
    "set_unit_reminder_policy": {
        "cadence": "fortnightly",
        "weekday": "thursday",
        "time_of_day": "13:00",
        "skip_scope": "team",
        "holidays": [{"start": "2027-07-01", "end": "2027-08-08", "label": "fellesferie"}],
    },
    "clear_unit_reminder_policy": None,
    "import_cycle": {
        "cycle": {
            "label": "2031 Q1",
            "kind": "quarter",
            "start": "2031-01-01",
            "end": "2031-03-31",
        },
        "units": [
            {
                "unit_id": "{unit_id}",
                "objectives": [
                    {
                        "title": "Every case has one contact person",
                        "owner_id": "{owner_id}",
                        "key_results": [{**KEY_RESULTS[0], "current": 9, "status": "yellow"}],
                    }
                ],
            }
        ],
    },
    "import_objectives": {
        "organization_id": "{organization_id}",
        "unit_id": "{unit_id}",
        "cycle_id": "{cycle_id}",
        "objectives": [
            {
                "title": "Every case has one contact person",
                "owner_id": "{owner_id}",
                "key_results": KEY_RESULTS,
            }
        ],
    },
    "set_review_policy": {"policy": {"check_in_interval_days": 14, "max_gap_days": 28}},
    "set_lint_policy": {"policy": {"max_objectives": 4, "alignment": "at-least-one"}},
    "create_saved_view": {
        "organization_id": "{organization_id}",
        "name": "At risk this quarter",
        "filter": {"cycle_id": "{cycle_id}", "at_risk": True},
        "sort": "recently-updated",
    },
    "rename_saved_view": {"name": "At risk in Q1"},
    "change_saved_view_filter": {"filter": {"cycle_id": "{cycle_id}", "stale": True}},
    "delete_saved_view": None,
    "subscribe_webhook": {
        "organization_id": "{organization_id}",
        "url": "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/xxxxxxxxxxxxxxxxxxxxxxxx",
        "format": "slack",
        "event_types": ["Objective.CheckInMade", "Objective.ObjectiveDropped"],
        "unit_ids": ["{unit_id}"],
        "label": "#team-data",
    },
    "pause_webhook": None,
    "resume_webhook": None,
    "redrive_webhook": None,
    "remove_webhook": None,
    "link_slack_user": {
        "member_id": "{member_id}",
        "slack_team_id": "T0123ABCD",
        "slack_user_id": "U0456EFGH",
    },
    "unlink_slack_user": {"slack_team_id": "T0123ABCD", "slack_user_id": "U0456EFGH"},
}
