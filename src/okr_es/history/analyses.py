"""The learning analyses on stored data: reviews, OKR set documents and copy-paste checks.

Each function here collects what it needs from the application (never writing, but for
bringing the reviews read model up to date) and hands it to the pure analysis: `review_for`
(one unit) and `reviews_for` (every unit of an organisation), from the reviews read model
or by replay → :func:`okr_es.learning.review.review`,
`copy_paste_for` → :func:`okr_es.learning.copy_paste.compare`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from okr_es.aggregates import validation as check
from okr_es.aggregates.cycle import Cycle
from okr_es.aggregates.objective import DROPPED, Objective
from okr_es.aggregates.organization import Organization
from okr_es.application import CommandResult, OKRApplication
from okr_es.errors import InvalidInput, NotFound
from okr_es.history.cycle_events import (
    CycleInfo,
    collect_unit_cycle,
    cycle_info,
    earlier_cycles,
    member_names,
    replay_team_cycles,
)
from okr_es.history.review_facts import (
    current_review_views,
    earlier_cycles_of,
    names_of,
    replays_of,
)
from okr_es.history.rosters import rosters_for
from okr_es.learning.copy_paste import CarryOver, ComparePolicy, Comparison, compare
from okr_es.learning.gc_paused import gc_paused
from okr_es.learning.lint import LintReport, lint
from okr_es.learning.lint_policy import LIMITS as LINT_LIMITS
from okr_es.learning.lint_policy import LintPolicy, stored_lint_policy
from okr_es.learning.okr_set import KeyResult, OkrSet
from okr_es.learning.okr_set import Objective as SetObjective
from okr_es.learning.review import Review, ReviewPolicy, ReviewReplay, review
from okr_es.learning.review_policy import load_review_policy
from okr_es.projections import queries
from okr_es.projections.queries import Views

__all__ = [
    "CopyPasteCheck",
    "StoredOkrSet",
    "copy_paste_for",
    "import_okr_set",
    "lint_for",
    "member_id",
    "okr_set_for",
    "review_for",
    "reviews_for",
]

# How many earlier cycles the sandbagging streak may look back through.
_MAX_HISTORY = 8


def review_for(
    app: OKRApplication,
    unit_id: UUID,
    cycle_id: UUID,
    policy: ReviewPolicy | None = None,
    *,
    today: date | None = None,
    views: Views | None = None,
    replay: bool = False,
    organization: Organization | None = None,
) -> Review:
    """Review the unit's cycle, continuing the sandbagging streak of its earlier cycles.

    By default from the reviews read model (:mod:`okr_es.projections.reviews`): the
    unit's facts for the cycle and its earlier cycles, read by index. ``views``: the
    read models to read (a server's, which may lag its log: a reader that wrote waits
    for its position first); without them, the application's reviews read model brought
    up to the head of the log first (:func:`~okr_es.history.review_facts.current_review_views`).

    ``replay``: replay the unit's events from the store instead (per aggregate, see
    :func:`okr_es.history.cycle_events.collect_unit_cycle`), as auditors do; the
    review is the same.

    Without a ``policy``, the organisation's stored review policy (the defaults when it
    stored none). ``organization`` (with past ``views``, for ``asOf``): the organisation
    as it stood then, for names and rosters."""
    policy = policy or stored_review_policy(app, _cycle(app, cycle_id).organization_id)
    if not replay:
        return _review_from_facts(
            app, _current(app, views), unit_id, cycle_id, policy, today, organization
        )
    organization_id = _cycle(app, cycle_id).organization_id
    cycles = app.cycles(organization_id)
    names = member_names(app, organization_id, cycles=cycles)
    collected = collect_unit_cycle(app, unit_id, cycle_id, names=names, records=True)
    # Oldest first, so each review can continue the streak of the one before it.
    history = earlier_cycles(app, unit_id, collected.cycle, cycles=cycles)[: _history_depth(policy)]
    previous: Review | None = None
    for earlier in reversed(history):
        got = collect_unit_cycle(app, unit_id, earlier.id, names=names, records=True)
        previous = review(
            got.events,
            got.cycle,
            policy,
            unit=got.unit_name,
            unit_id=unit_id,
            names=got.names,
            previous=previous,
        )
    team_cycle = app.get_team_cycle(unit_id, cycle_id)
    org = app.read_aggregate(Organization, organization_id)  # shared: only read here
    objectives = team_cycle.objective_ids if team_cycle else []
    rosters = rosters_for(app, org, cycle_id, {unit_id: objectives})
    return review(
        collected.events,
        collected.cycle,
        policy,
        unit=collected.unit_name,
        unit_id=unit_id,
        names=collected.names,
        today=today,
        previous=previous,
        roster=rosters[unit_id],
    )


def reviews_for(
    app: OKRApplication,
    organization_id: UUID,
    cycle_id: UUID,
    policy: ReviewPolicy | None = None,
    *,
    today: date | None = None,
    unit_ids: Iterable[UUID] | None = None,
    views: Views | None = None,
    replay: bool = False,
    organization: Organization | None = None,
) -> dict[UUID, Review]:
    """Every unit's review of a cycle, each exactly what :func:`review_for` gives.

    By default from the reviews read model, reading the facts of the cycle's teams (and
    of the earlier cycles the sandbagging streak looks back through) by index; ``views``
    as for :func:`review_for`. ``replay``: from ONE pass over the log instead
    (:func:`okr_es.history.cycle_events.replay_team_cycles`), from where the oldest of
    those cycles was defined.

    ``unit_ids``: the units to review, in this order; by default every unit of the
    organisation that set OKRs in the cycle (has a team cycle), in the organisation's
    order. Reviews by unit id. Without a ``policy``, the organisation's stored one."""
    policy = policy or stored_review_policy(app, organization_id)
    if not replay:
        return _reviews_from_facts(
            app,
            _current(app, views),
            organization_id,
            cycle_id,
            policy,
            today,
            None if unit_ids is None else list(unit_ids),
            organization,
        )
    cycle = _cycle(app, cycle_id)
    if cycle.organization_id != organization_id:
        raise NotFound(f"no cycle {cycle_id} in this organisation", field="cycle")
    org = app.read_aggregate(Organization, organization_id)  # shared: only read here
    cycles = app.cycles(organization_id)
    names = member_names(app, organization_id, cycles=cycles)
    depth = _history_depth(policy)
    info = cycle_info(cycle)
    units = list(org.units) if unit_ids is None else list(unit_ids)
    for unit_id in units:
        if unit_id not in org.units:
            raise NotFound(f"no unit {unit_id} in {org.name}", field="unit")
    # Per unit, the earlier cycles it set OKRs in, latest first.
    histories = {
        u: earlier_cycles(app, u, info, cycles=cycles)[:depth] if depth else [] for u in units
    }
    needed = {cycle.id, *(c.id for history in histories.values() for c in history)}
    # The replay and the reviews build state that lives until the end, without cycles.
    with gc_paused():
        replays = replay_team_cycles(app, needed, ReviewReplay)
        if unit_ids is None:
            units = [u for u in units if (u, cycle.id) in replays]
        objectives = {
            u: [o.id for o in replays[(u, cycle.id)].objectives.values()]
            for u in units
            if (u, cycle.id) in replays
        }
        rosters = rosters_for(app, org, cycle.id, objectives)
        reviews: dict[UUID, Review] = {}
        for unit_id in units:
            unit = org.units[unit_id].name
            previous: Review | None = None
            for past in reversed(histories[unit_id]):
                previous = replays[(unit_id, past.id)].review(
                    past,
                    policy,
                    unit=unit,
                    unit_id=unit_id,
                    names=names,
                    previous=previous,
                )
            reviews[unit_id] = replays.get((unit_id, cycle.id), ReviewReplay()).review(
                info,
                policy,
                unit=unit,
                unit_id=unit_id,
                names=names,
                today=today,
                previous=previous,
                roster=rosters.get(unit_id),
            )
        return reviews


