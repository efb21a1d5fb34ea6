"""Sealing one personal value under its person's key, and opening it again.

A sealed value is a self-describing string, ``pii:v1:<subject>:<base64>``: the subject's
id says which key opens it, the base64 holds a random 96-bit nonce and the AES-256-GCM
ciphertext with its tag. The associated data binds the ciphertext to the subject and the
field, so a sealed name copied into another person's event, or into an e-mail field,
does not open.
"""

from __future__ import annotations

import base64
import binascii
import os
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["PREFIX", "new_key", "open_value", "seal", "sealed_subject"]

PREFIX = "pii:v1:"
_NONCE_BYTES = 12
_UUID_CHARS = 36


def new_key() -> bytes:
    """A fresh random 256-bit data key."""
    return AESGCM.generate_key(bit_length=256)


def _associated(subject: UUID, field: str) -> bytes:
    return f"okr-es/pii/v1/{subject}/{field}".encode()


def seal(key: bytes, subject: UUID, field: str, value: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, value.encode(), _associated(subject, field))
    return f"{PREFIX}{subject}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def sealed_subject(value: str) -> UUID | None:
    """Whose key opens ``value``; None when it is not a sealed value."""
    if not value.startswith(PREFIX) or len(value) < len(PREFIX) + _UUID_CHARS + 1:
        return None
    try:
        return UUID(value[len(PREFIX) : len(PREFIX) + _UUID_CHARS])
    except ValueError:
        return None


def open_value(key: bytes, subject: UUID, field: str, value: str) -> str | None:
    """The plaintext of a sealed value; None when it does not open with this key (a
    value tampered with, or sealed for another person or field)."""
    try:
        raw = base64.b64decode(value[len(PREFIX) + _UUID_CHARS + 1 :], validate=True)
        plain = AESGCM(key).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _associated(subject, field)
        )
    except (InvalidTag, binascii.Error, ValueError):
        return None
    return plain.decode()
