"""Whether the events being saved now seal their free texts (the organisation's privacy
policy, which the use case knows and the store does not)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

__all__ = ["free_text_sealed", "sealing_free_text"]

_SEAL_FREE_TEXT: ContextVar[bool] = ContextVar("okr_es_seal_free_text", default=False)


@contextlib.contextmanager
def sealing_free_text(seal: bool) -> Iterator[None]:
    """Seal (or not) the free texts of the events saved in this block."""
    token = _SEAL_FREE_TEXT.set(seal)
    try:
        yield
    finally:
        _SEAL_FREE_TEXT.reset(token)


def free_text_sealed() -> bool:
    return _SEAL_FREE_TEXT.get()