def _review_from_facts(
    app: OKRApplication,
    views: Views,
    unit_id: UUID,
    cycle_id: UUID,
    policy: ReviewPolicy,
    today: date | None,
    organization: Organization | None = None,
) -> Review:
    """:func:`review_for` from the reviews read model: the unit's own rows only."""
    cycle = cycle_info(_cycle(app, cycle_id))
    org = organization or app.read_aggregate(
        Organization, _cycle(app, cycle_id).organization_id
    )  # only read
    if unit_id not in org.units:
        raise NotFound(f"no unit {unit_id} in {org.name}", field="unit")
    org_id, unit = str(org.id), str(unit_id)
    cycles = queries.review_cycles(views, org_id)
    names = names_of(org, cycles)
    team_cycles = {t.cycle_id for t in queries.review_teams(views, org_id, unit)}
    history = earlier_cycles_of(cycles, team_cycles, cycle)[: _history_depth(policy)]
    previous: Review | None = None
    for past in [*reversed(history), cycle]:
        facts = queries.review_facts(views, org_id, str(past.id), unit)
        replayed = replays_of(facts).get(unit, ReviewReplay())
        roster = None
        if past is cycle:
            objectives = [o.id for o in replayed.objectives.values()]
            roster = rosters_for(app, org, cycle_id, {unit_id: objectives}, views)[unit_id]
        previous = replayed.review(
            past,
            policy,
            unit=org.units[unit_id].name,
            unit_id=unit_id,
            names=names,
            today=today if past is cycle else None,
            previous=previous,
            roster=roster,
        )
    assert previous is not None
    return previous


