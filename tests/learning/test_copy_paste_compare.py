"""compare() on hand-made cycles: what counts as a copy, an evolution or a new direction."""

from __future__ import annotations

import pytest

from okr_es.learning.copy_paste import CarryOver, ComparePolicy, Comparison, Evidence, compare
from okr_es.learning.okr_set import KeyResult, Objective, OkrSet
from okr_es.learning.text import extract_numbers


def okr(*objectives: tuple[str, list[str | KeyResult]], cycle: str = "2025-Q1") -> OkrSet:
    return OkrSet(
        unit="Kundesenteret",
        cycle=cycle,
        objectives=tuple(
            Objective(
                title=title,
                key_results=tuple(
                    k if isinstance(k, KeyResult) else KeyResult(title=k) for k in krs
                ),
            )
            for title, krs in objectives
        ),
    )


def key_result_evidence(comparison: Comparison) -> list[Evidence]:
    return [e for e in comparison.evidence if e.level == "key_result"]


Q1 = okr(
    (
        "Gi innbyggerne raskere svar i Q1",
        [
            "Redusere svartid på e-post fra 5 til 2 dager innen mars",
            "80 % av henvendelsene løses ved første kontakt",
            "Innbyggertilfredshet over 4,2 i Q1-målingen",
        ],
    )
)


def test_new_dates_and_quarter_names_do_not_hide_a_copy() -> None:
    q2 = okr(
        (
            "Gi innbyggerne raskere svar i Q2",
            [
                "Redusere svartid på e-post fra 5 til 2 dager innen juni",
                "80 % av henvendelsene løses ved første kontakt",
                "Innbyggertilfredshet over 4,2 i Q2-målingen",
            ],
        ),
        cycle="2025-Q2",
    )
    result = compare(Q1, q2)
    assert result.verdict == "copy"
    assert result.score == 1.0 and result.copied_share == 1.0
    changes = [e.changes for e in key_result_evidence(result)]
    assert changes[0] == ["dates-only", "copied"]
    assert changes[1] == ["identical", "copied"]


def test_reordered_objectives_and_key_results_are_still_a_copy() -> None:
    previous = okr(
        (
            "Make onboarding effortless",
            ["Activation rate from 40% to 55%", "Time to value under 1 day"],
        ),
        ("Build a reliable platform", ["Uptime of at least 99.95%", "Fewer than 5 P1 incidents"]),
    )
    reordered = okr(
        ("Build a reliable platform", ["Fewer than 5 P1 incidents", "Uptime of at least 99.95%"]),
        (
            "Make onboarding effortless",
            ["Time to value under 1 day", "Activation rate from 40% to 55%"],
        ),
    )
    result = compare(previous, reordered)
    assert result.verdict == "copy"
    assert all("moved" in e.changes for e in key_result_evidence(result))
    [uptime] = [
        e
        for e in key_result_evidence(result)
        if e.previous_key_result == 0 and e.previous_objective == 1
    ]
    assert (uptime.next_objective, uptime.next_key_result) == (0, 1)


def test_fixed_typos_are_recognised_as_typos() -> None:
    previous = okr(("Trustworthy data", ["Reduce pipeline failures from 12 to 2 per month"]))
    fixed = okr(("Trustworthy data", ["Reduce pipline failures from 12 to 2 per month"]))
    result = compare(previous, fixed)
    assert result.verdict == "copy"
    assert key_result_evidence(result)[0].changes == ["typos", "copied"]


def test_synonyms_in_both_languages_are_recognised() -> None:
    previous = okr(
        ("Fornøyde kunder", ["Øke kundetilfredshet fra 4,0 til 4,4", "Reduce churn from 5% to 3%"])
    )
    synonyms = okr(
        ("Fornøyde brukere", ["Heve brukertilfredshet fra 4,0 til 4,4", "Cut churn from 5% to 3%"])
    )
    result = compare(previous, synonyms)
    assert result.verdict == "copy"
    assert [e.changes for e in key_result_evidence(result)] == [["synonyms", "copied"]] * 2


