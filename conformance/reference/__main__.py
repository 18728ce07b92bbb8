"""Serve the reference endpoint over HTTP on a loopback address.

Usage: ``python -m conformance.reference --host 127.0.0.1 --port 9230 [--quota] [--manual-clock]``,
or, as the AWS stand-in that rehearses ``--endpoint=aws`` (conformance/reference/standin.py):
``python -m conformance.reference --aws-stand-in [--latency-ms N] [--access-key-id ..]
[--secret-access-key ..] [--account ..]``.
"""

from __future__ import annotations

import argparse
import io
import ipaddress
import socket
import socketserver
import sys
import traceback
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
#: Seconds a kept-alive connection may stay idle before the server closes it (and its thread ends).
#: Long, because a client that sends on a connection the server is closing at that instant gets a
#: reset, and the harness sends each call once (no retry): an idle minute happens between runs, not
#: between two calls of one.
IDLE_TIMEOUT_S = 120.0
#: The largest request body the server reads (a cognito-idp request is a few kilobytes).
MAX_REQUEST_BYTES = 16 * 1024 * 1024


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # socketserver listens with a backlog of 5: a suite's or a load test's concurrent clients
    # overflowed it, and the kernel reset or delayed (one second, a SYN retry) the connections
    # beyond it. Connections are accepted by one thread and served by one thread each, so the
    # queue only has to hold the bursts between two accepts (benchmarks/bench_reference_server.py).
    request_queue_size = LISTEN_BACKLOG


class _IPv6ThreadingWSGIServer(_ThreadingWSGIServer):
    address_family = socket.AF_INET6


class _KeepAliveHandler(WSGIRequestHandler):
    """HTTP/1.1 with persistent connections: one thread per connection serves its requests in turn.

    wsgiref's handler speaks HTTP/1.0 and closes the connection after each answer, so every call of a
    run paid a TCP connection and urllib3 a new connection object. This one answers as HTTP/1.1, keeps
    the connection open unless the client says ``Connection: close`` (or speaks HTTP/1.0), and gives
    every answer a Content-Length (the body is bounded and buffered: the reference's answers are small),
    which is what lets the client find the end of one answer and send the next request.
    """

    protocol_version = "HTTP/1.1"
    #: socketserver sets it on the connection: an idle connection (or a stalled request) ends here.
    timeout = IDLE_TIMEOUT_S
    #: Small answers written with TCP_NODELAY: never held back waiting for the client's delayed ACK.
    disable_nagle_algorithm = True

    def handle(self) -> None:
        # BaseHTTPRequestHandler's loop (request after request until close_connection), not
        # WSGIRequestHandler's single request.
        super(WSGIRequestHandler, self).handle()

    def _serve(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            # No client of the reference sends chunked bodies; refusing is better than misreading one.
            self.send_error(411, "a Content-Length is required")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_REQUEST_BYTES:
            self.send_error(400, "bad Content-Length")
            return
        # Read exactly the body, whatever the application reads of it: the next request starts after it.
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            self.close_connection = True  # the client went away mid-body: nothing to answer
            return
        environ = self.get_environ()
        # What wsgiref's ServerHandler adds to the CGI variables (PEP 3333's required keys).
        environ.update(
            {
                "wsgi.version": (1, 0),
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(body),
                "wsgi.errors": sys.stderr,
                "wsgi.multithread": True,
                "wsgi.multiprocess": False,
                "wsgi.run_once": False,
            }
        )
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if exc_info is not None and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [(status, headers)]
            return chunks.append

        chunks: list[bytes] = []
        try:
            result = self.server.get_app()(environ, start_response)  # type: ignore[attr-defined]
            try:
                chunks.extend(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception:
            # As wsgiref does: the traceback to stderr, a plain 500 to the client, and this
            # connection closed (the application's state for it is unknown).
            traceback.print_exc()
            started[:] = [("500 Internal Server Error", [("Content-Type", "text/plain")])]
            chunks = [b"A server error occurred."]
            self.close_connection = True
        if not started:
            started[:] = [("500 Internal Server Error", [("Content-Type", "text/plain")])]
            chunks = [b"The application did not start a response."]
            self.close_connection = True
        status, headers = started[0]
        payload = b"".join(chunks)
        lines = [f"{self.protocol_version} {status}", f"Server: {self.version_string()}"]
        lines.append(f"Date: {self.date_time_string()}")
        # The length is the server's to state (the body is all here), and hop-by-hop headers are not
        # the application's (PEP 3333): an application's own Content-Length is replaced, not trusted.
        lines += [
            f"{name}: {value}"
            for name, value in headers
            if name.lower() not in ("content-length", "connection", "transfer-encoding", "keep-alive")
        ]
        lines.append(f"Content-Length: {len(payload)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # One write: the head and a small body in one segment.
        self.wfile.write(head if self.command == "HEAD" else head + payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _serve

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
        args.host, args.port, app, server_class=server_class, handler_class=_KeepAliveHandler
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