def _reviews_from_facts(
    app: OKRApplication,
    views: Views,
    organization_id: UUID,
    cycle_id: UUID,
    policy: ReviewPolicy,
    today: date | None,
    unit_ids: list[UUID] | None,
    organization: Organization | None = None,
) -> dict[UUID, Review]:
    """:func:`reviews_for` from the reviews read model: the cycle's teams' rows only."""
    found = _cycle(app, cycle_id)
    if found.organization_id != organization_id:
        raise NotFound(f"no cycle {cycle_id} in this organisation", field="cycle")
    org = organization or app.read_aggregate(Organization, organization_id)  # only read
    units = list(org.units) if unit_ids is None else unit_ids
    for unit_id in units:
        if unit_id not in org.units:
            raise NotFound(f"no unit {unit_id} in {org.name}", field="unit")
    org_id, info = str(org.id), cycle_info(found)
    cycles = queries.review_cycles(views, org_id)
    names = names_of(org, cycles)
    depth = _history_depth(policy)
    team_cycles: dict[str, set[str]] = {}
    if depth:
        for team in queries.review_teams(views, org_id):
            team_cycles.setdefault(team.unit_id, set()).add(team.cycle_id)
    histories = {
        u: earlier_cycles_of(cycles, team_cycles.get(str(u), set()), info)[:depth] for u in units
    }
    needed = {info.id, *(c.id for history in histories.values() for c in history)}
    with gc_paused():
        replays = {
            (unit, str(c)): replay
            for c in needed
            for unit, replay in replays_of(queries.review_facts(views, org_id, str(c))).items()
        }
        if unit_ids is None:
            units = [u for u in units if (str(u), str(info.id)) in replays]
        objectives = {
            u: [o.id for o in replays[(str(u), str(info.id))].objectives.values()]
            for u in units
            if (str(u), str(info.id)) in replays
        }
        rosters = rosters_for(app, org, cycle_id, objectives, views)
        reviews: dict[UUID, Review] = {}
        for unit_id in units:
            unit = org.units[unit_id].name
            previous: Review | None = None
            for past in [*reversed(histories[unit_id]), info]:
                previous = replays.get((str(unit_id), str(past.id)), ReviewReplay()).review(
                    past,
                    policy,
                    unit=unit,
                    unit_id=unit_id,
                    names=names,
                    today=today if past is info else None,
                    previous=previous,
                    roster=rosters.get(unit_id) if past is info else None,
                )
            assert previous is not None
            reviews[unit_id] = previous
        return reviews


def stored_review_policy(app: OKRApplication, organization_id: UUID) -> ReviewPolicy:
    """The review policy the organisation stored (``ReviewPolicySet``), or the defaults."""
    stored = app.read_aggregate(Organization, organization_id).review_policy  # only read
    return ReviewPolicy() if stored is None else load_review_policy(stored)


def _current(app: OKRApplication, views: Views | None) -> Views:
    return current_review_views(app) if views is None else views


def _history_depth(policy: ReviewPolicy) -> int:
    """How many earlier cycles a review chains for the sandbagging streak."""
    return min(max(0, policy.sandbagging_cycles - 1), _MAX_HISTORY)


@dataclass(frozen=True)
class StoredOkrSet:
    """An OKR set document built from the store, with the ids behind its positions."""

    okr_set: OkrSet
    cycle: CycleInfo
    objectives: list[Objective]


def okr_set_for(app: OKRApplication, unit_id: UUID, cycle_id: UUID) -> StoredOkrSet:
    """The unit's committed (not dropped) objectives and active key results in a cycle."""
    cycle = cycle_info(_cycle(app, cycle_id))
    team_cycle = app.get_team_cycle(unit_id, cycle_id)
    objectives = [app.get_objective(i) for i in team_cycle.objective_ids] if team_cycle else []
    objectives = [o for o in objectives if o.status != DROPPED]
    org = app.get_organization(
        objectives[0].organization_id if objectives else _cycle(app, cycle_id).organization_id
    )
    parents = functools.cache(lambda: _ancestor_objectives(app, org, unit_id, cycle_id))
    document = OkrSet(
        unit=org.units[unit_id].name if unit_id in org.units else None,
        cycle=cycle.label,
        objectives=tuple(_document_objective(app, org, o, parents) for o in objectives),
    )
    return StoredOkrSet(okr_set=document, cycle=cycle, objectives=objectives)


