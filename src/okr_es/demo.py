"""The demo organisation: a municipality whose five teams show what okr-es is for.

Each team behaves in a way a learning review should notice:

* Team Selvbetjening checks in every week and moves steadily (nothing to flag);
* Team Saksbehandling goes silent and reports all its progress at the end (hockey stick);
* Team Data copies last quarter's OKRs with new dates (copy-paste syndrome);
* Team Hjemmetjenester drops an objective mid-cycle, with a reason;
* Team Platform (in English) lowers a target mid-cycle (moved goalposts).

Everything is driven through :class:`OKRApplication`, with business dates in the past
so that the history reads like three real quarters; the steps run in business-time order
and each is recorded at its business time (:mod:`okr_es.demo_clock`), so ``asOf`` a day
last quarter shows what okr-es knew that day.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from okr_es.application import OKRApplication
from okr_es.demo_clock import DemoClock, DemoPlan
from okr_es.demo_meetings import seed_meetings
from okr_es.demo_reminders import seed_demo_reminders
from okr_es.vocabulary.days import month_name

ORGANIZATION_NAME = "Fjordby kommune"


@dataclass
class DemoSummary:
    """What the demo created, for printing and for tests."""

    organization_id: UUID
    admin_id: UUID
    units: dict[str, UUID] = field(default_factory=dict)
    members: dict[str, UUID] = field(default_factory=dict)
    cycles: dict[str, UUID] = field(default_factory=dict)
    objectives: int = 0
    key_results: int = 0
    check_ins: int = 0
    position: int = 0
    # The recorded clock the demo was seeded with; a seeding step run after seed_demo
    # records its events with it (``with summary.clock.at(when): app.…``).
    clock: DemoClock | None = None


@dataclass(frozen=True)
class KR:
    title: str
    metric: str
    start: float | None
    target: float | None
    unit: str


@dataclass(frozen=True)
class Goal:
    title: str
    why: str
    key_results: Sequence[KR]


def quarter_of(day: date) -> tuple[date, date, str]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1) - timedelta(days=1)
    return start, end, f"{day.year} Q{(first_month - 1) // 3 + 1}"


def seed_demo(app: OKRApplication, today: date | None = None, seed: int = 2026) -> DemoSummary:
    """Create the demo organisation: 2 departments, 5 teams, 2 past quarters and this one.

    Recorded as it would have been: the organisation two weeks before the first quarter,
    then each objective, check-in and closing at its business time (never later than the
    real now, never before the last event already in the log)."""
    today = today or app.clock().date()
    first_quarter = quarter_of(quarter_of(today)[0] - timedelta(days=1))[0] - timedelta(days=1)
    clock = DemoClock.after_log(app, _at(quarter_of(first_quarter)[0] - timedelta(days=14)))
    with clock.recording():
        summary = _seed(app, today, random.Random(seed), clock)
        # Seeding steps of other areas go here, one line each, e.g. ``seed_x(app, summary)``:
        # their events are recorded by the demo clock, after the quarters (recorded time
        # never goes back); a step dated in business time moves the clock first with
        # ``with summary.clock.at(when): app.…``.
    summary.position = app.position()
    return summary


def _seed(app: OKRApplication, today: date, rng: random.Random, clock: DemoClock) -> DemoSummary:
    reg = app.register_organization(
        name=ORGANIZATION_NAME,
        admin_name="Ingrid Berg",
        admin_email="ingrid.berg@fjordby.kommune.no",
    )
    org_id, admin = reg.ids["organization_id"], reg.ids["member_id"]
    summary = DemoSummary(organization_id=org_id, admin_id=admin, clock=clock)
    summary.members["Ingrid Berg"] = admin
    root = reg.ids["root_unit_id"]
    summary.units[ORGANIZATION_NAME] = root

    def unit(name: str, kind: str, parent: UUID) -> UUID:
        uid = app.add_unit(
            organization_id=org_id, name=name, kind=kind, parent_id=parent, by=admin
        ).ids["unit_id"]
        summary.units[name] = uid
        return uid

    def member(name: str, team: UUID, role: str = "member") -> UUID:
        email = name.lower().replace(" ", ".").replace("ø", "o").replace("å", "a") + "@fjordby.no"
        mid = app.add_member(organization_id=org_id, name=name, email=email, by=admin).ids[
            "member_id"
        ]
        app.grant_role(organization_id=org_id, member_id=mid, role=role, unit_id=team, by=admin)
        summary.members[name] = mid
        return mid

    digital = unit("Digitalisering", "department", root)
    health = unit("Helse og velferd", "department", root)
    teams = {
        "Team Selvbetjening": unit("Team Selvbetjening", "team", digital),
        "Team Saksbehandling": unit("Team Saksbehandling", "team", digital),
        "Team Data": unit("Team Data", "team", digital),
        "Team Hjemmetjenester": unit("Team Hjemmetjenester", "team", health),
        "Team Platform": unit("Team Platform", "team", digital),
    }
    owners = {
        "Team Selvbetjening": member("Ola Nordmann", teams["Team Selvbetjening"], "lead"),
        "Team Saksbehandling": member("Kari Hansen", teams["Team Saksbehandling"], "lead"),
        "Team Data": member("Per Johansen", teams["Team Data"], "lead"),
        "Team Hjemmetjenester": member("Siri Larsen", teams["Team Hjemmetjenester"], "lead"),
        "Team Platform": member("Aisha Khan", teams["Team Platform"], "lead"),
    }
    for name, team in (
        ("Jonas Dahl", "Team Selvbetjening"),
        ("Nora Bakke", "Team Saksbehandling"),
        ("Emil Strand", "Team Data"),
        ("Marte Lie", "Team Hjemmetjenester"),
        ("Tom Evans", "Team Platform"),
    ):
        member(name, teams[team])
    ambassador = member("Lise Moen", digital, "ambassador")

    cur_start, cur_end, cur_label = quarter_of(today)
    q2_start, q2_end, q2_label = quarter_of(cur_start - timedelta(days=1))
    q1_start, q1_end, q1_label = quarter_of(q2_start - timedelta(days=1))
    for label, start, end in (
        (q1_label, q1_start, q1_end),
        (q2_label, q2_start, q2_end),
        (cur_label, cur_start, cur_end),
    ):
        summary.cycles[label] = app.define_cycle(
            organization_id=org_id, label=label, kind="quarter", start=start, end=end, by=admin
        ).ids["cycle_id"]
    quarters = [
        (q1_label, q1_start, q1_end),
        (q2_label, q2_start, q2_end),
        (cur_label, cur_start, cur_end),
    ]

    # Every step from here on is planned at its business time and run in that order.
    plan = DemoPlan()
    org_goal: dict[str, UUID] = {}

    def set_org_goal() -> None:
        # The organisation's own objective, which departments' teams align to.
        made = app.set_objective(
            organization_id=org_id,
            unit_id=root,
            cycle_id=summary.cycles[cur_label],
            title="Innbyggerne får raskere og enklere hjelp",
            owner_id=admin,
            by=admin,
            why="Kommuneplanen: tjenester som er enkle å bruke og kommer raskt",
            key_results=[
                _spec(
                    KR(
                        "Median saksbehandlingstid ned fra 21 til 10 dager",
                        "decrease",
                        21,
                        10,
                        "days",
                    )
                ),
                _spec(
                    KR(
                        "Andel digitale søknader øker fra 55 % til 75 %",
                        "increase",
                        55,
                        75,
                        "percent",
                    )
                ),
            ],
            effective_at=_at(cur_start),
        )
        org_goal["id"] = made.ids["objective_id"]
        # Its progress and status are its aligned team objectives', not its unmeasured KRs'.
        app.change_roll_up_mode(objective_id=org_goal["id"], mode="children", by=admin)

    plan.at(_at(cur_start), set_org_goal)
    summary.objectives += 1
    summary.key_results += 2

    def run_quarter(
        team: str,
        q: int,
        goals: Sequence[Goal],
        pattern: str,
        carry_from: dict[int, UUID] | None = None,
    ) -> None:
        label, start, end = quarters[q]
        current = q == 2
        made: list[_Made] = []
        owner = owners[team]
        for g_index, goal in enumerate(goals):
            kwargs: dict[str, Any] = {}
            aligned = current and g_index == 0 and team != "Team Platform"
            if carry_from and g_index in carry_from:
                kwargs["carried_over_from"] = carry_from[g_index]
                kwargs["carry_over_reason"] = (
                    "Vi nådde ikke målet; vi har endret tiltakene og beholder målet ett kvartal til"
                )
            ids = _Made()
            made.append(ids)

            def set_goal(
                goal: Goal = goal,
                kwargs: dict[str, Any] = kwargs,
                ids: _Made = ids,
                aligned: bool = aligned,
                label: str = label,
                start: date = start,
                team: str = team,
                owner: UUID = owner,
            ) -> None:
                if aligned:
                    kwargs = {**kwargs, "aligned_to_objective_id": org_goal["id"]}
                res = app.set_objective(
                    organization_id=org_id,
                    unit_id=teams[team],
                    cycle_id=summary.cycles[label],
                    title=goal.title,
                    why=goal.why,
                    owner_id=owner,
                    by=owner,
                    key_results=[_spec(k) for k in goal.key_results],
                    effective_at=_at(start),
                    **kwargs,
                )
                ids.objective = res.ids["objective_id"]
                ids.key_results = [
                    res.ids[f"key_result_id_{i}"] for i in range(len(goal.key_results))
                ]

            plan.at(_at(start), set_goal)
            summary.objectives += 1
            summary.key_results += len(goal.key_results)
            _check_ins(
                app,
                plan,
                summary,
                rng,
                ids,
                goal.key_results,
                start,
                end,
                today,
                pattern,
                owner,
                team=team,
                goal_index=g_index,
                current=current,
            )
        if not current:

            def close_quarter(
                made: list[_Made] = made, team: str = team, label: str = label, owner: UUID = owner
            ) -> None:
                for ids in made:
                    if app.get_objective(ids.objective).status == "active":
                        app.close_objective(
                            objective_id=ids.objective, by=owner, note="Scoret på kvartalsmøtet"
                        )
                app.record_reflection(
                    unit_id=teams[team],
                    cycle_id=summary.cycles[label],
                    by=owner,
                    **_REFLECTIONS[pattern],
                )
                app.close_team_cycle(
                    unit_id=teams[team],
                    cycle_id=summary.cycles[label],
                    by=owner,
                    note=f"{label} avsluttet",
                )

            # At the quarterly meeting on the quarter's last afternoon.
            plan.at(_at(end, hour=16), close_quarter)

    for team, pattern, goals in (
        ("Team Selvbetjening", "steady", _SELVBETJENING),
        ("Team Saksbehandling", "hockey", _SAKSBEHANDLING),
        ("Team Data", "copy", _DATA),
        ("Team Hjemmetjenester", "drop", _HJEMME),
        ("Team Platform", "lower", _PLATFORM),
    ):
        for q in range(3):
            run_quarter(team, q, goals(q, quarters[q]), pattern)
    plan.run(clock)

    # A KPI that guards a gain the organisation has made and wants to keep.
    app.define_kpi(
        organization_id=org_id,
        unit_id=teams["Team Selvbetjening"],
        name="Oppetid for Min side",
        unit="percent",
        lower=99.5,
        by=ambassador,
    )
    seed_demo_reminders(app, org_id, admin, today)
    summary.position = app.position()
    summary.position = seed_meetings(app, summary, today, cur_label)
    return summary


@dataclass
class _Made:
    """The ids a planned ``set_objective`` made, filled in when it runs."""

    objective: UUID = field(default_factory=lambda: UUID(int=0))
    key_results: list[UUID] = field(default_factory=list)


def _check_ins(
    app: OKRApplication,
    plan: DemoPlan,
    summary: DemoSummary,
    rng: random.Random,
    made: _Made,
    krs: Sequence[KR],
    start: date,
    end: date,
    today: date,
    pattern: str,
    by: UUID,
    *,
    team: str,
    goal_index: int,
    current: bool,
) -> None:
    weeks = max(1, (min(end, today) - start).days // 7)
    total_weeks = max(1, (end - start).days // 7)
    reach = {"steady": 0.95, "hockey": 0.9, "copy": 0.55, "drop": 0.7, "lower": 0.75}[pattern]
    for week in range(1, weeks + 1):
        share = week / total_weeks
        if pattern == "drop" and current and goal_index == 1 and week == 5:
            dropped = _at(start + timedelta(weeks=week))

            def drop(dropped: datetime = dropped) -> None:
                app.drop_objective(
                    objective_id=made.objective,
                    by=by,
                    effective_at=dropped,
                    reason="Bemanningen ble flyttet til vaksinasjon; målet er ikke lenger "
                    "realistisk",
                )

            plan.at(dropped, drop)
            return
        if pattern == "lower" and current and goal_index == 0 and week == 6:
            kr = krs[0]
            assert kr.target is not None and kr.start is not None
            adjusted = _at(start + timedelta(weeks=week))
            lowered = kr.start + (kr.target - kr.start) * 0.6

            def adjust(adjusted: datetime = adjusted, lowered: float = lowered) -> None:
                app.adjust_key_result(
                    objective_id=made.objective,
                    key_result_id=made.key_results[0],
                    by=by,
                    target=lowered,
                    reason="The vendor delay makes the original target unrealistic",
                    effective_at=adjusted,
                )

            plan.at(adjusted, adjust)
        if pattern == "hockey":
            silent = 2 < week < total_weeks - 1
            if silent:
                continue
            done = 0.05 * share if week <= 2 else reach * share
        elif pattern == "copy":
            if week % 2:
                continue
            done = reach * share
        else:
            done = reach * share + rng.uniform(-0.04, 0.04)
        for index, kr in enumerate(krs):
            value, status = _value(kr, max(0.0, min(1.0, done)), share, rng)
            checked = _at(start + timedelta(weeks=week), hour=9)

            def check_in(
                index: int = index,
                value: float = value,
                status: str = status,
                checked: datetime = checked,
                comment: str = _comment(pattern, week, status),
            ) -> None:
                app.check_in(
                    objective_id=made.objective,
                    key_result_id=made.key_results[index],
                    value=value,
                    status=status,
                    by=by,
                    comment=comment,
                    checked_in_at=checked,
                )

            plan.at(checked, check_in)
            summary.check_ins += 1


def _value(kr: KR, done: float, share: float, rng: random.Random) -> tuple[float, str]:
    if kr.metric == "milestone":
        finished = done >= 0.85
        return (1.0 if finished else 0.0), ("green" if finished or share < 0.7 else "yellow")
    if kr.metric in ("stay_above", "stay_below"):
        assert kr.target is not None
        slack = kr.target * 0.02 * (1 if rng.random() < 0.85 else -1)
        held = kr.target + slack if kr.metric == "stay_above" else kr.target - slack
        ok = (held >= kr.target) if kr.metric == "stay_above" else (held <= kr.target)
        return round(held, 2), "green" if ok else "yellow"
    assert kr.start is not None and kr.target is not None
    value = kr.start + (kr.target - kr.start) * done
    gap = share - done
    status = "green" if gap < 0.15 else "yellow" if gap < 0.35 else "red"
    return round(value, 1), status


def _comment(pattern: str, week: int, status: str) -> str:
    if pattern == "hockey" and week > 2:
        return "Alt kom på plass i innspurten"
    return {
        "green": "God fremdrift denne uken",
        "yellow": "Litt bak, vi prioriterer om",
        "red": "Stopper opp: trenger avklaring fra ledelsen",
    }[status]


def _spec(kr: KR) -> dict[str, Any]:
    return {
        "title": kr.title,
        "metric": kr.metric,
        "start": kr.start,
        "target": kr.target,
        "unit": kr.unit,
    }


def _at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _SELVBETJENING(q: int, quarter: tuple[str, date, date]) -> list[Goal]:
    base = 40 + 8 * q
    return [
        Goal(
            "Innbyggerne klarer seg selv på nett",
            "Færre må ringe oss for å få hjelp",
            [
                KR(
                    f"Andel søknader levert digitalt øker fra {base} % til {base + 10} %",
                    "increase",
                    base,
                    base + 10,
                    "percent",
                ),
                KR(
                    f"Henvendelser til servicetorget ned fra {350 - 60 * q} til {300 - 60 * q} "
                    "per uke",
                    "decrease",
                    350 - 60 * q,
                    300 - 60 * q,
                    "count",
                ),
            ],
        ),
        Goal(
            "Min side er til å stole på",
            "Innbyggerne skal finne det de trenger",
            [
                KR("Brukertilfredshet med Min side over 7 av 10", "stay_above", None, 7, "score"),
                KR(
                    f"Oppgaver fullført uten hjelp øker fra {60 + 5 * q} % til {70 + 5 * q} %",
                    "increase",
                    60 + 5 * q,
                    70 + 5 * q,
                    "percent",
                ),
            ],
        ),
    ]


def _SAKSBEHANDLING(q: int, quarter: tuple[str, date, date]) -> list[Goal]:
    return [
        Goal(
            "Raskere svar på byggesøknader",
            "Byggenæringen venter for lenge på oss",
            [
                KR(
                    f"80 % av byggesakene behandles innen {30 - 4 * q} dager",
                    "increase",
                    50 + 5 * q,
                    80,
                    "percent",
                ),
                KR("Restanser ned fra 120 til 40 saker", "decrease", 120 - 20 * q, 40, "count"),
            ],
        ),
    ]


def _DATA(q: int, quarter: tuple[str, date, date]) -> list[Goal]:
    _, _, end = quarter
    month = month_name(end.month, "nb")
    label = quarter[0].split()[-1]
    return [
        Goal(
            f"Bedre datakvalitet i fagsystemene innen {month}",
            f"Beslutninger i {label} skal bygge på riktige tall",
            [
                KR(
                    f"Feil i adresseregisteret reduseres fra 900 til 300 innen {month}",
                    "decrease",
                    900,
                    300,
                    "count",
                ),
                KR(
                    f"Andel rapporter med automatisk datagrunnlag øker fra 20 % til 60 % i {label}",
                    "increase",
                    20,
                    60,
                    "percent",
                ),
            ],
        ),
        Goal(
            f"Deling av data på tvers av sektorer ({label})",
            "Mindre dobbeltarbeid",
            [
                KR(
                    f"Antall datasett publisert øker fra 10 til 30 innen {month}",
                    "increase",
                    10,
                    30,
                    "count",
                ),
                KR("Datakatalogen tas i bruk av alle fagområder", "milestone", None, None, ""),
            ],
        ),
    ]


def _HJEMME(q: int, quarter: tuple[str, date, date]) -> list[Goal]:
    return [
        Goal(
            "Tryggere hverdag for hjemmeboende eldre",
            "Flere skal kunne bo hjemme lenger",
            [
                KR(
                    f"Andel brukere med digitalt tilsyn øker fra {15 + 10 * q} % "
                    f"til {35 + 10 * q} %",
                    "increase",
                    15 + 10 * q,
                    35 + 10 * q,
                    "percent",
                ),
                KR(
                    "Uplanlagte sykehusinnleggelser under 12 per måned",
                    "stay_below",
                    None,
                    12,
                    "count",
                ),
            ],
        ),
        Goal(
            "Mer tid hos brukeren, mindre i bilen",
            "Kjøretid spiser av omsorgstiden",
            [
                KR("Kjøretid per vakt ned fra 110 til 80 minutter", "decrease", 110, 80, "minutes"),
                KR("Andel tid hos bruker øker fra 55 % til 65 %", "increase", 55, 65, "percent"),
            ],
        ),
    ]


def _PLATFORM(q: int, quarter: tuple[str, date, date]) -> list[Goal]:
    return [
        Goal(
            "Teams ship to citizens without waiting for us",
            "Platform friction is the main source of delay",
            [
                KR(
                    f"Deployments per week grow from {10 + 5 * q} to {30 + 5 * q}",
                    "increase",
                    10 + 5 * q,
                    30 + 5 * q,
                    "count",
                ),
                KR(
                    f"Lead time for changes falls from {9 - q} to 2 days",
                    "decrease",
                    9 - q,
                    2,
                    "days",
                ),
                KR("Monthly availability stays above 99.5 %", "stay_above", None, 99.5, "percent"),
            ],
        ),
    ]


_REFLECTIONS: dict[str, dict[str, str]] = {
    "steady": {
        "keep_doing": "Ukentlig innsjekk på 15 minutter",
        "stop_doing": "Å rapportere det samme i to systemer",
        "start_doing": "Å invitere brukere til kvartalsmøtet",
        "learnings": "Jevn oppfølging gjør at vi oppdager avvik tidlig",
    },
    "hockey": {
        "keep_doing": "Innspurten",
        "stop_doing": "Å hoppe over innsjekk når det er travelt",
        "start_doing": "Faste innsjekker hver mandag",
        "learnings": "Vi visste ikke hvor vi sto før de siste ukene",
    },
    "copy": {
        "keep_doing": "Målene",
        "stop_doing": "",
        "start_doing": "",
        "learnings": "Vi tar med oss målene videre",
    },
    "drop": {
        "keep_doing": "Tett dialog med brukerne",
        "stop_doing": "Å sette mål vi ikke har bemanning til",
        "start_doing": "Å justere tidligere når forutsetningene endres",
        "learnings": "Det er greit å droppe et mål når vi vet hvorfor",
    },
    "lower": {
        "keep_doing": "Measuring lead time automatically",
        "stop_doing": "Depending on one vendor for the pipeline",
        "start_doing": "Setting targets together with the teams we serve",
        "learnings": "Targets set before the vendor contract were too optimistic",
    },
}
