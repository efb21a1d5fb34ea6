"""Stored events read as light records, for analyses that go through many thousand events.

Decoding a stored event into a domain event builds a UUID for every id, a state dict and
the event object: several times the cost of reading the row. An analysis that reads a
whole cycle (the organisation-wide review reads some hundred thousand events) only reads
fields, so here msgspec decodes each row's state straight into a *record*: a struct named
and shaped like the event class (the same field names, so code reading events reads
records too), with

* ids kept as the text stored (``"5c1e…"``): a UUID is an object the garbage collector
  tracks, and building one per check-in costs more than decoding the check-in;
* ``originator_id`` as text (hex on SQLite, hyphenated on PostgreSQL), set from the
  row;
* instances the garbage collector does not track (records hold no references to other
  objects, so they can never be part of a cycle).

Rows come from :class:`EventRows`, which asks the events table directly: the log from a
position on, in pages, or the events of given aggregates, in log order. Events written by
an older version of an event class (``class_version``) are upcast by the application's
mapper first.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import sqlite3
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, NamedTuple
from uuid import UUID

import msgspec
from eventsourcing.persistence import (
    ApplicationRecorder,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import get_topic
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from okr_es.aggregates.base import OKRAggregate
from okr_es.aggregates.personal_data import PersonalData
from okr_es.application import OKRApplication
from okr_es.persistence.msgspec_mapper import constant_upcasts
from okr_es.privacy.fields import declared, open_record
from okr_es.privacy.keys import PersonKeys

__all__ = [
    "EventRows",
    "Page",
    "RecordDecoders",
    "Row",
    "State",
    "event_classes",
    "record_type",
    "state_bytes",
    "unreadable",
]

# A stored state: bytes, or text where plain JSON is read as text.
State = bytes | str
# (position in the log, originator id as text, version, topic, state)
Row = tuple[int, Any, int, str, bytes]

_COLUMN_FIELDS = frozenset({"originator_id", "originator_version"})
_SQLITE_COLUMNS = "rowid, originator_id, originator_version, topic, state"
# Ids as text: cheaper to build and hash than UUID objects, and what SQLite returns. Rows
# come in PostgreSQL's binary format: the states (bytea) as they are, not hex-encoded.
_PG_COLUMNS = "notification_id, originator_id::text, originator_version, topic, state"
_PAGE = 2000  # rows per query when reading the log
_CHUNK = 500  # aggregate ids per query (SQLite allows 999 parameters by default)


def event_classes(aggregate_class: type[Any]) -> list[type[Any]]:
    """The event classes an aggregate class declares (its nested ``Event`` subclasses)."""
    return [
        value
        for value in vars(aggregate_class).values()
        if isinstance(value, type) and issubclass(value, OKRAggregate.Event)
    ]


_RECORD_TYPES: dict[tuple[type[Any], tuple[str, ...] | None], type[msgspec.Struct]] = {}


def record_type(event_class: type[Any], only: Sequence[str] | None = None) -> type[msgspec.Struct]:
    """The record struct of an event class: its fields (``only`` these, if given), UUIDs
    as text, plus ``originator_id`` and, for a versioned class, ``class_version``."""
    key = (event_class, None if only is None else tuple(only))
    known = _RECORD_TYPES.get(key)
    if known is None:
        known = _RECORD_TYPES[key] = _define_record_type(event_class, key[1])
    return known


def _define_record_type(
    event_class: type[Any],
    only: tuple[str, ...] | None,
    stored_version: int | None = None,
    added: Mapping[str, Any] | None = None,
) -> type[msgspec.Struct]:
    """The record struct; with ``stored_version``, the one reading an event stored by
    that older version of the class, ``added`` giving the fields added since."""
    hints = typing.get_type_hints(event_class)
    added = added or {}
    fields: list[Any] = []
    for field in dataclasses.fields(event_class):
        if field.name in _COLUMN_FIELDS or (only is not None and field.name not in only):
            continue
        annotation = _ids_as_text(hints[field.name])
        if field.name in added:
            fields.append((field.name, annotation, added[field.name]))
        elif field.default is not dataclasses.MISSING:
            fields.append((field.name, annotation, field.default))
        else:
            fields.append((field.name, annotation))
    fields.append(("originator_id", Any, None))
    version = getattr(event_class, "class_version", 1)
    if stored_version == 1:
        # Version 1 stored no class_version; a later one names its own.
        fields.append(("class_version", Literal[1], 1))
    elif version > 1:
        # Required and exact: an event stored by an older version of the class fails to
        # decode (msgspec checks this in C) and is upcast (RecordDecoders.upcast).
        fields.append(("class_version", Literal[stored_version or version]))
    fields.sort(key=lambda f: len(f) == 3)  # fields with defaults last, as msgspec wants
    return msgspec.defstruct(event_class.__name__, fields, gc=False, module=__name__)


def _older_record_types(
    event_class: type[Any], only: tuple[str, ...] | None
) -> list[type[msgspec.Struct]]:
    """Record structs reading events stored by older versions of the class straight from
    their rows, newest version first: those whose upcasters only add constants (see
    :func:`~okr_es.persistence.msgspec_mapper.constant_upcasts`). Stores keep every
    older event for good, so reading them at full speed matters."""
    return [
        _define_record_type(event_class, only, stored, added)
        for stored, added in constant_upcasts(event_class).items()
    ]


def _ids_as_text(annotation: Any) -> Any:
    if annotation is UUID:
        return str
    args = typing.get_args(annotation)
    if not args:
        return annotation
    converted = tuple(_ids_as_text(a) for a in args)
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        return functools.reduce(operator.or_, converted)
    if origin is typing.Literal:
        return annotation
    return origin[converted if len(converted) > 1 else converted[0]]


class RecordDecoders:
    """Per topic, a function from a row's state to the event's record.

    A function raises :class:`msgspec.ValidationError` for an event stored by an older
    version of its class; :meth:`upcast` decodes that one (the application's mapper
    upcasts it first)."""

    def __init__(
        self,
        mapper: Mapper[UUID],
        event_classes: Iterable[type[Any]],
        only: Mapping[type[Any], Sequence[str]] | None = None,
    ) -> None:
        """``only``: for these event classes, the fields their records keep (a reader
        that needs few fields of a frequent event saves decoding and memory)."""
        self._mapper = mapper
        self._encoder = msgspec.json.Encoder()
        only = only or {}
        types_by_topic = {get_topic(cls): record_type(cls, only.get(cls)) for cls in event_classes}
        self._decoders = {
            topic: msgspec.json.Decoder(cls).decode for topic, cls in types_by_topic.items()
        }
        self._versions = {get_topic(cls): getattr(cls, "class_version", 1) for cls in event_classes}
        older_types = {
            get_topic(cls): _older_record_types(cls, _only(only.get(cls))) for cls in event_classes
        }
        self._older: dict[str, list[Callable[[State], Any]]] = {
            topic: [self._readable(msgspec.json.Decoder(t).decode) for t in types]
            for topic, types in older_types.items()
        }
        self.by_topic: dict[str, Callable[[State], Any]] = {
            topic: self._readable(decode) for topic, decode in self._decoders.items()
        }
        # Personal data sealed in the states is opened (or read as erased) as the
        # application's mapper does it.
        keys = getattr(mapper, "keys", None)
        personal = {get_topic(cls): declared(cls) for cls in event_classes}
        self._personal = {
            topic: (keys, found)
            for topic, found in personal.items()
            if found is not None and keys is not None
        }
        for topic, (keys, found) in self._personal.items():
            self.by_topic[topic] = _opening(self.by_topic[topic], keys, found)
            self._older[topic] = [_opening(d, keys, found) for d in self._older[topic]]
        # Whole lists in one decode, where states are stored as plain JSON.
        plain = mapper.cipher is None and mapper.compressor is None
        self._lists: dict[str, Callable[[State], list[Any]]] = {
            topic: msgspec.json.Decoder(list[cls]).decode  # type: ignore[valid-type]
            for topic, cls in (types_by_topic.items() if plain else ())
        }
        # Likewise for pages of events all stored by one older version of their class.
        self._older_lists: dict[str, list[Callable[[State], list[Any]]]] = {
            topic: [msgspec.json.Decoder(list[t]).decode for t in types]  # type: ignore[valid-type]
            for topic, types in (older_types.items() if plain else ())
        }

    def _readable(self, decode: Callable[[State], Any]) -> Callable[[State], Any]:
        cipher, compressor = self._mapper.cipher, self._mapper.compressor
        if cipher is None and compressor is None:
            return decode

        def decrypt_and_decode(state: State) -> Any:
            data = state_bytes(state)
            if cipher is not None:
                data = cipher.decrypt(data)
            if compressor is not None:
                data = compressor.decompress(data)
            return decode(data)

        return decrypt_and_decode

    def decode(self, topic: str, state: State) -> Any:
        """The record of a stored event of one of the decoders' topics, upcast if need be
        (a loop over many rows may inline this, as ``replay_team_cycles`` does).

        Raises :class:`MapperDeserialisationError` for a state that is not JSON or a
        topic the decoders do not know, as the application's mapper does."""
        decode = self.by_topic.get(topic)
        if decode is None:
            raise unreadable(topic, "no event class has this topic")
        try:
            return decode(state)
        except msgspec.ValidationError:
            return self.upcast(topic, state)
        except msgspec.DecodeError as e:
            raise unreadable(topic, e) from e

    def decode_many(self, topic: str, states: Sequence[State]) -> list[Any]:
        """The records of stored events of one topic, as :meth:`decode` gives them: in
        one decode of the states joined into a JSON array, unless one was stored by an
        older version of the class."""
        decode_list = self._lists.get(topic)
        if decode_list is not None:
            joined: State
            try:
                joined = "[" + ",".join(typing.cast(Sequence[str], states)) + "]"
            except TypeError:  # bytes among them
                joined = b"[" + b",".join(state_bytes(s) for s in states) + b"]"
            try:
                return self._opened(topic, decode_list(joined))
            except msgspec.DecodeError:  # or ValidationError: decoded one by one below
                pass
            for decode_older in self._older_lists.get(topic, ()):
                try:
                    records = decode_older(joined)
                except msgspec.DecodeError:
                    continue
                version = self._versions[topic]
                for record in records:
                    record.class_version = version
                return self._opened(topic, records)
        return [self.decode(topic, state) for state in states]

    def _opened(self, topic: str, records: list[Any]) -> list[Any]:
        found = self._personal.get(topic)
        if found is not None:
            for record in records:
                open_record(found[0], found[1], record)
        return records

    def upcast(self, topic: str, state: State) -> Any:
        """The record of an event stored by an older version of its class: read straight
        from its row where that version's upcasters only add constants, else through the
        application's mapper."""
        for decode in self._older.get(topic, ()):
            try:
                record = decode(state)
            except msgspec.ValidationError:
                continue
            except msgspec.DecodeError as e:
                raise unreadable(topic, e) from e
            record.class_version = self._versions[topic]
            return record
        stored = StoredEvent(UUID(int=0), 0, topic, bytes(state_bytes(state)))
        event = self._mapper.to_domain_event(stored)
        fields = {k: v for k, v in vars(event).items() if k not in _COLUMN_FIELDS}
        version = getattr(type(event), "class_version", 1)
        if version > 1:
            fields["class_version"] = version
        return self._decoders[topic](self._encoder.encode(fields))


