"""Wrongly typed members in the answers to the suite's own calls end as divergences, never tracebacks.

The chaos endpoint's ``wrong-types`` mode blocks every test at its first set-up call; the plugin
``tests/chaos/wrong_types.py`` keeps the set-up answers whole and rewrites every other answer of the
reference (seeded), so each test reads members of the wrong JSON type from the answers of its own
calls: an id that is a number, a list of strings where objects go, challenge parameters that are
numbers. Each must end as that operation's divergence (``Recorder.read``), none as a harness error.

Run: ``pytest tests/chaos/test_wrong_types_in_tests.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import conformance

SUITE = Path(conformance.__file__).parent / "suite"
HERE = Path(__file__).parent


@pytest.mark.parametrize(("strategy", "seed"), [("strings", "0"), ("mixed", "1")])
def test_the_suite_reads_wrongly_typed_answers_as_divergences(strategy, seed, tmp_path) -> None:
    reports = tmp_path / "reports"
    env = dict(os.environ, CC_WRONG_TYPES=strategy, CC_WRONG_TYPES_SEED=seed)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH", "")]))
    argv = [sys.executable, "-m", "pytest", str(SUITE), "--endpoint=reference", f"--reports-dir={reports}"]
    # The state machines run too: the rewrite is seeded per call, not per example, so Hypothesis's
    # replay of a failing example meets other answers (a flaky run), which must still end as the
    # divergences the examples met (MachineRun.flaky_divergences), never as a harness error.
    argv += ["-p", "wrong_types", "-p", "no:cacheprovider", "-q"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=240, cwd=tmp_path, env=env)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]  # divergences, not an internal or usage error
    results = [json.loads(line) for line in (reports / "results.jsonl").read_text().splitlines()]
    harness = [r for r in results if r["outcome"] == "harness-error"]
    assert not harness, [(r["test_id"], r["message"]) for r in harness]
    # No traceback of a read (pytest's "file.py:123: TypeError" line) anywhere in the output.
    assert not [
        line for line in output.splitlines() if line.endswith(("TypeError", "AttributeError", "KeyError"))
    ]
    checks = {json.loads(line)["check"] for line in (reports / "divergences.jsonl").read_text().splitlines()}
    assert "schema.type" in checks
