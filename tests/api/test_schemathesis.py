"""Schemathesis against the OpenAPI document: generated requests to every operation over a
real socket. No answer may be a 5xx, and every answer must match the documented schema."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from okr_es.api.server import create_server_app
from okr_es.application import OKRApplication
from okr_es.catalogue import COMMANDS
from okr_es.settings import Settings
from support.http_api import build_org

COMMANDS_DOC = Path(__file__).resolve().parents[2] / "docs" / "commands.md"

# Building the app opens nothing, so the schema can be read at collection time.
SCHEMA = schemathesis.openapi.from_dict(create_server_app().openapi_schema.to_schema())


class Server:
    def __init__(self, base_url: str, headers: dict[str, str], okr: OKRApplication) -> None:
        self.base_url = base_url
        self.headers = headers
        self.okr = okr


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir: Path = tmp_path_factory.mktemp("schemathesis")
    # Generated requests send many bad tokens from one address; the limit on failed
    # authentications (tested on its own) would answer the later requests 429.
    okr = OKRApplication(Settings(data_dir=str(data_dir), auth_failures_per_minute=0))
    org = build_org(okr)
    sock = socket.create_server(("127.0.0.1", 0))
    app = create_server_app(application=okr)
    runner = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning"))
    thread = threading.Thread(target=runner.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield Server(
            f"http://127.0.0.1:{sock.getsockname()[1]}",
            {"Authorization": f"Bearer {org.tokens['admin']}"},
            okr,
        )
    finally:
        runner.should_exit = True
        thread.join(timeout=30)
        sock.close()
        okr.close()


@SCHEMA.parametrize()
@hypothesis_settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_generated_requests_get_documented_answers_and_never_a_5xx(
    case: Any, server: Server
) -> None:
    response = case.call(base_url=server.base_url, headers=server.headers)
    assert response.status_code < 500, response.text
    # The domain refuses many schema-valid bodies (unknown ids, empty-after-trim titles,
    # target below start …) with 404/409/422 on purpose, so "accepted" is not checked;
    # every other check — status codes, content types, bodies, headers — is.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])


# Every command's documented example, in an order in which each is accepted: the command,
# the ids its path and body name ({…} in docs/commands.md) as keys of the world's ids,
# fields that must differ from the example here (dates near today, a met key result),
# and the ids of its answer to keep under a name.
Step = tuple[str, dict[str, str], dict[str, Any], dict[str, str]]
NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = NOW.date()
STEPS: list[Step] = [
    (
        "register_organization",
        {},
        {},
        {"organization_id": "org", "root_unit_id": "root", "member_id": "admin"},
    ),
    (
        "add_unit",
        {"parent_id": "root"},
        {"name": "Department", "kind": "department"},
        {"unit_id": "department"},
    ),
    ("add_unit", {"parent_id": "department"}, {}, {"unit_id": "team"}),
    ("add_unit", {"parent_id": "department"}, {"name": "Old team"}, {"unit_id": "old"}),
    ("rename_unit", {"unit_id": "team"}, {}, {}),
    ("move_unit", {"unit_id": "team", "parent_id": "root"}, {}, {}),
    ("archive_unit", {"unit_id": "old"}, {}, {}),
    ("add_member", {}, {}, {"member_id": "member"}),
    ("grant_role", {"member_id": "member", "unit_id": "team"}, {}, {}),
    ("revoke_role", {"member_id": "member", "unit_id": "team"}, {}, {}),
    ("map_directory_group", {"unit_id": "team"}, {}, {}),
    ("unmap_directory_group", {}, {}, {}),
    ("change_policy", {}, {}, {}),
    ("set_review_policy", {}, {}, {}),
    ("set_lint_policy", {}, {}, {}),
    ("set_reminder_default", {}, {}, {}),
    ("set_unit_reminder_policy", {"unit_id": "team"}, {}, {}),
    ("clear_unit_reminder_policy", {"unit_id": "team"}, {}, {}),
    ("issue_token", {"member_id": "member"}, {}, {"token_id": "token"}),
    ("revoke_token", {"token_id": "token"}, {}, {}),
    (
        "define_cycle",
        {},
        {"start": str(TODAY - timedelta(days=30)), "end": str(TODAY + timedelta(days=60))},
        {"cycle_id": "cycle"},
    ),
    ("rename_cycle", {"cycle_id": "cycle"}, {}, {}),
    (
        "set_objective",
        {"unit_id": "root", "owner_id": "admin"},
        {},
        {"objective_id": "parent", "key_result_id_0": "parent_kr"},
    ),
    (
        "set_objective",
        {"unit_id": "team", "owner_id": "admin"},
        {},
        {"objective_id": "objective", "key_result_id_0": "kr", "key_result_id_1": "kr2"},
    ),
    ("reword_objective", {"objective_id": "objective"}, {}, {}),
    ("change_owner", {"objective_id": "objective", "owner_id": "member"}, {}, {}),
    ("align_objective", {"objective_id": "objective", "parent_objective_id": "parent"}, {}, {}),
    ("add_key_result", {"objective_id": "objective"}, {}, {"key_result_id": "added"}),
    ("adjust_key_result", {"objective_id": "objective", "key_result_id": "added"}, {}, {}),
    ("remove_key_result", {"objective_id": "objective", "key_result_id": "added"}, {}, {}),
    ("weight_key_result", {"objective_id": "objective", "key_result_id": "kr2"}, {}, {}),
    ("change_roll_up_mode", {"objective_id": "parent"}, {}, {}),
    (
        "check_in",
        {"objective_id": "objective", "key_result_id": "kr"},
        {"value": 4, "checked_in_at": NOW.isoformat()},
        {},
    ),
    ("add_member", {}, {"name": "Leif L", "email": "leif@example.org"}, {"member_id": "leaver"}),
    ("rename_member", {"member_id": "leaver"}, {}, {}),
    ("change_member_email", {"member_id": "leaver"}, {}, {}),
    ("link_sign_in", {"member_id": "leaver"}, {}, {}),
    ("unlink_sign_in", {"member_id": "leaver"}, {}, {}),
    ("change_owner", {"objective_id": "objective", "owner_id": "leaver"}, {}, {}),
    ("transfer_ownership", {"member_id": "leaver", "to_member_id": "member"}, {}, {}),
    ("deactivate_member", {"member_id": "leaver"}, {}, {}),
    ("reactivate_member", {"member_id": "leaver"}, {}, {}),
    ("set_privacy_policy", {}, {"seal_free_text": True}, {}),
    ("erase_member", {"member_id": "leaver"}, {}, {}),
    (
        "graduate_key_result",
        {"objective_id": "objective", "key_result_id": "kr"},
        {},
        {"kpi_id": "graduated"},
    ),
    (
        "start_initiative",
        {
            "unit_id": "team",
            "owner_id": "member",
            "objective_id": "objective",
            "key_result_id": "kr",
        },
        {},
        {"initiative_id": "initiative"},
    ),
    (
        "link_initiative",
        {"initiative_id": "initiative", "objective_id": "objective", "key_result_id": "kr2"},
        {},
        {},
    ),
    ("change_initiative_due_date", {"initiative_id": "initiative"}, {}, {}),
    ("record_initiative_progress", {"initiative_id": "initiative"}, {}, {}),
    ("complete_initiative", {"initiative_id": "initiative"}, {}, {}),
    (
        "start_initiative",
        {
            "unit_id": "team",
            "owner_id": "member",
            "objective_id": "objective",
            "key_result_id": "kr2",
        },
        {},
        {"initiative_id": "stopped"},
    ),
    ("stop_initiative", {"initiative_id": "stopped"}, {}, {}),
    ("define_kpi", {"unit_id": "team"}, {}, {"kpi_id": "kpi"}),
    ("measure_kpi", {"kpi_id": "kpi"}, {"measured_at": NOW.isoformat()}, {}),
    ("change_kpi_corridor", {"kpi_id": "kpi"}, {}, {}),
    ("retire_kpi", {"kpi_id": "kpi"}, {}, {}),
    (
        "open_meeting",
        {"unit_id": "team", "facilitator_id": "member"},
        {"held_at": NOW.isoformat()},
        {"meeting_id": "meeting"},
    ),
    ("share_good_news", {"meeting_id": "meeting"}, {}, {}),
    ("record_decision", {"meeting_id": "meeting", "key_result_id": "kr"}, {}, {}),
    (
        "agree_priority",
        {"meeting_id": "meeting", "owner_id": "member"},
        {"due": (NOW + timedelta(days=3)).date().isoformat()},
        {"priority_id": "priority"},
    ),
    ("raise_blocker", {"meeting_id": "meeting"}, {}, {"blocker_id": "blocker"}),
    (
        "check_in_at_meeting",
        {"meeting_id": "meeting", "objective_id": "objective", "key_result_id": "kr"},
        {"value": 4},
        {},
    ),
    ("close_meeting", {"meeting_id": "meeting", "member_id": "member"}, {}, {}),
    ("complete_priority", {"meeting_id": "meeting", "priority_id": "priority"}, {}, {}),
    ("resolve_blocker", {"meeting_id": "meeting", "blocker_id": "blocker"}, {}, {}),
    (
        "import_objectives",
        {"unit_id": "department", "owner_id": "member"},
        {},
        {"objective_id_0": "imported"},
    ),
    ("import_cycle", {"unit_id": "team", "owner_id": "member"}, {}, {}),
    ("drop_objective", {"objective_id": "imported"}, {}, {}),
    ("close_objective", {"objective_id": "objective"}, {}, {}),
    ("reopen_objective", {"objective_id": "objective"}, {}, {}),
    ("close_objective", {"objective_id": "objective"}, {}, {}),
    ("record_reflection", {"unit_id": "team"}, {}, {}),
    ("close_team_cycle", {"unit_id": "team"}, {}, {}),
    ("create_saved_view", {}, {}, {"view_id": "view"}),
    ("rename_saved_view", {"view_id": "view"}, {}, {}),
    ("change_saved_view_filter", {"view_id": "view"}, {}, {}),
    ("delete_saved_view", {"view_id": "view"}, {}, {}),
    ("subscribe_webhook", {"unit_id": "team"}, {}, {"webhook_id": "webhook"}),
    ("pause_webhook", {"webhook_id": "webhook"}, {}, {}),
    ("resume_webhook", {"webhook_id": "webhook"}, {}, {}),
    ("redrive_webhook", {"webhook_id": "webhook"}, {}, {}),
    ("remove_webhook", {"webhook_id": "webhook"}, {}, {}),
    ("link_slack_user", {"member_id": "member"}, {}, {}),
    ("unlink_slack_user", {}, {}, {}),
]


def filled(value: Any, ids: dict[str, str]) -> Any:
    """The example with every ``{name}`` replaced by the real id."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [filled(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: filled(v, ids) for k, v in value.items()}
    return value


