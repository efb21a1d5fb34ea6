"""okr-es lint and okr-es compare on OKR set documents, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "copy_paste_pairs.json"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okr_es.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write(path: Path, document: Any) -> str:
    path.write_text(json.dumps(document, ensure_ascii=False))
    return str(path)


def a_pair(label: str) -> dict[str, Any]:
    pairs: list[dict[str, Any]] = json.loads(DATA.read_text())["pairs"]
    return next(p for p in pairs if p["label"] == label)


def test_lint_reports_each_key_results_kind_and_findings_as_json(tmp_path: Path) -> None:
    doc = {
        "unit": "Team Skjema",
        "cycle": "2026 Q4",
        "objectives": [
            {
                "title": "Raskere svar til innbyggerne",
                "key_results": [
                    {"title": "Holde 4 workshops med brukerne"},
                    {"title": "Redusere henvendelser fra 350 til under 100 per uke"},
                ],
            }
        ],
    }
    done = run("lint", write(tmp_path / "okr.json", doc), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [kr["kind"] for kr in report["key_results"]] == ["output", "outcome"]
    codes = {f["code"] for f in report["findings"]}
    assert "kr-is-output" in codes
    assert "objective-has-no-owner" in codes


def test_compare_calls_a_redated_copy_a_copy(tmp_path: Path) -> None:
    pair = a_pair("copy")
    done = run(
        "compare",
        write(tmp_path / "a.json", pair["previous"]),
        write(tmp_path / "b.json", pair["next"]),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "copy"


def test_compare_prints_evidence_for_people(tmp_path: Path) -> None:
    pair = a_pair("evolved")
    done = run(
        "compare",
        write(tmp_path / "a.json", pair["previous"]),
        write(tmp_path / "b.json", pair["next"]),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("verdict: evolved")


def test_a_malformed_document_is_refused_with_the_json_path(tmp_path: Path) -> None:
    bad = {"unit": "x", "objectives": [{"title": "ok", "key_results": [{"title": ""}]}]}
    done = run("lint", write(tmp_path / "bad.json", bad))
    assert done.returncode == 1
    assert "[invalid-document]" in done.stderr
    assert "$.objectives[0].key_results[0].title" in done.stderr


@pytest.mark.parametrize(
    "command", [["lint"], ["lint", "--json"], ["compare", "-"], ["compare", "--json", "-"]]
)
def test_a_yaml_document_with_a_lone_surrogate_is_refused_as_it_loads(
    tmp_path: Path, command: list[str]
) -> None:
    # YAML's escape writes a text no output could encode.
    document = tmp_path / "s.yaml"
    document.write_text('objectives:\n- title: "\\ud800"\n')
    args = [str(document) if a == "-" else a for a in command]
    done = run(*args, str(document))
    assert done.returncode == 1
    assert "[invalid-document]" in done.stderr
    assert "$.objectives[0].title" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    done = run("lint", str(tmp_path / "missing.json"))
    assert done.returncode == 1
    assert "[unreadable-file]" in done.stderr


ALL_OUTPUTS = {
    "unit": "Team Skjema",
    "objectives": [
        {
            "title": "Raskere svar til innbyggerne",
            "owner": "Kari",
            "aligned_to": "Fornøyde innbyggere",
            "key_results": [
                {"title": "Holde 4 workshops med brukerne"},
                {"title": "Levere ny skjemaløsning innen mars"},
            ],
        }
    ],
}


def test_lint_fails_on_an_error_finding_and_still_reports(tmp_path: Path) -> None:
    file = write(tmp_path / "okr.json", ALL_OUTPUTS)

    done = run("lint", file, "--json")

    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)["findings"]
    assert {"all-key-results-are-outputs"} == {
        f["code"] for f in findings if f["severity"] == "error"
    }
    text = run("lint", file)
    assert text.returncode == 1
    assert "all-key-results-are-outputs" in text.stdout
    assert run("lint", file, "--fail-on", "never").returncode == 0


def test_lint_fails_on_warnings_when_asked_to(tmp_path: Path) -> None:
    only_warnings = {
        "objectives": [
            {
                "title": "Raskere svar til innbyggerne",
                "key_results": [
                    {"title": "Holde 4 workshops med brukerne"},
                    {"title": "Redusere henvendelser fra 350 til under 100 per uke"},
                ],
            }
        ]
    }
    file = write(tmp_path / "okr.json", only_warnings)

    assert run("lint", file).returncode == 0
    assert run("lint", file, "--fail-on", "warning").returncode == 1
    assert run("lint", file, "--fail-on", "bogus").returncode == 2


def test_lint_applies_a_policy_file(tmp_path: Path) -> None:
    file = write(tmp_path / "okr.json", ALL_OUTPUTS)
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps(
            {"disabled": ["kr-is-output"], "severities": {"all-key-results-are-outputs": "info"}}
        )
    )

    policy.write_bytes(b"\xef\xbb\xbf" + policy.read_bytes())  # as some editors save it

    done = run("lint", file, "--json", "--policy", str(policy))

    assert done.returncode == 0, done.stderr
    findings = json.loads(done.stdout)["findings"]
    assert "kr-is-output" not in {f["code"] for f in findings}
    assert [f["severity"] for f in findings if f["code"] == "all-key-results-are-outputs"] == [
        "info"
    ]


@pytest.mark.parametrize(
    "policy", ['{"max_objectives": -1}', '{"disabled": ["no-such-code"]}', "{", '{"x": 1}']
)
def test_an_invalid_lint_policy_is_refused(tmp_path: Path, policy: str) -> None:
    file = write(tmp_path / "okr.json", ALL_OUTPUTS)
    (tmp_path / "policy.json").write_text(policy)

    done = run("lint", file, "--policy", str(tmp_path / "policy.json"))

    assert done.returncode == 1
    assert "[invalid-input] (policy)" in done.stderr
    assert done.stdout == ""


def test_compare_reads_amounts_in_millions_and_names_a_target_repeated_after_a_miss(
    tmp_path: Path,
) -> None:
    def document(cycle: str, start: str) -> dict[str, Any]:
        title = f"Øke sponsorinntektene fra {start} MNOK til 2 MNOK"
        key_results = [{"title": title}, {"title": "Redusere lisenskostnadene med 3,5 mill. kr"}]
        objective = {"title": "Mer egeninntekt", "key_results": key_results}
        return {"unit": "Kulturhuset", "cycle": cycle, "objectives": [objective]}

    previous = write(tmp_path / "q1.json", document("2026 Q1", "1,2"))
    following = write(tmp_path / "q2.json", document("2026 Q2", "1,25"))

    done = run("compare", previous, following)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("verdict: copy")
    note = "target repeated after a miss: start moved 1 200 000 → 1 250 000, target 2 000 000"
    assert note in done.stdout
    assert run("lint", previous).returncode in {0, 1}
