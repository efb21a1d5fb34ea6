"""Domain errors: every broken rule raises one of these, each with a stable code.

Entry points map them in one place (CLI exit codes now, HTTP problem details later);
the ``code`` strings are part of the public contract and never change meaning.
"""

from __future__ import annotations

from typing import Any


class OKRError(Exception):
    """A command was refused because it breaks a rule; nothing was written."""

    code: str = "okr-error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        """A machine-readable form for JSON output."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        body.update({k: _plain(v) for k, v in self.details.items()})
        return body


class InvalidInput(OKRError):
    """A value is malformed: wrong type, empty, too long, not finite, badly ordered."""

    code = "invalid-input"


class NotFound(OKRError):
    """A referenced organisation, unit, member, cycle, objective or key result is unknown."""

    code = "not-found"


class RuleViolation(OKRError):
    """The command is well-formed but the domain forbids it in the current state."""

    code = "rule-violation"


class LimitExceeded(RuleViolation):
    """A count limit of the organisation's policy (mode ``enforce``) would be exceeded."""

    code = "limit-exceeded"


class Conflict(OKRError):
    """Someone else changed the same aggregate first; reload and decide again."""

    code = "version-conflict"

    def __init__(self, message: str, *, expected_version: int, actual_version: int) -> None:
        super().__init__(message, expected_version=expected_version, actual_version=actual_version)
        self.expected_version = expected_version
        self.actual_version = actual_version


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)
