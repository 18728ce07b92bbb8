"""Derandomized exploration does not depend on the project's source text (profiles.ignore_project_constants).

Hypothesis mixes the literals of loaded local modules into its draws; before the profiles turned that
off, a new docstring or import changed which steps a ``ci`` machine took and which divergences it met.
Each case runs in a fresh interpreter: Hypothesis remembers the modules it has scanned per process.

Run: ``pytest tests/harness/test_deterministic_draws.py -q``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

#: Draw derandomized values, load a module of new literals (as an edit of the project adds), draw
#: again, and print whether the two runs drew the same.
SCRIPT = """
import importlib, sys
from hypothesis import given, settings, strategies as st
if sys.argv[1] == "profiles":
    from conformance import profiles
    profiles.ignore_project_constants()

def draws():
    seen = []
    @settings(derandomize=True, max_examples=300, database=None)
    @given(st.text(max_size=30), st.integers())
    def explore(text, number):
        seen.append((text, number))
    explore()
    return seen

before = draws()
sys.path.insert(0, sys.argv[2])
importlib.import_module("freshly_edited_module")
print("same" if draws() == before else "changed")
"""


def _run(mode: str, folder: Path) -> str:
    lines = [f"CONSTANT_{i} = 'a-project-literal-{i}-{i * 7919}'" for i in range(400)]
    lines += [f"NUMBER_{i} = {i * 104729 + 13}" for i in range(400)]
    (folder / "freshly_edited_module.py").write_text("\n".join(lines) + "\n")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, str(folder)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_new_project_literals_leave_derandomized_draws_unchanged(tmp_path: Path) -> None:
    assert _run("profiles", tmp_path) == "same"


def test_without_the_profiles_the_same_edit_changes_the_draws(tmp_path: Path) -> None:
    """The check above can fail: Hypothesis's own collector, left on, draws the new module's literals."""
    assert _run("hypothesis-alone", tmp_path) == "changed"
