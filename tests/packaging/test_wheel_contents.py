"""The wheel check of .ci/wheel fails on what it must catch: ``pytest tests/packaging``.

The wheels here are made up from this checkout's package data (no build: that is .ci/wheel's step),
so the check is proved on a complete wheel, one without its schemas and one with development files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from wheel_contents import check

import conformance

PACKAGE = Path(conformance.__file__).parent
ENTRY_POINTS = "[pytest11]\nconformance = conformance.plugin\n"


def _wheel(path: Path, *, skip: str = "", extra: dict[str, str] | None = None) -> Path:
    """A wheel of this checkout's ``conformance`` package (minus names starting with ``skip``)."""
    with zipfile.ZipFile(path, "w") as wheel:
        for file in sorted(PACKAGE.rglob("*")):
            name = file.relative_to(PACKAGE.parent).as_posix()
            if file.is_file() and "__pycache__" not in name and not (skip and name.startswith(skip)):
                wheel.write(file, name)
        wheel.writestr("cognito_conformance-0.1.0.dist-info/entry_points.txt", ENTRY_POINTS)
        for name, text in (extra or {}).items():
            wheel.writestr(name, text)
    return path


def test_a_wheel_of_the_package_passes(tmp_path: Path) -> None:
    assert check(str(_wheel(tmp_path / "w.whl"))) == []


def test_a_wheel_without_its_schemas_fails(tmp_path: Path) -> None:
    found = check(str(_wheel(tmp_path / "w.whl", skip="conformance/specs/data/cognito-idp/")))
    assert any(
        line.startswith("missing schema: ") and "AdminCreateUser.request.json" in line for line in found
    )
    found = check(str(_wheel(tmp_path / "w.whl", skip="conformance/specs/data/")))
    assert "missing: conformance/specs/data/MANIFEST.json" in found


def test_development_files_in_a_wheel_fail(tmp_path: Path) -> None:
    extra = {"tests/test_layers.py": "", ".ci/run": "", "specs/MANIFEST.json": "{}"}
    found = check(str(_wheel(tmp_path / "w.whl", extra=extra)))
    assert sorted(found) == [f"development file in the wheel: {name}" for name in sorted(extra)]


def test_a_wheel_without_the_entry_point_fails(tmp_path: Path) -> None:
    path = tmp_path / "w.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("conformance/__init__.py", "")
    found = check(str(path))
    assert "missing: the pytest11 entry point 'conformance = conformance.plugin'" in found
    assert "missing: conformance/specs/data/MANIFEST.json" in found
