"""A run's record never lies: interrupted runs, insufficient runs, bad options, leftover pools.

Each test runs pytest in a child process (``pytester.runpytest_subprocess``): a signal must reach
a real pytest process, and a killed one must not take this one with it.
"""

from __future__ import annotations

import json
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from conformance import plugin
from conformance.lifecycle import HARNESS_POOL
from conformance.records import OUTCOMES, load_run, read_jsonl, run_tag
from conformance.reference.child import served
from conformance.reports.__main__ import main as reports_main
from conformance.reports.history import append_run, changes_since_previous, read_history
from conformance.reports.matrix import build_matrix

#: A small run of our own: one test whose results are written, then one that stops the run (after
#: its pool is made, so that a kill leaves a pool behind), then one that never runs.
STOPPING_TESTS = """
import os
import signal


def test_first(cognito):
    cognito.list_user_pools(MaxResults=10)


def test_stops_the_run(user_pool):
    os.kill(os.getpid(), signal.{signal})


def test_never_reached(cognito):
    cognito.list_user_pools(MaxResults=10)
"""


def _run(pytester: pytest.Pytester, reports: Path, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(f"--reports-dir={reports}", "-p", "no:cacheprovider", *args)


def _stopped_run(
    pytester: pytest.Pytester, signal_name: str, endpoint: str = "reference"
) -> tuple[pytest.RunResult, Path]:
    pytester.makepyfile(test_stop=STOPPING_TESTS.format(signal=signal_name))
    reports = pytester.path / "reports"
    return _run(pytester, reports, f"--endpoint={endpoint}", "test_stop.py"), reports


def test_sigterm_leaves_an_interrupted_partial_run_that_fixes_nothing(pytester: pytest.Pytester) -> None:
    result, reports = _stopped_run(pytester, "SIGTERM")
    assert result.ret == pytest.ExitCode.INTERRUPTED, result.stdout.str()
    info = json.loads((reports / "run.json").read_text())
    assert info["status"] == "interrupted"
    assert info["whole_suite"] is False
    run = load_run(reports)
    assert run.status == "interrupted" and run.partial
    assert {r["test_id"].split("::")[-1] for r in run.results} >= {"test_first"}
    assert "test_never_reached" not in {r["test_id"].split("::")[-1] for r in run.results}
    # The plugin appended the run to the history itself, marked partial.
    history = reports / "history.jsonl"
    (line,) = read_history(history)
    assert line["partial"] is True and line["status"] == "interrupted"
    summary = json.loads((reports / "summary.json").read_text())
    assert summary["status"] == "interrupted" and summary["checks"] == len(run.results)
    # An earlier complete run had a divergence the interrupted one never reached: it is not "fixed".
    earlier = {**line, "run_id": "earlier", "started": line["started"] - 3600, "partial": False}
    earlier["divergence_ids"] = ["feedfacecafe"]
    earlier["divergence_labels"] = {"feedfacecafe": "CreateUserPool member.present $.UserPool.Id"}
    history.write_text(json.dumps(earlier) + "\n" + history.read_text())
    change = changes_since_previous(read_history(history))[line["endpoint"]]
    assert change["fixed"] == [] and change["new"] == []
    assert change["run_id"] == "earlier" and change["previous_run_id"] is None
    page = build_matrix([reports], pytester.path / "matrix.html", history).read_text()
    assert "feedfacecafe" not in page.split('id="changes"')[1].split("</section>")[0]
    assert "interrupted" in page


def test_sigkill_leaves_running_which_every_reader_shows_as_interrupted(pytester: pytest.Pytester) -> None:
    result, reports = _stopped_run(pytester, "SIGKILL")
    assert result.ret == -signal.SIGKILL
    info = json.loads((reports / "run.json").read_text())
    assert info["status"] == "running"  # written at the start, never finished
    run = load_run(reports)
    assert run.status == "interrupted" and run.partial
    assert any(r["test_id"].endswith("test_first") for r in run.results)  # lines written stay whole
    assert not (reports / "summary.json").exists()  # not the previous run's summary either
    summary = append_run(reports, reports / "history.jsonl")
    assert summary["partial"] is True and summary["status"] == "interrupted"
    assert changes_since_previous([summary]) == {}  # no complete run: nothing to compare


def test_summary_says_interrupted_for_a_killed_run(pytester: pytest.Pytester, capsys) -> None:
    _, reports = _stopped_run(pytester, "SIGKILL")
    assert reports_main(["summary", str(reports)]) == 0
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert line["status"] == "interrupted" and line["checks"] > 0


def test_a_run_stopped_by_maxfail_is_partial(run_suite) -> None:
    result, reports = run_suite("--endpoint=miniature:wrong-content-type", "-x")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    info = json.loads((reports / "run.json").read_text())
    assert info["status"] == "fail" and info["whole_suite"] is False
    assert load_run(reports).partial and read_history(reports / "history.jsonl")[0]["partial"] is True


# --- leftover pools ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def reference_server() -> Iterator[str]:
    """The reference endpoint served over HTTP on a free loopback port, for the duration of a test."""
    with served() as url:
        yield url


def _pool_names(url: str) -> list[str]:
    client = boto3.client(
        "cognito-idp",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )
    return [pool["Name"] for pool in client.list_user_pools(MaxResults=60)["UserPools"]]


def test_a_killed_runs_pool_is_swept_by_the_next_run(
    pytester: pytest.Pytester, reference_server: str
) -> None:
    result, reports = _stopped_run(pytester, "SIGKILL", endpoint=reference_server)
    assert result.ret == -signal.SIGKILL
    killed = json.loads((reports / "run.json").read_text())["run_id"]
    (left,) = _pool_names(reference_server)
    assert left.startswith(f"cc-{killed.rsplit('-', 1)[1]}-pool-")  # named after the run that made it

    pytester.makepyfile(test_list="def test_list(cognito):\n    cognito.list_user_pools(MaxResults=10)\n")
    result = _run(pytester, reports, f"--endpoint={reference_server}", "test_list.py")
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(["conformance: *; swept 1 leftover pools"])
    assert _pool_names(reference_server) == []
    assert json.loads((reports / "run.json").read_text())["swept_pools"] == 1


#: The seed of the interruption points, and the interruptions: three of each signal, in a seeded order.
INTERRUPTION_SEED = 20261129
INTERRUPTIONS = ("SIGTERM",) * 3 + ("SIGKILL",) * 3


def _started(reports: Path, before: str | None, process: subprocess.Popen[bytes]) -> str:
    """The id of the run that ``process`` started (its run.json written, after its sweep), waiting for it."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            run_id = json.loads((reports / "run.json").read_text())["run_id"]
        except (OSError, ValueError, KeyError):
            run_id = None
        if run_id and run_id != before:
            return run_id
        time.sleep(0.05)
    raise AssertionError(f"the run did not start (exit status {process.poll()})")


def test_runs_interrupted_at_seeded_random_points_never_lie(tmp_path: Path, reference_server: str) -> None:
    """Three SIGTERM and three SIGKILL, each at a seeded random point of a whole-suite run against the
    reference server: each leaves run.json saying so, a partial history line, no false "fixed" in the
    matrix, and its leaked pools are swept by the next run."""
    from tests.harness.conftest import SUITE

    chance = random.Random(INTERRUPTION_SEED)
    order = list(INTERRUPTIONS)
    chance.shuffle(order)
    reports = tmp_path / "reports"
    history = reports / "history.jsonl"
    argv = [sys.executable, "-m", "pytest", f"--endpoint={reference_server}", f"--reports-dir={reports}"]
    argv += ["-p", "no:cacheprovider", "-q"]
    run_id: str | None = None
    leaked = 0
    for number, name in enumerate(order):
        process = subprocess.Popen(
            [*argv, str(SUITE)], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            previous, run_id = run_id, _started(reports, run_id, process)
            # The run has swept before it wrote run.json: nothing of the previous (interrupted) run is left.
            names = _pool_names(reference_server)
            if previous is not None:
                assert not [n for n in names if n.startswith(f"cc-{run_tag(previous)}-")], names
            time.sleep(chance.uniform(0.1, 1.5))
            assert process.poll() is None, "the run ended before its interruption point"
            process.send_signal(getattr(signal, name))
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        info = json.loads((reports / "run.json").read_text())
        assert info["run_id"] == run_id
        run = load_run(reports)
        assert run.status == "interrupted" and run.partial, (name, info["status"])
        if name == "SIGTERM":
            assert info["status"] == "interrupted"
            line = read_history(history)[-1]  # the plugin appended it itself
        else:
            assert info["status"] == "running"  # written at the start, never finished
            line = append_run(reports, history)  # as the report step after a killed run does
        assert line["run_id"] == run_id and line["partial"] is True and line["status"] == "interrupted"
        leaked += sum(n.startswith(f"cc-{run_tag(run_id)}-") for n in _pool_names(reference_server))
        if number == 0:
            # A complete run before them all, with a divergence no interrupted run reaches: it must
            # never read as fixed by a run that stopped before getting there.
            earlier = {**line, "run_id": "earlier", "started": line["started"] - 3600, "partial": False}
            earlier |= {"status": "fail", "divergence_ids": ["feedfacecafe"]}
            earlier["divergence_labels"] = {"feedfacecafe": "CreateUserPool member.present $.UserPool.Id"}
            history.write_text(json.dumps(earlier) + "\n" + history.read_text())
    assert leaked > 0  # a kill in the middle of a test leaves its pool behind (so the sweep was tested)

    lines = read_history(history)
    assert [line["partial"] for line in lines] == [False] + [True] * len(order)
    change = changes_since_previous(lines)[lines[-1]["endpoint"]]
    assert change["fixed"] == [] and change["new"] == [] and change["run_id"] == "earlier"
    page = build_matrix([reports], tmp_path / "matrix.html", history).read_text()
    assert "feedfacecafe" not in page.split('id="changes"')[1].split("</section>")[0]

    # The next complete run sweeps what the last one leaked.
    (tmp_path / "test_list.py").write_text(
        "def test_list(cognito):\n    cognito.list_user_pools(MaxResults=10)\n"
    )
    done = subprocess.run([*argv, "test_list.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout[-2000:]
    assert [n for n in _pool_names(reference_server) if HARNESS_POOL.match(n)] == []


# --- an honest verdict --------------------------------------------------------------------------


class _Html500(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = b"<html><body><h1>500 Internal Server Error</h1></body></html>"
        self.send_response(500)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer  # noqa: N815 - the stdlib's handler names

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        pass


@pytest.fixture
def html_500_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Html500)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_endpoint_that_answers_nothing_ends_the_run_insufficient(
    pytester: pytest.Pytester, html_500_server: str
) -> None:
    from tests.harness.conftest import SUITE

    reports = pytester.path / "reports"
    result = _run(pytester, reports, f"--endpoint={html_500_server}", str(SUITE))
    assert result.ret == plugin.EXIT_INSUFFICIENT, result.stdout.str()
    result.stdout.fnmatch_lines(["INSUFFICIENT (exit status 6): * checks unsupported *"])
    info = json.loads((reports / "run.json").read_text())
    assert info["status"] == "insufficient" and "unsupported" in info["status_reason"]
    assert "seed operations called never answered" in info["status_reason"]
    assert json.loads((reports / "summary.json").read_text())["status"] == "insufficient"


def test_a_subset_is_weighed_only_for_answering_nothing(
    pytester: pytest.Pytester, html_500_server: str
) -> None:
    # The shares are measured on the whole suite; a subset may rightly be mostly unsupported (one
    # test of an unimplemented operation: tests/harness/test_miniatures.py, exit status 0), but a
    # subset of which nothing at all was answered is not a pass.
    from tests.harness.conftest import SUITE

    reports = pytester.path / "reports"
    result = _run(pytester, reports, f"--endpoint={html_500_server}", str(SUITE / "test_pools.py"))
    assert result.ret == plugin.EXIT_INSUFFICIENT, result.stdout.str()
    info = json.loads((reports / "run.json").read_text())
    assert info["status"] == "insufficient" and "nothing was answered" in info["status_reason"]


def test_summary_counts_agree_with_the_record(run_suite) -> None:
    # A miniature gives divergences; the reference's set-up record gives more outcome lines.
    result, reports = run_suite("--endpoint=miniature:wrong-content-type", target="test_pools.py")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    summary = json.loads((reports / "summary.json").read_text())
    results = read_jsonl(reports / "results.jsonl")
    counted = Counter(r["outcome"] for r in results)
    for outcome in OUTCOMES:
        assert summary[outcome] == counted.get(outcome, 0), outcome
    assert summary["checks"] == len(results)
    assert summary["divergences"] == len({d["id"] for d in read_jsonl(reports / "divergences.jsonl")})
    assert summary["divergences"] > 0 and summary["status"] == "fail"
    assert json.loads((reports / "run.json").read_text())["counts"] == {
        o: counted.get(o, 0) for o in OUTCOMES
    }
    result.stdout.fnmatch_lines(
        [
            f"checks: {counted['pass']} pass, {counted['divergence']} divergent, {counted['expected-divergence']} *"
        ]
    )


# --- options checked before anything starts ----------------------------------------------------


def _no_start(result: pytest.RunResult) -> None:
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "swept" not in result.stdout.str()  # the endpoint never started
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_a_reports_dir_that_is_a_file_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_list="def test_list(cognito):\n    cognito.list_user_pools(MaxResults=10)\n")
    occupied = pytester.path / "occupied"
    occupied.write_text("not a folder")
    for reports in (occupied, occupied / "below"):
        result = _run(pytester, reports, "--endpoint=reference", "test_list.py")
        _no_start(result)
        result.stderr.fnmatch_lines(["ERROR: --reports-dir=*not a folder"])


def test_a_reports_dir_that_cannot_be_written_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulated: the permission bits do not stop root, whom CI containers often run as.
    monkeypatch.setattr(plugin.os, "access", lambda path, mode: False)
    pytester.makepyfile(test_list="def test_list(cognito):\n    cognito.list_user_pools(MaxResults=10)\n")
    result = pytester.runpytest_inprocess(
        f"--reports-dir={pytester.path / 'reports'}", "-p", "no:cacheprovider", "--endpoint=reference"
    )
    _no_start(result)
    result.stderr.fnmatch_lines(["ERROR: --reports-dir=*: * is not writable"])


def test_an_unknown_hypothesis_profile_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_list="def test_list(cognito):\n    cognito.list_user_pools(MaxResults=10)\n")
    result = _run(pytester, pytester.path / "reports", "--endpoint=reference", "--hypothesis-profile=nope")
    _no_start(result)
    result.stderr.fnmatch_lines(["ERROR: --hypothesis-profile=nope: no such profile *"])
