"""The ``okr-es`` command line: demo data, the event log, and store administration."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from uuid import UUID

import msgspec
from eventsourcing.persistence import PersistenceError

from okr_es.application import OKRApplication
from okr_es.errors import OKRError
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


def _db_init(args: argparse.Namespace, settings: Settings) -> int:
    with OKRApplication(settings) as app:
        position = app.position()
    print(f"Event store ready: {settings.store_description()} (log position {position})")
    return EXIT_OK


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
