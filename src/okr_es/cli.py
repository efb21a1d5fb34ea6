"""The ``okr-es`` command line: demo data, the event log, access tokens, the HTTP server
and store administration."""

from __future__ import annotations

import argparse
import socket
import sqlite3
import sys
import typing
from collections.abc import Callable, Sequence
from datetime import date, datetime
from uuid import UUID

import msgspec
import psycopg
from eventsourcing.persistence import MapperDeserialisationError, PersistenceError
from eventsourcing.utils import TopicError

from okr_es import cli_notify
from okr_es.aggregates import validation as check
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.organization import TOKEN_SCOPES, Organization
from okr_es.application import OKRApplication
from okr_es.cli_report import add_report_commands
from okr_es.errors import NotFound, OKRError
from okr_es.event_log import EventRecord, as_json, as_line, record
from okr_es.learning import OkrSetError, compare, lint, load_okr_set_file
from okr_es.learning.lint_policy import Severity
from okr_es.settings import Settings
from okr_es.spreadsheets.rows import SheetInvalid

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
    except SheetInvalid as e:
        for problem in e.problems:
            print(f"okr-es: error [{problem.code}] {problem}", file=sys.stderr)
        print("okr-es: nothing was imported", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        return EXIT_OK
    except OSError as e:
        print(f"okr-es: error [unreadable-file]: {e}", file=sys.stderr)
        return EXIT_ERROR
    except (PersistenceError, sqlite3.DatabaseError) as e:
        # The library wraps errors inside its transactions, not those of opening a file
        # that is not (or no longer) an SQLite database.
        print(f"okr-es: the event store is not usable: {e}", file=sys.stderr)
        return EXIT_STORE
    except (MapperDeserialisationError, TopicError) as e:
        # A stored event no version of okr-es wrote (a state that is not JSON, a topic no
        # class has): the store is damaged, and reading on would give wrong answers.
        print(f"okr-es: the event store is not usable: {e}", file=sys.stderr)
        return EXIT_STORE
    except psycopg.Error as e:
        # E.g. PostgreSQL unreachable when a command starts (the worker and the relay ride
        # out a connection lost later, see docs/operations.md): a supervisor restarts it.
        print(f"okr-es: the PostgreSQL connection failed: {e}", file=sys.stderr)
        return EXIT_STORE


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
    lint.add_argument("file", type=_file_name, help="OKR set document (see docs/learning.md)")
    lint.add_argument("--json", action="store_true", help="machine-readable report")
    lint.add_argument(
        "--policy", type=_file_name, metavar="FILE", help="lint policy (JSON, see docs)"
    )
    lint.add_argument(
        "--organization",
        metavar="ORG",
        help="hold the set to this organisation's stored lint policy (id or name; "
        "--policy overrides it)",
    )
    lint.add_argument(
        "--fail-on",
        choices=(*_SEVERITIES, "never"),
        default="error",
        help="exit 1 when a finding is this grave or graver (default: error)",
    )
    lint.set_defaults(run=_lint)

    compare = sub.add_parser("compare", help="is NEXT a copy of PREVIOUS? (copy-paste syndrome)")
    compare.add_argument("previous", type=_file_name, help="the earlier cycle's OKR set document")
    compare.add_argument("next", type=_file_name, help="the later cycle's OKR set document")
    compare.add_argument("--json", action="store_true", help="machine-readable verdict")
    compare.set_defaults(run=_compare)

    token = sub.add_parser("token", help="issue or revoke API access tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="TOKEN_COMMAND")
    create = token_sub.add_parser(
        "create", aliases=["issue"], help="issue a token for a member (printed once)"
    )
    create.add_argument("--member", required=True, metavar="MEMBER_ID", help="whose token")
    create.add_argument("--label", default="okr-es token create", help="what it is for")
    create.add_argument(
        "--scope",
        choices=TOKEN_SCOPES,
        default=None,
        help="what the token may do: read, check-in (read and check in) or admin (all the "
        "member may; the default)",
    )
    create.set_defaults(run=_token_create)
    revoke = token_sub.add_parser("revoke", help="stop accepting a token")
    revoke.add_argument("token_id", metavar="TOKEN_ID")
    revoke.add_argument("--by", required=True, metavar="MEMBER_ID", help="who revokes it")
    revoke.set_defaults(run=_token_revoke)

    member = sub.add_parser("member", help="erase a member's personal data (crypto-shredding)")
    member_sub = member.add_subparsers(
        dest="member_command", required=True, metavar="MEMBER_COMMAND"
    )
    erase = member_sub.add_parser(
        "erase", help="destroy a member's key: their name, e-mail and sealed texts are gone"
    )
    erase.add_argument("member_id", metavar="MEMBER_ID")
    erase.add_argument("--by", required=True, metavar="MEMBER_ID", help="the admin erasing")
    erase.set_defaults(run=_member_erase)
    reapply = member_sub.add_parser(
        "reapply-erasures",
        help="destroy again the keys of erased members (after restoring a key backup)",
    )
    reapply.set_defaults(run=_member_reapply_erasures)

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

    relay = sub.add_parser(
        "relay", help="publish the event log to NATS JetStream (distributed mode)"
    )
    relay.set_defaults(run=_relay)

    projections = sub.add_parser("projections", help="read models: status and rebuild")
    proj_sub = projections.add_subparsers(
        dest="projections_command", required=True, metavar="PROJECTIONS_COMMAND"
    )
    status = proj_sub.add_parser("status", help="how far each read model has read the log")
    status.set_defaults(run=_projections_status)
    rebuild = proj_sub.add_parser("rebuild", help="drop and replay read models from position 0")
    rebuild.add_argument(
        "name", nargs="?", type=_read_model_name, help="only this read model (default: all)"
    )
    rebuild.add_argument(
        "--batch-size",
        type=_positive_int,
        default=None,
        metavar="EVENTS",
        help="events applied per transaction (default: 5000)",
    )
    rebuild.set_defaults(run=_projections_rebuild)

    db = sub.add_parser("db", help="event store administration")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    init = db_sub.add_parser("init", help="create the event store's tables (idempotent)")
    init.set_defaults(run=_db_init)
    _add_learning_commands(sub)
    cli_notify.add_commands(sub)
    add_report_commands(sub)
    return parser


def _non_negative(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _instant(raw: str) -> datetime:
    from okr_es.learning.replay import parse_instant

    try:
        return parse_instant(raw)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _day(raw: str) -> date:
    if not raw.strip():
        raise argparse.ArgumentTypeError("an empty value is no date")
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {raw!r}") from None


def _file_name(raw: str) -> str:
    if not raw.strip():
        raise argparse.ArgumentTypeError("an empty value is no file name")
    return raw


def _read_model_name(raw: str) -> str:
    # Leaving the name out rebuilds every read model; an empty one must not do the same.
    if not raw.strip():
        raise argparse.ArgumentTypeError("an empty value names no read model")
    return raw


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _hash(raw: str) -> str:
    digest = raw.strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise argparse.ArgumentTypeError(f"not a SHA-256 hash (64 hex digits): {raw!r}")
    return digest


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
    limit: int | None = args.limit
    items: list[EventRecord] = []
    with OKRApplication(settings) as app:
        names = _names(app)
        if args.aggregate_id is not None:
            items = _aggregate_events(app, args.aggregate_id, after=args.after, limit=limit)
        elif limit != 0 and args.after < app.position():
            # Past the log's end there is nothing to ask for (nor a position the store
            # could hold).
            for notification in app.all_notifications(start=args.after + 1):
                items.append(record(app.decode(notification), notification.id))
                if len(items) == limit:
                    break
    for item in items:
        print(as_json(item) if args.json else as_line(item, names))
    if not items and not args.json:
        print("(no events)", file=sys.stderr)
    return EXIT_OK


def _aggregate_events(
    app: OKRApplication, text: str, *, after: int, limit: int | None
) -> list[EventRecord]:
    """One aggregate's events after log position ``after``, with their positions."""
    from okr_es.history.cycle_events import positioned_events

    aggregate_id = check.identifier(text, "aggregate_id")
    # Read with their log positions, which the aggregate's history does not carry.
    events = positioned_events(app, [aggregate_id])
    if not events:
        raise NotFound(f"no aggregate {aggregate_id}", field="aggregate_id")
    later = [record(p.event, p.position) for p in events if p.position > after]
    return later if limit is None else later[:limit]


_SEVERITIES: tuple[str, ...] = typing.get_args(Severity)  # gravest first


def _lint(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from okr_es.errors import InvalidInput
    from okr_es.learning import load_lint_policy

    try:
        policy = None if args.policy is None else load_lint_policy(Path(args.policy).read_bytes())
    except ValueError as e:
        raise InvalidInput(str(e), field="policy") from None
    if policy is None and args.organization is not None:
        from okr_es.learning.lint_policy import LIMITS, stored_lint_policy

        with OKRApplication(settings) as app:
            org = _organization(app, args.organization)
            limits = {name: getattr(org.policy, name) for name in LIMITS}
            policy = stored_lint_policy(org.lint_policy, limits)
    report = lint(load_okr_set_file(args.file), policy)
    if args.fail_on == "never":
        failed = False
    else:
        graver = _SEVERITIES[: _SEVERITIES.index(args.fail_on) + 1]
        failed = any(finding.severity in graver for finding in report.findings)
    exit_code = EXIT_ERROR if failed else EXIT_OK
    if args.json:
        print(msgspec.json.encode(report).decode())
        return exit_code
    for kr in report.key_results:
        print(f"  O{kr.objective + 1}.KR{kr.index + 1}  {kr.kind:<7}  {kr.title}")
    for finding in report.findings:
        where = "" if finding.objective is None else f"O{finding.objective + 1}"
        where += "" if finding.key_result is None else f".KR{finding.key_result + 1}"
        print(f"{finding.severity:<7} {finding.code:<28} {where:<8} {finding.message}")
    if not report.findings:
        print("No findings.")
    return exit_code


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
        for note in item.notes:
            print(f"  {'':<10}       {note}")
    return EXIT_OK


def _project(args: argparse.Namespace, settings: Settings) -> int:
    import signal

    from okr_es.projections.worker import ProjectionWorker

    _log_to_stderr()
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


def _relay(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    import nats.errors

    from okr_es.errors import InvalidInput
    from okr_es.messaging.relay import NatsUnavailable, nats_address, run_relay

    if settings.nats_url is None:
        raise InvalidInput(
            "the relay needs NATS: set OKR_ES_NATS_URL (e.g. nats://localhost:4222)",
            field="OKR_ES_NATS_URL",
        )
    if not settings.uses_postgres:
        raise InvalidInput(
            "the relay as its own process needs PostgreSQL: set OKR_ES_DATABASE_URL",
            field="OKR_ES_DATABASE_URL",
        )

    def ready(position: int) -> None:
        print(
            f"okr-es relay: published up to position {position}; following "
            f"{settings.store_description()} into stream {settings.nats_stream}",
            flush=True,
        )

    _log_to_stderr()
    with OKRApplication(settings) as app:
        try:
            asyncio.run(run_relay(app, settings, on_ready=ready))
        except NatsUnavailable as e:
            print(f"okr-es: error [nats-unavailable]: {e}", file=sys.stderr)
            return EXIT_ERROR
        except (nats.errors.Error, OSError) as e:
            # Publishing after nats-py gave up reconnecting: its own error, or the socket's
            # (an OSError, which main() would report as an unreadable file).
            print(
                f"okr-es: error [nats-unavailable]: lost the connection to NATS at "
                f"{nats_address(settings.nats_url)}: {e or type(e).__name__}",
                file=sys.stderr,
            )
            return EXIT_ERROR
    return EXIT_OK


def _log_to_stderr() -> None:
    """Long-running commands say on stderr when they lose a server and when they are back."""
    import logging

    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def _projections_status(args: argparse.Namespace, settings: Settings) -> int:
    from okr_es.projections.runner import ProjectionRunner

    with OKRApplication(settings) as app:
        head = app.position()
        for name, position in ProjectionRunner(app).positions().items():
            print(f"{name:<20} position {position:>8}  ({head - position} behind the log)")
    return EXIT_OK


def _projections_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    from okr_es.projections.progress import RebuildProgress
    from okr_es.projections.runner import REBUILD_BATCH_SIZE, ProjectionRunner

    with OKRApplication(settings) as app:
        runner = ProjectionRunner(app)
        chosen = [runner.projection(args.name).name] if args.name else list(runner.positions())
        # Safe beside running workers: they take turns batch by batch (ViewRecorder).
        # Events done, rate and time left on stderr; stdout keeps the one-line result.
        progress = RebuildProgress(sys.stderr, head=app.position())
        read = runner.rebuild(
            args.name, batch_size=args.batch_size or REBUILD_BATCH_SIZE, progress=progress
        )
        progress.finish()
        position = runner.applied()
    print(f"Rebuilt {', '.join(chosen)} from {read} events up to log position {position}")
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
            organization_id=org.id,
            member_id=member_id,
            label=args.label,
            scope=args.scope,
            by=member_id,
        )
    scope = f", scope {args.scope}" if args.scope else ""
    print(f"Token for {org.members[member_id].name} ({org.name}{scope}), shown only this once:")
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


def _member_erase(args: argparse.Namespace, settings: Settings) -> int:
    member_id = check.identifier(args.member_id, "member_id")
    with OKRApplication(settings) as app:
        org = next((o for o in app.organizations() if member_id in o.members), None)
        if org is None:
            raise NotFound(f"no member {member_id}", field="member_id")
        result = app.erase_member(organization_id=org.id, member_id=member_id, by=args.by)
    print(f"Erased member {member_id}: their key is destroyed (log position {result.position})")
    return EXIT_OK


def _member_reapply_erasures(args: argparse.Namespace, settings: Settings) -> int:
    with OKRApplication(settings) as app:
        again = app.reapply_erasures()
    for member_id in again:
        print(f"Destroyed the restored key of erased member {member_id}")
    print(f"{len(again)} erasure(s) applied again")
    return EXIT_OK


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from okr_es.api.server import create_server_app

    with OKRApplication(settings) as app:
        # A key table restored from before an erasure must not bring the erased back.
        again = app.reapply_erasures()
        notes = _bootstrap(app, demo=args.demo)
    notes = [f"Destroyed the restored key of erased member {m}" for m in again] + notes
    try:
        # Bound here rather than by uvicorn, so the address printed is the one in use.
        sock = _listening_socket(args.host, args.port)
    except OSError as e:
        print(f"okr-es: error [cannot-listen]: {args.host}:{args.port}: {e}", file=sys.stderr)
        return EXIT_ERROR
    host, port = sock.getsockname()[:2]
    base = f"http://{host}:{port}"
    print(f"okr-es GraphQL on {base}/graphql  (GraphiQL: open it in a browser)")
    print(f"okr-es API on {base}/api/v1  (OpenAPI: {base}/schema/swagger)")
    print(f"Events in {settings.store_description()}")
    if settings.oidc_issuer is not None:
        sign_in = f"{base}/auth/login" if settings.oidc_client_id else "no browser sign-in"
        print(f"Sign-in with {settings.oidc_issuer} ({sign_in})")
    for note in notes:
        print(note)
    sys.stdout.flush()
    server = uvicorn.Server(uvicorn.Config(create_server_app(settings), lifespan="on"))
    server.run(sockets=[sock])
    return EXIT_OK


def _listening_socket(host: str, port: int) -> socket.socket:
    """A TCP listener whose connections get TCP_NODELAY from asyncio.

    asyncio sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP; without it the
    body of a response, written after its headers, waits for the client's delayed ACK.
    """
    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    family, kind, proto, _, address = info[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


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


# --- learning review, replay, audit, OKR set export and import ------------------------------


def _add_learning_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    review = sub.add_parser(
        "review", help="learning review of a unit's cycle (or of every unit's: --all)"
    )
    which = review.add_mutually_exclusive_group(required=True)
    which.add_argument("--unit", metavar="UNIT", help="unit id or name")
    which.add_argument(
        "--all",
        action="store_true",
        help="every unit that set OKRs in the cycle (html: one page with a sortable table)",
    )
    review.add_argument("--cycle", required=True, metavar="CYCLE", help="cycle id or label")
    review.add_argument("--organization", metavar="ORG", help="with --all: organisation id or name")
    review.add_argument("--format", choices=("md", "html", "json"), default="md")
    review.add_argument(
        "--output",
        type=_file_name,
        metavar="FILE",
        help="write the review to FILE instead of standard output",
    )
    review.add_argument(
        "--policy", type=_file_name, metavar="FILE", help="review policy (JSON, see docs)"
    )
    review.add_argument(
        "--today",
        type=_day,
        metavar="DATE",
        help="review a running cycle as of this day (default: today)",
    )
    review.add_argument(
        "--replay",
        action="store_true",
        help="replay the events from the store instead of reading the reviews read model "
        "(the same review; for auditors)",
    )
    review.set_defaults(run=_review)

    replay = sub.add_parser("replay", help="a unit's cycle as a timeline and its end state")
    replay.add_argument("--unit", required=True, metavar="UNIT", help="unit id or name")
    replay.add_argument("--cycle", required=True, metavar="CYCLE", help="cycle id or label")
    replay.add_argument(
        "--as-of",
        type=_instant,
        metavar="T",
        help="only what was known at T (ISO date = the end of that day in UTC, or date-time)",
    )
    replay.set_defaults(run=_replay)

    audit = sub.add_parser("audit", help="hash-chained export of a cycle's events, and its check")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="AUDIT_COMMAND")
    export = audit_sub.add_parser("export", help="every event of a cycle as JSON Lines")
    export.add_argument("--cycle", required=True, metavar="CYCLE", help="cycle id or label")
    export.add_argument("--unit", metavar="UNIT", help="only this unit's events")
    export.add_argument("--organization", metavar="ORG", help="organisation id or name")
    export.set_defaults(run=_audit_export)
    verify = audit_sub.add_parser("verify", help="check an export's hash chain")
    verify.add_argument("file", type=_file_name, help="the JSON Lines export")
    verify.add_argument(
        "--head", type=_hash, metavar="HASH", help="the last hash, as kept elsewhere"
    )
    verify.set_defaults(run=_audit_verify)

    okr_export = sub.add_parser(
        "export", help="a unit's OKR set as a document, or a whole cycle as a spreadsheet"
    )
    okr_export.add_argument("--unit", metavar="UNIT", help="unit id or name (documents)")
    okr_export.add_argument("--cycle", required=True, metavar="CYCLE", help="cycle id or label")
    okr_export.add_argument("--yaml", action="store_true", help="YAML instead of JSON")
    okr_export.add_argument("--organization", metavar="ORG", help="organisation id or name")
    okr_export.add_argument(
        "--format",
        choices=("json", "yaml", "csv", "xlsx"),
        help="csv or xlsx: every unit's OKRs of the cycle, one row per key result",
    )
    okr_export.add_argument("--output", "-o", metavar="FILE", help="write here, not to stdout")
    okr_export.set_defaults(run=_okr_export)

    okr_import = sub.add_parser(
        "import", help="set OKRs from a document or a spreadsheet (all or none)"
    )
    okr_import.add_argument(
        "file",
        type=_file_name,
        help="OKR set document (JSON or YAML) or spreadsheet (csv, xlsx); "
        "'viva FILE': a Microsoft Viva Goals export",
    )
    okr_import.add_argument(
        "viva_file", nargs="?", type=_file_name, metavar="FILE", help="after 'viva': the export"
    )
    okr_import.add_argument(
        "--dry-run", action="store_true", help="Viva Goals: show what would be imported"
    )
    okr_import.add_argument(
        "--create-members", action="store_true", help="Viva Goals: add unknown owners"
    )
    okr_import.add_argument("--organization", required=True, metavar="ORG", help="id or name")
    okr_import.add_argument("--unit", metavar="UNIT", help="unit id or name (documents)")
    okr_import.add_argument("--cycle", metavar="CYCLE", help="cycle id or label (documents)")
    okr_import.add_argument(
        "--format", choices=("json", "yaml", "csv", "xlsx"), help="default: by the file's suffix"
    )
    okr_import.add_argument(
        "--by", required=True, metavar="MEMBER", help="member id, name or e-mail"
    )
    okr_import.set_defaults(run=_okr_import)


def _review(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from okr_es.errors import InvalidInput
    from okr_es.history.analyses import review_for, reviews_for
    from okr_es.history.cycle_events import resolve_cycle, resolve_unit
    from okr_es.learning.portfolio import portfolio_html
    from okr_es.learning.report import no_reviews_markdown, review_html, review_markdown
    from okr_es.learning.review import load_review_policy

    today: date | None = args.today
    try:
        policy = None if args.policy is None else load_review_policy(Path(args.policy).read_bytes())
    except ValueError as e:
        raise InvalidInput(str(e), field="policy") from None
    if args.organization is not None and not args.all:
        raise InvalidInput("--organization goes with --all", field="organization")
    with OKRApplication(settings) as app:
        if args.all:
            cycle, _ = _find_cycle(app, args.cycle, unit=None, organization=args.organization)
            every = reviews_for(
                app,
                cycle.organization_id,
                cycle.id,
                policy,
                today=today or app.clock().date(),
                replay=args.replay,
            )
            results = list(every.values())
        else:
            org, unit_id = resolve_unit(app, args.unit)
            cycle = resolve_cycle(app, org.id, args.cycle)
            results = [
                review_for(
                    app,
                    unit_id,
                    cycle.id,
                    policy,
                    today=today or app.clock().date(),
                    replay=args.replay,
                )
            ]
    if args.format == "json":
        found: object = results if args.all else results[0]
        text = msgspec.json.format(msgspec.json.encode(found)).decode() + "\n"
    elif args.format == "html":
        text = portfolio_html(results, cycle.label) if args.all else review_html(results[0])
    elif results:
        text = "\n".join(review_markdown(r) for r in results)
    else:
        text = no_reviews_markdown(cycle.label)
    if args.output is None:
        sys.stdout.write(text)
    else:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as e:
            message = f"cannot write {args.output}: {e.strerror}"
            raise InvalidInput(message, field="output") from None
    return EXIT_OK


def _replay(args: argparse.Namespace, settings: Settings) -> int:
    from okr_es.history.cycle_events import (
        collect_unit_cycle,
        names_as_of,
        resolve_cycle,
        resolve_unit,
    )
    from okr_es.learning.replay import replay_text

    as_of: datetime | None = args.as_of
    with OKRApplication(settings) as app:
        org, unit_id = resolve_unit(app, args.unit)
        cycle = resolve_cycle(app, org.id, args.cycle)
        got = collect_unit_cycle(app, unit_id, cycle.id)
        if as_of is not None:
            got = names_as_of(app, got, as_of)
    sys.stdout.write(
        replay_text(got.events, got.cycle, unit=got.unit_name, names=got.names, as_of=as_of)
    )
    return EXIT_OK


def _audit_export(args: argparse.Namespace, settings: Settings) -> int:
    from okr_es.history.cycle_events import collect_cycle
    from okr_es.learning.audit import cycle_export_lines

    with OKRApplication(settings) as app:
        cycle, unit_id = _find_cycle(
            app, args.cycle, unit=args.unit, organization=args.organization
        )
        events = collect_cycle(app, cycle.id, unit_id)
        org = app.get_organization(cycle.organization_id)
        erased = [m.id for m in org.members.values() if m.erased]
    lines = cycle_export_lines(events, cycle.id, cycle.label, unit_id, erased)
    sys.stdout.write("".join(line + "\n" for line in lines))
    head = msgspec.json.decode(lines[-1])["hash"]
    print(f"exported {len(lines) - 1} events; head {head}", file=sys.stderr)
    return EXIT_OK


def _audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from okr_es.learning.audit import verify_lines

    # Bytes, not text: a line must be exactly the bytes its hash was computed over.
    lines = Path(args.file).read_bytes().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last line
    result = verify_lines(lines, expected_head=args.head)
    if result.ok:
        print(f"{result.message} (head {result.head})")
        return EXIT_OK
    print(f"okr-es: audit [{result.problem}] line {result.line}: {result.message}", file=sys.stderr)
    return EXIT_ERROR


def _okr_export(args: argparse.Namespace, settings: Settings) -> int:
    from okr_es.cli_sheets import export_sheet
    from okr_es.errors import InvalidInput
    from okr_es.history.analyses import okr_set_for
    from okr_es.history.cycle_events import resolve_cycle, resolve_unit
    from okr_es.learning.okr_set import dump_okr_set, dump_okr_set_yaml

    if args.format in ("csv", "xlsx"):
        with OKRApplication(settings) as app:
            cycle, _ = _find_cycle(app, args.cycle, unit=None, organization=args.organization)
            return export_sheet(app, cycle, args.format, args.output)
    if args.unit is None:
        raise InvalidInput("--unit is required to export a document", field="unit")
    args.yaml = args.yaml or args.format == "yaml"
    with OKRApplication(settings) as app:
        org, unit_id = resolve_unit(app, args.unit)
        cycle = resolve_cycle(app, org.id, args.cycle)
        stored = okr_set_for(app, unit_id, cycle.id)
    if args.yaml:
        sys.stdout.write(dump_okr_set_yaml(stored.okr_set))
    else:
        sys.stdout.write(dump_okr_set(stored.okr_set).decode())
    return EXIT_OK


def _okr_import(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from okr_es.cli_sheets import import_sheet, sheet_format
    from okr_es.errors import InvalidInput
    from okr_es.history.analyses import import_okr_set, member_id
    from okr_es.history.cycle_events import resolve_cycle

    if args.viva_file is not None:
        if args.file != "viva":
            raise InvalidInput(f"unknown import source {args.file!r} (viva)", field="file")
        return _viva_import(args, settings)
    if args.file == "viva" and not Path(args.file).exists():
        raise InvalidInput("import viva FILE: give the Viva Goals export", field="file")
    if args.dry_run or args.create_members:
        raise InvalidInput("--dry-run and --create-members go with 'import viva'", field="file")
    sheet = sheet_format(args.file, args.format)
    if sheet is not None:
        with OKRApplication(settings) as app:
            org = _organization(app, args.organization)
            return import_sheet(app, org, args.file, sheet, member_id(org, args.by, "by"))
    if args.unit is None or args.cycle is None:
        raise InvalidInput("--unit and --cycle are required to import a document", field="unit")
    document = load_okr_set_file(args.file)
    with OKRApplication(settings) as app:
        org = _organization(app, args.organization)
        unit_id = _unit_in(org, args.unit)
        cycle = resolve_cycle(app, org.id, args.cycle)
        result = import_okr_set(
            app,
            document,
            organization_id=org.id,
            unit_id=unit_id,
            cycle_id=cycle.id,
            by=member_id(org, args.by, "by"),
        )
    count = sum(1 for key in result.ids if key.startswith("objective_id_"))
    print(
        f"Imported {count} objectives into {org.units[unit_id].name} for {cycle.label} "
        f"(log position {result.position})"
    )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def _viva_import(args: argparse.Namespace, settings: Settings) -> int:
    from okr_es.cli_sheets import import_viva
    from okr_es.history.analyses import member_id

    with OKRApplication(settings) as app:
        org = _organization(app, args.organization)
        return import_viva(
            app,
            org,
            args.viva_file,
            member_id(org, args.by, "by"),
            dry_run=args.dry_run,
            create_members=args.create_members,
        )


def _find_cycle(
    app: OKRApplication, text: str, *, unit: str | None, organization: str | None
) -> tuple[Cycle, UUID | None]:
    """A cycle given by id or label, looked for in the unit's organisation, the given one,
    or else every organisation (it must then be unique); and the unit's id, if given."""
    from okr_es.errors import InvalidInput
    from okr_es.history.cycle_events import resolve_cycle, resolve_unit

    # Given but empty is not "not given": an empty --unit names no unit, it does not
    # widen the export to the whole cycle.
    given = None if organization is None else _organization(app, organization)
    unit_id = None
    if unit is not None:
        org, unit_id = resolve_unit(app, unit, given)
        orgs = [org]
    elif given is not None:
        orgs = [given]
    else:
        orgs = app.organizations()
    found = []
    for org in orgs:
        try:
            found.append(resolve_cycle(app, org.id, text))
        except NotFound:
            continue
    if not found:
        raise NotFound(f"no cycle {text!r}", field="cycle")
    if len(found) > 1:
        raise InvalidInput(
            f"{len(found)} organisations have a cycle {text!r}; give --organization",
            code="ambiguous",
            field="cycle",
        )
    return found[0], unit_id


def _organization(app: OKRApplication, text: str) -> Organization:
    """An organisation given by id or by (case-insensitive) name, which must be unique."""
    from okr_es.errors import InvalidInput

    wanted = text.strip().casefold()
    found = [o for o in app.organizations() if wanted in (str(o.id), o.name.casefold())]
    if not found:
        raise NotFound(f"no organisation {text!r}", field="organization")
    if len(found) > 1:
        ids = ", ".join(str(o.id) for o in found)
        raise InvalidInput(
            f"{len(found)} organisations are called {text!r} ({ids}); give the organisation id",
            code="ambiguous",
            field="organization",
        )
    return found[0]


def _unit_in(org: Organization, text: str) -> UUID:
    wanted = text.strip().casefold()
    for unit in org.units.values():
        if wanted in (str(unit.id), unit.name.casefold()):
            return unit.id
    raise NotFound(f"no unit {text!r} in {org.name}", field="unit")


if __name__ == "__main__":
    raise SystemExit(main())
