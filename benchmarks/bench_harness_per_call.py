"""Harness time per call over HTTP: (wall - time inside the endpoint) / calls, and whether it grows.

Starts the reference server (``python -m conformance.reference --manual-clock``) on a free loopback
port, runs the suite against it in a child process, and reports:

- the ``ci`` run (the whole suite, default profile): wall time, time inside the endpoint, calls, and
  harness milliseconds per call, over the wall time and between the first and the last call (without
  pytest's start-up: imports, collection);
- a longer run (one state machine under ``--hypothesis-profile=nightly``): harness milliseconds per
  call over the first and the last thousand calls. A harness whose cost per call depends on what the
  run did before (every secret registered so far, every call logged so far) shows it here.

Time inside the endpoint is measured in the child by timing each HTTP exchange where it happens:
botocore's ``Endpoint._send`` (every API call; it reads the whole answer) and ``urllib.request.urlopen``
(the key set and the manual clock). Everything else between the run's first and last call is the harness:
pytest, the checks, the records, redaction.

    python benchmarks/bench_harness_per_call.py [--long-test tokens_and_revocation] [--skip-long] [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from conformance.reference.child import served

SUITE = Path(__file__).resolve().parent.parent / "conformance" / "suite"
WINDOW = 1000


# --- the child: one pytest run, its HTTP exchanges timed ------------------------------------------


def _child(argv: list[str], out: Path) -> int:
    """Run pytest in this process with every HTTP exchange timed; write the spans to ``out``."""
    import urllib.request

    import botocore.endpoint
    import pytest

    calls: list[tuple[float, float]] = []
    other = [0.0]
    send = botocore.endpoint.Endpoint._send
    urlopen = urllib.request.urlopen

    def timed_send(self: Any, request: Any) -> Any:
        started = time.perf_counter()
        try:
            return send(self, request)
        finally:
            calls.append((started, time.perf_counter()))

    def timed_urlopen(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return urlopen(*args, **kwargs)
        finally:
            other[0] += time.perf_counter() - started

    botocore.endpoint.Endpoint._send = timed_send
    urllib.request.urlopen = timed_urlopen
    started = time.perf_counter()
    status = pytest.main(argv)
    wall = time.perf_counter() - started
    out.write_text(
        json.dumps({"wall": wall, "calls": calls, "other_endpoint_s": other[0], "status": int(status)})
    )
    return 0


# --- the parent: runs and arithmetic ---------------------------------------------------------------


def _run(url: str, pytest_args: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "spans.json"
        argv = [
            *pytest_args,
            f"--endpoint={url}",
            f"--reports-dir={Path(scratch) / 'reports'}",
            "-q",
            "-p",
            "no:cacheprovider",
        ]
        subprocess.run(
            [sys.executable, __file__, "--child", str(out), "--", *argv],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return json.loads(out.read_text())


def _harness_ms_per_call(spans: list[list[float]]) -> float:
    """Harness time per call over consecutive calls: (first start to last end - time inside) / calls."""
    inside = sum(end - start for start, end in spans)
    return (spans[-1][1] - spans[0][0] - inside) / len(spans) * 1000.0


def _summary(result: dict[str, Any]) -> dict[str, Any]:
    spans = result["calls"]
    inside = sum(end - start for start, end in spans) + result["other_endpoint_s"]
    return {
        "wall_s": round(result["wall"], 2),
        "endpoint_s": round(inside, 2),
        "calls": len(spans),
        "harness_ms_per_call": round((result["wall"] - inside) / max(len(spans), 1) * 1000.0, 3),
        # the same from the first call to the last: without pytest's start-up (imports, collection)
        "harness_ms_per_call_between_calls": round(_harness_ms_per_call(spans), 3) if spans else None,
        "pytest_status": result["status"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--long-test", default="tokens_and_revocation", help="-k expression of the machine for the long run"
    )
    parser.add_argument("--skip-long", action="store_true", help="only the ci run")
    parser.add_argument("--skip-ci", action="store_true", help="only the long run")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args, rest = parser.parse_known_args()
    if args.child is not None:
        return _child([a for a in rest if a != "--"], args.child)

    report: dict[str, Any] = {}

    def show(name: str, values: dict[str, Any]) -> None:
        report[name] = values
        if not args.json:
            print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in values.items()), flush=True)

    with served("--manual-clock") as url:
        if not args.skip_ci:
            show("ci", _summary(_run(url, [str(SUITE)])))
        if not args.skip_long:
            result = _run(
                url,
                [str(SUITE / "test_machines.py"), "-k", args.long_test, "--hypothesis-profile=nightly"],
            )
            long = _summary(result)
            spans = result["calls"]
            if len(spans) >= 2 * WINDOW:
                long["first_1000_harness_ms_per_call"] = round(_harness_ms_per_call(spans[:WINDOW]), 3)
                long["last_1000_harness_ms_per_call"] = round(_harness_ms_per_call(spans[-WINDOW:]), 3)
            show("long", long)
    if args.json:
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
