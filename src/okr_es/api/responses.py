"""Success responses of the command API: the result body and the position header."""

from __future__ import annotations

from litestar import Response

from okr_es.api.schemas import CommandResponse, TokenResponse
from okr_es.application import CommandResult

POSITION_HEADER = "X-OKR-Position"


def command_response(result: CommandResult, status_code: int = 200) -> Response[CommandResponse]:
    """``{"position", "ids", "warnings"}`` and the position again as ``X-OKR-Position``."""
    body = CommandResponse(position=result.position, ids=result.ids, warnings=result.warnings)
    return Response(body, status_code=status_code, headers=_position(result))


def token_response(result: CommandResult, status_code: int = 201) -> Response[TokenResponse]:
    """A command result that carries a newly issued token's plaintext."""
    body = TokenResponse(
        position=result.position,
        ids=result.ids,
        warnings=result.warnings,
        token=result.token or "",
    )
    return Response(body, status_code=status_code, headers=_position(result))


def _position(result: CommandResult) -> dict[str, str]:
    return {POSITION_HEADER: str(result.position)}
