"""What the wheel must carry, and what it must not: ``python tests/packaging/wheel_contents.py WHEEL``.

An emulator project installs the wheel and runs the suite from its own repository, with no checkout
of this one around it: everything the plugin reads at run time (the schemas, the fact catalogue, the
expectations files, the report templates, the suite itself) must be inside, and this project's own
tests, CI scripts, tools and benchmarks must not. ``.ci/wheel`` runs this on the wheel it builds;
``tests/packaging/test_wheel_contents.py`` proves the check itself on small made-up wheels.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import PurePosixPath

#: Files every wheel must hold, by exact name.
REQUIRED = (
    "conformance/__init__.py",
    "conformance/plugin.py",
    "conformance/py.typed",
    "conformance/suite/__init__.py",
    "conformance/specs/data/MANIFEST.json",
    "conformance/specs/data/seed-2016-07-28.json",
    "conformance/expectations/moto.toml",
    "conformance/reports/templates/matrix.html.j2",
)

#: Folders that must each hold at least one file of the given suffix.
REQUIRED_GLOBS = (
    ("conformance/facts/catalogue/", ".toml"),
    ("conformance/expectations/", ".toml"),
    ("conformance/suite/", ".py"),
    ("conformance/reports/templates/", ".css"),
)

#: Top-level names of this repository that belong to its development, never to the package.
FORBIDDEN_TOP = frozenset(
    {"tests", "benchmarks", "tools", "docs", "specs", ".ci", ".github", "conftest.py", "tox.ini", "reports"}
)


def problems(names: list[str], read) -> list[str]:
    """Everything wrong with a wheel whose file names are ``names``; ``read(name)`` gives a file's bytes.

    Checked: the required files, a schema for every operation (request and response) and every error
    the packaged MANIFEST.json lists, the pytest11 entry point, and no development file.
    """
    found = set(names)
    out = [f"missing: {name}" for name in REQUIRED if name not in found]
    for folder, suffix in REQUIRED_GLOBS:
        if not any(n.startswith(folder) and n.endswith(suffix) for n in names):
            out.append(f"missing: {folder}*{suffix}")
    for name in names:
        top = PurePosixPath(name).parts[0]
        if top in FORBIDDEN_TOP:
            out.append(f"development file in the wheel: {name}")
        if "__pycache__" in name or name.endswith(".pyc"):
            out.append(f"compiled file in the wheel: {name}")
    if "conformance/specs/data/MANIFEST.json" in found:
        manifest = json.loads(read("conformance/specs/data/MANIFEST.json"))
        schemas = f"conformance/specs/data/{manifest['schema_dir']}"
        for operation in manifest["operations"]:
            for part in ("request", "response"):
                name = f"{schemas}/operations/{operation}.{part}.json"
                if name not in found:
                    out.append(f"missing schema: {name}")
        for error in manifest["errors"]:
            name = f"{schemas}/errors/{error}.json"
            if name not in found:
                out.append(f"missing schema: {name}")
    entry_points = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    if not entry_points or "conformance = conformance.plugin" not in read(entry_points[0]).decode():
        out.append("missing: the pytest11 entry point 'conformance = conformance.plugin'")
    return out


def check(path: str) -> list[str]:
    """:func:`problems` of the wheel file at ``path``."""
    with zipfile.ZipFile(path) as wheel:
        return problems(wheel.namelist(), wheel.read)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/packaging/wheel_contents.py WHEEL", file=sys.stderr)
        return 2
    found = check(argv[0])
    for line in found:
        print(line)
    if found:
        return 1
    with zipfile.ZipFile(argv[0]) as wheel:
        count = len(wheel.namelist())
    print(
        f"{argv[0]}: {count} files; schemas, catalogue, expectations, templates present; no development files"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