def test_numbers_written_as_words_or_grouped_differently_are_the_same_targets() -> None:
    previous = okr(
        (
            "Effektiv kundeservice",
            ["Svare på 95 % av e-postene innen 2 virkedager", "Besvare 1 000 chatter i måneden"],
        )
    )
    spelt_out = okr(
        (
            "Effektiv kundeservice",
            [
                "Svare på 95 prosent av e-postene innen to virkedager",
                "Besvare 1000 chatter i måneden",
            ],
        )
    )
    result = compare(previous, spelt_out)
    assert result.verdict == "copy"
    assert all("copied" in e.changes for e in key_result_evidence(result))


@pytest.mark.parametrize(
    ("title", "numbers"),
    [
        ("Grow trial sign-ups from 400 to 600 a month", (400.0, 600.0)),
        ("Run three co-marketing campaigns with partners", (3.0,)),
        ("Svare på e-post innen to virkedager", (2.0,)),
        ("Åtti prosent av henvendelsene løses ved første kontakt", (80.0,)),
        ("Holde fire kurs for nyansatte", (4.0,)),
        ("Fire safety training for every one of the 40 sites", (40.0,)),
        ("Redusere kritiske hendelser fra åtte til tre", (8.0, 3.0)),
        ("Løse henvendelsen innen én virkedag", (1.0,)),
        ("Løse en henvendelse innen tre virkedager.", (3.0,)),
    ],
)
def test_number_words_count_and_to_is_a_number_in_bokmal_only(
    title: str, numbers: tuple[float, ...]
) -> None:
    assert extract_numbers(title) == numbers


def test_acronyms_match_the_words_they_stand_for() -> None:
    previous = okr(("Secure access", ["Roll out SSO to all 40 internal tools", "CSAT of 92%"]))
    spelt_out = okr(
        (
            "Secure access",
            ["Roll out single sign-on to all 40 internal tools", "Customer satisfaction of 92%"],
        )
    )
    result = compare(previous, spelt_out)
    assert result.verdict == "copy"
    assert all(e.similarity >= 0.9 for e in key_result_evidence(result))


def test_the_same_targets_reworded_are_copies_and_rewording_without_numbers_is_not() -> None:
    previous = okr(
        (
            "Digitale byggesøknader",
            [
                "75 % av søknadene leveres digitalt",
                "Færre enn 10 % av søknadene sendes i retur for mangler",
            ],
        )
    )
    reworded = okr(
        (
            "Digitale byggesøknader",
            [
                "75 prosent av byggesøknadene sendes inn digitalt",
                "Under 10 % av byggesøknadene returneres på grunn av mangler",
            ],
        )
    )
    result = compare(previous, reworded)
    assert result.verdict == "copy"
    assert all(0.55 <= e.similarity < 0.75 for e in key_result_evidence(result))
    # The lower threshold needs the numbers: without them the same rewording is no copy.
    strict = compare(previous, reworded, policy=ComparePolicy(copy_similarity_same_numbers=0.75))
    assert strict.verdict == "evolved"


def test_the_same_start_and_target_pair_key_results_reworded_beyond_recognition() -> None:
    previous = okr(
        (
            "Biblioteket som møteplass",
            ["Arrangere 60 arrangementer for barn", "Øke utlånet av e-bøker fra 10 000 til 12 000"],
        )
    )
    compounded = okr(
        (
            "Biblioteket som møteplass",
            ["Arrangere 60 arrangementer for barn", "E-bokutlånet skal opp fra 10 000 til 12 000"],
        )
    )
    result = compare(previous, compounded)
    assert result.verdict == "copy"
    loans = key_result_evidence(result)[1]
    assert loans.similarity < 0.5 and "copied" in loans.changes
    # Without the same start and target the wording alone is too far apart to pair.
    raised = okr(
        (
            "Biblioteket som møteplass",
            ["Arrangere 60 arrangementer for barn", "E-bokutlånet skal opp fra 10 000 til 15 000"],
        )
    )
    unpaired = compare(previous, raised)
    assert [e.changes for e in key_result_evidence(unpaired)][1:] == [["dropped"], ["added"]]
    strict = compare(previous, compounded, policy=ComparePolicy(copy_similarity_same_range=0.55))
    assert strict.verdict == "evolved"


