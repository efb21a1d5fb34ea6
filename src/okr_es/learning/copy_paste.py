"""Copy-paste syndrome: is the next cycle's OKR set the previous one with new dates?

`compare` pairs every key result of the next set with the most similar one of the
previous set, reading wording and numbers separately: wording is compared after period
and date expressions, numbers, word order, synonyms and typos are normalised away;
numbers (in the title and the start/target fields) must match on their own for a pair to
count as copied. A set whose key results are mostly copied is a "copy"; a set on the
same topic with new targets, replaced metrics or a narrower scope has "evolved"; a set
on another topic is "new". Every pairing is reported as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

import msgspec

from okr_es.learning.okr_set import KeyResult, OkrSet
from okr_es.learning.text import (
    extract_numbers,
    fold,
    normalise,
    numbers_match,
    period_expressions,
    strip_periods,
    text_similarity,
    token_similarity,
)

__all__ = [
    "CarryOver",
    "ComparePolicy",
    "Comparison",
    "Evidence",
    "Verdict",
    "compare",
]

Verdict = Literal["copy", "evolved", "new"]
Level = Literal["objective", "key_result"]
Ratio = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]


class CarryOver(msgspec.Struct, frozen=True):
    """A declared decision to keep an objective for another cycle, with the reason why."""

    previous_objective: int
    next_objective: int
    reason: str


class ComparePolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Thresholds of `compare`; see docs/learning.md for what each one moves."""

    # Below this wording similarity two key results are not paired at all.
    match_similarity: Ratio = 0.5
    # A pair at or above this wording similarity with unchanged numbers is a copy.
    copy_similarity: Ratio = 0.75
    # ... or at or above this one when its titles state the same numbers: the same
    # targets reworded ("75 % av søknadene leveres digitalt" / "75 prosent av
    # søknadene sendes inn digitalt").
    copy_similarity_same_numbers: Ratio = 0.55
    # ... or at or above this one when its titles state the same two or more numbers (a
    # start and a target: "fra 10 000 til 12 000"), which are evidence enough of the same
    # key result that it is paired even below `match_similarity`.
    copy_similarity_same_range: Ratio = 0.4
    # Relative difference under which two numbers count as the same target (2 %).
    number_tolerance: Ratio = 0.02
    # Share of key result slots that must be copies for the verdict "copy".
    copy_share: Ratio = 0.7
    # Below this topic similarity the next set is "new".
    new_below: Ratio = 0.3
    # Extra weight of a copied key result that repeats a target missed last cycle.
    missed_target_weight: Ratio = 0.5
    # A key result kept with its target whose start moved less than this share of the
    # way to the target repeats a missed target: the new start is where the previous
    # cycle ended, so the two documents alone show the miss.
    refreshed_start_progress_below: Ratio = 0.5


class Evidence(msgspec.Struct, frozen=True):
    """One pairing of the previous and next set, or an unpaired item (the other side None).

    `changes` holds codes such as "identical", "dates-only", "dates-changed", "synonyms",
    "typos", "reworded", "target-changed", "start-changed", "metric-changed",
    "unit-changed", "moved", "carried-over", "missed-target-repeated", "copied",
    "dropped" and "added".
    """

    level: Level
    previous_objective: int | None
    previous_key_result: int | None
    next_objective: int | None
    next_key_result: int | None
    similarity: float
    changes: list[str]
    previous_title: str | None
    next_title: str | None
    # What the codes mean for this pairing, in words, e.g. "target repeated after a
    # miss: start moved 48 → 49, target 60 unchanged".
    notes: list[str] = msgspec.field(default_factory=list)


class Comparison(msgspec.Struct, frozen=True):
    """The verdict, its scores and the evidence pair by pair."""

    verdict: Verdict
    # Overall similarity in [0, 1]: wording, with changed numbers counting half.
    score: float
    # Similarity of wording alone (the topic), in [0, 1].
    topic_similarity: float
    # Share of key result slots that are silent copies (missed targets weigh extra).
    copied_share: float
    evidence: list[Evidence]


