"""The layers of docs/architecture.md, checked on the source: who may import whom, and no
import cycles. Every import counts, also one inside a function or under TYPE_CHECKING:
a cycle hidden in a function body is still a cycle a reader has to untangle."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "okr_es"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in (SRC / PACKAGE).rglob("*.py")}


def _imports(module: str) -> set[str]:
    """The okr_es modules ``module`` imports (a name imported from a package counts as
    its submodule when there is one)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return {name for name in found if name in MODULES and name != module}


GRAPH: dict[str, set[str]] = {module: _imports(module) for module in MODULES}


def _under(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in packages)


def _breaches(importers: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _under(module, *importers)
        for target in targets
        if _under(target, *forbidden)
    )


def _p(*names: str) -> tuple[str, ...]:
    return tuple(f"{PACKAGE}.{name}" for name in names)


def test_the_source_tree_is_found() -> None:
    assert {"okr_es.application", "okr_es.aggregates.objective", "okr_es.learning.review"} <= set(
        GRAPH
    )
    assert "okr_es.aggregates.validation" in GRAPH["okr_es.aggregates.objective"]


def test_aggregates_import_nothing_above_them() -> None:
    allowed = _p("aggregates", "errors")
    above = tuple(m for m in MODULES if m != PACKAGE and not _under(m, *allowed))
    assert _breaches(_p("aggregates", "errors"), above) == []


def test_the_shared_vocabulary_imports_nothing_of_the_project_above_it() -> None:
    above = tuple(m for m in MODULES if m != PACKAGE and not _under(m, *_p("vocabulary")))
    assert _breaches(_p("vocabulary"), above) == []


def test_read_models_and_analyses_do_not_import_the_edges() -> None:
    edges = _p("api", "cli")
    assert _breaches(_p("projections", "learning", "history"), edges) == []


def test_only_the_edges_import_the_edges() -> None:
    edges = _p("api", "cli")
    # The reference generator documents the HTTP routes, so it stands beside the edges.
    inner = tuple(
        m for m in MODULES if m != PACKAGE and not _under(m, *edges, *_p("catalogue"))
    )
    assert _breaches(inner, edges) == []


def test_read_models_do_not_import_the_analyses() -> None:
    assert _breaches(_p("projections"), _p("learning", "history")) == []


def test_the_analyses_import_neither_the_application_nor_a_store() -> None:
    stores = _p(
        "application",
        "use_cases",
        "history",
        "persistence",
        "messaging",
        "settings",
        "projections.runner",
        "projections.service",
        "projections.worker",
        "projections.recorder",
        "projections.queries",
    )
    assert _breaches(_p("learning"), stores) == []


def test_the_analyses_import_no_database_driver() -> None:
    drivers = re.compile(r"^(import|from) (eventsourcing|psycopg|sqlite3)\b", re.MULTILINE)
    found = [
        _module_name(path)
        for path in (SRC / PACKAGE / "learning").rglob("*.py")
        if drivers.search(path.read_text())
    ]
    assert found == []


def test_the_spreadsheet_model_and_files_are_pure() -> None:
    allowed = _p("spreadsheets", "aggregates", "errors")
    above = tuple(m for m in MODULES if m != PACKAGE and not _under(m, *allowed))
    assert _breaches(_p("spreadsheets"), above) == []


def test_the_reporting_export_reads_only_the_read_models() -> None:
    allowed = _p("reporting", "projections", "errors")
    above = tuple(m for m in MODULES if m != PACKAGE and not _under(m, *allowed))
    assert _breaches(_p("reporting"), above) == []


def test_use_cases_are_composed_only_by_the_application() -> None:
    # A use case module builds on the machinery and the reads, never on another area.
    areas = [m for m in MODULES if _under(m, *_p("use_cases"))]
    shared = _p("use_cases.machinery", "use_cases.reads")
    crossing = [
        f"{m} imports {t}"
        for m in areas
        for t in GRAPH[m]
        if _under(t, *_p("use_cases")) and not _under(t, *shared)
    ]
    assert crossing == []
    assert _breaches(_p("use_cases"), _p("api", "cli", "projections", "learning", "history")) == []


def test_the_notify_services_sit_between_the_application_and_the_edges() -> None:
    assert _breaches(_p("notify"), _p("api", "cli", "cli_notify")) == []
    below = _p(
        "aggregates", "errors", "settings", "vocabulary", "persistence", "use_cases",
        "application", "projections", "learning", "history", "messaging",
    )
    assert _breaches(below, _p("notify", "cli_notify")) == []


def _cycles() -> Iterator[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(v: str) -> Iterator[list[str]]:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                yield from visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component: list[str] = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                yield sorted(component)

    for module in sorted(GRAPH):
        if module not in index:
            yield from visit(module)


def test_there_are_no_import_cycles() -> None:
    assert list(_cycles()) == []


def test_a_cycle_would_be_found() -> None:
    GRAPH["okr_es.errors"].add("okr_es.application")
    try:
        assert any("okr_es.errors" in c for c in _cycles())
    finally:
        GRAPH["okr_es.errors"].discard("okr_es.application")



def test_the_webhook_delivery_imports_neither_the_edges_nor_the_analyses() -> None:
    # Delivery sits beside messaging: the API starts it, never the other way round.
    assert _breaches(_p("webhooks"), _p("api", "cli", "learning", "history")) == []
