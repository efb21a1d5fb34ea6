"""Reading request bodies: only JSON is accepted, and no bytes, however malformed, crash.

The command API's bodies are decoded by litestar (msgspec), the read API's by strawberry
(the standard library); both let some malformed input escape as an exception that is not
a decoding error: bytes that are not UTF-8, nesting deeper than the decoder's recursion
limit, an integer with more digits than Python converts. :func:`malformed` names those,
so each decoder can answer 400 instead of a 500.

Litestar converts a handler's arguments leniently (a query string only has text), and
would read a body's ``"42"`` as the number 42 and a number as a Unix time. A command body
is checked against its struct strictly first: JSON types must be the documented ones.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import HTTPException, SerializationException, ValidationException

from okr_es.errors import InvalidInput

JSON_CONTENT_TYPE = "application/json"


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, without parameters (``charset=utf-8``)."""
    return (content_type or "").partition(";")[0].strip().lower()


def is_json(content_type: str | None) -> bool:
    """``application/json`` or a ``+json`` type, with any parameters."""
    kind, _, subtype = media_type(content_type).partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


def malformed(error: BaseException, data: str | bytes, subject: str = "the body") -> str | None:
    """Why ``subject`` (``data``) could not be decoded, when ``error`` says it is the input's
    fault."""
    # msgspec 0.23 reports bytes that are not UTF-8 as a DecodeError, older releases (and the
    # standard library) as UnicodeDecodeError: the bytes themselves decide.
    if isinstance(error, UnicodeDecodeError) or not _is_utf8(data):
        return f"{subject} is not valid UTF-8"
    if isinstance(error, RecursionError):
        return f"{subject} nests JSON too deeply"
    if isinstance(error, ValueError):
        return f"{subject} is not valid JSON"
    return None


def _is_utf8(data: str | bytes) -> bool:
    if isinstance(data, str):
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class JSONRequest(Request[Any, Any, Any]):
    """The request the app hands its handlers: a body that cannot be decoded is a 400; one
    whose only fault is a text holding a lone surrogate is a 422 (``invalid-text``), as
    the domain answers such a text."""

    async def json(self) -> Any:
        try:
            data = await super().json()
        except SerializationException:
            # msgspec refuses an escaped lone surrogate ("\ud800") with a message about
            # truncated input or surrogate pairs; say which text it is.
            surrogate = lone_surrogate(await self.body())
            if surrogate is not None:
                raise surrogate from None
            raise
        except (ValueError, RecursionError) as error:
            reason = malformed(error, await self.body())
            # Litestar answers a SerializationException raised while reading the
            # handler's arguments as a 400, like any JSON it cannot parse.
            raise SerializationException(reason) from None
        body = self.route_handler.parsed_fn_signature.parameters.get("data")
        if body is not None:
            _check_strictly(data, body.annotation)
        return data


def lone_surrogate(body: bytes) -> InvalidInput | None:
    """The refusal of a JSON body that holds a lone surrogate (an escape such as
    ``"\\ud800"`` without its pair): JSON's grammar allows it, but it is no Unicode text.
    Names the text by its path; None when the body is no JSON or holds none."""
    try:
        data = json.loads(body)  # the standard library reads lone surrogates
    except (ValueError, RecursionError):
        return None
    found = _surrogate_path(data, "")
    if found is None:
        return None
    path, in_key = found
    what = f"a key of {path or 'the body'}" if in_key else path
    return InvalidInput(
        f"{what} is not valid Unicode text: a lone surrogate",
        code="invalid-text",
        field=path or None,
    )


def _surrogate_path(data: Any, path: str) -> tuple[str, bool] | None:
    """Where the first text with a lone surrogate is: its path, and whether it is a key."""
    if isinstance(data, str):
        return (path, False) if _SURROGATE.search(data) else None
    if isinstance(data, list):
        for index, item in enumerate(data):
            found = _surrogate_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    if isinstance(data, dict):
        for key, value in data.items():
            if _SURROGATE.search(key):
                return path, True
            found = _surrogate_path(value, f"{path}.{key}" if path else key)
            if found is not None:
                return found
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_strictly(data: Any, body_type: Any) -> None:
    """Refuse a body whose JSON types are not the struct's own (400, naming the field)."""
    if not (isinstance(body_type, type) and issubclass(body_type, msgspec.Struct)):
        return
    try:
        msgspec.convert(data, body_type, strict=True)
    except msgspec.ValidationError as error:
        message = _entry_named(str(error), data, body_type)
        raise ValidationException(
            detail="the body does not match the command", extra=[{"message": message}]
        ) from None


# msgspec names a map's entry only as "[...]" (its value) or "`key` in" (its key).
_MAP_ENTRY = re.compile(
    r"^(?P<reason>.*) - at (?P<key>`key` in )?`\$\.(?P<path>[^`]*?)(?:\[\.\.\.\])?`$"
)
_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def _entry_named(message: str, data: Any, body_type: type[msgspec.Struct]) -> str:
    """msgspec's message, with an entry of a JSON object used as a map (``scores``) named
    by its key, as sent: ``scores.<key>``."""
    match = _MAP_ENTRY.match(message)
    if match is None or not (message.endswith("[...]`") or match.group("key")):
        return message
    steps = [
        (name, int(index) if index else None) for name, index in _STEP.findall(match.group("path"))
    ]
    entries = _at(data, steps)
    if not isinstance(entries, dict):
        return message
    for key, value in entries.items():
        try:
            msgspec.convert(_replaced(data, steps, {key: value}), body_type, strict=True)
        except msgspec.ValidationError:
            where = f"{match.group('path')}.{key}"
            reason = match.group("reason") + (" (the key)" if match.group("key") else "")
            return f"{reason} - at `$.{where}`"
    return message


def _at(data: Any, steps: list[tuple[str, int | None]]) -> Any:
    for name, index in steps:
        if name:
            data = data.get(name) if isinstance(data, dict) else None
        elif isinstance(data, list) and index is not None and index < len(data):
            data = data[index]
        else:
            return None
    return data


def _replaced(data: Any, steps: list[tuple[str, int | None]], value: Any) -> Any:
    """``data`` with the part at ``steps`` replaced (copies along the path only)."""
    if not steps:
        return value
    (name, index), rest = steps[0], steps[1:]
    if name:
        return {**data, name: _replaced(data[name], rest, value)}
    copied = list(data)
    copied[index or 0] = _replaced(data[index or 0], rest, value)
    return copied


async def require_json(request: Request[Any, Any, Any]) -> None:
    """Refuse a command body that is not declared as JSON (415), before it is decoded.

    A body sent as form data or plain text would otherwise be read as JSON anyway;
    naming the expected type tells a client at once what it got wrong."""
    if is_json(request.headers.get("content-type")):
        return
    if await request.body():
        raise HTTPException(
            status_code=415,
            detail=f"send the body as JSON, with Content-Type: {JSON_CONTENT_TYPE}",
        )
