"""Serve the reference endpoint over HTTP on a loopback address.

Usage: ``python -m conformance.reference --host 127.0.0.1 --port 9230 [--quota] [--manual-clock]``,
or, as the AWS stand-in that rehearses ``--endpoint=aws`` (conformance/reference/standin.py):
``python -m conformance.reference --aws-stand-in [--latency-ms N] [--access-key-id ..]
[--secret-access-key ..] [--account ..]``.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import socketserver
import sys
from typing import Any, cast
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from conformance.reference import create_app
from conformance.reference.clock import OffsetClock
from conformance.reference.standin import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCOUNT,
    DEFAULT_LATENCY_MS,
    DEFAULT_SECRET_ACCESS_KEY,
    AwsStandIn,
)

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
    stand_in = parser.add_argument_group("the AWS stand-in (rehearses --endpoint=aws offline)")
    stand_in.add_argument(
        "--aws-stand-in",
        action="store_true",
        help="behave like AWS: SigV4 checked on every call, STS GetCallerIdentity, quotas, latency, "
        "foreign pools; no /reference-api controls",
    )
    stand_in.add_argument(
        "--latency-ms",
        type=float,
        default=DEFAULT_LATENCY_MS,
        help=f"service latency before each answer (default {DEFAULT_LATENCY_MS:g})",
    )
    stand_in.add_argument(
        "--access-key-id", default=DEFAULT_ACCESS_KEY_ID, help="the one key the account knows"
    )
    stand_in.add_argument("--secret-access-key", default=DEFAULT_SECRET_ACCESS_KEY, help="that key's secret")
    stand_in.add_argument("--account", default=DEFAULT_ACCOUNT, help="the 12-digit account of that key")
    args = parser.parse_args(argv)
    if not is_loopback(args.host):
        parser.error(f"refusing to bind {args.host!r}: only loopback addresses are allowed")
    if args.aws_stand_in and args.manual_clock:
        parser.error("--manual-clock cannot be used with --aws-stand-in: nobody moves AWS's clock")
    app: Any
    if args.aws_stand_in:
        try:
            app = AwsStandIn(
                access_key_id=args.access_key_id,
                secret_access_key=args.secret_access_key,
                account=args.account,
                region=args.region,
                latency_ms=args.latency_ms,
            )
        except ValueError as error:
            parser.error(str(error))
    else:
        app = create_app(
            region=args.region, quota=args.quota, clock=OffsetClock() if args.manual_clock else None
        )
    server_class = _IPv6ThreadingWSGIServer if ":" in args.host else _ThreadingWSGIServer
    with make_server(
        args.host, args.port, app, server_class=server_class, handler_class=_QuietHandler
    ) as server:
        host, port = cast(tuple[str, int], server.server_address[:2])
        what = f"AWS stand-in (account {args.account})" if args.aws_stand_in else "reference"
        print(f"cognito-conformance {what} listening on http://{host}:{port}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
