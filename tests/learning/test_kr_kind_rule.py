"""The outcome/output rule on the examples it is built around."""

from __future__ import annotations

import pytest

from okr_es.learning.kr_kind import classify_key_result, explain_key_result


@pytest.mark.parametrize(
    "title",
    [
        "Holde 4 workshops",
        "Ship 5 features",
        "Levere årsrapport",
        "Lansere ny nettside",
        "Gjennomføre 3 brukertester",
        "Minst 6 workshops gjennomført med fagmiljøene",
        "Øke antall publiserte artikler fra 10 til 20",
    ],
)
def test_activities_and_deliverables_are_outputs_even_with_a_number(title: str) -> None:
    assert classify_key_result(title) == "output"


@pytest.mark.parametrize(
    "title",
    [
        "Redusere henvendelser fra 350 til <100",
        "80 % av sakene behandles på under 10 dager",
        "Increase NPS from 30 to 45",
        "Customers find answers without contacting support",
        "Holde ventetiden under 5 minutter",
    ],
)
def test_changes_people_experience_are_outcomes(title: str) -> None:
    assert classify_key_result(title) == "outcome"


@pytest.mark.parametrize(
    "title",
    [
        "Øke antall foreldremøter vi holder fra 2 til 4",
        "Grow the number of demos the sales team runs from 10 to 25 a week",
        "Servicetorget gjennomfører 300 veiledningssamtaler per måned",
        "Alle ledere har fullført lederkurset innen 1. mai",
        "95% of engineers complete the secure coding training",
        "Få på plass ny rutine for avviksmelding",
        "Double our monthly newsletter count",
    ],
)
def test_the_teams_own_work_stated_as_a_change_or_a_share_is_an_output(title: str) -> None:
    assert classify_key_result(title) == "output"


@pytest.mark.parametrize(
    "title",
    [
        "80 % av innbyggerne sender søknaden digitalt",
        "Every team deploys to production at least once a day",
        "Vi holder sykefraværet under 5 %",
        "Få 60 % av brukerne til å fornye digitalt",
        "90 % av søknadene behandles innen 3 uker",
    ],
)
def test_people_doing_things_and_service_levels_stay_outcomes(title: str) -> None:
    assert classify_key_result(title) == "outcome"


def test_a_deadline_is_not_a_bound_but_a_time_limit_is() -> None:
    deadline = explain_key_result("Migrere 80 % av fagsystemene til skyen innen årsskiftet")
    assert deadline.kind == "output" and "+outcome:bound" not in deadline.reasons
    limit = explain_key_result("Svare på klager innen 5 dager")
    assert "+outcome:bound" in limit.reasons


def test_a_milestone_metric_leans_toward_output() -> None:
    assert classify_key_result("Ny søknadsløsning", metric="milestone") == "output"
    assert classify_key_result("Ny søknadsløsning", metric="increase") == "outcome"


def test_the_explanation_names_the_deciding_signals() -> None:
    decision = explain_key_result("Redusere henvendelser fra 350 til <100")
    assert decision.kind == "outcome"
    assert "+outcome:change-verb" in decision.reasons
    assert "+outcome:from-to" in decision.reasons
    assert decision.outcome_score > decision.output_score


@pytest.mark.parametrize(
    "title",
    [
        "Gjennomføre utviklingssamtaler med 90 % av de ansatte",
        "80 % av sjåførene opplært i nytt kjøresystem",
        "100% of warehouse pickers trained on the new scanner workflow",
        "Double the number of playtests we run per sprint, from 2 to 4",
        "Øke antall tilsyn med skjenkesteder fra 150 til 220",
        "Enforce MFA on 100% of employee accounts",
        "Fit 200 trucks with temperature sensors",
        "Fordele 2 millioner kroner i tilskudd til lag og foreninger",
        "ISO 27001 certification obtained before the renewal season",
        "Stand up a 24/7 on-call rota for 40 field technicians",
    ],
)
def test_rollouts_to_people_and_the_teams_own_counts_are_outputs(title: str) -> None:
    assert classify_key_result(title) == "output"


@pytest.mark.parametrize(
    "title",
    [
        "Offer acceptance rate above 85%",
        "Review time under 24 hours",
        "Build success rate at least 95 %",
        "Deploy lead time under 2 days",
        "Password-reset tickets down 60% after self-service reset goes live",
        "80 % av de ansatte bruker verktøyet ukentlig",
    ],
)
def test_a_measure_named_after_an_activity_and_a_change_by_a_share_are_outcomes(
    title: str,
) -> None:
    assert classify_key_result(title) == "outcome"


def test_a_share_of_people_is_not_a_change_by_that_share() -> None:
    share = explain_key_result("Gjennomføre samtaler med 90 % av de ansatte")
    assert "+outcome:change-by" not in share.reasons
    change = explain_key_result("Redusere ventetiden med 20 %")
    assert "+outcome:change-by" in change.reasons


def test_an_activity_verb_still_opens_a_title_about_a_measure_it_produces() -> None:
    # The measure's name is followed by what is made, not by a level.
    assert classify_key_result("Launch NPS survey for all customers") == "output"
    assert classify_key_result("Ship time tracking to 3 pilot customers") == "output"


@pytest.mark.parametrize(
    "title",
    [
        "Crime victims feel informed about the progress of their case",
        "Pårørende opplever at de blir tatt med på råd",
    ],
)
def test_people_feeling_something_is_an_outcome_whoever_they_are(title: str) -> None:
    assert classify_key_result(title) == "outcome"


@pytest.mark.parametrize(
    ("title", "signal"),
    [
        ("Increase calls made to new members from 200 to 400 a week", "own-volume"),
        ("Øke antall møter vi holder med næringslivet fra 10 til 25", "own-volume"),
        ("Posts published on the intranet go from 4 to 12 a month", "own-volume"),
        ("Increase the number of epics closed from 6 to 12 per quarter", "own-volume"),
        ("Alle tjenestene er migrert til skyen", "plan-done"),
        ("85 % av sprintforpliktelsene levert", "plan-done"),
        ("Spend a fifth of our time on accessibility fixes", "effort-allocation"),
        ("Sette av 20 % av kapasiteten til teknisk gjeld", "effort-allocation"),
        ("Increase test coverage from 50% to 80%", "engineering-hygiene"),
        ("Øke antall automatiserte tester fra 200 til 500", "engineering-hygiene"),
        ("Dashbordet er tilgjengelig for alle avdelinger", "made-available"),
        ("The booking app is live", "made-available"),
    ],
)
def test_numbers_that_count_the_team_s_own_work_make_an_output(title: str, signal: str) -> None:
    decision = explain_key_result(title)
    assert decision.kind == "output"
    assert f"+output:{signal}" in decision.reasons


@pytest.mark.parametrize(
    "title",
    [
        "Løsningen tas i bruk av alle fagområder",
        "The dashboard is used weekly by 4 of 5 team leads",
        "Øke sponsorinntektene fra 1,2 MNOK til 2 MNOK",
        "Cut licence costs by 3,5 mill. kr",
        "97 % of parcels delivered on time",
        "Reduce repeat visits to the tax office from 30% to 15%",
        "Citizens spend less time on the application form",
    ],
)
def test_adoption_by_others_amounts_and_service_levels_are_outcomes(title: str) -> None:
    assert classify_key_result(title) == "outcome"