def compare(
    previous: OkrSet,
    next: OkrSet,
    *,
    carried_over: Iterable[CarryOver] = (),
    missed_targets: Collection[tuple[int, int]] = frozenset(),
    policy: ComparePolicy | None = None,
) -> Comparison:
    """Compare two cycles' OKR sets of one unit.

    `carried_over` declares objectives kept on purpose (reported as "carried-over", never
    counted as a silent copy); `missed_targets` lists (objective, key result) positions in
    `previous` whose targets were missed, so repeating them weighs toward "copy".
    """
    policy = policy or ComparePolicy()
    declared = _validate_carry_overs(previous, next, carried_over)
    before = _flatten(previous)
    after = _flatten(next)

    kr_pairs = _match_key_results(before, after, policy)
    objective_pairs = _match_objectives(previous, next, kr_pairs, declared, policy)
    carried = {(p, n) for p, n in declared}
    evidence: list[Evidence] = []

    for p, n, similarity in objective_pairs:
        changes = _wording_changes(previous.objectives[p].title, next.objectives[n].title)
        if p != n:
            changes.append("moved")
        if (p, n) in carried:
            changes.append("carried-over")
        evidence.append(
            Evidence("objective", p, None, n, None, round(similarity, 3), changes,
                     previous.objectives[p].title, next.objectives[n].title)
        )  # fmt: skip

    copied = 0.0
    kr_score = 0.0
    kr_topic = 0.0
    for pair in kr_pairs:
        old, new = before[pair.before], after[pair.after]
        changes = _key_result_changes(old.kr, new.kr, policy)
        notes: list[str] = []
        numbers_same = "target-changed" not in changes and "start-changed" not in changes
        refreshed = _refreshed_after_miss(old.kr, new.kr, policy)
        if old.position != new.position:
            changes.append("moved")
        is_carried = (old.position[0], new.position[0]) in carried
        if is_carried:
            changes.append("carried-over")
        repeats_miss = (old.position in missed_targets and numbers_same) or refreshed is not None
        if refreshed is not None:
            # Only the baseline moved, and it shows the target was far from reached: the
            # same target repeated without learning, as silent a copy as an unchanged one.
            numbers_same = True
            changes = [c for c in changes if c != "target-changed"]
            if "start-changed" not in changes:
                changes.append("start-changed")
            notes.append(refreshed)
        if repeats_miss:
            changes.append("missed-target-repeated")
            if refreshed is None:
                notes.append("target repeated after a miss: start and target unchanged")
        steady = numbers_same and "metric-changed" not in changes
        needed = (
            policy.copy_similarity
            if not steady or not _numbers(old.kr)
            else policy.copy_similarity_same_range
            if _states_a_range(old.kr)
            else policy.copy_similarity_same_numbers
        )
        if steady and pair.similarity >= needed and not is_carried:
            changes.append("copied")
            copied += 1 + (policy.missed_target_weight if repeats_miss else 0.0)
        kr_topic += pair.similarity
        kr_score += pair.similarity if steady else pair.similarity / 2
        evidence.append(
            Evidence("key_result", *old.position, *new.position, round(pair.similarity, 3),
                     changes, old.kr.title, new.kr.title, notes)
        )  # fmt: skip

    evidence.extend(_unpaired(previous, next, before, after, kr_pairs, objective_pairs))

    kr_slots = max(len(before), len(after))
    objective_slots = max(len(previous.objectives), len(next.objectives))
    # Two sets without objectives share nothing to copy: "new", not a perfect copy.
    objective_part = (
        sum(s for _, _, s in objective_pairs) / objective_slots if objective_slots else 0.0
    )
    if kr_slots:
        topic = _KR_WEIGHT * kr_topic / kr_slots + (1 - _KR_WEIGHT) * objective_part
        score = _KR_WEIGHT * kr_score / kr_slots + (1 - _KR_WEIGHT) * objective_part
        share = min(1.0, copied / kr_slots)
    else:
        # Sets without key results can only be judged by their objectives.
        topic = score = objective_part
        steady_objectives = sum(
            1
            for p, n, s in objective_pairs
            if s >= policy.copy_similarity and (p, n) not in carried
        )
        share = steady_objectives / objective_slots if objective_slots else 0.0

    verdict: Verdict
    if topic < policy.new_below:
        verdict = "new"
    elif share >= policy.copy_share:
        verdict = "copy"
    else:
        verdict = "evolved"
    return Comparison(verdict, _unit(score), _unit(topic), _unit(share), evidence)


# Key results carry most of the meaning; a kept objective title still marks the same topic.
_KR_WEIGHT = 0.6


@dataclass(frozen=True, slots=True)
class _Item:
    position: tuple[int, int]
    kr: KeyResult


@dataclass(frozen=True, slots=True)
class _Pair:
    before: int
    after: int
    similarity: float


def _flatten(okr_set: OkrSet) -> list[_Item]:
    return [
        _Item((o, k), kr)
        for o, objective in enumerate(okr_set.objectives)
        for k, kr in enumerate(objective.key_results)
    ]


def _numbers(kr: KeyResult) -> tuple[float, ...]:
    return extract_numbers(kr.title)


def _states_a_range(kr: KeyResult) -> bool:
    """The title states two or more numbers: a start and a target, or a level and a scale."""
    return len(_numbers(kr)) >= 2


