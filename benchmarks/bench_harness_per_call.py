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
    #: the same spans in this process's CPU time: on a shared machine wall time measures the neighbours
    #: too, CPU time only this process (the endpoint is another process: none of its time is here).
    cpu: list[tuple[float, float]] = []
    other = [0.0]
    send = botocore.endpoint.Endpoint._send
    urlopen = urllib.request.urlopen

    def timed_send(self: Any, request: Any) -> Any:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            return send(self, request)
        finally:
            calls.append((started, time.perf_counter()))
            cpu.append((cpu_started, time.process_time()))

    def timed_urlopen(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return urlopen(*args, **kwargs)
        finally:
            other[0] += time.perf_counter() - started

    botocore.endpoint.Endpoint._send = timed_send
    urllib.request.urlopen = timed_urlopen
    counts = _count_setups()
    components = _meter_components()
    started, cpu_started = time.perf_counter(), time.process_time()
    status = pytest.main(argv)
    wall, cpu_total = time.perf_counter() - started, time.process_time() - cpu_started
    out.write_text(
        json.dumps(
            {
                "wall": wall,
                "calls": calls,
                "cpu_calls": cpu,
                "cpu": cpu_total,
                "other_endpoint_s": other[0],
                "components_cpu_s": components,
                **counts,
                "status": int(status),
            }
        )
    )
    return 0


def _count_setups() -> dict[str, int]:
    """Count what a run sets up that should be set up once, not per call: TCP connections opened by
    botocore's HTTP client (urllib3; one per call against a server that closes each connection) and
    boto3 clients made by the harness; returns the counts, filled in as the run goes."""
    import urllib3.connection

    from conformance.endpoints.base import Endpoint

    counts = {"connections": 0, "clients": 0}
    new_conn, make_client = urllib3.connection.HTTPConnection._new_conn, Endpoint.make_client

    def counted_new_conn(self: Any) -> Any:
        counts["connections"] += 1
        return new_conn(self)

    def counted_make_client(self: Any) -> Any:
        counts["clients"] += 1
        return make_client(self)

    urllib3.connection.HTTPConnection._new_conn = counted_new_conn  # type: ignore[method-assign]
    Endpoint.make_client = counted_make_client  # type: ignore[method-assign]
    return counts


#: Where a call's CPU time goes: (component, module, owner or None for a module function, attribute).
#: Nested components are counted in each (``botocore`` holds ``http``, ``signing`` and ``parsing``;
#: ``call`` holds ``botocore``, ``checks`` and the rest of the harness's own work per call).
COMPONENTS = (
    ("call", "conformance.calls", "Cognito", "call"),
    ("botocore", "botocore.client", "BaseClient", "_make_api_call"),
    ("http", "botocore.endpoint", "Endpoint", "_send"),
    ("signing", "botocore.signers", "RequestSigner", "sign"),
    ("parsing", "botocore.parsers", "ResponseParser", "parse"),
    ("checks", "conformance.checks", "Recorder", "observe"),
    ("schema", "conformance.specs", None, "validate_exchange"),
    ("secrets", "conformance.calls", None, "_register_secrets"),
    ("call_log", "conformance.calls", "CallLog", "record"),
    ("records", "conformance.records", "RunRecord", "write"),
)


def _meter_components() -> dict[str, float]:
    """Wrap each of :data:`COMPONENTS` to add up its CPU time (outermost entry only, so recursion and
    re-entry count once); returns the totals, filled in as the run goes."""
    import importlib

    totals = dict.fromkeys((c[0] for c in COMPONENTS), 0.0)
    for name, module_name, owner_name, attribute in COMPONENTS:
        module = importlib.import_module(module_name)
        owner = getattr(module, owner_name) if owner_name else module
        original = getattr(owner, attribute)
        depth = [0]

        def metered(
            *args: Any,
            __original: Any = original,
            __name: str = name,
            __depth: list[int] = depth,
            **kwargs: Any,
        ) -> Any:
            if __depth[0]:
                return __original(*args, **kwargs)
            __depth[0] += 1
            started = time.process_time()
            try:
                return __original(*args, **kwargs)
            finally:
                totals[__name] += time.process_time() - started
                __depth[0] -= 1

        setattr(owner, attribute, metered)
    return totals


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
        # TCP connections botocore opened and boto3 clients the harness made over the whole run
        "connections": result.get("connections"),
        "clients": result.get("clients"),
        "harness_ms_per_call": round((result["wall"] - inside) / max(len(spans), 1) * 1000.0, 3),
        # the same from the first call to the last: without pytest's start-up (imports, collection)
        "harness_ms_per_call_between_calls": round(_harness_ms_per_call(spans), 3) if spans else None,
        # CPU time of the harness process (the endpoint runs in another): per call over the whole run,
        # between the first and the last call, and of that the part spent sending and reading (botocore's
        # _send: urllib3, the socket), the rest being request building, signing, parsing, checks, records.
        "harness_cpu_ms_per_call": round(result["cpu"] / max(len(spans), 1) * 1000.0, 3),
        **_cpu_between_calls(result.get("cpu_calls") or []),
        **_harness_cpu(result),
        # per component, CPU milliseconds per call; "pytest_and_tests" is everything outside the calls
        # (pytest's per-test work, fixtures, Hypothesis, the tests' own code, start-up).
        **{
            f"cpu_ms_per_call_{name}": round(value / max(len(spans), 1) * 1000.0, 3)
            for name, value in (result.get("components_cpu_s") or {}).items()
        },
        **(
            {
                "cpu_ms_per_call_pytest_and_tests": round(
                    (result["cpu"] - result["components_cpu_s"]["call"]) / max(len(spans), 1) * 1000.0, 3
                )
            }
            if result.get("components_cpu_s")
            else {}
        ),
        "pytest_status": result["status"],
    }


