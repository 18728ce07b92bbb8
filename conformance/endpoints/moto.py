"""moto as an endpoint: in-process (``moto``, the default) or a server the harness starts (``moto-server``)."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import requests

from conformance.endpoints.base import DEFAULT_REGION, Endpoint, EndpointError, http_get, parse_options

#: How long a moto server the harness started may take to come up.
START_SECONDS = 30.0


def _moto_version() -> str:
    try:
        return f"moto {version('moto')}"
    except PackageNotFoundError:
        return "moto (version unknown)"


#: The one line a run prints when moto is missing: moto is an optional extra of the package, so that
#: an emulator project can install the harness without pulling moto (or a second moto) in.
MISSING_MOTO = (
    "endpoint {kind!r} needs moto, which is not installed: "
    "pip install 'cognito-conformance[moto]' (or choose another --endpoint)"
)


def _require_moto(kind: str) -> None:
    """Stop the run with :data:`MISSING_MOTO` (a usage error, exit code 4) when moto is not importable."""
    if importlib.util.find_spec("moto") is None:
        raise EndpointError(MISSING_MOTO.format(kind=kind))


class MotoEndpoint(Endpoint):
    """moto's ``mock_aws`` in this process: boto3 calls are answered without sockets."""

    def __init__(self, spec: str = "moto", *, region: str = DEFAULT_REGION) -> None:
        super().__init__(
            spec, kind="moto", label="moto", implementation="moto", region=region, version=_moto_version()
        )

    @classmethod
    def connect(cls, spec: str, arg: str, *, region: str, aws_account: str | None) -> MotoEndpoint:
        if arg:
            raise EndpointError(f"endpoint 'moto' takes no arguments (got {spec!r})")
        return cls(spec, region=region)

    def start(self) -> None:
        # Imported here, not at the top: importing moto costs ~0.5 s and patches botocore, which no
        # other kind wants (a run against the reference or AWS must not go through moto's mock).
        _require_moto(self.kind)
        from moto import mock_aws

        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            os.environ.setdefault(name, "testing")
        mock = mock_aws()
        mock.start()
        self.on_stop(mock.stop)

    def classify_unanswered(self, error: Exception) -> str | None:
        # In-process moto crashed while answering (its own exception, raised into the caller where a
        # server would have sent an HTTP 500 page): counted with moto server's 500 pages as
        # unsupported, and named for what it is.
        return f"the endpoint crashed: {type(error).__name__}: {error}"

    def jwks(self, user_pool_id: str, issuer: str | None = None) -> dict[str, Any]:
        # In-process moto answers only through ``requests``, which its mock patches (docs/emulators.md).
        url = f"https://cognito-idp.{self.region}.amazonaws.com/{user_pool_id}/.well-known/jwks.json"
        return requests.get(url, timeout=5).json()

    def reproducer_prologue(self) -> str:
        return "from moto import mock_aws\nmock_aws().start()\n" + super().reproducer_prologue()


class MotoServerEndpoint(Endpoint):
    """A moto server the harness starts on 127.0.0.1 and stops at the end of the session."""

    def __init__(self, spec: str = "moto-server", *, region: str = DEFAULT_REGION, port: int = 0) -> None:
        super().__init__(
            spec,
            kind="moto-server",
            label="moto-server",
            implementation="moto",
            region=region,
            version=_moto_version(),
        )
        #: the port asked for (0: any free port).
        self.requested_port = port

    @classmethod
    def connect(cls, spec: str, arg: str, *, region: str, aws_account: str | None) -> MotoServerEndpoint:
        options = parse_options(spec, arg)
        port = options.pop("port", "0")
        if options or not port.isdigit() or not 0 <= int(port) < 65536:
            raise EndpointError(f"malformed endpoint {spec!r}: moto-server takes only port=N (0-65535)")
        return cls(spec, region=region, port=int(port))

    def start(self) -> None:
        _require_moto(self.kind)
        port = self.requested_port or _free_port()
        url = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

        def stop() -> None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

        self.on_stop(stop)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                err = (process.stderr.read() if process.stderr else b"").decode(errors="replace").strip()
                last = err.splitlines()[-1] if err else f"exit code {process.returncode}"
                raise EndpointError(f"moto server on port {port} exited at start: {last}")
            if http_get(f"{url}/moto-api/", 1.0)[0] == 200:
                self.url = url
                return
            time.sleep(0.1)
        stop()
        raise EndpointError(f"moto server on 127.0.0.1:{port} did not answer within {START_SECONDS:.0f} s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
