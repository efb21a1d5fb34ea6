"""Quality lint of one OKR set: the findings a coach would raise when reading it.

`lint` classifies every key result (outcome or output, see `kr_kind`) and reports findings
with stable codes, a severity and a message in the document's language. Findings refer to
objectives and key results by their 0-based position in the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import combinations

import msgspec

from okr_es.learning.initiative_ownership import CODE as WITHOUT_INITIATIVE
from okr_es.learning.initiative_ownership import Roster, members_without_initiative
from okr_es.learning.kr_kind import (
    NUMBERED_OUTPUT_SIGNALS,
    KrKind,
    classify_key_result,
    explain_key_result,
)
from okr_es.learning.lint_messages import message
from okr_es.learning.lint_policy import FINDING_CODES, LintPolicy, Severity
from okr_es.learning.okr_set import KeyResult, Objective, OkrSet
from okr_es.learning.text import text_similarity
from okr_es.vocabulary.language import Language, detect_language

__all__ = ["Finding", "KeyResultKind", "LintReport", "lint"]


class KeyResultKind(msgspec.Struct, frozen=True):
    """The kind the classifier gave one key result."""

    objective: int
    index: int
    title: str
    kind: KrKind


class Finding(msgspec.Struct, frozen=True):
    """One problem; `objective`/`key_result` are 0-based positions or None for the whole set."""

    code: str
    severity: Severity
    objective: int | None
    key_result: int | None
    message: str


class LintReport(msgspec.Struct, frozen=True):
    """Kinds of all key results and every finding, in document order."""

    language: Language
    key_results: list[KeyResultKind]
    findings: list[Finding]

    def codes(self) -> list[str]:
        """The finding codes in report order (handy in tests and summaries)."""
        return [f.code for f in self.findings]


def lint(
    okr_set: OkrSet, policy: LintPolicy | None = None, *, roster: Roster | None = None
) -> LintReport:
    """Lint one OKR set against `policy` (defaults: `LintPolicy()`).

    `roster`: the unit's roster and its initiatives in the cycle, for a stored set (see
    :mod:`~okr_es.learning.initiative_ownership`); a document alone has none."""
    policy = policy or LintPolicy()
    language = _language(okr_set, policy)
    kinds = [
        KeyResultKind(o, k, kr.title, classify_key_result(kr.title, kr.metric))
        for o, objective in enumerate(okr_set.objectives)
        for k, kr in enumerate(objective.key_results)
    ]
    kind_of = {(item.objective, item.index): item.kind for item in kinds}
    check = _Checks(okr_set, policy, language, kind_of)
    raw = [*check.document(), *check.objectives(), *check.key_results(), *check.duplicates()]
    raw += [
        check.finding(WITHOUT_INITIATIVE, "warning", None, None, name=m.name)
        for m in members_without_initiative(roster)
    ]
    findings = [
        msgspec.structs.replace(f, severity=policy.severities.get(f.code, f.severity))
        for f in raw
        if f.code not in policy.disabled
    ]
    findings.sort(key=_document_order)
    return LintReport(language=language, key_results=kinds, findings=findings)


class _Checks:
    def __init__(
        self,
        okr_set: OkrSet,
        policy: LintPolicy,
        language: Language,
        kind_of: dict[tuple[int, int], KrKind],
    ) -> None:
        self.okr_set = okr_set
        self.policy = policy
        self.language = language
        self.kind_of = kind_of

    def finding(
        self,
        code: str,
        severity: Severity,
        objective: int | None,
        key_result: int | None,
        key: str | None = None,
        **values: object,
    ) -> Finding:
        text = message(key or code, self.language, **values)
        return Finding(code, severity, objective, key_result, text)

    def document(self) -> Iterator[Finding]:
        objectives = self.okr_set.objectives
        if len(objectives) > self.policy.max_objectives:
            yield self.finding(
                "too-many-objectives", "warning", None, None,
                count=len(objectives), limit=self.policy.max_objectives,
            )  # fmt: skip
        if (
            self.policy.alignment == "at-least-one"
            and objectives
            and not any(_filled(o.aligned_to) for o in objectives)
        ):
            yield self.finding(
                "objective-not-aligned", "warning", None, None, "no-objective-aligned"
            )

    def objectives(self) -> Iterator[Finding]:
        for index, objective in enumerate(self.okr_set.objectives):
            title = _short(objective.title)
            if self.policy.alignment == "each" and not _filled(objective.aligned_to):
                yield self.finding("objective-not-aligned", "info", index, None, title=title)
            if self.policy.require_owner and not _filled(objective.owner):
                yield self.finding("objective-has-no-owner", "warning", index, None, title=title)
            yield from self._key_result_count(index, objective, title)
            kinds = [self.kind_of[(index, k)] for k in range(len(objective.key_results))]
            if kinds and all(kind == "output" for kind in kinds):
                yield self.finding("all-key-results-are-outputs", "error", index, None, title=title)

    def _key_result_count(self, index: int, objective: Objective, title: str) -> Iterator[Finding]:
        count = len(objective.key_results)
        if count < self.policy.min_key_results:
            severity: Severity = "error" if count == 0 else "warning"
            yield self.finding(
                "too-few-key-results", severity, index, None,
                title=title, count=count, limit=self.policy.min_key_results,
            )  # fmt: skip
        elif count > self.policy.max_key_results:
            yield self.finding(
                "too-many-key-results", "error", index, None,
                title=title, count=count, limit=self.policy.max_key_results,
            )  # fmt: skip
        elif count > self.policy.warn_key_results_above:
            yield self.finding(
                "too-many-key-results", "warning", index, None,
                title=title, count=count, limit=self.policy.warn_key_results_above,
            )  # fmt: skip

    def key_results(self) -> Iterator[Finding]:
        for (o, k), kind in self.kind_of.items():
            kr = self.okr_set.objectives[o].key_results[k]
            title = _short(kr.title)
            if kind == "output":
                # Numbers that count the team's own work deserve saying so: they look
                # like a measure of effect and are the outputs teams most often miss.
                reasons = explain_key_result(kr.title, kr.metric).reasons
                own_work = any(
                    r.removeprefix("+output:") in NUMBERED_OUTPUT_SIGNALS for r in reasons
                )
                key = "kr-is-output/own-work" if own_work else None
                yield self.finding("kr-is-output", "warning", o, k, key, title=title)
            if not _has_number(kr) and not (
                self.policy.numberless_milestones_ok and kr.metric == "milestone"
            ):
                yield self.finding("kr-has-no-number", "warning", o, k, title=title)

    def duplicates(self) -> Iterator[Finding]:
        positions = list(self.kind_of)
        reported: set[tuple[int, int]] = set()
        for first, second in combinations(positions, 2):
            if second in reported:
                continue
            a = self.okr_set.objectives[first[0]].key_results[first[1]]
            b = self.okr_set.objectives[second[0]].key_results[second[1]]
            bar = self.policy.duplicate_similarity
            if text_similarity(a.title, b.title, at_least=bar) >= bar:
                reported.add(second)
                yield self.finding(
                    "duplicate-key-result", "warning", second[0], second[1],
                    title=_short(b.title), other=_short(a.title),
                    other_objective=first[0] + 1, other_index=first[1] + 1,
                )  # fmt: skip


_ORDER = {code: position for position, code in enumerate(FINDING_CODES)}
# Spelled-out numbers count too; "to", "en" and "ni" are left out as they are common words.
_NUMBER_IN_TEXT = re.compile(
    r"\d|\b(?:zero|null|ingen|half|halve|halvere|halvparten|double|doble|triple|tredoble"
    r"|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|hundred"
    r"|tre|fire|fem|seks|sju|syv|åtte|tolv|tjue|hundre)\b",
    re.IGNORECASE,
)


def _document_order(finding: Finding) -> tuple[int, int, int]:
    objective = -1 if finding.objective is None else finding.objective
    key_result = -1 if finding.key_result is None else finding.key_result
    return (objective, key_result, _ORDER.get(finding.code, len(_ORDER)))


def _language(okr_set: OkrSet, policy: LintPolicy) -> Language:
    if policy.language != "auto":
        return policy.language
    texts: list[str] = []
    for objective in okr_set.objectives:
        texts.append(objective.title)
        texts.extend(t for t in (objective.why,) if t)
        texts.extend(kr.title for kr in objective.key_results)
    return detect_language(texts)


def _has_number(kr: KeyResult) -> bool:
    return kr.target is not None or bool(_NUMBER_IN_TEXT.search(kr.title))


def _filled(value: str | None) -> bool:
    return bool(value and value.strip())


def _short(title: str, limit: int = 90) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
