"""The policies an organisation stores, used by the review and the lint alike: through
the reviews read model, by ``okr-es review`` (with and without ``--replay``) and ``okr-es
lint --organization``; ``--policy FILE`` still overrides them. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from okr_es.application import OKRApplication
from okr_es.history.analyses import review_for
from okr_es.settings import Settings
from support.cli_process import okr_es

START, END = date(2026, 1, 5), date(2026, 3, 29)  # twelve weeks
TODAY = "2026-04-10"
IRREGULAR = "irregular-check-ins"


@dataclass
class Fortnightly:
    organization_id: UUID
    admin_id: UUID
    unit_id: UUID
    cycle_id: UUID


@pytest.fixture
def team(settings: Settings) -> Fortnightly:
    """A team that checks in every other week, steadily, for a whole quarter."""
    with OKRApplication(settings) as app:
        reg = app.register_organization(name="Fjordby", admin_name="Kari", admin_email="k@f.no")
        org, admin = reg.ids["organization_id"], reg.ids["member_id"]
        unit = app.add_unit(organization_id=org, name="Team Fortnight", kind="team",
                            parent_id=reg.ids["root_unit_id"], by=admin).ids["unit_id"]
        cycle = app.define_cycle(organization_id=org, label="2026 Q1", kind="quarter",
                                 start=START, end=END, by=admin).ids["cycle_id"]
        objective = app.set_objective(
            organization_id=org, unit_id=unit, cycle_id=cycle, title="Faster answers",
            owner_id=admin, by=admin,
            key_results=[{"title": "Answers within a week", "metric": "increase",
                          "start": 0, "target": 12, "unit": "percent"}],
        ).ids
        for week in range(0, 12, 2):
            at = datetime.combine(START + timedelta(weeks=week, days=3), datetime.min.time(),
                                  tzinfo=UTC)
            app.check_in(objective_id=objective["objective_id"],
                         key_result_id=objective["key_result_id_0"], value=week + 2,
                         status="green", checked_in_at=at, by=admin)
        return Fortnightly(org, admin, unit, cycle)


def store_cadence(settings: Settings, team: Fortnightly) -> None:
    with OKRApplication(settings) as app:
        app.set_review_policy(organization_id=team.organization_id,
                              policy='{"check_in_interval_days":14}', by=team.admin_id)


def flags(settings: Settings, *options: str) -> set[str]:
    run = okr_es(settings, "review", "--unit", "Team Fortnight", "--cycle", "2026 Q1",
                 "--format", "json", "--today", TODAY, *options)
    assert run.code == 0, run.err
    return {f["code"] for f in json.loads(run.out)["flags"]}


def test_a_fortnightly_team_is_not_flagged_once_the_organisation_stores_its_cadence(
    settings: Settings, team: Fortnightly
) -> None:
    def from_read_model() -> set[str]:
        with OKRApplication(settings) as app:
            got = review_for(app, team.unit_id, team.cycle_id, today=date.fromisoformat(TODAY))
        return {f.code for f in got.flags}

    assert IRREGULAR in from_read_model()
    assert IRREGULAR in flags(settings)
    assert IRREGULAR in flags(settings, "--replay")

    store_cadence(settings, team)

    assert IRREGULAR not in from_read_model()
    assert IRREGULAR not in flags(settings)
    assert IRREGULAR not in flags(settings, "--replay")
    assert flags(settings) == flags(settings, "--replay")


def test_a_policy_file_still_overrides_the_stored_policy(
    settings: Settings, team: Fortnightly, tmp_path: Path
) -> None:
    store_cadence(settings, team)
    weekly = tmp_path / "weekly.json"
    weekly.write_text('{"check_in_interval_days": 7}')
    assert IRREGULAR in flags(settings, "--policy", str(weekly))
    assert IRREGULAR in flags(settings, "--policy", str(weekly), "--replay")


def lint_codes(settings: Settings, path: Path, *options: str) -> list[dict[str, Any]]:
    run = okr_es(settings, "lint", str(path), "--json", "--fail-on", "never", *options)
    assert run.code == 0, run.err
    findings: list[dict[str, Any]] = json.loads(run.out)["findings"]
    return findings


def test_lint_holds_a_document_to_the_organisations_stored_lint_policy(
    settings: Settings, team: Fortnightly, tmp_path: Path
) -> None:
    document = tmp_path / "okr.json"
    document.write_text(json.dumps({"unit": "Team Fortnight", "cycle": "2026 Q1", "objectives": [
        {"title": f"Objective {i}", "owner": "Kari",
         "key_results": [{"title": f"Raise share {i} from 10 to 20 percent"},
                         {"title": f"Cut waiting {i} from 9 to 3 days"}]}
        for i in range(4)
    ]}))
    codes = {f["code"] for f in lint_codes(settings, document, "--organization", "Fjordby")}
    assert "too-many-objectives" in codes

    with OKRApplication(settings) as app:
        app.set_lint_policy(organization_id=team.organization_id,
                            policy='{"max_objectives":4,"alignment":"off"}', by=team.admin_id)
    stored = {f["code"] for f in lint_codes(settings, document, "--organization", "Fjordby")}
    assert "too-many-objectives" not in stored and "objective-not-aligned" not in stored
    strict = tmp_path / "strict.json"
    strict.write_text('{"max_objectives": 2}')
    override = lint_codes(settings, document, "--organization", "Fjordby", "--policy", str(strict))
    assert "too-many-objectives" in {f["code"] for f in override}


def test_lint_of_an_unknown_organisation_is_refused(settings: Settings, tmp_path: Path) -> None:
    document = tmp_path / "okr.json"
    document.write_text('{"objectives": []}')
    with OKRApplication(settings):
        pass
    run = okr_es(settings, "lint", str(document), "--organization", "Nowhere")
    assert run.code != 0 and "Nowhere" in run.err