def _match_key_results(
    before: Sequence[_Item], after: Sequence[_Item], policy: ComparePolicy
) -> list[_Pair]:
    # Greedy on similarity; ties prefer equal numbers, equal text, then the same position,
    # so identical sets always pair every key result with itself.
    candidates = []
    for i, old in enumerate(before):
        for j, new in enumerate(after):
            same_numbers = numbers_match(
                _numbers(old.kr), _numbers(new.kr), policy.number_tolerance
            )
            # The same start and target are evidence of the same key result on their own.
            same_range = same_numbers and _states_a_range(old.kr)
            bar = policy.match_similarity
            if same_range:
                bar = min(bar, policy.copy_similarity_same_range)
            similarity = text_similarity(old.kr.title, new.kr.title, at_least=bar)
            if similarity < bar:
                continue
            same_text = fold(old.kr.title) == fold(new.kr.title)
            candidates.append(
                (similarity, same_numbers, same_text, old.position == new.position, -i, -j)
            )
    candidates.sort(reverse=True)
    used_before: set[int] = set()
    used_after: set[int] = set()
    pairs: list[_Pair] = []
    for similarity, *_, neg_i, neg_j in candidates:
        i, j = -neg_i, -neg_j
        if i in used_before or j in used_after:
            continue
        used_before.add(i)
        used_after.add(j)
        pairs.append(_Pair(i, j, similarity))
    pairs.sort(key=lambda pair: after[pair.after].position)
    return pairs


def _match_objectives(
    previous: OkrSet,
    next_set: OkrSet,
    kr_pairs: Sequence[_Pair],
    declared: Sequence[tuple[int, int]],
    policy: ComparePolicy,
) -> list[tuple[int, int, float]]:
    before, after = _flatten(previous), _flatten(next_set)
    links: dict[tuple[int, int], int] = {}
    for pair in kr_pairs:
        key = (before[pair.before].position[0], after[pair.after].position[0])
        links[key] = links.get(key, 0) + 1
    candidates = []
    for p, old in enumerate(previous.objectives):
        for n, new in enumerate(next_set.objectives):
            title = text_similarity(old.title, new.title)
            sizes = len(old.key_results) + len(new.key_results)
            link = 2 * links.get((p, n), 0) / sizes if sizes else title
            strength = 0.5 * title + 0.5 * link
            if strength >= policy.match_similarity / 2:
                candidates.append((strength, title, p == n, -p, -n))
    candidates.sort(reverse=True)
    used_p = {p for p, _ in declared}
    used_n = {n for _, n in declared}
    result = [
        (p, n, text_similarity(previous.objectives[p].title, next_set.objectives[n].title))
        for p, n in declared
    ]
    for _, title, _, neg_p, neg_n in candidates:
        p, n = -neg_p, -neg_n
        if p in used_p or n in used_n:
            continue
        used_p.add(p)
        used_n.add(n)
        result.append((p, n, title))
    result.sort(key=lambda item: item[1])
    return result


def _key_result_changes(old: KeyResult, new: KeyResult, policy: ComparePolicy) -> list[str]:
    changes = _wording_changes(old.title, new.title)
    if not numbers_match(_numbers(old), _numbers(new), policy.number_tolerance) or not _same(
        old.target, new.target, policy.number_tolerance
    ):
        changes.append("target-changed")
    elif not _same(old.start, new.start, policy.number_tolerance):
        changes.append("start-changed")
    if old.metric != new.metric:
        changes.append("metric-changed")
    if (old.unit or "").casefold() != (new.unit or "").casefold():
        changes.append("unit-changed")
    if changes == ["identical"]:
        return changes
    return [c for c in changes if c != "identical"] or ["identical"]


def _refreshed_after_miss(old: KeyResult, new: KeyResult, policy: ComparePolicy) -> str | None:
    """The evidence that only the start moved, target kept, and moved so little of the way
    to the target that the previous cycle missed it widely; None otherwise.

    The start is read from the fields, else from the title: the one number that changed,
    followed by the target, in a title that goes "fra … til …"/"from … to …"."""
    tolerance = policy.number_tolerance
    if old.metric != new.metric or not _same(old.target, new.target, tolerance):
        return None
    moved = _moved_start(old, new, tolerance)
    if moved is None:
        return None
    before, after, target = moved
    if _close_enough(before, target, tolerance):
        return None
    progress = (after - before) / (target - before)
    if progress >= policy.refreshed_start_progress_below:
        return None
    return (
        f"target repeated after a miss: start moved {_shown(before)} → {_shown(after)}, "
        f"target {_shown(target)} unchanged"
    )