@dataclass(frozen=True)
class CopyPasteCheck:
    """The comparison of a unit's cycle with its previous one."""

    previous_cycle: CycleInfo
    cycle: CycleInfo
    comparison: Comparison


def copy_paste_for(
    app: OKRApplication, unit_id: UUID, cycle_id: UUID, policy: ComparePolicy | None = None
) -> CopyPasteCheck | None:
    """Compare the unit's OKR set with the one of its previous cycle (None if it has none).

    Declared carry-overs (an objective's ``carried_over_from`` and reason) are passed on,
    and so are the previous cycle's missed targets (final progress or score below 1).
    """
    current = okr_set_for(app, unit_id, cycle_id)
    earlier = earlier_cycles(app, unit_id, current.cycle)
    if not earlier:
        return None
    previous = okr_set_for(app, unit_id, earlier[0].id)
    index = {o.id: i for i, o in enumerate(previous.objectives)}
    carried = [
        CarryOver(index[o.carried_over_from], i, o.carry_over_reason)
        for i, o in enumerate(current.objectives)
        if o.carried_over_from in index
    ]
    missed: set[tuple[int, int]] = set()
    for i, o in enumerate(previous.objectives):
        for k, kr in enumerate(o.active_key_results()):
            final = o.scores.get(kr.id, kr.progress)
            if final < 1.0:
                missed.add((i, k))
    comparison = compare(
        previous.okr_set,
        current.okr_set,
        carried_over=carried,
        missed_targets=missed,
        policy=policy,
    )
    return CopyPasteCheck(previous_cycle=previous.cycle, cycle=current.cycle, comparison=comparison)


def _cycle(app: OKRApplication, cycle_id: UUID) -> Cycle:
    """The cycle, shared from the cache: only read it."""
    try:
        return app.read_aggregate(Cycle, cycle_id)
    except NotFound:
        raise NotFound(f"no cycle {cycle_id}", field="cycle") from None


def _document_objective(
    app: OKRApplication,
    org: Organization,
    o: Objective,
    parents: Callable[[], dict[str, list[UUID]]],
) -> SetObjective:
    """The objective as a document names it: owner and parent by name where the name
    leads back to them on import, else by e-mail and id."""
    owner = org.members.get(o.owner_id)
    owner_name = None
    if owner is not None:
        namesakes = [m for m in org.members.values() if m.name.casefold() == owner.name.casefold()]
        owner_name = owner.name if len(namesakes) == 1 else owner.email
    aligned_to = None
    if o.aligned_to_objective_id is not None:
        title = app.get_objective(o.aligned_to_objective_id).title
        shared = len(parents().get(check.same_text_key(title), [])) > 1
        aligned_to = str(o.aligned_to_objective_id) if shared else title
    return SetObjective(
        title=o.title,
        why=o.why or None,
        owner=owner_name,
        aligned_to=aligned_to,
        key_results=tuple(
            KeyResult(
                title=kr.title,
                metric=kr.metric,  # type: ignore[arg-type]
                start=kr.start,
                target=kr.target,
                unit=kr.unit or None,
            )
            for kr in o.active_key_results()
        ),
        hypothesis=o.hypothesis or None,
    )