def _opening(
    decode: Callable[[State], Any], keys: PersonKeys, personal: PersonalData
) -> Callable[[State], Any]:
    def decode_and_open(state: State) -> Any:
        record = decode(state)
        open_record(keys, personal, record)
        return record

    return decode_and_open


def _only(fields: Sequence[str] | None) -> tuple[str, ...] | None:
    return None if fields is None else tuple(fields)


def state_bytes(state: State) -> bytes:
    """A stored state as bytes (SQLite returns a state stored as text as ``str``)."""
    return state.encode() if isinstance(state, str) else state


def unreadable(topic: str, reason: object) -> MapperDeserialisationError:
    """The error for a stored event that cannot be decoded: the store holds what no
    version of okr-es wrote, so it is reported as the store's fault, not the command's."""
    return MapperDeserialisationError(f"cannot decode stored event {topic}: {reason}")


class EventRows:
    """Rows of the application's events table, read without the library's notification
    objects. SQLite and PostgreSQL are asked directly; any other recorder through the
    application's notification log."""

    def __init__(self, app: OKRApplication) -> None:
        self._app = app
        self._recorder: ApplicationRecorder = app.recorder

    def log(self, start: int = 1) -> Iterator[Page]:
        """The log from position ``start`` on, in pages, oldest first.

        Holds one connection (on SQLite one read transaction, so every page comes from
        the same snapshot) until the iteration ends: do not wait on the store between
        pages."""
        recorder = self._recorder
        if isinstance(recorder, SQLiteApplicationRecorder):
            with recorder.datastore.transaction(commit=False) as curs:
                cursor = curs.sqlite_cursor
                cursor.row_factory = None
                yield from _sqlite_pages(
                    cursor, recorder.events_table_name, start, plain=self._plain
                )
        elif isinstance(recorder, PostgresApplicationRecorder):
            datastore = recorder.datastore
            pg_query = SQL(
                f"SELECT {_PG_COLUMNS} FROM {{schema}}.{{table}} "
                "WHERE notification_id >= %s ORDER BY notification_id LIMIT %s"
            ).format(
                schema=Identifier(datastore.schema), table=Identifier(recorder.events_table_name)
            )
            with (
                datastore.get_connection() as conn,
                conn.cursor(row_factory=tuple_row, binary=True) as c,
            ):
                while True:
                    rows: list[Row] = c.execute(pg_query, (start, _PAGE)).fetchall()
                    yield Page.of_rows(rows)
                    if len(rows) < _PAGE:
                        return
                    start = rows[-1][0] + 1
        else:
            while True:
                batch = self._app.notifications(start, _PAGE)
                yield Page(
                    [n.id for n in batch],
                    [n.originator_id for n in batch],
                    [n.topic for n in batch],
                    [n.state for n in batch],
                )
                if len(batch) < _PAGE:
                    return
                start = batch[-1].id + 1

    @property
    def _plain(self) -> bool:
        """Whether states are stored as plain JSON (no cipher, no compression)."""
        mapper = self._app.mapper
        return mapper.cipher is None and mapper.compressor is None

    def of(self, ids: Iterable[UUID]) -> list[Row]:
        """Every event of these aggregates, in log order: an index lookup per aggregate
        (the events table's primary key), not a scan."""
        wanted = sorted(set(ids))
        recorder = self._recorder
        rows: list[Row] = []
        if isinstance(recorder, SQLiteApplicationRecorder):
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                query = (
                    f"SELECT {_SQLITE_COLUMNS} FROM {recorder.events_table_name} "
                    f"WHERE originator_id IN ({','.join('?' * len(chunk))})"
                )
                with recorder.datastore.transaction(commit=False) as curs:
                    cursor = curs.sqlite_cursor
                    cursor.row_factory = None
                    rows += cursor.execute(query, [u.hex for u in chunk]).fetchall()
        elif isinstance(recorder, PostgresApplicationRecorder):
            datastore = recorder.datastore
            pg_query = SQL(
                f"SELECT {_PG_COLUMNS} FROM {{schema}}.{{table}} WHERE originator_id = ANY(%s)"
            ).format(
                schema=Identifier(datastore.schema), table=Identifier(recorder.events_table_name)
            )
            keys: list[Any] = (
                list(wanted) if datastore.originator_id_type == "uuid" else [str(u) for u in wanted]
            )
            with (
                datastore.get_connection() as conn,
                conn.cursor(row_factory=tuple_row, binary=True) as c,
            ):
                rows += c.execute(pg_query, [keys]).fetchall()
        else:
            texts = {str(u) for u in wanted}
            rows = [
                (n.id, n.originator_id, n.originator_version, n.topic, n.state)
                for n in self._app.all_notifications()
                if str(UUID(str(n.originator_id))) in texts
            ]
        rows.sort(key=operator.itemgetter(0))
        return rows


