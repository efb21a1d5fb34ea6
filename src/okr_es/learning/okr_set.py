"""The OKR set document: one unit's objectives and key results for one cycle.

A small, documented exchange format (JSON, or YAML when PyYAML is installed) that the
lint and copy-paste analyses read. Loading validates everything and reports the first
problem with the JSON path of the offending value, so a user can fix the file by hand.
"""

from __future__ import annotations

import importlib
import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from okr_es.aggregates import validation as check
from okr_es.learning.byte_order_mark import without_bom

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_KEY_RESULTS",
    "MAX_KEY_RESULTS_IN_ALL",
    "MAX_NAME_CHARS",
    "MAX_OBJECTIVES",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "KeyResult",
    "Metric",
    "Objective",
    "OkrSet",
    "OkrSetError",
    "dump_okr_set",
    "dump_okr_set_yaml",
    "load_okr_set",
    "load_okr_set_file",
    "load_okr_set_yaml",
    "okr_set_from_python",
]

# What the store takes, so a document that loads can be imported.
MAX_TITLE_CHARS = check.TITLE_MAX
MAX_TEXT_CHARS = check.TEXT_MAX
MAX_NAME_CHARS = 200
MAX_UNIT_CHARS = check.UNIT_LABEL_MAX
# Far above any sensible policy: the lint reports "too many"; the loader only stops abuse.
# Comparing wording looks at every pair of key results, so the total is bounded too.
MAX_OBJECTIVES = 20
MAX_KEY_RESULTS = 20
MAX_KEY_RESULTS_IN_ALL = 100
MAX_INPUT_BYTES = 2_000_000

Metric = Literal["increase", "decrease", "stay_above", "stay_below", "milestone"]

Title = Annotated[str, msgspec.Meta(max_length=MAX_TITLE_CHARS)]
Text = Annotated[str, msgspec.Meta(max_length=MAX_TEXT_CHARS)]
Name = Annotated[str, msgspec.Meta(max_length=MAX_NAME_CHARS)]
UnitName = Annotated[str, msgspec.Meta(max_length=MAX_UNIT_CHARS)]


class OkrSetError(ValueError):
    """An OKR set document is invalid; `path` is the JSON path of the problem ("$" = whole)."""

    def __init__(self, message: str, path: str = "$") -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = message


class KeyResult(msgspec.Struct, frozen=True, forbid_unknown_fields=False, omit_defaults=True):
    """One key result; only the title is required."""

    title: Title
    metric: Metric | None = None
    start: float | None = None
    target: float | None = None
    unit: UnitName | None = None

    def __post_init__(self) -> None:
        _require_text("title", self.title)
        _require_unicode(title=self.title, unit=self.unit)
        _require_finite("start", self.start)
        _require_finite("target", self.target)


class Objective(msgspec.Struct, frozen=True, forbid_unknown_fields=False, omit_defaults=True):
    """One objective with its key results; only the title is required."""

    title: Title
    why: Text | None = None
    owner: Name | None = None
    aligned_to: Name | None = None
    key_results: Annotated[tuple[KeyResult, ...], msgspec.Meta(max_length=MAX_KEY_RESULTS)] = ()
    # The bet behind the objective; the lint does not read it, the store keeps it.
    hypothesis: Text | None = None

    def __post_init__(self) -> None:
        _require_text("title", self.title)
        _require_unicode(
            title=self.title,
            why=self.why,
            owner=self.owner,
            aligned_to=self.aligned_to,
            hypothesis=self.hypothesis,
        )


class OkrSet(msgspec.Struct, frozen=True, forbid_unknown_fields=False, omit_defaults=True):
    """One unit's OKRs for one cycle (unit and cycle are free text, e.g. "Team A", "2025-Q2")."""

    unit: Name | None = None
    cycle: Name | None = None
    objectives: Annotated[tuple[Objective, ...], msgspec.Meta(max_length=MAX_OBJECTIVES)] = ()

    def __post_init__(self) -> None:
        _require_unicode(unit=self.unit, cycle=self.cycle)
        if sum(len(o.key_results) for o in self.objectives) > MAX_KEY_RESULTS_IN_ALL:
            raise OkrSetError(
                f"`objectives` must hold at most {MAX_KEY_RESULTS_IN_ALL} key results in all"
            )


