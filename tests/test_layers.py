"""The layer rules of the README's ARCHITECTURE section, enforced on the import graph.

Every ``import`` of the package counts, at module level or inside a function: a function-level import
that dodges a cycle is still an arrow. Read with ``ast``, nothing of the package is imported.

Run: ``pytest tests/test_layers.py``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import conformance

PACKAGE = Path(conformance.__file__).parent

#: The floors, bottom first. A module may import modules of its own floor or of floors below it, never
#: above. Each entry is a module or a package (every module under it).
FLOORS: list[tuple[str, ...]] = [
    # 0. plain values and maths: what every other room may use
    ("areas", "redact", "wire", "crypto"),
    # 1. the vocabulary: divergences, facts, expectations of a value at a path
    ("divergence", "facts", "expect"),
    # 2. the two independent models of AWS, the schemas, the record format
    ("specs", "oracle", "reference", "chaos", "records", "profiles", "recording"),
    # 3. reaching an endpoint, and checking what it answers
    ("endpoints", "calls", "checks", "token_checks", "expectations", "pacing", "budget"),
    # 4. what a test or a run does with those
    ("flows", "session", "lifecycle", "outcomes", "machines", "reports", "peers", "clientflows", "janitor"),
    # 5. pytest
    ("fixtures", "plugin", "suite"),
]

#: Rooms that must never import each other, whatever their floors: the oracle and the reference are two
#: independent implementations of the same facts (an N-version check), and neither may lean on the other.
APART = [("oracle", "reference")]

#: Third-party modules a room may not import. The oracle is pure: a model, no transport, no test runner.
FORBIDDEN = {
    "oracle": ("boto3", "botocore", "pytest", "hypothesis"),
    "reference": ("boto3", "pytest", "hypothesis"),
    "divergence": ("boto3", "botocore", "pytest"),
    "facts": ("boto3", "botocore", "pytest"),
    "expect": ("boto3", "botocore", "pytest"),
    "session": ("pytest",),
    "records": ("pytest",),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["conformance", *parts])


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The modules ``name`` imports (project modules resolved to the deepest existing module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in modules else base)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, name, modules) for name, path in modules.items()}


def _room(module: str) -> str | None:
    """``conformance.reference.service.auth`` -> ``reference``; None for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "conformance" else None


def _floor(room: str) -> int:
    for number, rooms in enumerate(FLOORS):
        if room in rooms:
            return number
    raise AssertionError(
        f"room {room!r} is on no floor: add it to FLOORS in tests/test_layers.py and the README"
    )


def test_every_room_has_a_floor():
    rooms = {_room(module) for module in _modules()} - {None, "__main__"}
    for room in rooms:
        _floor(room)


def test_no_arrow_runs_up_a_floor():
    upward = []
    for module, imports in _graph().items():
        room = _room(module)
        if room is None:
            continue
        for imported in imports:
            target = _room(imported)
            if target is None or target == room or not imported.startswith("conformance"):
                continue
            if _floor(target) > _floor(room):
                upward.append(f"{module} -> {imported}")
    assert not upward, "imports that run up a floor:\n" + "\n".join(sorted(upward))


def test_the_oracle_and_the_reference_never_meet():
    crossings = []
    for module, imports in _graph().items():
        for left, right in APART:
            for one, other in ((left, right), (right, left)):
                if _room(module) == one:
                    crossings += [f"{module} -> {i}" for i in imports if _room(i) == other]
    assert not crossings, crossings


def test_pure_rooms_import_no_forbidden_library():
    found = []
    for module, imports in _graph().items():
        for library in FORBIDDEN.get(_room(module) or "", ()):
            found += [f"{module} -> {i}" for i in imports if i == library or i.startswith(library + ".")]
    assert not found, found


def test_pytest_is_known_to_the_plugin_fixtures_and_suite_only():
    allowed = {"plugin", "fixtures", "suite"}
    found = [
        module
        for module, imports in _graph().items()
        if _room(module) not in allowed and any(i == "pytest" or i.startswith("_pytest") for i in imports)
    ]
    assert not found, found


def test_the_import_graph_has_no_cycle():
    graph = {m: {i for i in imports if i in _modules()} for m, imports in _graph().items()}
    # A package's __init__ importing its own submodules is how a package exposes them, not a cycle.
    edges: dict[str, set[str]] = defaultdict(set)
    for module, imports in graph.items():
        for imported in imports:
            if imported.startswith(module + "."):
                continue
            edges[module].add(imported)
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_module_cites_a_document_outside_the_repository():
    root = PACKAGE.parent
    outside = ("aws-behaviour.md", "targets.md", "shared/cognito")
    offenders = []
    for path in [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.toml"), *(root / "tests").rglob("*.py")]:
        if path == Path(__file__):
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(root)}: {word}" for word in outside if word in text]
    assert not offenders, offenders[:20]