class Page(NamedTuple):
    """Consecutive events of the log, as columns: a page of the log is read for every
    event it holds, and columns are cheaper to build and to go through than a row
    object per event."""

    positions: Sequence[int]
    originator_ids: Sequence[Any]  # as the driver returns them
    topics: Sequence[str]
    # Stored states: bytes, or text where they are plain JSON read as text (SQLite).
    states: Sequence[State]

    @classmethod
    def of_rows(cls, rows: Sequence[Row]) -> Page:
        return cls(
            [r[0] for r in rows], [r[1] for r in rows], [r[3] for r in rows], [r[4] for r in rows]
        )


# Between states in a page read as text: a character JSON text never holds unescaped.
_STATE_SEPARATOR = "\x1e"


def _sqlite_pages(cursor: sqlite3.Cursor, table: str, start: int, *, plain: bool) -> Iterator[Page]:
    """Pages of the log from ``start`` to where it ends when the first page is read.

    Plain JSON states are read as one row per page, every column concatenated by
    SQLite, rather than a row per event: building a row per event costs more than
    reading it, and leaves the garbage collector tens of thousands of objects to go
    through. Within a page, the columns are concatenated in the same order (one
    aggregate step per row), which is checked to be the log's; a page that is not is
    read again row by row."""
    end = cursor.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
    rows_query = (
        f"SELECT {_SQLITE_COLUMNS} FROM {table} WHERE rowid >= ? AND rowid < ? ORDER BY rowid"
    )
    joined_query = (
        "SELECT count(*), group_concat(rowid), group_concat(originator_id), "
        f"group_concat(topic), group_concat(state, char(30)) FROM {table} "
        "WHERE rowid >= ? AND rowid < ?"
    )
    for first in range(max(start, 1), end + 1, _PAGE):
        bounds = (first, first + _PAGE)
        if plain:
            try:
                joined = cursor.execute(joined_query, bounds).fetchone()
            except sqlite3.OperationalError:  # a state that is not UTF-8 text after all
                joined = None
            page = None if joined is None else _joined_page(*joined)
            if page is not None:
                yield page
                continue
        yield Page.of_rows(cursor.execute(rows_query, bounds).fetchall())


_POSITIONS = msgspec.json.Decoder(list[int])


def _joined_page(
    count: int, positions: str | None, ids: str | None, topics: str | None, states: str | None
) -> Page | None:
    """The page from its concatenated columns; None unless they hold ``count`` events
    each, in log order."""
    if not count:
        return Page([], [], [], [])
    if positions is None or ids is None or topics is None or states is None:
        return None
    page = Page(
        _POSITIONS.decode(f"[{positions}]"),
        ids.split(","),
        topics.split(","),
        states.split(_STATE_SEPARATOR),
    )
    if not (
        count == len(page.positions) == len(page.originator_ids) == len(page.topics)
        and count == len(page.states)
        and page.positions == sorted(page.positions)
    ):
        return None
    return page