class Documented(msgspec.Struct):
    method: str
    path: str
    status: int
    body: dict[str, Any] | None


def documented_commands() -> dict[str, Documented]:
    """Each command's route, success status and example body, as docs/commands.md says."""
    found: dict[str, Documented] = {}
    # The directory's commands (SCIM) follow the command API's, in a section of their own.
    api_commands = COMMANDS_DOC.read_text().split("\n## Directory provisioning")[0]
    for section in api_commands.split("\n### `")[1:]:
        name = section.partition("`")[0]
        route = re.search(r"^HTTP: `(\w+) (\S+)` answers (\d+)", section, re.M)
        assert route is not None, f"{name}: no HTTP route in docs/commands.md"
        example = re.search(r"^```json\n(.*?)^```", section, re.M | re.S)
        body = None if example is None else json.loads(example.group(1))
        found[name] = Documented(route[1], route[2], int(route[3]), body)
    return found


def test_every_command_s_documented_example_gets_its_documented_answer(server: Server) -> None:
    """docs/commands.md's route and example of every command, sent with real ids, is
    accepted with the status it names, and the answer is the OpenAPI description's."""
    documented = documented_commands()
    world: dict[str, str] = {}
    token = ""
    assert set(documented) == set(COMMANDS)
    assert {command for command, *_ in STEPS} == set(COMMANDS)
    for command, names, overrides, keep in STEPS:
        ids = {"organization_id": "org", "cycle_id": "cycle", **names}
        known = {name: world[key] for name, key in ids.items() if key in world}
        route = documented[command]
        body = None if route.body is None else {**filled(route.body, known), **overrides}
        operation = SCHEMA[route.path][route.method]
        case = operation.Case(
            path_parameters={p: known[p] for p in re.findall(r"\{(\w+)\}", route.path)},
            headers={"Authorization": f"Bearer {token}"} if token else {},
            **({} if body is None else {"body": body, "media_type": "application/json"}),
        )

        response = case.call(base_url=server.base_url)

        assert response.status_code == route.status, (command, response.text)
        # Every check: a documented status, content type, body and headers.
        case.validate_response(response)
        answer = response.json()
        world.update({name: answer["ids"][id_key] for id_key, name in keep.items()})
        token = token or answer.get("token", "")


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status", "content_type"),
    [
        # a browser opening the read API gets the GraphiQL page
        ("GET", "/graphql", {"Accept": "text/html"}, None, 200, "text/html"),
        ("GET", "/graphql", {"Accept": "application/json"}, None, 400, "application/json"),
        # a body that is not declared as JSON: GraphQL's errors, a command's problem
        (
            "POST",
            "/graphql",
            {"Content-Type": "text/plain"},
            "{ viewer { name } }",
            415,
            "application/json",
        ),
        (
            "POST",
            "/api/v1/organizations",
            {"Content-Type": "text/plain"},
            "{}",
            415,
            "application/problem+json",
        ),
    ],
)
def test_answers_outside_the_happy_path_are_described_as_they_are(
    server: Server,
    method: str,
    path: str,
    headers: dict[str, str],
    body: str | None,
    status: int,
    content_type: str,
) -> None:
    case = SCHEMA[path][method].Case(headers={**server.headers, **headers})
    sent = {} if body is None else {"data": body.encode()}

    response = case.call(base_url=server.base_url, **sent)

    assert response.status_code == status, response.text
    assert response.headers["content-type"][0].startswith(content_type)
    # Every check: a documented status, content type, body and headers.
    case.validate_response(response)
