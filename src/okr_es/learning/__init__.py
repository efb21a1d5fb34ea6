"""Learning analyses over OKR sets: document format, quality lint and copy-paste detection.

Everything here is a pure function of its inputs: no database, no clock, no network.
"""

from okr_es.learning.copy_paste import CarryOver, ComparePolicy, Comparison, Evidence, compare
from okr_es.learning.kr_kind import KrKind, classify_key_result, explain_key_result
from okr_es.learning.lint import Finding, KeyResultKind, LintReport, lint
from okr_es.learning.lint_policy import LintPolicy, load_lint_policy
from okr_es.learning.okr_set import (
    KeyResult,
    Objective,
    OkrSet,
    OkrSetError,
    dump_okr_set,
    load_okr_set,
    load_okr_set_file,
    load_okr_set_yaml,
    okr_set_from_python,
)

__all__ = [
    "CarryOver",
    "ComparePolicy",
    "Comparison",
    "Evidence",
    "Finding",
    "KeyResult",
    "KeyResultKind",
    "KrKind",
    "LintPolicy",
    "LintReport",
    "Objective",
    "OkrSet",
    "OkrSetError",
    "classify_key_result",
    "compare",
    "dump_okr_set",
    "explain_key_result",
    "lint",
    "load_lint_policy",
    "load_okr_set",
    "load_okr_set_file",
    "load_okr_set_yaml",
    "okr_set_from_python",
]
