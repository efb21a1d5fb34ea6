"""The OKR set document: what loads, what is rejected, and where the problem is reported."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from okr_es.learning.okr_set import (
    KeyResult,
    Objective,
    OkrSet,
    OkrSetError,
    dump_okr_set,
    dump_okr_set_yaml,
    load_okr_set,
    load_okr_set_file,
    load_okr_set_yaml,
)

MINIMAL = '{"objectives": [{"title": "Raskere svar", "key_results": [{"title": "Svartid"}]}]}'


def test_a_document_with_only_titles_loads_with_defaults() -> None:
    okr_set = load_okr_set(MINIMAL)
    assert okr_set.unit is None and okr_set.cycle is None
    objective = okr_set.objectives[0]
    assert objective.owner is None and objective.aligned_to is None
    assert objective.key_results == (KeyResult(title="Svartid"),)


def test_a_full_document_keeps_every_field_and_ignores_extra_ones() -> None:
    okr_set = load_okr_set(
        b"""{"unit": "Kundesenteret", "cycle": "2025-Q2", "colour": "blue",
        "objectives": [{"title": "Raskere svar", "why": "Tillit", "owner": "Kari",
        "aligned_to": "Virksomhetsmal 2", "tags": ["x"],
        "key_results": [{"title": "Svartid", "metric": "decrease", "start": 5,
        "target": 2.5, "unit": "dager", "note": "ignored"}]}]}"""
    )
    assert okr_set.unit == "Kundesenteret" and okr_set.cycle == "2025-Q2"
    assert okr_set.objectives[0].aligned_to == "Virksomhetsmal 2"
    assert okr_set.objectives[0].key_results[0] == KeyResult(
        title="Svartid", metric="decrease", start=5.0, target=2.5, unit="dager"
    )


@pytest.mark.parametrize(
    ("document", "path", "fragment"),
    [
        ('{"objectives": [{"title": "  "}]}', "$.objectives[0].title", "blank"),
        ('{"objectives": [{"title": 3}]}', "$.objectives[0].title", "str"),
        ('{"objectives": [{}]}', "$.objectives[0]", "title"),
        (
            '{"objectives": [{"title": "a", "key_results": [{"title": ""}]}]}',
            "$.objectives[0].key_results[0].title",
            "blank",
        ),
        (
            '{"objectives": [{"title": "a", "key_results": [{"title": "b", "target": "80"}]}]}',
            "$.objectives[0].key_results[0].target",
            "float",
        ),
        (
            '{"objectives": [{"title": "a", "key_results": [{"title": "b", "start": 1e999}]}]}',
            "$.objectives[0].key_results[0].start",
            "finite",
        ),
        (
            '{"objectives": [{"title": "a", "key_results": [{"title": "b", "metric": "grow"}]}]}',
            "$.objectives[0].key_results[0].metric",
            "grow",
        ),
        ('{"objectives": [{"title": "' + "x" * 10_000 + '"}]}', "$.objectives[0].title", "200"),
        (b'{"objectives": [{"title": "\xe6\xf8\xe5"}]}', "$", "UTF-8"),
        ('{"objectives": [{"title": "o", "x": ' + "[" * 1000 + "]" * 1000 + "}]}", "$", "nested"),
        (
            json.dumps(
                {
                    "objectives": [
                        {"title": f"O{i}", "key_results": [{"title": f"K{j}"} for j in range(20)]}
                        for i in range(6)
                    ]
                }
            ),
            "$.objectives",
            "at most 100 key results in all",
        ),
        ('{"objectives": [{"title": "\\u200b\\u00ad "}]}', "$.objectives[0].title", "blank"),
        ('{"unit": ["a"]}', "$.unit", "str"),
        ('{"objectives": {"title": "a"}}', "$.objectives", "array"),
        ("[]", "$", "object"),
        ("{", "$", "JSON"),
        ("", "$", "JSON"),
    ],
)
def test_an_invalid_document_is_rejected_with_the_path_of_the_problem(
    document: str | bytes, path: str, fragment: str
) -> None:
    with pytest.raises(OkrSetError) as caught:
        load_okr_set(document)
    assert caught.value.path == path
    assert fragment in str(caught.value)


def test_the_error_is_a_value_error_so_callers_may_catch_either() -> None:
    with pytest.raises(ValueError, match=r"^\$\.objectives\[0\]\.title: must not be blank$"):
        load_okr_set('{"objectives": [{"title": ""}]}')


def test_yaml_documents_load_like_json_ones() -> None:
    okr_set = load_okr_set_yaml(
        "unit: Team A\ncycle: 2025-Q2\nobjectives:\n  - title: Raskere svar\n"
        "    key_results:\n      - title: Svartid\n        target: 2\n"
    )
    assert okr_set.cycle == "2025-Q2"
    assert okr_set.objectives[0].key_results[0].target == 2.0


def test_yaml_not_a_number_is_rejected_with_its_path() -> None:
    with pytest.raises(OkrSetError) as caught:
        load_okr_set_yaml(
            "objectives:\n  - title: a\n    key_results:\n      - {title: b, target: .nan}\n"
        )
    assert caught.value.path == "$.objectives[0].key_results[0].target"


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ('objectives:\n- title: "\\ud800"\n', "$.objectives[0].title"),
        ('unit: "Team \\udc00"\n', "$.unit"),
        ('objectives:\n- {title: a, why: "\\ud800 b"}\n', "$.objectives[0].why"),
        (
            'objectives:\n- {title: a, key_results: [{title: b, unit: "\\ud800"}]}\n',
            "$.objectives[0].key_results[0].unit",
        ),
    ],
)
def test_a_yaml_text_that_is_not_valid_unicode_is_rejected(document: str, path: str) -> None:
    with pytest.raises(OkrSetError, match="valid Unicode") as caught:
        load_okr_set_yaml(document)
    assert caught.value.path == path


def test_yaml_without_pyyaml_names_the_missing_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)  # makes `import yaml` fail
    with pytest.raises(OkrSetError, match="PyYAML"):
        load_okr_set_yaml("objectives: []")


def test_a_byte_order_mark_before_json_is_ignored() -> None:
    assert load_okr_set(b"\xef\xbb\xbf" + MINIMAL.encode()).objectives[0].title == "Raskere svar"


def test_a_file_far_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as stream:
        stream.truncate(1 << 30)  # sparse: a gigabyte of zero bytes on disk in no time
    with pytest.raises(OkrSetError, match="larger than"):
        load_okr_set_file(huge)


def test_yaml_documents_are_written_and_read_back_unchanged() -> None:
    okr_set = load_okr_set(MINIMAL)
    assert load_okr_set_yaml(dump_okr_set_yaml(okr_set)) == okr_set


def test_files_are_read_as_yaml_or_json_by_their_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "a.yml").write_text("objectives:\n  - title: Raskere svar\n", encoding="utf-8")
    assert load_okr_set_file(tmp_path / "a.json").objectives[0].title == "Raskere svar"
    assert load_okr_set_file(str(tmp_path / "a.yml")).objectives[0].key_results == ()


def test_dumped_documents_load_back_unchanged_and_leave_out_unset_fields() -> None:
    okr_set = OkrSet(
        unit="Team A",
        objectives=(Objective(title="Ø", key_results=(KeyResult(title="K", target=3.0),)),),
    )
    dumped = dump_okr_set(okr_set)
    assert load_okr_set(dumped) == okr_set
    assert b"cycle" not in dumped and b"owner" not in dumped


def test_building_a_key_result_in_code_checks_it_too() -> None:
    with pytest.raises(OkrSetError, match="finite"):
        KeyResult(title="x", target=float("nan"))
