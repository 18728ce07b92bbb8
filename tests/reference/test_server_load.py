"""The reference server takes 32 concurrent clients without refusing or resetting a connection.

With socketserver's default listen backlog of 5, 32 clients each opening a connection per request
had some reset and others wait a second for a SYN retry. The load is the benchmark's
(``benchmarks/bench_reference_server.py``, 30 s there), run here for a few seconds.

Run: ``pytest tests/reference/test_server_load.py -q``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from conformance.reference.__main__ import LISTEN_BACKLOG

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_reference_server.py"
CLIENTS = 32
SECONDS = 3.0


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_reference_server", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before running: the module's dataclasses look their module up by name.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_listen_queue_holds_more_than_the_clients() -> None:
    assert LISTEN_BACKLOG >= 4 * CLIENTS


def test_thirty_two_concurrent_clients_meet_no_refused_connection() -> None:
    bench = _benchmark()
    with bench.reference_server() as url:
        result = bench.run_load(url, clients=CLIENTS, seconds=SECONDS)
    summary = result.summary()
    # Every request was answered: none refused, reset or timed out, and every answer a success.
    assert set(result.outcomes) == {"ok"}, summary
    assert result.outcomes["ok"] >= CLIENTS, summary


def test_thirty_two_clients_on_persistent_connections_are_all_answered() -> None:
    # As the harness's botocore client does: every request of a client over one HTTP/1.1 connection,
    # which the server keeps open (32 connections held at once, one thread each).
    bench = _benchmark()
    with bench.reference_server() as url:
        result = bench.run_load(url, clients=CLIENTS, seconds=SECONDS, keep_alive=True)
    summary = result.summary()
    assert set(result.outcomes) == {"ok"}, summary
    assert result.outcomes["ok"] >= CLIENTS, summary