def test_new_targets_on_the_same_wording_are_an_evolution() -> None:
    previous = okr(
        (
            "Raskere klagebehandling",
            [
                "Redusere saksbehandlingstiden fra 30 til 20 dager",
                "70 % av klagene behandles automatisk",
            ],
        )
    )
    raised = okr(
        (
            "Raskere klagebehandling",
            [
                "Redusere saksbehandlingstiden fra 20 til 12 dager",
                "85 % av klagene behandles automatisk",
            ],
        )
    )
    result = compare(previous, raised)
    assert result.verdict == "evolved"
    assert result.copied_share == 0.0 and result.topic_similarity == 1.0
    assert all("target-changed" in e.changes for e in key_result_evidence(result))


def test_a_target_within_the_tolerance_is_not_a_new_target() -> None:
    previous = okr(("Stabil drift", ["Oppetid 99,90 %", "Under 5 kritiske feil"]))
    nudged = okr(("Stabil drift", ["Oppetid 99,95 %", "Under 5 kritiske feil"]))
    assert compare(previous, nudged).verdict == "copy"


def test_structured_start_target_and_metric_changes_are_reported_apart() -> None:
    previous = okr(("HR", [KeyResult(title="Trivsel", metric="increase", start=3.8, target=4.2)]))
    new_start = okr(("HR", [KeyResult(title="Trivsel", metric="increase", start=4.0, target=4.2)]))
    new_target = okr(("HR", [KeyResult(title="Trivsel", metric="increase", start=3.8, target=4.6)]))
    new_metric = okr(
        ("HR", [KeyResult(title="Trivsel", metric="stay_above", start=3.8, target=4.2)])
    )
    assert key_result_evidence(compare(previous, new_start))[0].changes == ["start-changed"]
    assert key_result_evidence(compare(previous, new_target))[0].changes == ["target-changed"]
    assert key_result_evidence(compare(previous, new_metric))[0].changes == ["metric-changed"]


def test_a_replaced_metric_shows_as_dropped_and_added() -> None:
    previous = okr(
        (
            "Developer productivity",
            [
                "Increase story points per sprint from 40 to 60",
                "Reduce build time from 20 to 10 minutes",
            ],
        )
    )
    better = okr(
        (
            "Developer productivity",
            [
                "Reduce lead time for changes from 5 days to 1 day",
                "Reduce build time from 10 to 5 minutes",
            ],
        )
    )
    result = compare(previous, better)
    assert result.verdict == "evolved"
    assert {tuple(e.changes) for e in key_result_evidence(result) if e.similarity == 0} == {
        ("dropped",),
        ("added",),
    }


def test_another_topic_is_new() -> None:
    other = okr(
        (
            "Flere unge i jobb",
            ["60 % av ungdommene er i arbeid etter 6 måneder", "Inngå avtale med 15 arbeidsgivere"],
        )
    )
    result = compare(Q1, other)
    assert result.verdict == "new"
    assert result.score < 0.3


def test_a_declared_carry_over_is_evidence_not_a_silent_copy() -> None:
    declared = [
        CarryOver(
            previous_objective=0, next_objective=0, reason="Ikke nådd; ny leverandør på plass"
        )
    ]
    result = compare(Q1, Q1, carried_over=declared)
    assert result.verdict == "evolved"
    assert result.copied_share == 0.0
    assert all("carried-over" in e.changes for e in result.evidence)


