"""The ``okr-es`` command line: demo data, the event log, access tokens, the HTTP server
and store administration."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from uuid import UUID

import msgspec
from eventsourcing.persistence import PersistenceError

from okr_es.aggregates import validation as check
from okr_es.application import OKRApplication
from okr_es.errors import NotFound, OKRError
from okr_es.event_log import as_json, as_line, record
from okr_es.learning import OkrSetError, compare, lint, load_okr_set_file
from okr_es.settings import Settings

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_STORE = 0, 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace, Settings], int] = args.run
    try:
        settings = Settings.from_env()
        return command(args, settings)
    except OKRError as e:
        field = f" ({e.field})" if e.field else ""
        print(f"okr-es: error [{e.code}]{field}: {e.message}", file=sys.stderr)
        return EXIT_ERROR
    except OkrSetError as e:
        print(f"okr-es: error [invalid-document]: {e}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as e:
        print(f"okr-es: error [unreadable-file]: {e}", file=sys.stderr)
        return EXIT_ERROR
    except PersistenceError as e:
        print(f"okr-es: the event store is not usable: {e}", file=sys.stderr)
        return EXIT_STORE
    except BrokenPipeError:
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="okr-es",
        description="Event-sourced OKRs. Configured by OKR_ES_* environment variables; "
        "with none set, events go to a SQLite file in ./var.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="create the demo organisation (Fjordby kommune)")
    demo.add_argument(
        "--again",
        action="store_true",
        help="create another copy even if the demo organisation exists",
    )
    demo.set_defaults(run=_demo)

    events = sub.add_parser("events", help="print the event log, or one aggregate's history")
    events.add_argument("aggregate_id", nargs="?", help="only this aggregate's events")
    events.add_argument("--json", action="store_true", help="one JSON object per line")
    events.add_argument(
        "--after",
        type=_non_negative,
        default=0,
        metavar="POSITION",
        help="only events after this log position",
    )
    events.add_argument(
        "--limit", type=_non_negative, default=None, metavar="N", help="at most N events"
    )
    events.set_defaults(run=_events)

    lint = sub.add_parser("lint", help="check an OKR set document (JSON or YAML) for quality")
    lint.add_argument("file", help="OKR set document (see docs/learning.md)")
    lint.add_argument("--json", action="store_true", help="machine-readable report")
    lint.set_defaults(run=_lint)

    compare = sub.add_parser("compare", help="is NEXT a copy of PREVIOUS? (copy-paste syndrome)")
    compare.add_argument("previous", help="the earlier cycle's OKR set document")
    compare.add_argument("next", help="the later cycle's OKR set document")
    compare.add_argument("--json", action="store_true", help="machine-readable verdict")
    compare.set_defaults(run=_compare)

    token = sub.add_parser("token", help="issue or revoke API access tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="TOKEN_COMMAND")
    create = token_sub.add_parser("create", help="issue a token for a member (printed once)")
    create.add_argument("--member", required=True, metavar="MEMBER_ID", help="whose token")
    create.add_argument("--label", default="okr-es token create", help="what it is for")
    create.set_defaults(run=_token_create)
    revoke = token_sub.add_parser("revoke", help="stop accepting a token")
    revoke.add_argument("token_id", metavar="TOKEN_ID")
    revoke.add_argument("--by", required=True, metavar="MEMBER_ID", help="who revokes it")
    revoke.set_defaults(run=_token_revoke)

    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=_non_negative, default=8000, help="0 picks a free port")
    serve.add_argument(
        "--demo", action="store_true", help="seed the demo organisation first (once)"
    )
    serve.set_defaults(run=_serve)

    project = sub.add_parser(
        "project", help="run the read-model worker against PostgreSQL (distributed mode)"
    )
    project.set_defaults(run=_project)

    projections = sub.add_parser("projections", help="read models: status and rebuild")
    proj_sub = projections.add_subparsers(
        dest="projections_command", required=True, metavar="PROJECTIONS_COMMAND"
    )
    status = proj_sub.add_parser("status", help="how far each read model has read the log")
    status.set_defaults(run=_projections_status)
    rebuild = proj_sub.add_parser("rebuild", help="drop and replay read models from position 0")
    rebuild.add_argument("name", nargs="?", help="only this read model (default: all)")
    rebuild.set_defaults(run=_projections_rebuild)

    db = sub.add_parser("db", help="event store administration")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    init = db_sub.add_parser("init", help="create the event store's tables (idempotent)")
    init.set_defaults(run=_db_init)
    return parser


def _non_negative(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from okr_es.demo import ORGANIZATION_NAME, seed_demo

    with OKRApplication(settings) as app:
        existing = [o for o in app.organizations() if o.name == ORGANIZATION_NAME]
        if existing and not args.again:
            print(
                f"The demo organisation {ORGANIZATION_NAME} is already in "
                f"{settings.store_description()} (id {existing[0].id}); nothing written."
            )
            print("Use --again for another copy.")
            return EXIT_OK
        summary = seed_demo(app)
    print(f"Created the demo organisation {ORGANIZATION_NAME} in {settings.store_description()}")
    print(f"  organisation id  {summary.organization_id}")
    print(f"  admin member id  {summary.admin_id}  (Ingrid Berg)")
    print(f"  units            {', '.join(summary.units)}")
    print(f"  cycles           {', '.join(summary.cycles)}")
    print(f"  members          {len(summary.members)}")
    print(f"  objectives       {summary.objectives} with {summary.key_results} key results")
    print(f"  check-ins        {summary.check_ins}")
    print(f"  log position     {summary.position}")
    print("See the history with: okr-es events   (or: okr-es events <aggregate id>)")
    return EXIT_OK


def _events(args: argparse.Namespace, settings: Settings) -> int:
    with OKRApplication(settings) as app:
        names = _names(app)
        if args.aggregate_id:
            history = app.history(args.aggregate_id)
            selected = [(None, e) for e in history if e.originator_version > 0]
            if args.limit is not None:
                selected = selected[: args.limit]
            items = [record(event, position) for position, event in selected]
        else:
            items = []
            for notification in app.all_notifications():
                if notification.id <= args.after:
                    continue
                items.append(record(app.decode(notification), notification.id))
                if args.limit is not None and len(items) >= args.limit:
                    break
    for item in items:
        print(as_json(item) if args.json else as_line(item, names))
    if not items and not args.json:
        print("(no events)", file=sys.stderr)
    return EXIT_OK


def _lint(args: argparse.Namespace, settings: Settings) -> int:
    report = lint(load_okr_set_file(args.file))
    if args.json:
        print(msgspec.json.encode(report).decode())
        return EXIT_OK
    for kr in report.key_results:
        print(f"  O{kr.objective + 1}.KR{kr.index + 1}  {kr.kind:<7}  {kr.title}")
    for finding in report.findings:
        where = "" if finding.objective is None else f"O{finding.objective + 1}"
        where += "" if finding.key_result is None else f".KR{finding.key_result + 1}"
        print(f"{finding.severity:<7} {finding.code:<28} {where:<8} {finding.message}")
    if not report.findings:
        print("No findings.")
    return EXIT_OK


def _compare(args: argparse.Namespace, settings: Settings) -> int:
    result = compare(load_okr_set_file(args.previous), load_okr_set_file(args.next))
    if args.json:
        print(msgspec.json.encode(result).decode())
        return EXIT_OK
    print(
        f"verdict: {result.verdict}  (score {result.score:.2f}, "
        f"{result.copied_share:.0%} of the next set copied)"
    )
    for item in result.evidence:
        changes = ", ".join(item.changes) or "unchanged"
        print(f"  {item.level:<10} {item.similarity:.2f}  {item.previous_title or '—'}")
        print(f"  {'':<10}  →    {item.next_title or '—'}  [{changes}]")
    return EXIT_OK


def _project(args: argparse.Namespace, settings: Settings) -> int:
    import signal

    from okr_es.projections.worker import ProjectionWorker

    with OKRApplication(settings) as app:
        worker = ProjectionWorker(app)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: worker.stop())

        def ready(position: int) -> None:
            print(
                f"okr-es project: read models at position {position}; following "
                f"{settings.store_description()}",
                flush=True,
            )

        worker.run(on_ready=ready)
    return EXIT_OK


def _projections_status(args: argparse.Namespace, settings: Settings) -> int:
    from okr_es.projections.runner import ProjectionRunner

    with OKRApplication(settings) as app:
        head = app.position()
        for name, position in ProjectionRunner(app).positions().items():
            print(f"{name:<20} position {position:>8}  ({head - position} behind the log)")
    return EXIT_OK


def _projections_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    from okr_es.projections.runner import ProjectionRunner

    with OKRApplication(settings) as app:
        runner = ProjectionRunner(app)
        chosen = [runner.projection(args.name).name] if args.name else list(runner.positions())
        read = runner.rebuild(args.name)
    print(f"Rebuilt {', '.join(chosen)} from {read} events")
    return EXIT_OK


def _db_init(args: argparse.Namespace, settings: Settings) -> int:
    with OKRApplication(settings) as app:
        position = app.position()
    print(f"Event store ready: {settings.store_description()} (log position {position})")
    return EXIT_OK


def _token_create(args: argparse.Namespace, settings: Settings) -> int:
    member_id = check.identifier(args.member, "member")
    with OKRApplication(settings) as app:
        org = next((o for o in app.organizations() if member_id in o.members), None)
        if org is None:
            raise NotFound(f"no member {member_id} in any organisation", field="member")
        result = app.issue_token(
            organization_id=org.id, member_id=member_id, label=args.label, by=member_id
        )
    print(f"Token for {org.members[member_id].name} ({org.name}), shown only this once:")
    print(result.token)
    print(f"token id {result.ids['token_id']}  (revoke: okr-es token revoke <token id> --by ...)")
    return EXIT_OK


def _token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    token_id = check.identifier(args.token_id, "token_id")
    with OKRApplication(settings) as app:
        org = next((o for o in app.organizations() if token_id in o.tokens), None)
        if org is None:
            raise NotFound(f"no token {token_id}", field="token_id")
        result = app.revoke_token(organization_id=org.id, token_id=token_id, by=args.by)
    print(f"Revoked token {token_id} (log position {result.position})")
    return EXIT_OK


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import socket

    import uvicorn

    from okr_es.api import create_app

    with OKRApplication(settings) as app:
        notes = _bootstrap(app, demo=args.demo)
    try:
        # Bound here rather than by uvicorn, so the address printed is the one in use.
        sock = socket.create_server((args.host, args.port))
    except OSError as e:
        print(f"okr-es: error [cannot-listen]: {args.host}:{args.port}: {e}", file=sys.stderr)
        return EXIT_ERROR
    host, port = sock.getsockname()[:2]
    base = f"http://{host}:{port}"
    print(f"okr-es API on {base}/api/v1  (OpenAPI: {base}/schema/swagger)")
    print(f"Events in {settings.store_description()}")
    for note in notes:
        print(note)
    sys.stdout.flush()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), lifespan="on"))
    server.run(sockets=[sock])
    return EXIT_OK


def _bootstrap(app: OKRApplication, *, demo: bool) -> list[str]:
    """Seed the demo when asked, and make sure an admin can get in: lines to print."""
    from okr_es.demo import ORGANIZATION_NAME, seed_demo

    organizations = app.organizations()
    if demo:
        target = next((o for o in organizations if o.name == ORGANIZATION_NAME), None)
        if target is None:
            target = app.get_organization(seed_demo(app).organization_id)
        label = "okr-es serve --demo"
    elif organizations and not organizations[0].tokens:
        target, label = organizations[0], "okr-es serve bootstrap"
    elif organizations:
        return []
    else:
        return [
            "The store is empty: POST /api/v1/organizations registers an organisation "
            "and answers with its admin's first token."
        ]
    admin = target.admins()[0]
    result = app.issue_token(
        organization_id=target.id, member_id=admin.id, label=label, by=admin.id
    )
    return [
        f"Admin token for {admin.name} ({target.name}), shown only this once:",
        f"  Authorization: Bearer {result.token}",
    ]


def _names(app: OKRApplication) -> dict[UUID, str]:
    """Readable names for ids in the log: members, units and cycles."""
    names: dict[UUID, str] = {}
    for org in app.organizations():
        names[org.id] = org.name
        names.update({m.id: m.name for m in org.members.values()})
        names.update({u.id: u.name for u in org.units.values()})
        names.update({c.id: c.label for c in app.cycles(org.id)})
    return names


if __name__ == "__main__":
    raise SystemExit(main())
