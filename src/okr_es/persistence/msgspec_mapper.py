"""Event serialisation on msgspec: compact readable JSON, decoded straight into typed values.

The library's default JSON transcoder tags every UUID and datetime and rebuilds them in
Python; here each event class gets a msgspec decoder built from its field types, so the
stored JSON stays plain (``"by": "5c1e…"``) for auditors and decodes several times faster
(see ``benchmarks/``).

Personal data (the fields an event class declares in ``personal_data``) is sealed under
its person's key on the way in and opened on the way out, when the mapper is given the
keys (:mod:`okr_es.privacy`): the stored JSON holds ``pii:v1:…`` strings for those
fields, and every reader — aggregates, projections, the relay, exports, replay — gets the
plaintext, or the placeholder once the person is erased.
"""

from __future__ import annotations

import contextlib
import dataclasses
import typing
from functools import cache
from typing import Any, Literal, cast
from uuid import UUID

import msgspec
from eventsourcing.domain import CanSnapshotAggregate, DomainEventProtocol
from eventsourcing.persistence import (
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoder,
)
from eventsourcing.utils import TopicError, get_topic, resolve_topic

from okr_es.aggregates.organization import Organization
from okr_es.privacy.fields import declared, open_fields, seal_fields
from okr_es.privacy.keys import PersonKeys

_SKIPPED = frozenset({"originator_id", "originator_version"})
_CLASS_VERSION_KEY = b'"class_version"'


class MsgspecTranscoder(Transcoder):
    """Plain JSON for values msgspec knows natively (UUID, datetime, date, Decimal, Struct)."""

    def __init__(self) -> None:
        self._encoder = msgspec.json.Encoder()
        self._decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder()

    def encode(self, obj: Any) -> bytes:
        return self._encoder.encode(obj)

    def decode(self, data: bytes) -> Any:
        return self._decoder.decode(data)


class MsgspecMapper(Mapper[UUID]):
    """Maps domain events to stored events with msgspec, decoding by the event's field types."""

    def __init__(self, transcoder: Transcoder | None = None, **kwargs: Any) -> None:
        super().__init__(transcoder or MsgspecTranscoder(), **kwargs)
        self._encoder = msgspec.json.Encoder()
        self._plain: msgspec.json.Decoder[dict[str, Any]] = msgspec.json.Decoder(dict[str, Any])
        # The people's keys; without them personal data is stored as it comes (tests and
        # tools that read a log without its store).
        self.keys: PersonKeys | None = None

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        personal = declared(type(domain_event))
        if personal is not None and self.keys is not None:
            seal_fields(self.keys, personal, state)
        data = self._encoder.encode(state)
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(type(domain_event)),
            state=data,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        data = stored_event.state
        try:
            # A topic no class answers to (a renamed class, a row written by something
            # else) makes the row as unreadable as a state that is not JSON.
            cls = resolve_topic(stored_event.topic)
            if self.cipher:
                data = self.cipher.decrypt(data)
            if self.compressor:
                data = self.compressor.decompress(data)
            state = self._decode_state(cls, data)
        except (msgspec.DecodeError, TopicError, KeyError, TypeError) as e:
            msg = (
                f"cannot decode stored event {stored_event.topic} of "
                f"{stored_event.originator_id} v{stored_event.originator_version}: {e}"
            )
            raise MapperDeserialisationError(msg) from e
        if self.keys is not None:
            personal = declared(cls)
            if personal is not None:
                open_fields(self.keys, personal, state)
            elif cls is Organization.MemberErased:
                # Another process may have erased the person: stop using a cached key.
                self.keys.forget(state["member_id"])
        originator_id = stored_event.originator_id
        state["originator_id"] = (
            originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
        )
        state["originator_version"] = stored_event.originator_version
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return cast("DomainEventProtocol[UUID]", event)

    def _decode_state(self, cls: Any, data: bytes) -> dict[str, Any]:
        class_version: int = getattr(cls, "class_version", 1)
        state_type = _state_struct(cls)
        state: dict[str, Any] | None = None
        if class_version == 1:
            state = _as_dict(_decoder(state_type).decode(data))
        elif _CLASS_VERSION_KEY in data:
            # The common case: an event written by the current code decodes in one pass.
            with contextlib.suppress(msgspec.ValidationError):
                state = _as_dict(_decoder(state_type).decode(data))
                if state.pop("class_version") != class_version:
                    state = None
        if state is None:
            # An event stored by an older version whose upcasters only add constants.
            for older in _older_state_structs(cls):
                with contextlib.suppress(msgspec.ValidationError):
                    state = _as_dict(_decoder(older).decode(data))
                    state.pop("class_version")
                    break
        if state is None:
            raw = self._plain.decode(data)
            from_version = raw.pop("class_version", 1)
            while from_version < class_version:
                getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(raw)
                from_version += 1
            raw["class_version"] = class_version
            state = _as_dict(msgspec.convert(raw, state_type))
            state.pop("class_version", None)
        if issubclass(cls, CanSnapshotAggregate):
            state["state"] = _typed_snapshot_state(state["topic"], state["state"])
        return state