@pytest.mark.parametrize(
    ("carry_over", "message"),
    [
        (CarryOver(0, 0, "  "), "reason"),
        (CarryOver(1, 0, "why"), "previous objective 1"),
        (CarryOver(0, 3, "why"), "next objective 3"),
    ],
)
def test_an_invalid_carry_over_is_rejected(carry_over: CarryOver, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compare(Q1, Q1, carried_over=[carry_over])


def test_repeating_missed_targets_tips_a_partial_copy_into_a_copy() -> None:
    previous = okr(
        (
            "Raskere byggesaker",
            ["Saksbehandlingstid under 3 uker", "90 % komplette søknader", "Halvere antall klager"],
        )
    )
    partial = okr(
        (
            "Raskere byggesaker",
            [
                "Saksbehandlingstid under 3 uker",
                "90 % komplette søknader",
                "Digital byggesøknad for 95 % av tiltakene",
            ],
        )
    )
    assert compare(previous, partial).verdict == "evolved"
    repeated = compare(previous, partial, missed_targets={(0, 0), (0, 1)})
    assert repeated.verdict == "copy"
    assert "missed-target-repeated" in key_result_evidence(repeated)[0].changes


def test_sets_without_key_results_are_judged_by_their_objectives() -> None:
    previous = okr(("Tryggere skolehverdag i Q1", []))
    assert compare(previous, okr(("Tryggere skolehverdag i Q2", []))).verdict == "copy"
    assert compare(previous, okr(("Flere turister om sommeren", []))).verdict == "new"


def test_two_sets_without_objectives_are_no_copy_of_each_other() -> None:
    result = compare(okr(), okr(cycle="2025-Q2"))

    assert (result.verdict, result.score, result.copied_share) == ("new", 0.0, 0.0)


def test_a_target_repeated_after_a_wide_miss_is_a_copy_shown_in_words() -> None:
    # The new start is where the last cycle ended: 48 → 49 of the way to 60 is a miss.
    previous = okr(
        ("Svar uten å ringe", ["Andel henvendelser løst i chat øker fra 48 % til 60 %",
                               KeyResult(title="Ventetid på telefon", metric="decrease",
                                         start=12, target=6, unit="minutter")]),
    )  # fmt: skip
    refreshed = okr(
        ("Svar uten å ringe", ["Andel henvendelser løst i chat øker fra 49 % til 60 %",
                               KeyResult(title="Ventetid på telefon", metric="decrease",
                                         start=11.5, target=6, unit="minutter")]),
        cycle="2025-Q2",
    )  # fmt: skip

    result = compare(previous, refreshed)

    assert result.verdict == "copy"
    chat, wait = key_result_evidence(result)
    assert {"start-changed", "missed-target-repeated", "copied"} <= set(chat.changes)
    assert "target-changed" not in chat.changes
    assert chat.notes == ["target repeated after a miss: start moved 48 → 49, target 60 unchanged"]
    assert wait.notes == ["target repeated after a miss: start moved 12 → 11.5, target 6 unchanged"]


def test_a_start_moved_most_of_the_way_with_the_target_kept_is_no_repeated_miss() -> None:
    previous = okr(("Svar uten å ringe", ["Andel løst i chat fra 48 % til 60 %"]))
    nearly = okr(("Svar uten å ringe", ["Andel løst i chat fra 58 % til 60 %"]), cycle="2025-Q2")
    raised = okr(("Svar uten å ringe", ["Andel løst i chat fra 49 % til 70 %"]), cycle="2025-Q2")

    for next_set in (nearly, raised):
        result = compare(previous, next_set)
        (evidence,) = key_result_evidence(result)
        assert result.verdict == "evolved"
        assert "missed-target-repeated" not in evidence.changes and evidence.notes == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Sponsorinntekter fra 1,2 MNOK til 2 MNOK", "Sponsorinntekter fra 1,25 MNOK til 2 MNOK"),
        ("Innleie fra 3,5 mill. kr til 1 mill. kr", "Innleie fra 3,4 MNOK til 1 MNOK"),
        ("Grow ARR from NOK 12m to NOK 16m", "Grow ARR from NOK 12.3m to NOK 16m"),
    ],
)  # fmt: skip
def test_amounts_in_millions_are_compared_as_amounts(before: str, after: str) -> None:
    result = compare(okr(("Inntekter", [before])), okr(("Inntekter", [after]), cycle="2025-Q2"))

    assert result.verdict == "copy"
    (evidence,) = key_result_evidence(result)
    assert "missed-target-repeated" in evidence.changes


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("fra 1,2 MNOK til 2 MNOK", (1_200_000.0, 2_000_000.0)),
        ("3,5 mill. kr", (3_500_000.0,)),
        ("NOK 12m to NOK 16m", (12_000_000.0, 16_000_000.0)),
        ("$180k to $250k", (180_000.0, 250_000.0)),
        ("1,5 mrd. kroner", (1_500_000_000.0,)),
        ("2.5 million", (2_500_000.0,)),
        ("1.000.000 kr", (1_000_000.0,)),
        ("1,300 to 2,000", (1300.0, 2000.0)),
        ("fra 11,5 % til 7 %", (11.5, 7.0)),
        ("20 kr per 10 min", (20.0, 10.0)),
        ("9" * 400, ()),
    ],
)
def test_numbers_as_norwegian_and_english_writers_put_them(
    text: str, numbers: tuple[float, ...]
) -> None:
    assert extract_numbers(text) == numbers
