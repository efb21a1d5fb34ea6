"""Documents people write by hand (OKR sets, policies) may start with a UTF-8 byte order
mark: editors on some systems add one. It is not part of the JSON or YAML."""

from __future__ import annotations

from typing import overload

__all__ = ["without_bom"]


@overload
def without_bom(data: bytes) -> bytes: ...
@overload
def without_bom(data: str) -> str: ...
@overload
def without_bom(data: bytes | str) -> bytes | str: ...
def without_bom(data: bytes | str) -> bytes | str:
    """``data`` without a leading byte order mark."""
    if isinstance(data, bytes):
        return data.removeprefix(b"\xef\xbb\xbf")
    return data.removeprefix("\ufeff")
