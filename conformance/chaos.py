"""A hostile endpoint: a server that answers every cognito-idp request badly, in one chosen way.

It exists to prove that such an endpoint cannot hold the harness hostage (tests/chaos/): a run against
it ends, in bounded time, with bounded artifacts, every test classified. Standard library only, so it
starts anywhere the package is installed::

    python -m conformance.chaos --host 127.0.0.1 --port 8500 --mode huge-body
    pytest conformance/suite/test_pools.py --endpoint=http://127.0.0.1:8500

Modes (:data:`MODES`): ``huge-body`` (a 10 MB 200 body), ``stall`` (sleeps ``--stall`` seconds, then
answers ``{}``), ``truncated-json``, ``empty-body``, ``wrong-types`` (members with the wrong JSON types),
``html-500`` (an HTML 500 page), ``reset`` (closes the connection without answering), ``unknown-error``
(HTTP 400 with an unknown ``__type``), ``throttle`` (HTTP 400 TooManyRequestsException), ``mix`` (a
seeded choice among the others for each request).

It answers ``GET /chaos-api/health`` with its own name (so a script can wait for it) and
``GET /chaos-api/requests`` with how many cognito-idp requests it received (so a test can count
attempts); every other GET is a 404, so it is never mistaken for moto, cognito-local or the reference.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = "cognito-conformance-chaos"
HEALTH_PATH = "/chaos-api/health"
REQUESTS_PATH = "/chaos-api/requests"
#: The size of a ``huge-body`` answer.
HUGE_BODY_BYTES = 10 * 1024 * 1024
JSON_TYPE = "application/x-amz-json-1.1"

#: Wrong JSON types for the members most operations answer with (an id that is a number, a list
#: where a string goes, a date that is a string...): whichever operation asked, some of them apply.
WRONG_TYPES = {
    "UserPool": {"Id": 12345, "Name": ["chaos"], "CreationDate": "yesterday", "Arn": {"not": "a string"}},
    "UserPoolClient": {"ClientId": 7, "UserPoolId": None, "ClientName": 3.5},
    "UserPools": "none",
    "Users": {"Username": 1},
    "User": ["x"],
    "UserSub": 42,
    "UserConfirmed": "yes",
    "AuthenticationResult": "granted",
    "Username": 0,
    "UserAttributes": "email",
}


def _huge_body() -> bytes:
    # A JSON object, so only its size is wrong: the harness must refuse it for that alone.
    padding = HUGE_BODY_BYTES - len(b'{"Padding":""}')
    return b'{"Padding":"' + b"x" * padding + b'"}'


class _Handler(BaseHTTPRequestHandler):
    server: ChaosServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: a chaos run sends thousands of requests

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == HEALTH_PATH:
            self._answer(
                200, json.dumps({"name": NAME, "mode": self.server.mode}).encode(), "application/json"
            )
        elif self.path == REQUESTS_PATH:
            self._answer(200, json.dumps({"count": self.server.count}).encode(), "application/json")
        else:
            self._answer(404, b"not found", "text/plain")

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        mode = self.server.next_mode()
        getattr(self, "_" + mode.replace("-", "_"))()

    # --- the modes ------------------------------------------------------------------------------

    def _huge_body(self) -> None:
        self._answer(200, self.server.huge, JSON_TYPE)

    def _stall(self) -> None:
        time.sleep(self.server.stall)
        self._answer(200, b"{}", JSON_TYPE)

    def _truncated_json(self) -> None:
        self._answer(200, b'{"UserPool": {"Id": "us-east-1_chaos", "Na', JSON_TYPE)

    def _empty_body(self) -> None:
        self._answer(200, b"", JSON_TYPE)

    def _wrong_types(self) -> None:
        self._answer(200, json.dumps(WRONG_TYPES).encode(), JSON_TYPE)

    def _html_500(self) -> None:
        self._answer(500, b"<html><body><h1>500 Internal Server Error</h1></body></html>", "text/html")

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST: the client sees a reset, not an answer.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _unknown_error(self) -> None:
        self._error("ChaosUnknownException", "an error type no client knows")

    def _throttle(self) -> None:
        self._error("TooManyRequestsException", "Rate exceeded")

    # --- writing --------------------------------------------------------------------------------

    def _error(self, error_type: str, message: str) -> None:
        body = json.dumps({"__type": error_type, "message": message}).encode()
        self._answer(400, body, JSON_TYPE, {"x-amzn-ErrorType": f"{error_type}:"})

    def _answer(
        self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the client gave up (a timeout): nothing to answer


#: The ways to answer badly; ``mix`` picks one of the others per request.
MODES: tuple[str, ...] = tuple(
    name.removeprefix("_").replace("_", "-")
    for name in vars(_Handler)
    if name.startswith("_")
    and not name.startswith("__")
    and name not in ("_answer", "_error")
    and callable(vars(_Handler)[name])
) + ("mix",)


class ChaosServer(ThreadingHTTPServer):
    """The server; ``count`` is the number of cognito-idp requests received so far."""

    daemon_threads = True

    def __init__(self, host: str, port: int, mode: str, *, seed: int = 0, stall: float = 30.0) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("the chaos endpoint binds 127.0.0.1 only")
        super().__init__(("127.0.0.1", port), _Handler)
        self.mode = mode
        self.stall = stall
        self.count = 0
        self.huge = _huge_body() if mode in ("huge-body", "mix") else b""
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def next_mode(self) -> str:
        with self._lock:
            self.count += 1
            if self.mode != "mix":
                return self.mode
            return self._random.choice([m for m in MODES if m != "mix"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m conformance.chaos", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="127.0.0.1 only (the default)")
    parser.add_argument("--port", type=int, default=8500)
    parser.add_argument("--mode", required=True, choices=MODES)
    parser.add_argument("--seed", type=int, default=0, help="the seed of mode 'mix'")
    parser.add_argument("--stall", type=float, default=30.0, help="seconds mode 'stall' waits (default 30)")
    args = parser.parse_args(argv)
    try:
        server = ChaosServer(args.host, args.port, args.mode, seed=args.seed, stall=args.stall)
    except ValueError as error:
        parser.error(str(error))
    print(f"{NAME}: mode {args.mode} on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