def import_okr_set(
    app: OKRApplication,
    document: OkrSet,
    *,
    organization_id: UUID,
    unit_id: UUID,
    cycle_id: UUID,
    by: UUID,
) -> CommandResult:
    """Write an OKR set document as the unit's objectives for a cycle: all or nothing.

    Names in the document are resolved first: an objective's ``owner`` is a member's name
    or e-mail (the importing member when absent), ``aligned_to`` the title of an
    objective of an ancestor unit in the same cycle. Every key result needs its metric.
    Then :meth:`OKRApplication.import_objectives` checks every objective with the rules
    of ``set_objective`` and saves them all in one transaction, or none.
    """
    org = app.get_organization(organization_id)
    parents = _ancestor_objectives(app, org, unit_id, cycle_id)
    objectives: list[dict[str, Any]] = []
    for i, o in enumerate(document.objectives):
        where = f"objectives[{i}]"
        owner = by if o.owner is None else member_id(org, o.owner, f"{where}.owner")
        aligned = None if o.aligned_to is None else _parent(parents, o.aligned_to, where)
        key_results = []
        for k, kr in enumerate(o.key_results):
            if kr.metric is None:
                raise InvalidInput(
                    "a stored key result needs its metric",
                    code="metric-missing",
                    field=f"{where}.key_results[{k}].metric",
                )
            key_results.append(
                {
                    "title": kr.title,
                    "metric": kr.metric,
                    "start": kr.start,
                    "target": kr.target,
                    "unit": kr.unit or "",
                }
            )
        objectives.append(
            {
                "title": o.title,
                "why": o.why or "",
                "owner_id": owner,
                "aligned_to_objective_id": aligned,
                "key_results": key_results,
                "hypothesis": o.hypothesis or "",
            }
        )
    return app.import_objectives(
        organization_id=organization_id,
        unit_id=unit_id,
        cycle_id=cycle_id,
        objectives=objectives,
        by=by,
    )


def lint_for(
    app: OKRApplication,
    unit_id: UUID,
    cycle_id: UUID,
    policy: LintPolicy | None = None,
    *,
    views: Views | None = None,
) -> LintReport:
    """The quality lint of the unit's stored OKR set in a cycle.

    Without a ``policy``, the organisation's stored lint policy, where each objective and
    key-result count it leaves out is the organisation's own limit (the counts its policy
    sets for commands), so the lint and the commands never disagree about how many is too
    many (:func:`~okr_es.learning.lint_policy.stored_lint_policy`)."""
    stored = okr_set_for(app, unit_id, cycle_id)
    organization = app.read_aggregate(Organization, _cycle(app, cycle_id).organization_id)
    if policy is None:
        limits = organization.policy  # shared: only read
        policy = stored_lint_policy(
            organization.lint_policy,
            {name: getattr(limits, name) for name in LINT_LIMITS},
        )
    objectives = {unit_id: [o.id for o in stored.objectives]}
    # The rosters and initiatives read models: a server's, or this process's brought up
    # to the head of the log.
    rosters = rosters_for(app, organization, cycle_id, objectives, _current(app, views))
    return lint(stored.okr_set, policy, roster=rosters[unit_id])


def member_id(org: Organization, text: str, field: str) -> UUID:
    """A member given by id, e-mail or name (case-insensitive); a name two members share
    is refused as ``ambiguous``."""
    wanted = text.strip().casefold()
    for member in org.members.values():
        if wanted == str(member.id):
            return member.id
    # An erased member is known by id only: their placeholders name nobody.
    present = [m for m in org.members.values() if not m.erased]
    for member in present:
        if wanted == member.email.casefold():
            return member.id
    named = [m for m in present if m.name.casefold() == wanted]
    if len(named) > 1:
        raise InvalidInput(
            f"{len(named)} members are called {text!r}; give the e-mail "
            f"({', '.join(m.email for m in named)})",
            code="ambiguous",
            field=field,
        )
    if not named:
        raise NotFound(f"no member {text!r} in {org.name}", field=field)
    return named[0].id


def _ancestor_objectives(
    app: OKRApplication, org: Organization, unit_id: UUID, cycle_id: UUID
) -> dict[str, list[UUID]]:
    """The objectives an objective of the unit may align to, by folded title and by id."""
    found: dict[str, list[UUID]] = {}
    for ancestor in org.ancestors(unit_id):
        team_cycle = app.get_team_cycle(ancestor, cycle_id)
        for objective_id in team_cycle.objective_ids if team_cycle else []:
            title = check.same_text_key(app.get_objective(objective_id).title)
            found.setdefault(title, []).append(objective_id)
            found[str(objective_id)] = [objective_id]
    return found


def _parent(parents: dict[str, list[UUID]], aligned_to: str, where: str) -> UUID:
    """The parent objective a document's ``aligned_to`` names, by title or id."""
    found = parents.get(check.same_text_key(aligned_to), [])
    if not found:
        raise InvalidInput(
            f"no objective {aligned_to!r} of a parent unit in this cycle",
            code="unknown-alignment",
            field=f"{where}.aligned_to",
        )
    if len(found) > 1:
        raise InvalidInput(
            f"{len(found)} objectives of parent units are called "
            f"{aligned_to!r}; give the objective's id ({', '.join(map(str, found))})",
            code="ambiguous",
            field=f"{where}.aligned_to",
        )
    return found[0]
