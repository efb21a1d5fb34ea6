"""Domain errors: every broken rule raises one of these, each with a stable code.

Entry points map them in one place each (CLI exit codes, HTTP problem details);
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


class Unauthenticated(OKRError):
    """The request carries no access token, or one that is malformed, unknown or revoked."""

    code = "unauthenticated"


class ProviderUnavailable(OKRError):
    """The OpenID provider that vouches for a signed-in person cannot be reached, or
    answers with nonsense: the person may try again later."""

    code = "identity-provider-unavailable"


class TooManyAttempts(OKRError):
    """Too many failed authentications from one address: wait ``retry_after`` seconds."""

    code = "too-many-attempts"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after


class Forbidden(OKRError):
    """The acting member's roles do not allow this command on that unit or objective."""

    code = "forbidden"


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


# Every code a command can fail with, and what it means. The HTTP API maps the classes
# (InvalidInput → 422, NotFound → 404, RuleViolation/LimitExceeded/Conflict → 409,
# Unauthenticated → 401, Forbidden → 403); a body it cannot even read as the command's
# JSON is refused before any command runs, as invalid-input with 400.
ERROR_CODES: dict[str, tuple[type[OKRError], str]] = {
    "invalid-input": (
        InvalidInput,
        "a value does not fit (see message and field); HTTP 400 if the body is not the "
        "command's JSON",
    ),
    "wrong-type": (InvalidInput, "a value has the wrong type (text, number, list …)"),
    "empty": (
        InvalidInput,
        "a required text is empty or only whitespace and invisible characters (such as "
        "zero-width spaces, Hangul fillers or a lone combining mark), or a list that must "
        "hold something is empty (`objectives` of an import)",
    ),
    "too-long": (InvalidInput, "a text is longer than allowed (titles 200, texts 2000)"),
    "control-characters": (
        InvalidInput,
        "a text contains control characters (a title, name, label or unit also no tab)",
    ),
    "line-break": (
        InvalidInput,
        "a title, name, label or unit holds a line break (they are one line; descriptions, "
        "comments, reasons and notes may have several)",
    ),
    "invalid-text": (InvalidInput, "a text is not valid Unicode (e.g. lone surrogates)"),
    "not-finite": (InvalidInput, "a number is NaN or infinite"),
    "out-of-range": (
        InvalidInput,
        "a number is outside its allowed range (a whole number such as a confidence, 0 to "
        "10, also when it has a fraction), or a date-time lies outside the years 1 to 9999 "
        "in UTC",
    ),
    "invalid-choice": (InvalidInput, "a value is not one of the allowed words"),
    "invalid-id": (InvalidInput, "an id is not a UUID"),
    "invalid-date": (InvalidInput, "a date or date-time is not ISO 8601"),
    "invalid-email": (InvalidInput, "an e-mail address is malformed"),
    "invalid-policy": (
        InvalidInput,
        "a stored review or lint policy is not a valid policy document (unknown field, "
        "value out of range; the message names it)",
    ),
    "invalid-filter": (
        InvalidInput,
        "a saved view's filter has an unknown field or a value that does not fit",
    ),
    "in-the-future": (InvalidInput, "a business date lies more than a day in the future"),
    "date-order": (InvalidInput, "a cycle's start is not before its end"),
    "corridor-order": (InvalidInput, "a KPI corridor's lower bound is not below its upper"),
    "metric-mismatch": (InvalidInput, "key result numbers do not fit its metric"),
    "role-scope": (InvalidInput, "a role is given with(out) a unit where it needs none (one)"),
    "carry-over-needs-reason": (InvalidInput, "a carried-over objective has no reason"),
    "carry-over-needs-source": (InvalidInput, "a carry-over reason names no objective"),
    "alignment-needs-objective": (InvalidInput, "a key result to align to names no objective"),
    "not-found": (NotFound, "an organisation, unit, member, cycle, objective … is unknown"),
    "ambiguous": (
        InvalidInput,
        "a name (in a document or on the command line) fits more than one organisation, "
        "unit, cycle, member or parent objective: give the e-mail or id the message lists",
    ),
    "version-conflict": (Conflict, "the aggregate changed since it was read"),
    "rule-violation": (RuleViolation, "the command breaks a domain rule"),
    "no-change": (RuleViolation, "the command would change nothing"),
    "duplicate-id": (RuleViolation, "an id is already in use"),
    "duplicate-member": (RuleViolation, "the e-mail address is already a member"),
    "duplicate-unit-name": (RuleViolation, "a sibling unit already has that name"),
    "duplicate-group": (
        RuleViolation,
        "another directory group has that display name or directory id (externalId)",
    ),
    "duplicate-cycle": (RuleViolation, "a sibling cycle already has that label"),
    "duplicate-key-result": (RuleViolation, "the objective already has a key result so named"),
    "duplicate-objective": (
        RuleViolation,
        "the unit's set for the cycle already has an objective so named (an import names "
        "the objective at fault, e.g. `objectives[1].title`)",
    ),
    "unit-archived": (RuleViolation, "the unit is archived"),
    "unit-cycle": (RuleViolation, "a unit would move under itself or a descendant"),
    "unit-has-children": (RuleViolation, "a unit with active sub-units cannot be archived"),
    "root-unit": (RuleViolation, "the organisation's root unit cannot move or be archived"),
    "role-already-granted": (RuleViolation, "the member already has the role there"),
    "role-not-granted": (RuleViolation, "the member does not have the role there"),
    "last-admin": (RuleViolation, "the organisation would be left without an admin"),
    "member-erased": (
        RuleViolation,
        "the member was erased: their personal data is gone and cannot be given again",
    ),
    "member-inactive": (
        RuleViolation,
        "the member is deactivated: nothing new can be given to them (reactivate first)",
    ),
    "member-active": (RuleViolation, "the member is active already"),
    "same-member": (InvalidInput, "the two members named are the same member"),
    "nothing-to-transfer": (
        RuleViolation,
        "the member owns no active objective or running initiative to hand over",
    ),
    "cycle-overlap": (RuleViolation, "the cycle overlaps a sibling cycle"),
    "cycle-mismatch": (RuleViolation, "a cycle of that label exists with other dates"),
    "duplicate-unit": (InvalidInput, "an import names the same unit twice"),
    "invalid-spreadsheet": (
        InvalidInput,
        "a spreadsheet cannot be imported; `problems` lists each row and column at fault",
    ),
    "outside-parent-cycle": (RuleViolation, "the cycle does not lie within its parent"),
    "too-many-objectives": (LimitExceeded, "the unit has the policy's maximum of objectives"),
    "too-many-key-results": (LimitExceeded, "the objective has the maximum of key results"),
    "too-few-key-results": (LimitExceeded, "the objective would fall below the minimum"),
    "objective-dropped": (RuleViolation, "the objective was dropped; it cannot change"),
    "objective-closed": (RuleViolation, "the objective is closed; reopen it first"),
    "objective-not-closed": (RuleViolation, "only a closed objective can be reopened"),
    "objectives-still-open": (RuleViolation, "close or drop every objective first"),
    "team-cycle-closed": (RuleViolation, "the unit's cycle is closed; its set is final"),
    "invalid-alignment": (RuleViolation, "an objective cannot align to itself"),
    "alignment-not-ancestor": (RuleViolation, "alignment must point to an ancestor unit"),
    "carry-over-other-unit": (RuleViolation, "a unit can only carry over its own objective"),
    "carry-over-not-earlier": (RuleViolation, "carry-over must come from an earlier cycle"),
    "initiative-completed": (RuleViolation, "the initiative is completed"),
    "initiative-stopped": (RuleViolation, "the initiative was stopped"),
    "kpi-retired": (RuleViolation, "the KPI is retired"),
    "meeting-closed": (
        RuleViolation,
        "the meeting is closed: it takes no more items (priorities may still be marked done "
        "and blockers resolved)",
    ),
    "not-in-meeting-cycle": (
        RuleViolation,
        "a check-in made in a meeting is on an objective of the meeting's unit and cycle",
    ),
    "key-result-not-met": (RuleViolation, "only a key result that met its target graduates"),
    "already-graduated": (
        RuleViolation,
        "the key result already graduated into a KPI, or the KPI already continues one",
    ),
    "token-revoked": (RuleViolation, "the access token is already revoked"),
    "invalid-url": (InvalidInput, "a webhook URL is not an absolute https URL with a host"),
    "insecure-url": (InvalidInput, "http, to a host not in OKR_ES_WEBHOOK_ALLOW_HTTP_HOSTS"),
    "url-credentials": (InvalidInput, "a webhook URL carries a user name or password"),
    "webhook-removed": (RuleViolation, "the webhook was removed"),
    "chat-user-linked": (RuleViolation, "the Slack user is already linked to a member"),
    "unauthenticated": (Unauthenticated, "no valid access token (missing, malformed, revoked)"),
    "too-many-attempts": (
        TooManyAttempts,
        "too many failed authentications from this address; wait retry_after seconds",
    ),
    "forbidden": (Forbidden, "the member's roles do not allow this command there"),
    "missing-scope": (
        Forbidden,
        "the access token's scope (read, check-in) does not cover this request; the "
        "problem's `scope` names the one it needs",
    ),
    "unknown-person": (
        Unauthenticated,
        "a valid sign-in whose account is linked to no member (and no member has its "
        "verified e-mail address, where that is allowed)",
    ),
    "member-deactivated": (
        Unauthenticated,
        "the signed-in person's member is deactivated",
    ),
    "identity-provider-unavailable": (
        ProviderUnavailable,
        "the OpenID provider cannot be reached to check a sign-in; try again (HTTP 503)",
    ),
}
