"""The reference server under concurrent clients: refused connections, requests per second, latency.

Starts ``python -m conformance.reference`` on a free loopback port (or uses ``--url``), then runs
``--clients`` threads for ``--seconds``; each sends ListUserPools over a new connection per request
(closed after its answer), so every request goes through the listen queue; with ``--keep-alive``
each client sends all its requests over one persistent connection instead (HTTP/1.1, as botocore
does). A refused or reset connection is counted, never retried: the goal is 0 of them at 32 clients.

Usage: ``python benchmarks/bench_reference_server.py [--clients 32] [--seconds 30] [--keep-alive] [--url URL]
[--json]``.
``tests/reference/test_server_load.py`` runs :func:`run_load` for a few seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import http.client
import json
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from conformance.reference.child import served

REPO = Path(__file__).resolve().parents[1]
TARGET = "AWSCognitoIdentityProviderService.ListUserPools"
BODY = b'{"MaxResults": 1}'
#: A client waits this long for one answer before counting it as a timeout.
REQUEST_TIMEOUT = 10.0


@dataclass
class LoadResult:
    """What the clients saw: outcomes by kind and the latency of each answered request."""

    clients: int
    seconds: float
    outcomes: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return self.outcomes["ok"] + self.outcomes["http-error"]

    @property
    def refused(self) -> int:
        return self.outcomes["refused"]

    def percentile(self, share: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self) -> dict[str, object]:
        return {
            "clients": self.clients,
            "seconds": round(self.seconds, 2),
            "requests": sum(self.outcomes.values()),
            "outcomes": dict(self.outcomes),
            "req_per_s": round(self.answered / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(statistics.median(self.latencies_ms), 2) if self.latencies_ms else None,
            "p99_ms": round(self.percentile(0.99), 2) if self.latencies_ms else None,
        }


def _one_request(host: str, port: int, kept: http.client.HTTPConnection | None = None) -> tuple[str, float]:
    """One request over ``kept`` (left open after a good answer) or over a new connection."""
    started = time.perf_counter()
    connection = kept or http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
    outcome = "unanswered"
    try:
        connection.request(
            "POST",
            "/",
            body=BODY,
            headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET},
        )
        response = connection.getresponse()
        response.read()
        outcome = "ok" if response.status == 200 else "http-error"
    except ConnectionRefusedError:
        outcome = "refused"
    except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
        outcome = "reset"
    except TimeoutError:
        outcome = "timeout"
    except OSError as error:
        outcome = "refused" if error.errno == errno.ECONNREFUSED else f"os-error:{error.errno}"
    finally:
        if kept is None or outcome not in ("ok", "http-error"):
            # A kept connection that failed is closed too: http.client reconnects on the next request.
            connection.close()
    return outcome, (time.perf_counter() - started) * 1000.0


def run_load(url: str, *, clients: int = 32, seconds: float = 30.0, keep_alive: bool = False) -> LoadResult:
    """``clients`` threads sending requests to ``url`` back to back for ``seconds``, each over a new
    connection per request or (``keep_alive``) over one connection per client."""
    parsed = urllib.parse.urlsplit(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    start = threading.Barrier(clients + 1)
    lock = threading.Lock()
    result = LoadResult(clients, seconds)
    deadline = 0.0

    def client() -> None:
        outcomes: Counter[str] = Counter()
        latencies: list[float] = []
        kept = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT) if keep_alive else None
        start.wait()
        while time.perf_counter() < deadline:
            outcome, elapsed_ms = _one_request(host, port, kept)
            outcomes[outcome] += 1
            if outcome in ("ok", "http-error"):
                latencies.append(elapsed_ms)
        if kept is not None:
            kept.close()
        with lock:
            result.outcomes.update(outcomes)
            result.latencies_ms.extend(latencies)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result


def reference_server() -> contextlib.AbstractContextManager[str]:
    """A reference server on a free loopback port, stopped afterwards; yields its URL."""
    return served()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--keep-alive", action="store_true", help="one persistent connection per client")
    parser.add_argument("--url", help="an already running server (default: start a reference server)")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    args = parser.parse_args()
    if args.url:
        result = run_load(args.url, clients=args.clients, seconds=args.seconds, keep_alive=args.keep_alive)
    else:
        with reference_server() as url:
            result = run_load(url, clients=args.clients, seconds=args.seconds, keep_alive=args.keep_alive)
    summary = result.summary()
    if args.json:
        print(json.dumps(summary))
        return
    for key, value in summary.items():
        print(f"{key:>10}: {value}")


if __name__ == "__main__":
    main()
