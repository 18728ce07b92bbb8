"""pytest-xdist (``-n 2``) against a reference server: one run, one record, the same records as a serial run.

Both runs are subprocesses (xdist starts its workers as processes of their own), against one
reference server started here with a manual clock, so that the workers share it as they would share
any emulator named by URL. The stateful machines are derandomized under the default ``ci`` profile,
so their lines are compared exactly too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import conformance
from conformance.records import DIVERGENCES_FILE, RESULTS_FILE, RUN_FILE, SUMMARY_FILE, read_jsonl
from conformance.reference.child import served

REPO = Path(conformance.__file__).resolve().parent.parent
SUITE = REPO / "conformance" / "suite"


@pytest.fixture
def server() -> Iterator[str]:
    with served("--manual-clock") as url:
        yield url


def _suite(url: str, reports: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(SUITE),
            f"--endpoint={url}",
            f"--reports-dir={reports}",
            "-p",
            "no:cacheprovider",
            "-q",
            *args,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _keys(reports: Path) -> tuple[Counter[tuple[str, str, str, str]], set[tuple[str, str]]]:
    results = read_jsonl(reports / RESULTS_FILE)
    divergences = read_jsonl(reports / DIVERGENCES_FILE)
    lines = Counter((r["test_id"], r["operation"], r["kind"], r["outcome"]) for r in results)
    return lines, {(d["test_id"], d["id"]) for d in divergences}


#: The tests that move a server's clock (conformance/suite: wait_past, let_time_pass). The clock of a
#: server named by URL is one for every worker, so a jump made by one worker can expire another
#: worker's challenge in flight (README "Parallel runs"); they are left out of both runs compared.
MOVES_THE_CLOCK = (
    "not expired_session and not session_lasts and not expired_access_token and not after_code_expires"
)


def test_two_workers_make_the_serial_run_s_record(server: str, tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    one = _suite(server, serial, "-k", MOVES_THE_CLOCK)
    two = _suite(server, parallel, "-n", "2", "-k", MOVES_THE_CLOCK)
    assert one.returncode == 0, one.stdout[-3000:] + one.stderr[-3000:]
    assert two.returncode == 0, two.stdout[-3000:] + two.stderr[-3000:]

    serial_lines, serial_divergences = _keys(serial)
    parallel_lines, parallel_divergences = _keys(parallel)
    assert parallel_lines == serial_lines
    assert parallel_divergences == serial_divergences
    # The set-up record is judged once for the run, whichever worker made the calls.
    setup = [key for key in parallel_lines if key[0].startswith("setup::")]
    assert setup and all(parallel_lines[key] == 1 for key in setup)

    run = json.loads((parallel / RUN_FILE).read_text())
    assert run["status"] == "pass" and run["whole_suite"] is False  # the clock-moving tests left out
    assert sum(run["counts"].values()) == sum(parallel_lines.values())
    run_ids = {
        line["run_id"] for name in (RESULTS_FILE, DIVERGENCES_FILE) for line in read_jsonl(parallel / name)
    }
    assert run_ids == {run["run_id"]}
    assert json.loads((parallel / SUMMARY_FILE).read_text())["run_id"] == run["run_id"]
    history = (parallel / "history.jsonl").read_text().splitlines()
    assert [json.loads(line)["run_id"] for line in history] == [run["run_id"]]
    # The workers' own files are merged away; the summary table is the controller's, printed once.
    assert sorted(p.name for p in parallel.iterdir()) == sorted(p.name for p in serial.iterdir())
    assert two.stdout.count("checks: ") == one.stdout.count("checks: ") == 1
    assert two.stdout.count(f'"run_id":"{run["run_id"]}"') == 1


def test_update_expectations_is_refused_under_n(tmp_path: Path) -> None:
    result = _suite("reference", tmp_path / "reports", "-n", "2", "--update-expectations")
    assert result.returncode == 4
    assert "--update-expectations cannot run under -n" in result.stderr


def test_a_set_up_divergence_met_by_the_workers_fails_the_run_once(tmp_path: Path) -> None:
    # Every answer has the wrong Content-Type: both workers meet the same set-up divergences.
    reports = tmp_path / "reports"
    result = _suite("miniature:wrong-content-type", reports, "-n", "2")
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    lines, _ = _keys(reports)
    setup = [key for key in lines if key[0].startswith("setup::")]
    assert {key[0] for key in setup} >= {"setup::CreateUserPool", "setup::CreateUserPoolClient"}
    assert all(lines[key] == 1 for key in setup)
    divergences = read_jsonl(reports / DIVERGENCES_FILE)
    setup_ids = [(d["test_id"], d["id"]) for d in divergences if d["test_id"].startswith("setup::")]
    assert setup_ids and len(setup_ids) == len(set(setup_ids))
    assert json.loads((reports / RUN_FILE).read_text())["status"] == "fail"