@cache
def _state_struct(cls: Any) -> type[msgspec.Struct]:
    """A msgspec Struct with the event dataclass's fields, less those kept in columns."""
    hints = typing.get_type_hints(cls)
    fields: list[Any] = []
    for field in dataclasses.fields(cls):
        if field.name in _SKIPPED:
            continue
        annotation = hints[field.name]
        if field.default is not dataclasses.MISSING:
            fields.append((field.name, annotation, field.default))
        else:
            fields.append((field.name, annotation))
    if getattr(cls, "class_version", 1) > 1:
        fields.append(("class_version", int, 1))
    # Fields with defaults must follow those without for msgspec, as for dataclasses.
    fields.sort(key=lambda f: len(f) == 3)
    return msgspec.defstruct(f"{cls.__qualname__}State", fields, forbid_unknown_fields=False)


def constant_upcasts(cls: Any) -> dict[int, dict[str, Any]]:
    """For each older version of an event class whose upcasters, from it to the current
    version, only add fields with constant values (``blockers = ""``): those fields and
    values, found by running the upcasters on an empty state.

    An event stored by such a version reads straight from its JSON, the added fields
    taking these values as defaults, instead of going through a dict and the upcasters.
    A version whose upcasters read the stored state (they fail on an empty one), or add
    anything but a plain constant, is left out: its events are upcast as usual."""
    version: int = getattr(cls, "class_version", 1)
    found: dict[int, dict[str, Any]] = {}
    for stored in range(version - 1, 0, -1):
        added: dict[str, Any] = {}
        try:
            for step in range(stored, version):
                getattr(cls, f"upcast_v{step}_v{step + 1}")(added)
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if all(isinstance(v, (str, int, float, bool, type(None))) for v in added.values()):
            found[stored] = added
    return found


@cache
def _older_state_structs(cls: Any) -> tuple[type[msgspec.Struct], ...]:
    """State structs of the older versions :func:`constant_upcasts` finds, newest first:
    the event's fields, those added since with their constants as defaults, and the
    version the event was stored by (version 1 stored none)."""
    hints = typing.get_type_hints(cls)
    structs: list[type[msgspec.Struct]] = []
    for stored, added in constant_upcasts(cls).items():
        fields: list[Any] = []
        for field in dataclasses.fields(cls):
            if field.name in _SKIPPED:
                continue
            if field.name in added:
                fields.append((field.name, hints[field.name], added[field.name]))
            elif field.default is not dataclasses.MISSING:
                fields.append((field.name, hints[field.name], field.default))
            else:
                fields.append((field.name, hints[field.name]))
        if stored == 1:
            fields.append(("class_version", Literal[1], 1))
        else:
            fields.append(("class_version", Literal[stored]))
        fields.sort(key=lambda f: len(f) == 3)
        structs.append(
            msgspec.defstruct(
                f"{cls.__qualname__}StateV{stored}", fields, forbid_unknown_fields=False
            )
        )
    return tuple(structs)


@cache
def _decoder(state_type: type[msgspec.Struct]) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(state_type)


def _as_dict(struct: msgspec.Struct) -> dict[str, Any]:
    return {name: getattr(struct, name) for name in struct.__struct_fields__}


def _typed_snapshot_state(topic: str, state: dict[str, Any]) -> dict[str, Any]:
    """Snapshots hold an aggregate's attributes; its module declares their types."""
    aggregate_cls = resolve_topic(topic)
    state_type = getattr(aggregate_cls, "SnapshotState", None)
    if state_type is None:
        msg = f"{topic} has no SnapshotState declaring the types of its snapshot"
        raise TypeError(msg)
    typed = msgspec.convert(state, state_type)
    encode_names = state_type.__struct_encode_fields__
    return {
        encoded: getattr(typed, name)
        for name, encoded in zip(state_type.__struct_fields__, encode_names, strict=True)
    }