def _cpu_between_calls(spans: list[list[float]]) -> dict[str, float]:
    if not spans:
        return {}
    inside = sum(end - start for start, end in spans)
    return {
        "harness_cpu_ms_per_call_between_calls": round((spans[-1][1] - spans[0][0]) / len(spans) * 1000.0, 3),
        "send_cpu_ms_per_call": round(inside / len(spans) * 1000.0, 3),
    }


def _harness_cpu(result: dict[str, Any]) -> dict[str, float]:
    """The harness time per call counted in this process's CPU time: (CPU of the whole run - CPU spent
    sending and reading) / calls. The same quantity as ``harness_ms_per_call`` with the endpoint's share
    taken out, but blind to the neighbours: on a shared machine the wall figure also counts the time this
    process waited for a core, which no change to the harness removes."""
    spans = result.get("cpu_calls") or []
    if not spans:
        return {}
    inside = sum(end - start for start, end in spans)
    return {"harness_cpu_ms_per_call_outside_send": round((result["cpu"] - inside) / len(spans) * 1000.0, 3)}


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
                # No per-test budget: on a loaded machine one nightly machine can outlast the default
                # 60 s, and a budget that runs out mid-machine ends the test instead of measuring it.
                [
                    str(SUITE / "test_machines.py"),
                    "-k",
                    args.long_test,
                    "--hypothesis-profile=nightly",
                    "--test-timeout=0",
                ],
            )
            long = _summary(result)
            spans = result["calls"]
            if len(spans) >= 2 * WINDOW:
                long["first_1000_harness_ms_per_call"] = round(_harness_ms_per_call(spans[:WINDOW]), 3)
                long["last_1000_harness_ms_per_call"] = round(_harness_ms_per_call(spans[-WINDOW:]), 3)
                # The same in CPU time (see _harness_cpu): growth the neighbours cannot fake or hide.
                cpu_spans = result["cpu_calls"]
                long["first_1000_harness_cpu_ms_per_call"] = round(
                    _harness_ms_per_call(cpu_spans[:WINDOW]), 3
                )
                long["last_1000_harness_cpu_ms_per_call"] = round(
                    _harness_ms_per_call(cpu_spans[-WINDOW:]), 3
                )
            show("long", long)
    if args.json:
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
