"""Helpers for the chaos tests: a chaos endpoint in a thread, and a bounded run of the suite against it."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import conformance
from conformance.chaos import ChaosServer

SUITE = Path(conformance.__file__).parent / "suite"

#: Runs the suite in a fresh parent whose only child is pytest, so that RUSAGE_CHILDREN's peak resident
#: size is that run's alone (not the largest of every child this process ever waited for).
_MEASURED_RUN = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print("MAXRSS_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, flush=True)
sys.exit(code)
"""


@dataclass
class ChaosRun:
    """What a bounded run of the suite against the chaos endpoint left."""

    returncode: int
    output: str
    reports: Path
    peak_rss_kb: int
    requests: int

    def results(self) -> list[dict]:
        return _jsonl(self.reports / "results.jsonl")

    def divergences(self) -> list[dict]:
        return _jsonl(self.reports / "divergences.jsonl")

    def artifact_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.reports.rglob("*") if p.is_file())


def _jsonl(path: Path) -> list[dict]:
    # json.loads on each line: a line that does not parse fails the test, as a corrupt artifact should.
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def chaos() -> Iterator[Callable[..., ChaosServer]]:
    """Start a chaos endpoint on a free port: ``chaos("reset")``; stopped after the test."""
    servers: list[ChaosServer] = []

    def start(mode: str, *, stall: float = 30.0, seed: int = 0) -> ChaosServer:
        server = ChaosServer("127.0.0.1", 0, mode, stall=stall, seed=seed)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def run_against(tmp_path: Path) -> Callable[..., ChaosRun]:
    """Run part of the suite against a chaos endpoint in a subprocess, killed after ``limit`` seconds."""

    def run(server: ChaosServer, *args: str, target: str = "test_pools.py", limit: float = 60) -> ChaosRun:
        reports = tmp_path / "reports"
        url = f"http://127.0.0.1:{server.server_address[1]}"
        argv = [
            sys.executable,
            "-c",
            _MEASURED_RUN,
            sys.executable,
            "-m",
            "pytest",
            str(SUITE / target),
            f"--endpoint={url}",
            f"--reports-dir={reports}",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rs",  # skip reasons: a test blocked by a set-up divergence is classified there
            *args,
        ]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=limit, cwd=tmp_path)
        output = done.stdout + done.stderr
        peak = next((int(line.split()[1]) for line in output.splitlines() if line.startswith("MAXRSS_KB")), 0)
        return ChaosRun(done.returncode, output, reports, peak, server.count)

    return run
