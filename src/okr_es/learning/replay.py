"""Replay of a unit's cycle: the change timeline in sentences, then the state it led to.

`replay_text` is a pure function of the unit's events (with their log positions): the
same events give byte-identical output, because nothing here reads the clock, draws a
random number or iterates an unordered collection. With ``as_of`` only the events known
at that instant count (see `known_count`), so the state is the one anybody could see at
that time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID

from okr_es.aggregates.key_result import Measure, is_easier
from okr_es.learning.review import review
from okr_es.projections import sentences as say
from okr_es.vocabulary.cycle_facts import CycleInfo, Positioned
from okr_es.vocabulary.language import Language, detect_language

__all__ = ["known_count", "parse_instant", "replay_text", "sentence"]

# Where UTC ends: an instant such as year 1 at +14:00 lies before the first UTC instant.
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


def parse_instant(text: str) -> datetime:
    """An ISO date or date-time as an instant in UTC.

    Whatever `date.fromisoformat` reads (``2026-11-24``, ``20261124``, ``2026-W48-2``)
    is a date and means the end of that day in UTC; a date-time without an offset is UTC.
    Raises ValueError for empty text, anything else, and instants outside the years
    1–9999 in UTC."""
    raw = text.strip()
    if not raw:
        raise ValueError("an empty value is no date or date-time")
    if not raw.isprintable():  # the standard parser stops at a NUL and ignores the rest
        raise ValueError(f"not an ISO date or date-time: {text!r}")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        pass
    else:
        return datetime.combine(day, time.max, tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"not an ISO date or date-time: {text!r}") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} lies outside the years 1 to 9999 in UTC") from None


def known_count(recorded: Iterable[datetime], as_of: datetime) -> int:
    """How many of these events, given in log order by their recording times, were known
    at ``as_of``.

    An event counts from the latest recording time of itself and every event before it.
    Events saved together are stamped as each was made, not in the order they were
    written, so a later position can carry an earlier time; taken one by one they would
    show half a save. Counted this way, what was known is always a prefix of the log."""
    count = 0
    latest: datetime | None = None
    for stamp in recorded:
        if latest is None or stamp > latest:
            latest = stamp
        if latest > as_of:
            break
        count += 1
    return count


def replay_text(
    events: Sequence[Positioned],
    cycle: CycleInfo,
    *,
    unit: str,
    names: Mapping[UUID, str],
    as_of: datetime | None = None,
) -> str:
    """The timeline, one line per event, followed by the state at the end (or as known
    at ``as_of``: the events before the first one `known_count` leaves out)."""
    chosen = list(events)
    if as_of is not None:
        chosen = chosen[: known_count((p.event.timestamp for p in chosen), as_of)]
    language = _language(chosen)
    titles, metrics = _titles(chosen)
    nb = language == "nb"
    out: list[str] = []
    heading = "Avspilling av" if nb else "Replay of"
    out.append(
        f"{heading} {say.quote(unit, language)} – {cycle.label} "
        f"({cycle.start.isoformat()} – {cycle.end.isoformat()})"
    )
    if as_of is None:
        out.append("Slik loggen står nå" if nb else "As the log stands")
    else:
        stamp = _utc(as_of).isoformat()
        out.append(f"Slik det var registrert {stamp}" if nb else f"As recorded at {stamp}")
    out.append("")
    out.append(f"{'Endringer' if nb else 'Changes'} ({len(chosen)})")
    for p in chosen:
        e = p.event
        business = _business(e)
        recorded = _utc(e.timestamp)
        out.append(
            # isoformat, as strftime's %Y leaves years before 1000 unpadded on some systems.
            f"#{p.position:<6} {business.date().isoformat()}  "
            f"({'registrert' if nb else 'recorded'} {recorded.date().isoformat()} "
            f"{recorded:%H:%M:%S})  "
            f"{sentence(e, language, titles, names, metrics, unit=unit, cycle=cycle.label)}"
        )
    out.append("")
    out.append("Tilstand" if nb else "State")
    state = review(chosen, cycle)
    if not state.objectives:
        out.append("  (ingen mål)" if nb else "  (no objectives)")
    for o in state.objectives:
        score = "–" if o.score is None else say.number(round(o.score, 2), language)
        out.append(
            f"  {say.quote(o.title, language)}: {_status(o.status, language)}, score {score}"
        )
        for kr in o.key_results:
            value = say.number(kr.final_value, language)
            target = say.number(kr.target, language)
            colour = kr.check_ins[-1].status if kr.check_ins else "–"
            removed = (" (fjernet)" if nb else " (removed)") if kr.removed else ""
            progress = f"{round(kr.final_progress * 100)} %"
            unit_label = f" {kr.unit}" if kr.unit else ""
            out.append(
                f"    {say.quote(kr.title, language)}{removed}: {value} / {target}"
                f"{unit_label} ({progress}, {colour})"
            )
    return "\n".join(out) + "\n"


def sentence(
    e: Any,
    language: Language,
    titles: Mapping[UUID, str],
    names: Mapping[UUID, str],
    metrics: Mapping[UUID, str] | None = None,
    *,
    unit: str | None = None,
    cycle: str | None = None,
) -> str:
    """One event as a sentence, with titles, names and key result metrics looked up."""
    metrics = metrics or {}
    kind = type(e).__name__
    actor = say.who(names.get(getattr(e, "by", None) or UUID(int=0)), language)

    def title(key: UUID | None) -> str | None:
        if key is None:
            return None
        return titles.get(key) or names.get(key)

    own = title(e.originator_id)
    if kind == "TeamCycleOpened":
        return say.team_cycle_opened(language, actor, title(e.unit_id), title(e.cycle_id))
    if kind == "ObjectiveCommitted":
        return say.objective_committed(language, actor, unit, title(e.objective_id))
    if kind == "ObjectiveWithdrawn":
        return say.objective_withdrawn(language, actor, unit, title(e.objective_id), e.reason)
    if kind == "ReflectionRecorded":
        return say.reflection_recorded(
            language, actor, unit, cycle, e.keep_doing, e.stop_doing, e.start_doing, e.learnings
        )
    if kind == "TeamCycleClosed":
        return say.team_cycle_closed(language, actor, unit, cycle, e.note)
    if kind == "ObjectiveSet":
        return say.objective_set(language, actor, e.title, e.why, e.carry_over_reason)
    if kind == "ObjectiveReworded":
        return say.objective_reworded(language, actor, own, e.title, e.why)
    if kind == "OwnerChanged":
        return say.owner_changed(language, actor, own, names.get(e.owner_id))
    if kind == "ObjectiveAligned":
        return say.objective_aligned(language, actor, own, title(e.objective_id))
    if kind == "KeyResultAdded":
        return say.key_result_added(language, actor, own, e.title)
    if kind == "KeyResultAdjusted":
        metric = metrics.get(e.key_result_id, "")
        easier = is_easier(
            metric,
            Measure(metric, e.previous_start, e.previous_target, e.unit),
            Measure(metric, e.start, e.target, e.unit),
        )
        return say.key_result_adjusted(
            language,
            actor,
            title(e.key_result_id),
            e.title,
            e.previous_start,
            e.start,
            e.previous_target,
            e.target,
            easier,
            e.reason,
        )
    if kind == "KeyResultRemoved":
        return say.key_result_removed(language, actor, own, title(e.key_result_id), e.reason)
    if kind == "CheckInMade":
        return say.check_in_made(
            language,
            actor,
            title(e.key_result_id),
            e.value,
            e.status,
            e.comment,
            e.blockers,
            milestone=metrics.get(e.key_result_id) == "milestone",
            confidence=e.confidence,
        )
    if kind == "ObjectiveDropped":
        return say.objective_dropped(language, actor, own, e.reason)
    if kind == "ObjectiveClosed":
        scores = list(e.scores.values())
        score = sum(scores) / len(scores) if scores else None
        return say.objective_closed(language, actor, own, score, e.note)
    if kind == "ObjectiveReopened":
        return say.objective_reopened(language, actor, own, e.reason)
    return say.other_change(language, actor, kind, own)


def _titles(events: Sequence[Positioned]) -> tuple[dict[UUID, str], dict[UUID, str]]:
    """Objective and key result titles as first set, and key results' metrics.

    Read ahead from all events, because a team cycle commits an objective in the same
    save just before the objective's own first event."""
    titles: dict[UUID, str] = {}
    metrics: dict[UUID, str] = {}
    for p in events:
        e = p.event
        kind = type(e).__name__
        if kind == "ObjectiveSet":
            titles.setdefault(e.originator_id, e.title)
        elif kind == "KeyResultAdded":
            titles.setdefault(e.key_result_id, e.title)
            metrics[e.key_result_id] = e.metric
    return titles, metrics


def _language(events: Sequence[Positioned]) -> Language:
    texts = [
        e.event.title
        for e in events
        if type(e.event).__name__ in ("ObjectiveSet", "KeyResultAdded")
    ]
    return detect_language(texts, default="nb")


def _business(e: Any) -> datetime:
    for name in ("checked_in_at", "effective_at"):
        value = getattr(e, name, None)
        if isinstance(value, datetime):
            return _utc(value)
    return _utc(e.timestamp)


def _utc(moment: datetime) -> datetime:
    """The instant in UTC, or the nearest one UTC can show (a stored date of year 1 at
    +14:00 lies before the first)."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return _EARLIEST if moment.year == 1 else _LATEST


def _status(status: str, language: Language) -> str:
    if language == "en":
        return status
    return {"active": "aktivt", "closed": "lukket", "dropped": "droppet"}.get(status, status)
