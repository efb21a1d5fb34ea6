"""Erasing a member, end to end on both stores: a person with an objective, check-ins with
comments and a reflection is erased; afterwards no byte of their name, e-mail address or
sealed texts is readable in the store, the read models, NATS messages published since, the
audit, report and spreadsheet exports or the logs — and every figure of the review is
what it was."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import re
import uuid
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import nats
import psycopg
import pytest
from nats.aio.client import Client
from nats.js.errors import NotFoundError

from okr_es.aggregates.personal_data import ERASED, ERASED_EMAIL
from okr_es.application import OKRApplication
from okr_es.history.analyses import review_for
from okr_es.history.cycle_events import collect_cycle, collect_unit_cycle
from okr_es.history.sheets import cycle_rows
from okr_es.learning.audit import cycle_export_lines, verify_lines
from okr_es.learning.replay import replay_text
from okr_es.messaging.integration_events import decode
from okr_es.messaging.relay import NatsRelay
from okr_es.projections.runner import ProjectionRunner
from okr_es.reporting.export import report_rows, write_csv_tables, write_parquet_tables
from okr_es.settings import Settings
from okr_es.spreadsheets.tables import write_csv, write_xlsx
from okr_es.webhooks.delivery import WebhookDelivery
from okr_es.webhooks.sources import LogFollower
from okr_es.webhooks.store import DeliveryLog
from okr_es.webhooks.subscriptions import Subscriptions
from support.world import World, build_world

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@localhost:5432/test"

pytestmark = pytest.mark.nats

FIRST_NAME = "Zacharias Quendelstrup"
SECOND_NAME = "Zacharias Vindeløkke"
FIRST_EMAIL = "quendelstrup@example.org"
SECOND_EMAIL = "vindelokke.z@example.org"
COMMENT = "Quendelstrups hemmelige plan for sykefraværet"
BLOCKERS = "Ventelistene til Vindeløkke"
LEARNING = "Lærte at fjordbåten går presis"
# Every form the person's data could be written in, looked for case-blind in raw bytes.
SECRETS = [
    "Quendelstrup",
    "Vindeløkke",
    "Vindel\\u00f8kke",
    "vindelokke",
    "hemmelige plan",
    "sykefrav",
    "Ventelistene",
    "fjordbåten",
    "fjordb\\u00e5ten",
]


class Stream(msgspec.Struct, frozen=True):
    url: str
    name: str
    prefix: str


def unique_stream(url: str) -> Stream:
    suffix = uuid.uuid4().hex[:12]
    return Stream(url, f"OKR_ES_ERASURE_{suffix}", f"okrerasure{suffix}")


async def delete(stream: Stream) -> None:
    nc = await nats.connect(stream.url)
    try:
        with contextlib.suppress(NotFoundError):
            await nc.jetstream().delete_stream(stream.name)
    finally:
        await nc.close()


def postgres_url() -> str:
    return os.environ.get("OKR_ES_TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)


def found_in(data: bytes) -> list[str]:
    lowered = data.lower()
    return [s for s in SECRETS if s.lower().encode() in lowered]


class Person:
    def __init__(self, app: OKRApplication, world: World) -> None:
        self.world = world
        self.id = app.add_member(
            organization_id=world.org, name=FIRST_NAME, email=FIRST_EMAIL, by=world.admin
        ).ids["member_id"]
        app.rename_member(organization_id=world.org, member_id=self.id, name=SECOND_NAME,
                          by=world.admin)
        app.change_member_email(organization_id=world.org, member_id=self.id,
                                email=SECOND_EMAIL, by=world.admin)
        app.set_privacy_policy(organization_id=world.org, seal_free_text=True, by=world.admin)
        result = app.set_objective(
            organization_id=world.org, unit_id=world.team, cycle_id=world.cycle,
            title="Kortere ventetid", owner_id=self.id, by=world.admin,
            key_results=[
                {"title": "Ventetid ned", "metric": "decrease", "start": 40, "target": 20,
                 "unit": "days"},
                {"title": "Ny rutine", "metric": "milestone"},
            ],
        )
        self.objective = result.ids["objective_id"]
        kr = result.ids["key_result_id_0"]
        app.check_in(objective_id=self.objective, key_result_id=kr, value=32, status="green",
                     comment=COMMENT, blockers=BLOCKERS, confidence=7, by=self.id)
        app.check_in(objective_id=self.objective, key_result_id=kr, value=28, status="green",
                     comment="", by=world.member)
        app.record_reflection(unit_id=world.team, cycle_id=world.cycle, by=self.id,
                              learnings=LEARNING, keep_doing="Ukentlige innsjekker")
        # Someone else's comment and reflection, written while texts were not sealed.
        app.set_privacy_policy(organization_id=world.org, seal_free_text=False, by=world.admin)
        app.check_in(objective_id=self.objective, key_result_id=kr, value=26, status="green",
                     comment="Ola skrev dette", by=world.member)


def subscribe_webhooks(app: OKRApplication, world: World) -> None:
    for format in ("slack", "generic"):
        app.subscribe_webhook(
            organization_id=world.org, url=f"https://hooks.example.org/{format}", format=format,
            event_types=["Organization.MemberRenamed", "Objective.CheckInMade",
                         "TeamCycle.ReflectionRecorded"],
            by=world.admin,
        )


def enqueue_webhooks(app: OKRApplication) -> None:
    """Record the webhook bodies for the log so far (they are never sent here)."""
    log = DeliveryLog(app.factory.tracking_recorder())
    follower = LogFollower(app, WebhookDelivery(log, Subscriptions(app)))
    while follower.catch_up():
        pass


def webhook_bodies(app: OKRApplication, world: World) -> bytes:
    log = DeliveryLog(app.factory.tracking_recorder())
    webhooks = [w.id for w in app.webhooks_of(world.org)]
    return "\n".join(
        d.payload for w in webhooks for d in log.deliveries(str(w), limit=1000)
    ).encode()


def review_json(app: OKRApplication, world: World) -> str:
    today = date.today() + timedelta(days=1)
    return msgspec.json.encode(review_for(app, world.team, world.cycle, today=today)).decode()


def relay_everything(app: OKRApplication, stream: Stream) -> list[bytes]:
    """Publish the whole log to a fresh stream and read every message back."""

    async def scenario() -> list[bytes]:
        nc = await nats.connect(stream.url)
        try:
            relay = NatsRelay(app, nc.jetstream(), stream=stream.name,
                              subject_prefix=stream.prefix)
            await relay.catch_up()
            return await read_all(nc, stream, app.position())
        finally:
            await nc.close()

    return asyncio.run(scenario())


async def read_all(nc: Client, stream: Stream, head: int) -> list[bytes]:
    sub = await nc.jetstream().subscribe(
        f"{stream.prefix}.>", stream=stream.name, ordered_consumer=True
    )
    payloads: list[bytes] = []
    try:
        while not payloads or decode(payloads[-1]).position < head:
            payloads.append((await sub.next_msg(timeout=30)).data)
    finally:
        await sub.unsubscribe()
    return payloads


def stored_bytes(app: OKRApplication, settings: Settings) -> dict[str, bytes]:
    """Every byte the store holds: the SQLite files, or every table of the schema (events,
    snapshots, read models, the key table) and the reporting schema as PostgreSQL
    prints them."""
    if settings.database_url is None:
        return {
            path.name: path.read_bytes()
            for path in Path(settings.sqlite_path).parent.iterdir()
            if path.is_file()
        }
    found: dict[str, bytes] = {}
    with psycopg.connect(postgres_url(), autocommit=True) as conn:
        for schema in (settings.database_schema, f"{settings.database_schema}_reporting"):
            tables = conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            ).fetchall()
            for (table,) in tables:
                rows = conn.execute(f'SELECT t::text FROM "{schema}"."{table}" t').fetchall()
                found[f"{schema}.{table}"] = "\n".join(r[0] for r in rows).encode()
                # bytea columns (event states, keys) as PostgreSQL stores their bytes.
                for (column,) in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "%s AND table_name = %s AND data_type = 'bytea'",
                    (schema, table),
                ).fetchall():
                    values = conn.execute(
                        f'SELECT "{column}" FROM "{schema}"."{table}" WHERE "{column}" '
                        "IS NOT NULL"
                    ).fetchall()
                    found[f"{schema}.{table}.{column}"] = b"".join(bytes(v[0]) for v in values)
    return found


def exports(app: OKRApplication, world: World, runner: ProjectionRunner,
            directory: Path) -> dict[str, bytes]:
    org = app.get_organization(world.org)
    erased = [m.id for m in org.members.values() if m.erased]
    audit = cycle_export_lines(collect_cycle(app, world.cycle), world.cycle, "Current",
                               erased=erased)
    found = {"audit": "\n".join(audit).encode()}
    got = collect_unit_cycle(app, world.team, world.cycle)
    found["replay"] = replay_text(got.events, got.cycle, unit=got.unit_name,
                                  names=got.names).encode()
    rows = report_rows(runner)
    for path in [*write_csv_tables(rows, directory / "csv"),
                 *write_parquet_tables(rows, directory / "parquet")]:
        found[str(path)] = path.read_bytes()
    sheet = cycle_rows(app, world.org, world.cycle)
    found["sheet.csv"] = write_csv(sheet)
    with zipfile.ZipFile(io.BytesIO(write_xlsx(sheet))) as book:
        for name in book.namelist():
            found[f"sheet.xlsx/{name}"] = book.read(name)
    return found


def traces(parts: dict[str, bytes]) -> dict[str, list[str]]:
    return {name: hits for name, data in parts.items() if (hits := found_in(data))}


@pytest.fixture
def fresh_stream(nats_url: str) -> Any:
    streams: list[Stream] = []

    def make() -> Stream:
        streams.append(unique_stream(nats_url))
        return streams[-1]

    yield make
    for stream in streams:
        asyncio.run(delete(stream))


def test_an_erased_member_leaves_no_readable_trace_and_the_review_keeps_its_figures(
    settings: Settings,
    tmp_path: Path,
    fresh_stream: Any,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with OKRApplication(settings) as app:
        world = build_world(app)
        subscribe_webhooks(app, world)
        person = Person(app, world)
        runner = ProjectionRunner(app)
        runner.catch_up()
        enqueue_webhooks(app)
        # Before: the person's data is there, readable, where it belongs.
        assert app.get_organization(world.org).members[person.id].name == SECOND_NAME
        before_review = review_json(app, world)
        before_messages = relay_everything(app, fresh_stream())
        assert found_in(b"".join(before_messages))
        before_audit = cycle_export_lines(collect_cycle(app, world.cycle), world.cycle,
                                          "Current")
        assert found_in("\n".join(before_audit).encode())
        # The events hold it sealed; the read models and webhook bodies in plain text,
        # until the erasure.
        assert traces(stored_bytes(app, settings))
        assert found_in(webhook_bodies(app, world))
        key = app.person_keys.key(person.id)
        assert key is not None

        app.erase_member(organization_id=world.org, member_id=person.id, by=world.admin)
        runner.catch_up()
        after_messages = relay_everything(app, fresh_stream())
        after_exports = exports(app, world, runner, tmp_path)
        after_exports["webhooks"] = webhook_bodies(app, world)

    # Nothing of the person is left anywhere, nor their key.
    with OKRApplication(settings) as app:
        stored = stored_bytes(app, settings)
    assert traces(stored) == {}
    assert [name for name, data in stored.items() if key in data] == []
    assert traces({"nats": b"".join(after_messages)}) == {}
    assert traces(after_exports) == {}
    assert ERASED in after_exports["replay"].decode()
    logged = caplog.text.encode() + capsys.readouterr().out.encode()
    assert found_in(logged) == []

    with OKRApplication(settings) as app:
        member = app.get_organization(world.org).members[person.id]
        assert (member.name, member.email, member.active, member.erased) == (
            ERASED, ERASED_EMAIL, False, True
        )
        # Others' data reads as before: a name, and a comment written unsealed.
        assert app.get_organization(world.org).members[world.admin].name == "Kari Admin"
        comments = [
            e.comment for e in app.history(person.objective) if type(e).__name__ == "CheckInMade"
        ]
        assert comments == [ERASED, "", "Ola skrev dette"]
        # Every figure of the review is unchanged; only the person's name and texts read
        # as the placeholder.
        after_review = review_json(app, world)
        expected = before_review
        for text in (SECOND_NAME, COMMENT, BLOCKERS, LEARNING, "Ukentlige innsjekker"):
            expected = expected.replace(text, ERASED)
        assert after_review == expected
        # Replaying the read models from the log shows the placeholders too.
        rebuilt = ProjectionRunner(app)
        rebuilt.rebuild()
        assert traces(stored_bytes(app, settings)) == {}
        member_rows = rebuilt.views.query(
            "SELECT name, email FROM rm_members WHERE member_id = :id", {"id": str(person.id)}
        )
        assert [tuple(r) for r in member_rows] == [(ERASED, ERASED_EMAIL)]

    # The audit export taken before still verifies on its own; the new one is marked.
    assert verify_lines(before_audit).ok
    after = verify_lines(after_exports["audit"].split(b"\n"))
    assert after.ok and after.erasures == (str(person.id),)
    assert "erased" in after.message
    assert re.search(r"\d+ events", after.message)


def test_messages_published_after_an_erasure_carry_the_erasure_and_no_personal_data(
    app: OKRApplication, fresh_stream: Any
) -> None:
    world = build_world(app)
    person = Person(app, world)
    app.erase_member(organization_id=world.org, member_id=person.id, by=world.admin)
    events = [decode(m) for m in relay_everything(app, fresh_stream())]
    erasures = [e for e in events if e.event == "MemberErased"]
    assert [e.data for e in erasures] == [{"member_id": str(person.id)}]
    added = [e for e in events if e.event == "MemberAdded"
             and e.data["member_id"] == str(person.id)]
    assert [e.data["name"] for e in added] == [ERASED]


def test_keys_of_other_members_are_untouched_by_an_erasure(app: OKRApplication) -> None:
    world = build_world(app)
    person = Person(app, world)
    app.erase_member(organization_id=world.org, member_id=person.id, by=world.admin)
    org = app.get_organization(world.org)
    assert org.members[world.member].name == "Ola Member"
    assert org.members[world.member].email == "ola@digdir.no"
    assert org.members[world.colleague].name == "Per Colleague"
    assert app.person_keys.key(world.member) is not None
    assert app.person_keys.key(person.id) is None


def test_a_key_table_restored_from_before_an_erasure_is_erased_again(
    app: OKRApplication,
) -> None:
    world = build_world(app)
    person = Person(app, world)
    old_key = app.person_keys.key(person.id)
    assert old_key is not None
    app.erase_member(organization_id=world.org, member_id=person.id, by=world.admin)
    restore_key(app, person.id, old_key)
    app.person_keys.forget(person.id)
    assert app.get_organization(world.org).members[person.id].erased  # the log says so
    assert app.reapply_erasures() == [person.id]
    assert app.person_keys.key(person.id) is None
    assert app.reapply_erasures() == []


def restore_key(app: OKRApplication, subject: UUID, key: bytes) -> None:
    """What restoring an old backup of the key table does to one row."""
    datastore = app.recorder.datastore  # type: ignore[attr-defined]
    if app.settings.database_url is None:
        with datastore.transaction(commit=True) as c:
            c.execute("UPDATE okr_es_person_keys SET data_key = ?, erased_at = NULL "
                      "WHERE subject = ?", (key, str(subject)))
    else:
        with datastore.transaction(commit=True) as c:
            c.execute(f'UPDATE "{datastore.schema}".okr_es_person_keys SET data_key = %s, '
                      "erased_at = NULL WHERE subject = %s", (key, subject))
