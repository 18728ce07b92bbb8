"""Serve the reference endpoint over HTTP on a loopback address.

Usage: ``python -m conformance.reference --host 127.0.0.1 --port 9230 [--quota] [--manual-clock]``.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import socketserver
import sys
from typing import cast
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from conformance.reference import create_app
from conformance.reference.clock import OffsetClock

#: The listen queue of the server socket (the kernel may cap it at net.core.somaxconn).
LISTEN_BACKLOG = 128


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # socketserver listens with a backlog of 5: a suite's or a load test's concurrent clients
    # overflowed it, and the kernel reset or delayed (one second, a SYN retry) the connections
    # beyond it. Connections are accepted by one thread and served by one thread each, so the
    # queue only has to hold the bursts between two accepts (benchmarks/bench_reference_server.py).
    request_queue_size = LISTEN_BACKLOG


class _IPv6ThreadingWSGIServer(_ThreadingWSGIServer):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        # Request lines carry no secrets, but a busy suite would drown its own output.
        pass


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (the server refuses anything else)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.reference", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9230, help="port to bind; 0 picks a free one")
    parser.add_argument("--region", default="us-east-1", help="Region used in ids and token issuers")
    parser.add_argument("--quota", action="store_true", help="enforce Cognito's request-rate quotas")
    parser.add_argument(
        "--manual-clock",
        action="store_true",
        help="let tests move time ahead with POST /reference-api/clock/advance?seconds=N",
    )
    args = parser.parse_args(argv)
    if not is_loopback(args.host):
        parser.error(f"refusing to bind {args.host!r}: only loopback addresses are allowed")
    app = create_app(region=args.region, quota=args.quota, clock=OffsetClock() if args.manual_clock else None)
    server_class = _IPv6ThreadingWSGIServer if ":" in args.host else _ThreadingWSGIServer
    with make_server(
        args.host, args.port, app, server_class=server_class, handler_class=_QuietHandler
    ) as server:
        host, port = cast(tuple[str, int], server.server_address[:2])
        print(f"cognito-conformance reference listening on http://{host}:{port}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
