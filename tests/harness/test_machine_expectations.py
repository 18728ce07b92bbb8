"""The state machines against an expectations file: stable known divergences, flaky runs as divergences.

An emulator project keeps its own file: ``--update-expectations`` writes it, a person writes the
reasons, and the next run must pass. The machines stop an example at its first unlisted divergence,
and stopping changes what a derandomized run explores; a rewriting run therefore explores with every
divergence listed (``MachineRun.list_everything``), as the next run will. And an endpoint that
answers Hypothesis's replay differently (a flaky run) ends as the divergences it showed
(``MachineRun.flaky_divergences``), not as a harness error.

Run: ``pytest tests/harness/test_machine_expectations.py``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis.errors import FlakyFailure, FlakyStrategyDefinition

from conformance.checks import Recorder
from conformance.divergence import CheckKind, Confidence, Divergence, DivergenceFound
from conformance.machines.base import MachineRun
from conformance.records import read_jsonl

#: A reason the loader accepts: it cites a fact of the catalogue (a person writes the real one).
REASON = "AWS does what facts:pools.setup says; this implementation answers otherwise"


def _fill_reasons(path) -> int:
    """Write a reason into every entry the update left without one; returns how many."""
    text = path.read_text(encoding="utf-8")
    filled, count = re.subn(r'^reason = ""$', f'reason = "{REASON}"', text, flags=re.MULTILINE)
    path.write_text(filled, encoding="utf-8")
    return count


@pytest.mark.parametrize(
    "endpoint",
    [
        "miniature:wrong-error-code",
        pytest.param("moto", marks=pytest.mark.slow),
    ],
)
def test_an_updated_file_makes_the_next_machine_run_pass(run_suite, pytester, endpoint):
    if endpoint == "moto":
        pytest.importorskip("moto")
    expectations = pytester.path / "expectations.toml"
    args = (f"--endpoint={endpoint}", f"--expectations={expectations}", "--hypothesis-profile=ci")

    updated, _ = run_suite(*args, "--update-expectations", target="test_machines.py")
    # Unlisted divergences still fail the rewriting run; the file now lists them, without reasons.
    assert updated.ret == pytest.ExitCode.TESTS_FAILED, updated.stdout.str()[-3000:]
    assert "test_machines.py::" in expectations.read_text(encoding="utf-8")
    assert _fill_reasons(expectations) > 0

    again, reports = run_suite(*args, target="test_machines.py")
    assert again.ret == pytest.ExitCode.OK, again.stdout.str()[-5000:]
    # (Divergences on UNVERIFIED facts are reported and never fail a run: the exit status judges.)
    assert "harness-error" not in {r["outcome"] for r in read_jsonl(reports / "results.jsonl")}
    # The machines met the divergences the file lists, each hard one as a known one.
    met = [
        d
        for d in read_jsonl(reports / "divergences.jsonl")
        if d["test_id"].startswith("test_machines.py") and d["confidence"] != "unverified"
    ]
    assert met and all(d["known"] for d in met), [
        (d["test_id"], d["operation"], d["check"], d["path"]) for d in met if not d["known"]
    ]


def _divergence(operation: str, returned: str) -> Divergence:
    return Divergence(
        operation,
        "error.code",
        f"$.__type expected ResourceNotFoundException returned {returned}",
        "ResourceNotFoundException",
        returned,
        Confidence.DOCUMENTED,
        "facts:pools.unknown-pool",
        CheckKind.ERRORS,
    )


def _run(*, known: tuple[str, ...] = ()) -> MachineRun:
    check = Recorder("test", "test_machines.py::test_pools_and_clients_machine")
    check.expected = {key: REASON for key in known}
    return MachineRun(cognito=None, check=check)  # type: ignore[arg-type]


def test_a_flaky_failure_of_divergences_ends_as_those_divergences():
    first = _divergence("DescribeUserPool", "InvalidParameterException")
    stopped = _divergence("DeleteUserPool", "InvalidParameterException")
    known = _divergence("UpdateUserPool", "InvalidParameterException")
    run = _run(known=(known.key(),))
    run.seen = {stopped.key(): stopped, known.key(): known}
    # What Hypothesis raises when the replay of a failing example draws differently: the failure it
    # saw first, and the replay's own FlakyStrategyDefinition.
    flaky = FlakyFailure(
        "Inconsistent results from replaying a test case!",
        [DivergenceFound([first]), FlakyStrategyDefinition("the replay drew differently")],
    )
    found = run.flaky_divergences(flaky)
    assert found is not None
    assert {d.key() for d in found} == {first.key(), stopped.key()}


def test_a_flaky_failure_that_is_not_a_divergence_stays_an_error():
    run = _run()
    flaky = FlakyFailure("Inconsistent results", [DivergenceFound([_divergence("X", "Y")]), TypeError("bug")])
    assert run.flaky_divergences(flaky) is None


def test_a_flaky_replay_without_failures_falls_back_to_what_stopped_examples():
    stopped = _divergence("DeleteUserPool", "InvalidParameterException")
    run = _run()
    assert run.flaky_divergences(FlakyStrategyDefinition("drew differently")) == []
    run.seen = {stopped.key(): stopped}
    assert run.flaky_divergences(FlakyStrategyDefinition("drew differently")) == [stopped]


def test_distinct_failures_that_are_all_divergences_end_as_those_divergences():
    """Hypothesis's group of distinct minimal failures (each stopped on a divergence) is the run's
    divergences, the known ones left out; one failure that is not a divergence keeps it an error."""
    first = _divergence("AdminCreateUser", "InvalidParameterException")
    second = _divergence("InitiateAuth", "InvalidParameterException")
    known = _divergence("UpdateUserPool", "InvalidParameterException")
    run = _run(known=(known.key(),))
    group = ExceptionGroup(
        "Hypothesis found 2 distinct failures.", [DivergenceFound([first, known]), DivergenceFound([second])]
    )
    found = run.distinct_divergences(group)
    assert found is not None
    assert {d.key() for d in found} == {first.key(), second.key()}
    mixed = ExceptionGroup(
        "Hypothesis found 2 distinct failures.", [DivergenceFound([first]), TypeError("bug")]
    )
    assert run.distinct_divergences(mixed) is None
