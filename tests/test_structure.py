"""The shape of the code: no import cycles, small modules, and production code that owns its data.

Imports are read with `ast` (module level and inside functions alike), so a cycle hidden in a
function body counts too. Complexity (ruff C901, at most 10) is checked by `make lint`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "questionnaire"
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The questionnaire modules a file imports (`from . import model` imports the submodule)."""
    name, found = module_name(path), set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("questionnaire")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.startswith("questionnaire"):
                for a in node.names:
                    found.add(f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base)
    return found


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {i for i in imports_of(path, set(files)) if i in files and i != name}
        for name, path in files.items()
    }


def test_no_module_imports_itself_in_a_circle():
    edges = graph()
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(edges[node]):
            if nxt in path:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif len(path) < 12:
                visit(nxt, path + [nxt])

    for start in sorted(edges):
        visit(start, [start])
    # A package importing its own submodules (`engine/__init__` re-exporting) is not a cycle
    # unless a submodule imports the package back.
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])


def test_blueprints_reach_the_engine_through_its_accessor_not_the_factory():
    web = {n: deps for n, deps in graph().items() if n.startswith("questionnaire.web")}
    assert not {n for n, deps in web.items() if "questionnaire.app" in deps}


def test_no_python_module_is_longer_than_400_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in [*PACKAGE.rglob("*.py"), *(ROOT / "bench").glob("*.py")]
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


# safety.py checks the hazard log's test names are pytest node ids ("tests/....py::name"); it
# reads no file under tests/ (the test suite checks that those tests exist).
NAMES_TESTS = {"questionnaire/safety.py"}


def test_production_code_reads_nothing_from_the_tests_folder():
    readers = [
        str(p.relative_to(ROOT))
        for p in [*PACKAGE.rglob("*.py"), ROOT / "wsgi.py"]
        if str(p.relative_to(ROOT)) not in NAMES_TESTS
        and (
            '"tests"' in p.read_text(encoding="utf-8") or "tests/" in p.read_text(encoding="utf-8")
        )
    ]
    assert readers == []


def test_the_engine_imports_no_flask():
    engine = {n: deps for n, deps in graph().items() if n.startswith("questionnaire.engine")}
    for path in (PACKAGE / "engine").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names
        } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not {n for n in names if n.split(".")[0] in ("flask", "werkzeug")}, path.name
    assert all(d.startswith("questionnaire.engine") for deps in engine.values() for d in deps)
