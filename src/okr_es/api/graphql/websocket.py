"""Reading graphql-transport-ws messages: a message that is not one closes the socket with
4400, as the protocol says, and a ``subscribe`` without a query is answered like one
with an empty query.

strawberry closes with 4400 only for the faults it looks for (no ``type``, an unknown
type); text that is not JSON (refused by the controller's own JSON reader), a message or
payload that is not an object, or an id that is not text escaped as an internal error
(4500). And a ``subscribe`` whose payload lacks ``query`` closed the whole socket, while
``"query": null`` or ``""`` gets an ``error`` message for that operation alone.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from cross_web import HTTPException as RequestRefused
from strawberry.http.exceptions import NonJsonMessageReceived
from strawberry.litestar.controller import LitestarWebSocketAdapter
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

INVALID_MESSAGE = 4400


class WebSocketAdapter(LitestarWebSocketAdapter):
    """Text that is not JSON is the client's fault, whoever's reader refused it."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object]:
        try:
            async for message in super().iter_json(ignore_parsing_errors=ignore_parsing_errors):
                yield message
        except RequestRefused:
            if not ignore_parsing_errors:
                raise NonJsonMessageReceived from None


class TransportWSHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """strawberry's graphql-transport-ws handler, checking a message's shape first."""

    async def handle_message(self, message: Any) -> None:
        fault = _fault(message)
        if fault is not None:
            await self.handle_invalid_message(fault)
            return
        if message["type"] == "subscribe" and "query" not in message["payload"]:
            message = {**message, "payload": {**message["payload"], "query": None}}
        await super().handle_message(message)


def _fault(message: Any) -> str | None:
    """Why ``message`` is no graphql-transport-ws message (None: it may be one)."""
    if not isinstance(message, dict):
        return "a message is a JSON object"
    if not isinstance(message.get("type"), str):
        return "a message has a type (text)"
    if message["type"] in ("subscribe", "complete") and not isinstance(message.get("id"), str):
        return f"a {message['type']} message has an id (text)"
    if message["type"] == "subscribe" and not isinstance(message.get("payload"), dict):
        return "a subscribe message has a payload (an object)"
    payload = message.get("payload")
    if message["type"] in ("connection_init", "ping", "pong") and not (
        payload is None or isinstance(payload, dict)
    ):
        return f"a {message['type']} message's payload is an object"
    return None