def _moved_start(
    old: KeyResult, new: KeyResult, tolerance: float
) -> tuple[float, float, float] | None:
    """(old start, new start, target) when the start is all that changed."""
    a, b = _numbers(old), _numbers(new)
    if len(a) != len(b):
        return None
    # Any move of the start counts, even one within the tolerance of a target: 78 → 77 is
    # where the last cycle ended, below where it began.
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    in_title: tuple[float, float, float] | None = None
    if len(differ) == 1:
        at = differ[0]
        if at == len(a) - 1 or not (_FROM_TO.search(fold(old.title)) or _is_start(old, a[at])):
            return None
        in_title = (a[at], b[at], a[-1])
    elif differ:
        return None
    if (
        old.start is not None
        and new.start is not None
        and old.target is not None
        and old.start != new.start
    ):
        return (old.start, new.start, old.target)
    if in_title is not None and _same(old.start, new.start, tolerance):
        return in_title
    return None


_FROM_TO = re.compile(r"\b(?:fra|from)\b.*\b(?:til|to)\b")


def _is_start(kr: KeyResult, value: float) -> bool:
    return kr.start is not None and _close_enough(kr.start, value, 0.02)


def _close_enough(first: float, second: float, tolerance: float) -> bool:
    return numbers_match((first,), (second,), tolerance)


def _shown(value: float) -> str:
    """A number as a reader writes it: 48, 3.5, 1 200 000."""
    value = float(value)  # a document's number may be an int
    if value.is_integer():
        return f"{int(value):,}".replace(",", " ") if abs(value) >= 10_000 else str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _wording_changes(old: str, new: str) -> list[str]:
    if fold(old).split() == fold(new).split():
        return ["identical"]
    changes: list[str] = []
    dates_changed = period_expressions(old) != period_expressions(new)
    if strip_periods(old) == strip_periods(new):
        return ["dates-only"] if dates_changed else ["identical"]
    if dates_changed:
        changes.append("dates-changed")
    a, b = normalise(old), normalise(new)
    if a.stems == b.stems:
        pass  # only numbers, stopwords or punctuation differ; numbers are judged apart
    elif sorted(a.canonical) == sorted(b.canonical):
        changes.append("synonyms" if sorted(a.stems) != sorted(b.stems) else "reworded")
    elif len(a.canonical) == len(b.canonical) and all(
        any(token_similarity(x, y) > 0 for y in b.canonical) for x in a.canonical
    ):
        changes.append("typos")
    else:
        changes.append("reworded")
    return changes or ["identical"]


def _unpaired(
    previous: OkrSet,
    next_set: OkrSet,
    before: Sequence[_Item],
    after: Sequence[_Item],
    kr_pairs: Sequence[_Pair],
    objective_pairs: Sequence[tuple[int, int, float]],
) -> list[Evidence]:
    out: list[Evidence] = []
    paired_p = {p for p, _, _ in objective_pairs}
    paired_n = {n for _, n, _ in objective_pairs}
    for p, objective in enumerate(previous.objectives):
        if p not in paired_p:
            out.append(
                Evidence("objective", p, None, None, None, 0.0, ["dropped"], objective.title, None)
            )
    for n, objective in enumerate(next_set.objectives):
        if n not in paired_n:
            out.append(
                Evidence("objective", None, None, n, None, 0.0, ["added"], None, objective.title)
            )
    paired_before = {pair.before for pair in kr_pairs}
    paired_after = {pair.after for pair in kr_pairs}
    for i, item in enumerate(before):
        if i not in paired_before:
            out.append(
                Evidence("key_result", *item.position, None, None, 0.0, ["dropped"],
                         item.kr.title, None)
            )  # fmt: skip
    for j, item in enumerate(after):
        if j not in paired_after:
            out.append(
                Evidence("key_result", None, None, *item.position, 0.0, ["added"],
                         None, item.kr.title)
            )  # fmt: skip
    return out


def _validate_carry_overs(
    previous: OkrSet, next_set: OkrSet, carried_over: Iterable[CarryOver]
) -> list[tuple[int, int]]:
    declared: list[tuple[int, int]] = []
    for item in carried_over:
        if not item.reason.strip():
            raise ValueError("a carry-over needs a reason")
        if not 0 <= item.previous_objective < len(previous.objectives):
            raise ValueError(f"no previous objective {item.previous_objective} to carry over")
        if not 0 <= item.next_objective < len(next_set.objectives):
            raise ValueError(f"no next objective {item.next_objective} to carry over into")
        if any(item.previous_objective == p or item.next_objective == n for p, n in declared):
            raise ValueError("an objective can be carried over only once")
        declared.append((item.previous_objective, item.next_objective))
    return declared


def _same(first: float | None, second: float | None, tolerance: float) -> bool:
    if first is None or second is None:
        return first is second
    return numbers_match((first,), (second,), tolerance)


def _unit(value: float) -> float:
    return round(max(0.0, min(1.0, value)), 3)
