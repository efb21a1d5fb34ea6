"""The change timeline: one row per event, in human words, on every store.

The sentence functions are pure and tested directly in both languages; the projection is
tested through commands, a runner and its rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.projections import sentences as say
from okr_es.projections.change_timeline import ChangeTimeline
from okr_es.projections.kpis import Kpis
from okr_es.projections.runner import ProjectionRunner

TODAY = date(2026, 11, 23)


# --- sentences ---------------------------------------------------------------------------


def test_a_norwegian_check_in_names_member_key_result_value_status_and_comment() -> None:
    assert (
        say.check_in_made(
            "nb",
            "Kari Hansen",
            "Restanser ned fra 120 til 40 saker",
            64.0,
            "green",
            "God fremdrift",
            "",
        )
        == "Kari Hansen sjekket inn «Restanser ned fra 120 til 40 saker»: 64 (grønn) – "
        "«God fremdrift»"
    )


def test_an_english_check_in_has_english_words_and_a_decimal_point() -> None:
    assert (
        say.check_in_made("en", "Aisha Khan", "Deployments", 12.5, "red", "", "Vendor late")
        == "Aisha Khan checked in «Deployments»: 12.5 (red). Blockers: Vendor late"
    )


def test_a_milestone_check_in_says_done_rather_than_one() -> None:
    sentence = say.check_in_made("nb", "Per", "Katalogen i bruk", 1.0, "green", "", "", True)
    assert sentence == "Per sjekket inn «Katalogen i bruk»: fullført (grønn)"


def test_a_check_in_with_a_confidence_says_it_beside_the_status_in_both_languages() -> None:
    nb = say.check_in_made("nb", "Per", "Saker", 64.0, "yellow", "Treg start", "", confidence=7)
    assert nb == "Per sjekket inn «Saker»: 64 (gul, tiltro 7/10) – «Treg start»"
    en = say.check_in_made("en", "Per", "Cases", 1.0, "green", "", "", True, confidence=0)
    assert en == "Per checked in «Cases»: done (green, confidence 0/10)"


def test_an_easier_target_is_lowered_even_when_the_number_grows() -> None:
    sentence = say.key_result_adjusted(
        "en",
        "Aisha Khan",
        "Lead time for changes falls from 9 to 2 days",
        "Lead time for changes falls from 9 to 2 days",
        9.0,
        9.0,
        2.0,
        4.8,
        True,
        "The vendor delay makes the original target unrealistic",
    )
    assert sentence == (
        "Aisha Khan lowered the target of «Lead time for changes falls from 9 to 2 days» "
        "from 2 to 4.8: The vendor delay makes the original target unrealistic"
    )


def test_a_harder_norwegian_target_is_raised_with_a_decimal_comma() -> None:
    sentence = say.key_result_adjusted(
        "nb", "Ola", "Andel", "Andel", 40.0, 40.0, 50.0, 52.5, False, "Vi ligger foran"
    )
    assert sentence == "Ola hevet målet for «Andel» fra 50 til 52,5: Vi ligger foran"


def test_a_dropped_objective_is_named_with_its_reason_in_both_languages() -> None:
    reason = "Bemanningen ble flyttet"
    assert (
        say.objective_dropped("nb", "Siri Larsen", "Mer tid hos brukeren", reason)
        == "Siri Larsen droppet målet «Mer tid hos brukeren»: Bemanningen ble flyttet"
    )
    assert (
        say.objective_dropped("en", "Tom Evans", "Ship faster", "")
        == "Tom Evans dropped the objective «Ship faster»"
    )


def test_an_unknown_actor_or_title_reads_as_someone_and_unknown() -> None:
    actor = say.who(None, "en")
    assert say.objective_reopened("en", actor, None, "Typo") == (
        "Someone reopened the objective (unknown): Typo"
    )
    assert say.who("", "nb") == "Noen"


def test_a_kpi_corridor_reads_as_between_at_least_or_at_most() -> None:
    assert say.corridor(99.5, None, "percent", "nb") == "minst 99,5 %"
    assert say.corridor(None, 3, "days", "en") == "at most 3 days"
    assert say.corridor(1, 2, "", "en") == "between 1 and 2"


def test_a_commitment_without_a_known_objective_still_reads_as_a_sentence() -> None:
    assert say.objective_committed("nb", "Ola", "Team A", None) == (
        "Ola forpliktet «Team A» til et nytt mål"
    )


# --- the projection ----------------------------------------------------------------------


def _org(app: OKRApplication, name: str = "Fjordby kommune") -> tuple[UUID, UUID, UUID, UUID]:
    reg = app.register_organization(name=name, admin_name="Ingrid Berg", admin_email="i@x.no")
    org, admin = reg.ids["organization_id"], reg.ids["member_id"]
    team = app.add_unit(
        organization_id=org,
        name="Team Hjem",
        kind="team",
        parent_id=reg.ids["root_unit_id"],
        by=admin,
    ).ids["unit_id"]
    cycle = app.define_cycle(
        organization_id=org,
        label="2026 Q4",
        kind="quarter",
        start="2026-10-01",
        end="2026-12-31",
        by=admin,
    ).ids["cycle_id"]
    return org, admin, team, cycle


def _objective(
    app: OKRApplication, org: UUID, team: UUID, cycle: UUID, owner: UUID, title: str, kr: str
) -> tuple[UUID, UUID]:
    result = app.set_objective(
        organization_id=org,
        unit_id=team,
        cycle_id=cycle,
        title=title,
        owner_id=owner,
        by=owner,
        key_results=[
            {"title": kr, "metric": "decrease", "start": 120, "target": 40, "unit": "count"},
            {"title": "Lansert", "metric": "milestone"},
        ],
    )
    return result.ids["objective_id"], result.ids["key_result_id_0"]


def _timeline(runner: ProjectionRunner, where: str = "1 = 1", **params: Any) -> list[Any]:
    return runner.views.query(
        "SELECT position, event_type, by_name, language, sentence, unit_id, cycle_id, "
        f"objective_id, key_result_id, effective_at FROM rm_timeline WHERE {where} "
        "ORDER BY position",
        params,
    )


def test_every_event_of_every_aggregate_gets_exactly_one_row(app: OKRApplication) -> None:
    org, admin, team, cycle = _org(app)
    objective, kr = _objective(app, org, team, cycle, admin, "Raskere svar", "Restanser ned")
    app.check_in(objective_id=objective, key_result_id=kr, value=90, status="green", by=admin)
    kpi = app.define_kpi(organization_id=org, unit_id=team, name="Oppetid", lower=99, by=admin)
    app.measure_kpi(kpi_id=kpi.ids["kpi_id"], value=99.5, by=admin)
    runner = ProjectionRunner(app, [ChangeTimeline()])

    runner.catch_up()

    rows = runner.views.query("SELECT position, event_type, aggregate_type FROM rm_timeline")
    assert sorted(r[0] for r in rows) == [n.id for n in app.all_notifications()]
    types = {(r[2], r[1]) for r in rows}
    assert {
        ("Organization", "RoleGranted"),
        ("TeamCycle", "ObjectiveCommitted"),
        ("Kpi", "KpiMeasured"),
        ("Cycle", "CycleDefined"),
    } <= types


def test_sentences_name_the_member_and_the_objective_in_the_objectives_language(
    app: OKRApplication,
) -> None:
    org, admin, team, cycle = _org(app)
    nb_objective, nb_kr = _objective(
        app, org, team, cycle, admin, "Mer tid hos brukeren", "Restanser ned fra 120 til 40 saker"
    )
    en_objective, en_kr = _objective(
        app, org, team, cycle, admin, "Teams ship without waiting for us", "Lead time falls"
    )
    app.check_in(
        objective_id=nb_objective,
        key_result_id=nb_kr,
        value=64,
        status="green",
        by=admin,
        comment="God fremdrift",
        checked_in_at="2026-11-02",
    )
    app.check_in(
        objective_id=en_objective, key_result_id=en_kr, value=99.5, status="yellow", by=admin
    )
    runner = ProjectionRunner(app, [ChangeTimeline()])

    runner.catch_up()

    (nb,) = _timeline(
        runner, "event_type = 'CheckInMade' AND objective_id = :o", o=str(nb_objective)
    )
    assert nb[2:5] == (
        "Ingrid Berg",
        "nb",
        "Ingrid Berg sjekket inn «Restanser ned fra 120 til 40 saker»: 64 (grønn) – "
        "«God fremdrift»",
    )
    assert nb[5:9] == (str(team), str(cycle), str(nb_objective), str(nb_kr))
    assert nb[9] == datetime(2026, 11, 2, tzinfo=UTC).isoformat()
    (en,) = _timeline(
        runner, "event_type = 'CheckInMade' AND objective_id = :o", o=str(en_objective)
    )
    assert en[3:5] == ("en", "Ingrid Berg checked in «Lead time falls»: 99.5 (yellow)")


def test_a_check_in_row_of_the_timeline_says_its_confidence(app: OKRApplication) -> None:
    org, admin, team, cycle = _org(app)
    objective, kr = _objective(app, org, team, cycle, admin, "Teams ship on their own",
                               "Lead time falls")
    app.check_in(objective_id=objective, key_result_id=kr, value=42, status="red",
                 confidence=9, by=admin)
    runner = ProjectionRunner(app, [ChangeTimeline()])

    runner.catch_up()

    (row,) = _timeline(runner, "event_type = 'CheckInMade' AND objective_id = :o", o=str(objective))
    assert row[4] == "Ingrid Berg checked in «Lead time falls»: 42 (red, confidence 9/10)"


def test_rows_written_before_a_name_was_known_are_named_after_it(app: OKRApplication) -> None:
    org, admin, team, cycle = _org(app)
    objective, _ = _objective(app, org, team, cycle, admin, "Mer tid hos brukeren", "Kjøretid ned")
    runner = ProjectionRunner(app, [ChangeTimeline()])

    runner.catch_up()

    (registered,) = _timeline(runner, "event_type = 'OrganizationRegistered'")
    assert registered[2] == "Ingrid Berg"
    assert registered[4] == "Ingrid Berg registrerte organisasjonen «Fjordby kommune»"
    (committed,) = _timeline(runner, "event_type = 'ObjectiveCommitted'")
    assert committed[4] == "Ingrid Berg forpliktet «Team Hjem» til målet «Mer tid hos brukeren»"
    assert committed[7] == str(objective)


def test_organisation_changes_sit_with_their_unit_and_no_cycle(app: OKRApplication) -> None:
    org, admin, team, _ = _org(app)
    app.rename_unit(organization_id=org, unit_id=team, name="Team Hjemmetjenester", by=admin)
    runner = ProjectionRunner(app, [ChangeTimeline()])

    runner.catch_up()

    (renamed,) = _timeline(runner, "event_type = 'UnitRenamed'")
    assert renamed[4] == "Ingrid Berg ga «Team Hjem» det nye navnet «Team Hjemmetjenester»"
    assert renamed[5:7] == (str(team), None)
    (member,) = _timeline(runner, "event_type = 'MemberAdded'")
    assert member[3:7] == ("nb", "Ingrid Berg la til Ingrid Berg som medlem", None, None)


def test_the_demo_timeline_built_command_by_command_equals_a_rebuild(app: OKRApplication) -> None:
    runner = ProjectionRunner(app, [ChangeTimeline(), Kpis()])
    app.on_saved(lambda position: runner.catch_up())
    seed_demo(app, today=TODAY)
    incremental = {p.name: runner.rows(p) for p in runner.projections}

    runner.rebuild()

    assert {p.name: runner.rows(p) for p in runner.projections} == incremental
    positions = runner.views.query("SELECT position FROM rm_timeline ORDER BY position")
    # Not 1..position(): PostgreSQL's sequence may skip ids of rolled-back inserts.
    assert [p for (p,) in positions] == [n.id for n in app.all_notifications()]


def test_a_units_cycle_timeline_shows_the_demos_drop_and_lowered_target_in_order(
    app: OKRApplication,
) -> None:
    demo = seed_demo(app, today=TODAY)
    runner = ProjectionRunner(app, [ChangeTimeline()])
    runner.catch_up()
    current = demo.cycles["2026 Q4"]

    home = _timeline(
        runner,
        "unit_id = :u AND cycle_id = :c",
        u=str(demo.units["Team Hjemmetjenester"]),
        c=str(current),
    )
    platform = _timeline(
        runner,
        "unit_id = :u AND cycle_id = :c",
        u=str(demo.units["Team Platform"]),
        c=str(current),
    )

    for rows in (home, platform):
        assert [r[0] for r in rows] == sorted(r[0] for r in rows)
        assert rows[0][1] == "TeamCycleOpened"
    dropped = [r for r in home if r[1] == "ObjectiveDropped"]
    assert [(r[3], r[4]) for r in dropped] == [
        (
            "nb",
            "Siri Larsen droppet målet «Mer tid hos brukeren, mindre i bilen»: Bemanningen ble "
            "flyttet til vaksinasjon; målet er ikke lenger realistisk",
        )
    ]
    assert dropped[0][9] == "2026-11-05T08:00:00+00:00"  # the business date, week 5
    withdrawn = next(r for r in home if r[1] == "ObjectiveWithdrawn")
    assert withdrawn[0] > dropped[0][0]
    lowered = [r for r in platform if r[1] == "KeyResultAdjusted"]
    assert [(r[3], r[4]) for r in lowered] == [
        (
            "en",
            "Aisha Khan lowered the target of «Deployments per week grow from 20 to 40» "
            "from 40 to 32: The vendor delay makes the original target unrealistic",
        )
    ]
    assert any(r[1] == "CheckInMade" and r[0] > lowered[0][0] for r in platform)


class Cycle:
    """Stands in for an aggregate whose newest event the timeline has no wording for."""

    @dataclass(frozen=True)
    class CycleArchived:
        originator_id: UUID
        by: UUID
        timestamp: datetime


def test_an_event_without_wording_still_gets_a_plain_row(app: OKRApplication) -> None:
    _, admin, _, cycle = _org(app)
    runner = ProjectionRunner(app, [ChangeTimeline()])
    runner.catch_up()
    later = Cycle.CycleArchived(cycle, admin, datetime(2027, 1, 2, tzinfo=UTC))

    runner.views.apply(runner.projections[0], [(app.position() + 1, later)])

    (row,) = _timeline(runner, "event_type = 'CycleArchived'")
    assert row[4] == "Ingrid Berg registrerte CycleArchived på «2026 Q4»"
    assert row[5:7] == (None, str(cycle))
    assert row[9] == "2027-01-02T00:00:00+00:00"
