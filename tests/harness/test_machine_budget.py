"""A stateful machine whose test time budget runs out ends as unsupported, never as a harness error.

Before: the budget ran out mid-example, Hypothesis replayed the same draws and met it at another step,
and the test ended as a ``FlakyStrategyDefinition`` harness error (11 in a loaded nightly run).

Run: ``pytest tests/harness/test_machine_budget.py -q``.
"""

from __future__ import annotations

import json


def test_a_machine_over_its_time_budget_is_unsupported_with_the_budget_named(run_suite):
    result, reports = run_suite(
        "--endpoint=reference",
        "--hypothesis-profile=nightly",
        "--test-timeout=1",
        "-k",
        "user_lifecycle or tokens_and_revocation",
        "-rs",
        target="test_machines.py",
    )
    outcomes = [json.loads(line)["outcome"] for line in (reports / "results.jsonl").read_text().splitlines()]
    assert "harness-error" not in outcomes, result.stdout.str()[-3000:]
    assert "unsupported" in outcomes
    result.stdout.fnmatch_lines(["*SKIPPED*not sent: the test time budget ran out*"])
    assert "Flaky" not in result.stdout.str()
    assert result.ret == 0