def load_okr_set(data: bytes | str) -> OkrSet:
    """Decode and validate a JSON OKR set document; raise `OkrSetError` on any problem."""
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
    _check_size(raw)
    raw = without_bom(raw)
    try:
        return msgspec.json.decode(raw, type=OkrSet)
    except msgspec.ValidationError as error:
        raise _from_validation_error(error) from None
    except msgspec.DecodeError as error:
        raise OkrSetError(f"not valid JSON ({error})") from None
    except UnicodeDecodeError:
        raise OkrSetError("not valid JSON (text is not UTF-8)") from None
    except RecursionError:
        raise OkrSetError("not valid JSON (nested too deeply)") from None


def load_okr_set_yaml(data: bytes | str) -> OkrSet:
    """Decode and validate a YAML OKR set document (needs PyYAML, imported only here)."""
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
    _check_size(raw)
    yaml = _import_yaml()
    try:
        tree = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        raise OkrSetError(f"not valid YAML ({error})") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        # PyYAML lets a few constructor errors escape, e.g. a timestamp like 2001-13-45.
        raise OkrSetError(f"not valid YAML ({error})") from None
    return okr_set_from_python(tree)


def load_okr_set_file(path: str | Path) -> OkrSet:
    """Read one document from disk: `.yaml`/`.yml` as YAML, anything else as JSON.

    Errors reading the file itself (missing, unreadable) propagate as `OSError`.
    """
    file = Path(path)
    with file.open("rb") as stream:
        # One byte more than allowed is enough to refuse, however large the file.
        data = stream.read(MAX_INPUT_BYTES + 1)
    if file.suffix.lower() in {".yaml", ".yml"}:
        return load_okr_set_yaml(data)
    return load_okr_set(data)


def okr_set_from_python(tree: object) -> OkrSet:
    """Validate an already-parsed tree of dicts and lists (e.g. from YAML or a form)."""
    try:
        return msgspec.convert(tree, type=OkrSet)
    except msgspec.ValidationError as error:
        raise _from_validation_error(error) from None


def dump_okr_set(okr_set: OkrSet) -> bytes:
    """Encode an OKR set as indented JSON; unset optional fields are left out."""
    return msgspec.json.format(msgspec.json.encode(okr_set), indent=2) + b"\n"


def dump_okr_set_yaml(okr_set: OkrSet) -> str:
    """Encode an OKR set as YAML (needs PyYAML); unset optional fields are left out."""
    yaml = _import_yaml()
    text: str = yaml.safe_dump(msgspec.to_builtins(okr_set), allow_unicode=True, sort_keys=False)
    return text


def _require_text(field: str, value: str) -> None:
    if check.blank(value):
        raise OkrSetError(f"`{field}` must not be blank")


def _require_unicode(**fields: str | None) -> None:
    # YAML's "\\ud800" escape (or a str handed in) can hold a lone surrogate: no command
    # could print, store or hash such a text, so the document is refused as it loads.
    for field, value in fields.items():
        if value is not None and not _is_unicode(value):
            raise OkrSetError(f"`{field}` must be valid Unicode text (no lone surrogates)")


def _is_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _require_finite(field: str, value: float | None) -> None:
    if value is not None and not math.isfinite(value):
        raise OkrSetError(f"`{field}` must be a finite number")


def _check_size(raw: bytes) -> None:
    if len(raw) > MAX_INPUT_BYTES:
        raise OkrSetError(f"document is larger than {MAX_INPUT_BYTES} bytes")


# msgspec reports "<message> - at `$.objectives[0]`"; our own checks name the field first.
_AT_PATH = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>[^`]*)`)?$", re.DOTALL)
_FIELD_FIRST = re.compile(r"^(?:\$: )?`(?P<field>\w+)` (?P<rest>.*)$", re.DOTALL)


def _from_validation_error(error: msgspec.ValidationError) -> OkrSetError:
    match = _AT_PATH.match(str(error))
    message = match.group("message") if match else str(error)
    path = (match.group("path") if match else None) or "$"
    own = _FIELD_FIRST.match(message)
    if own:
        return OkrSetError(
            f"must {own.group('rest').removeprefix('must ')}", f"{path}.{own.group('field')}"
        )
    if "Number out of range" in message:
        message = "number is too large (must be finite)"
    return OkrSetError(message, path)


def _import_yaml() -> Any:
    # Imported lazily so JSON users never need PyYAML; Any because PyYAML ships no stubs.
    try:
        return importlib.import_module("yaml")
    except ImportError:
        raise OkrSetError(
            "YAML documents need the PyYAML package (pip install pyyaml); use JSON otherwise"
        ) from None
