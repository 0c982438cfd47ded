"""The shape of the code (issue 15): the layer contract, no import cycle, no module too large.

(a) `lint-imports` keeps the contract of `.importlinter` (portal and programmes at the bottom,
    then applications, reviews, subsidies, dashboards);
(b) the import graph of the project's packages, in-function imports included (grimp reads every
    import statement of a module), has no cycle between two project modules;
(c) no project module outside migrations and tests has more than 500 lines.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "programmes", "applications", "reviews", "subsidies", "dashboards")
MAX_LINES = 500


def _lint_imports_command() -> list[str]:
    script = Path(sys.executable).with_name("lint-imports")
    if script.exists():
        return [str(script)]
    found = shutil.which("lint-imports")
    if found:
        return [found]
    return [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"]


def test_the_layer_contract_holds():
    result = subprocess.run(
        [*_lint_imports_command(), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"lint-imports failed:\n{result.stdout}\n{result.stderr}"


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def _one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest cycle through the component's first module (breadth first), for the message."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & members):
            if child == start:
                return [*paths[node], start]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    return component


def _project_graph() -> dict[str, set[str]]:
    sys.path.insert(0, str(ROOT))
    try:
        imports = grimp.build_graph(
            *PACKAGES,
            include_external_packages=False,
            exclude_type_checking_imports=True,  # never executed: not a runtime cycle
            cache_dir=None,
        )
    finally:
        sys.path.remove(str(ROOT))
    return {
        module: {
            imported
            for imported in imports.find_modules_directly_imported_by(module)
            if imported != module
        }
        for module in imports.modules
    }


def test_no_import_cycle_between_project_modules():
    graph = _project_graph()
    cycles = [_one_cycle(graph, c) for c in _strongly_connected(graph)]
    assert not cycles, "import cycles (in-function imports included):\n" + "\n".join(
        " -> ".join(cycle) for cycle in cycles
    )


def test_no_project_module_over_500_lines():
    too_long = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or "tests" in relative.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long.append(f"{relative}: {lines} lines")
    assert not too_long, f"modules over {MAX_LINES} lines:\n" + "\n".join(too_long)
