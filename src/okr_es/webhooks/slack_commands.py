"""Check-ins from Slack: reading the slash command's text and the modal's answers, finding
the key result it names, and the answers Slack shows. Pure, except :func:`key_result`,
which reads the okr tree read model.

``/okr checkin <key result> <value> [status] [comment …]`` — the key result by its id or
the first 8 or more characters of it (as okr-es shows them), the value with a decimal point
or comma, the status ``green``/``yellow``/``red`` (or ``grønn``/``gul``/``rød``; left out:
the status last reported), the rest is the comment.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from okr_es.projections.queries import Views

STATUS_WORDS = {
    "green": "green",
    "yellow": "yellow",
    "red": "red",
    "grønn": "green",
    "gronn": "green",
    "gul": "yellow",
    "rød": "red",
    "rod": "red",
}
_REF = re.compile(r"^[0-9a-f-]{8,36}$")
USAGE = (
    "Bruk / usage: `/okr checkin <nøkkelresultat-id> <verdi> [grønn|gul|rød] [kommentar]`, "
    "e.g. `/okr checkin 3f2a9c1e 64 green on track`"
)


class CheckInRequest(msgspec.Struct, frozen=True):
    ref: str
    value: float
    status: str | None
    comment: str


class Unreadable(Exception):
    """The command cannot be read; the message says how to write it."""


def parse_command(text: str) -> CheckInRequest:
    words = text.split()
    if not words or words[0].lower() not in ("checkin", "check-in", "innsjekk"):
        raise Unreadable(USAGE)
    if len(words) < 3:
        raise Unreadable(USAGE)
    ref = words[1].lower()
    if not _REF.match(ref):
        raise Unreadable(f"`{words[1]}` is not a key result id. {USAGE}")
    value = parse_value(words[2])
    status = STATUS_WORDS.get(words[3].lower()) if len(words) > 3 else None
    rest = words[4:] if status is not None else words[3:]
    return CheckInRequest(ref=ref, value=value, status=status, comment=" ".join(rest))


def parse_value(text: str) -> float:
    try:
        return float(text.replace(",", ".").rstrip("%"))
    except ValueError:
        raise Unreadable(f"`{text}` is not a number. {USAGE}") from None


def parse_submission(payload: dict[str, Any]) -> CheckInRequest:
    """A modal's ``view_submission``: the key result id in ``private_metadata``, the
    answers in blocks ``value``, ``status`` and ``comment`` (one action each, same ids)."""
    view = payload.get("view") or {}
    values = (view.get("state") or {}).get("values") or {}

    def answer(block: str) -> str:
        action = (values.get(block) or {}).get(block) or {}
        selected = action.get("selected_option") or {}
        return str(selected.get("value") or action.get("value") or "")

    ref = str(view.get("private_metadata") or "").lower()
    if not _REF.match(ref):
        raise Unreadable("the form names no key result")
    status = STATUS_WORDS.get(answer("status").lower())
    return CheckInRequest(
        ref=ref, value=parse_value(answer("value")), status=status, comment=answer("comment")
    )


class FoundKeyResult(msgspec.Struct, frozen=True):
    key_result_id: str
    objective_id: str
    title: str
    reported_status: str | None


def key_result(views: Views, org: str, ref: str) -> FoundKeyResult | list[str] | None:
    """The organisation's current key result whose id starts with ``ref``: None if none,
    the candidates' titles if several."""
    rows = views.query(
        "SELECT k.key_result_id, k.objective_id, k.title, k.reported_status "
        "FROM rm_key_results k JOIN rm_objectives o ON o.objective_id = k.objective_id "
        "WHERE o.organization_id = :org AND k.removed = 0 AND k.key_result_id LIKE :ref "
        "ORDER BY k.key_result_id LIMIT 5",
        {"org": org, "ref": ref + "%"},
    )
    if not rows:
        return None
    if len(rows) > 1:
        return [str(r[2]) for r in rows]
    return FoundKeyResult(*rows[0])


def reply(text: str) -> dict[str, Any]:
    """An answer only the Slack user who sent the command sees."""
    return {"response_type": "ephemeral", "text": text}


def checked_in(title: str, value: float, status: str, position: int) -> dict[str, Any]:
    shown = f"{value:g}"
    text = f"Sjekket inn / checked in «{title}»: {shown} ({status})"
    return {
        "response_type": "ephemeral",
        "text": text,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f":white_check_mark: {text}"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"okr-es #{position}"}]},
        ],
    }
