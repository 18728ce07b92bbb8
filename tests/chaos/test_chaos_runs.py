"""A hostile endpoint cannot hold the harness hostage.

Each mode of the chaos endpoint (conformance/chaos.py) answers every call badly in one way; a run of a
module of the suite against it must end in bounded time, with every test classified (never a harness
error for the endpoint's fault), record files that parse, bounded artifacts and, for a 10 MB body,
bounded memory. And a local endpoint receives exactly one request per call: no hidden retries.

Run: ``pytest tests/chaos``.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

import conformance
from conformance import redact
from conformance.calls import SILENCE_LIMIT, Cognito, NoAnswer, Unsupported
from conformance.endpoints import parse
from conformance.wire import EVIDENCE_BODY_BYTES, MAX_RESPONSE_BYTES, Exchange, capped

#: The outcomes an endpoint's fault may produce; "harness-error" would blame the harness for it.
CLASSIFIED = {"pass", "divergence", "unsupported"}
#: Per-run artifact bound for a 9-test module: a few capped records per test, whatever the endpoint sends.
ARTIFACT_BOUND = 2 * 1024 * 1024
#: Modes in which no call gets an answer the harness can judge: the run ends with exit status 6
#: (insufficient: everything unsupported), not as a pass.
NOTHING_ANSWERED = frozenset({"stall", "reset", "html-500"})
#: A quick bound for the stall mode: the server stalls 2 s, the harness waits 0.3 s.
QUICK = ("--call-timeout=0.3,0.3",)


def _tests_run(output: str) -> int:
    """The number of tests pytest ran, from its last line ("3 failed, 6 skipped in 2.1s")."""
    return sum(int(n) for n in re.findall(r"(\d+) (?:passed|failed|skipped)", output.splitlines()[-2]))


@pytest.mark.parametrize(
    "mode",
    [
        "huge-body",
        "stall",
        "reset",
        "throttle",
        "truncated-json",
        "empty-body",
        "wrong-types",
        "unknown-error",
        "html-500",
        "mix",
    ],
)
def test_a_run_against_a_hostile_endpoint_ends_classified_and_bounded(mode, chaos, run_against) -> None:
    server = chaos(mode, stall=2.0)
    started = time.monotonic()
    run = run_against(server, *(QUICK if mode in ("stall", "mix") else ()), limit=90)
    elapsed = time.monotonic() - started

    # Not an internal error, not a usage error; an endpoint that answers nothing ends "insufficient".
    expected_codes = {6} if mode in NOTHING_ANSWERED else {0, 1}
    assert run.returncode in expected_codes, run.output[-3000:]
    results = run.results()
    assert {r["outcome"] for r in results} <= CLASSIFIED, run.output[-3000:]
    tested = {r["test_id"] for r in results if not r["test_id"].startswith("setup::")}
    # A test blocked by a set-up divergence (recorded once, under setup::<Operation>) has no line of
    # its own: it is classified by its skip reason.
    blocked = sum(int(n) for n in re.findall(r"SKIPPED \[(\d+)\] .*: blocked by a divergence in", run.output))
    assert len(tested) + blocked == _tests_run(run.output) > 0
    run.divergences()  # parses
    assert json.loads((run.reports / "run.json").read_text())["counts"]
    assert run.artifact_bytes() < ARTIFACT_BOUND
    if mode == "stall":
        # One read timeout per test, not the 2 s stall (nor twice that, as hidden retries did).
        assert elapsed < 30
        assert {r["outcome"] for r in results} == {"unsupported"}


def test_a_ten_megabyte_body_is_a_divergence_read_within_the_bound(chaos, run_against) -> None:
    run = run_against(chaos("huge-body"))
    checks = {d["check"] for d in run.divergences()}
    assert "wire.body-too-large" in checks
    evidence = next(d["evidence"] for d in run.divergences() if d["check"] == "wire.body-too-large")
    assert evidence["response"]["size"] > MAX_RESPONSE_BYTES
    body = evidence["response"]["body"]  # not parsed (too large): its text, cut, with size and sha256
    assert isinstance(body, str) and "truncated" in body and len(body) < EVIDENCE_BODY_BYTES + 200
    assert 0 < run.peak_rss_kb < 1024 * 1024  # under 1 GB (it was 23.6 GB for the whole suite)


def test_the_run_time_budget_skips_the_remaining_tests(chaos, run_against) -> None:
    run = run_against(chaos("throttle"), "--run-timeout=0.000001", "-rs")
    assert run.returncode == 0, run.output[-2000:]
    assert "run time budget" in run.output
    # The one request is the sweep of leftover harness pools at the start (ListUserPools); no test
    # sends anything once the budget is spent.
    assert run.requests == 1


@pytest.mark.parametrize("mode", ["html-500", "reset", "throttle", "stall"])
def test_a_local_endpoint_receives_exactly_one_request_per_call(mode, chaos) -> None:
    server = chaos(mode, stall=1.0)
    endpoint = parse(f"http://127.0.0.1:{server.server_address[1]}")
    endpoint.call_timeout = (0.5, 0.3)
    cognito = Cognito(endpoint)
    try:
        response = cognito.list_user_pools(MaxResults=10)
    except Unsupported as error:
        # html-500: an unimplemented-operation page; reset, stall: no answer, named as such.
        assert mode != "throttle"
        assert isinstance(error, NoAnswer) == (mode in ("reset", "stall"))
    else:
        assert mode == "throttle"
        assert response.error_code == "TooManyRequestsException"
        assert response.exchange.retries == 0  # a local throttle is an answer to check, not retried
    assert server.count == 1


def test_a_test_over_its_budget_sends_no_more_calls(chaos) -> None:
    server = chaos("throttle")
    cognito = Cognito(parse(f"http://127.0.0.1:{server.server_address[1]}"))
    cognito.observer = lambda response, **_: None
    cognito.deadline = (time.monotonic() - 1, "test time budget")
    with pytest.raises(NoAnswer, match="test time budget"):
        cognito.list_user_pools(MaxResults=10)
    assert server.count == 0


def test_evidence_is_redacted_before_it_is_cut() -> None:
    secret = "chaos-secret-" + "s" * 40
    redact.register(secret)
    # The secret straddles the cut: cutting first would keep its first half, which redaction misses.
    body = b"x" * (EVIDENCE_BODY_BYTES - 10) + secret.encode() + b"y" * 100
    exchange = Exchange("ListUserPools", {}, b"{}", 500, {}, body, 1.0)
    kept = exchange.to_json()["response"]["body"]
    assert isinstance(kept, str) and "truncated" in kept
    assert secret[:10] not in kept
    assert len(kept.encode()) < EVIDENCE_BODY_BYTES + 200


def test_a_capped_value_keeps_its_size_and_digest() -> None:
    small = {"a": 1}
    assert capped(small) is small
    big = capped({"Padding": "x" * (EVIDENCE_BODY_BYTES * 2)})
    assert big["truncated"] is True and big["size"] > EVIDENCE_BODY_BYTES * 2 and len(big["sha256"]) == 64


def test_the_chaos_endpoint_needs_only_the_standard_library() -> None:
    import ast
    import sys

    from conformance import chaos

    tree = ast.parse(open(chaos.__file__, encoding="utf-8").read())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert imported - {"__future__"} <= set(sys.stdlib_module_names)


def test_the_chaos_endpoint_names_itself_and_no_other_implementation(chaos) -> None:
    from conformance.endpoints.base import http_get
    from conformance.endpoints.url import identify

    url = f"http://127.0.0.1:{chaos('throttle').server_address[1]}"
    status, body = http_get(f"{url}/chaos-api/health", 2)
    assert status == 200 and json.loads(body)["name"] == "cognito-conformance-chaos"
    assert identify(url)[0] == "unknown"


def test_a_killed_run_leaves_every_finished_test_on_disk(chaos, tmp_path) -> None:
    import signal
    import subprocess
    import sys

    server = chaos("stall", stall=2.0)
    reports = tmp_path / "reports"
    suite = str(Path(conformance.__file__).parent / "suite")
    argv = [sys.executable, "-m", "pytest", suite, f"--endpoint=http://127.0.0.1:{server.server_address[1]}"]
    argv += [f"--reports-dir={reports}", "-p", "no:cacheprovider", "-q", "--call-timeout=0.3,0.3"]
    process = subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = reports / "results.jsonl"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (results.is_file() and results.stat().st_size):
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    assert lines and all(line["outcome"] == "unsupported" for line in lines)
    # It was killed, yet the finished tests are there, and run.json still says the run is running
    # (which every reader shows as interrupted).
    assert json.loads((reports / "run.json").read_text())["status"] == "running"


def test_a_whole_run_against_an_endpoint_that_stopped_answering_ends_in_a_few_call_timeouts(
    chaos, run_against
) -> None:
    # The whole suite (180 tests) against an endpoint that never answers: after SILENCE_LIMIT calls in a
    # row without an answer nothing more is sent, so the run costs a few call timeouts, not one per call.
    server = chaos("stall", stall=2.0)
    started = time.monotonic()
    run = run_against(server, "--call-timeout=0.3,0.3", target="", limit=240)
    elapsed = time.monotonic() - started
    assert run.returncode == 6, run.output[-2000:]  # insufficient: nothing was answered
    assert {r["outcome"] for r in run.results()} == {"unsupported"}
    assert run.requests <= SILENCE_LIMIT + 1  # the sweep's ListUserPools, then the silent calls
    assert elapsed < 120, elapsed
    assert "answered none of the last" in run.output


@pytest.mark.parametrize("mode", ["unknown-error", "throttle"])
def test_a_failed_pool_in_a_suite_fixture_blocks_the_test_and_is_recorded_once(
    mode, chaos, run_against
) -> None:
    # test_clients.py's own pool fixture checks that the pool was created; when the endpoint answers
    # that call with an error, each of its tests is blocked (skipped, with the reason), not an ERROR at
    # set-up, and the divergence is recorded once for the run under setup::CreateUserPool.
    run = run_against(chaos(mode), target="test_clients.py")
    assert "ERROR at setup" not in run.output and " error" not in run.output.splitlines()[-1], run.output[
        -3000:
    ]
    # pytest folds the skipped cases of one parametrized test into one line: "SKIPPED [2] ...".
    blocked = re.findall(r"SKIPPED \[(\d+)\] .*: blocked by a divergence in CreateUserPool", run.output)
    assert sum(map(int, blocked)) == _tests_needing_the_pool_fixture(), run.output[-3000:]
    setup = [d for d in run.divergences() if d["test_id"] == "setup::CreateUserPool"]
    keys = [(d["check"], d["path"]) for d in setup]
    assert ("outcome.success", "$") in keys and len(keys) == len(set(keys))
    assert {r["outcome"] for r in run.results()} <= CLASSIFIED


@pytest.mark.parametrize("seed", [0, 5])
def test_a_machine_whose_replay_meets_other_answers_ends_as_divergences(seed, chaos, run_against) -> None:
    # In mode mix each request meets a fault drawn from the seed, so Hypothesis's replay of a failing
    # example meets other answers and calls the run flaky (with these seeds, the pools machine): the
    # endpoint's doing, each machine ends as the divergences it met (or unsupported), never an error.
    run = run_against(chaos("mix", seed=seed), *QUICK, target="test_machines.py", limit=90)
    assert run.returncode == 1, run.output[-3000:]
    results = run.results()
    assert {r["outcome"] for r in results} <= CLASSIFIED, [
        (r["test_id"], r["message"][:500]) for r in results if r["outcome"] not in CLASSIFIED
    ]
    assert "FlakyFailure" not in run.output
    assert any(r["test_id"] == "test_machines.py::test_pools_and_clients_machine" for r in results)


def _tests_needing_the_pool_fixture() -> int:
    """How many test_clients.py tests (parametrized cases counted) take its ``pool_id`` fixture."""
    import ast

    import conformance.suite.test_clients as module

    tree = ast.parse(Path(module.__file__).read_text())
    count = 0
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
            continue
        if "pool_id" not in [arg.arg for arg in node.args.args]:
            continue
        cases = 1
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "parametrize":
                values = decorator.args[1]
                cases *= len(values.elts) if isinstance(values, ast.List | ast.Tuple) else 1
        count += cases
    return count
