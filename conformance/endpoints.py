"""Endpoints: what ``--endpoint`` names, how it is started, reached and stopped.

An endpoint string is a small language, after bowtie's connectables::

    moto                      in-process moto (``mock_aws``), the default
    moto-server[:port=N]      a moto server the harness starts on 127.0.0.1 and stops at the end
    reference                 this project's executable spec, in-process (no sockets)
    http://HOST:PORT          any running emulator (cognito-local, a moto server, LocalStack, ...)
    aws                       real AWS (guarded by --aws-account; never from CI)
    miniature:NAME            a deliberately wrong endpoint, for proving that checks can fail

Everything here raises :class:`EndpointError` with one line that names the problem; the plugin turns
it into a pytest usage error (exit code 4).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

KINDS = ("moto", "moto-server", "reference", "http(s)://HOST:PORT", "aws", "miniature:NAME")
DEFAULT_REGION = "us-east-1"
#: How long an HTTP endpoint has to answer before we give up with a usage error.
PROBE_SECONDS = 3.0
#: How long a moto server the harness started may take to come up.
START_SECONDS = 30.0


class EndpointError(Exception):
    """A problem with the endpoint the user named: shown as one line, exit code 4."""


@dataclass
class Endpoint:
    """A resolved endpoint: where calls go and how a boto3 client reaches it.

    Attributes:
        spec: the string the user gave.
        kind: ``moto``, ``moto-server``, ``url``, ``reference``, ``aws`` or ``miniature``.
        label: the name reports use (``moto``, ``moto-server``, ``cognito-local``, ``reference``...).
        flavor: which implementation answers (picks the expectations file): ``moto``, ``cognito-local``,
            ``reference``, ``aws``, ``miniature:NAME`` or ``unknown``.
        url: the HTTP base URL, or None in-process.
        region: the region clients use.
        version: what we know of the implementation's version.
    """

    spec: str
    kind: str
    label: str
    flavor: str
    url: str | None = None
    region: str = DEFAULT_REGION
    version: str = "unknown"
    in_process: bool = False
    #: for ``aws``: the account the user says the credentials must belong to.
    aws_account: str | None = None
    #: for ``moto-server``: the port asked for (0: any free port).
    requested_port: int = 0
    #: in-process moto answers this endpoint's calls (``moto``, and miniatures built on it).
    moto_in_process: bool = False
    #: the in-process reference application answering this endpoint's calls, if any.
    reference_app: Any = None
    #: extra botocore event handlers installed on every client (in-process transports, miniatures).
    client_hooks: list[Callable[[Any], None]] = field(default_factory=list)
    _stop: list[Callable[[], None]] = field(default_factory=list, repr=False)
    _credentials: dict[str, str] | None = field(default=None, repr=False)

    def start(self) -> None:
        """Bring the endpoint up (servers, mocks). Idempotent per session."""
        starter = _STARTERS.get(self.kind)
        if starter is not None:
            starter(self)

    def stop(self) -> None:
        while self._stop:
            self._stop.pop()()

    def make_client(self) -> Any:
        """A boto3 cognito-idp client for conformance calls.

        Retries are off (targets.md: every HTTP 500 is otherwise retried and the failure shows up
        late; aws-behaviour.md §11.5: standard mode retries LimitExceededException, which tests
        assert); parameter validation is off because negative tests must reach the endpoint (the
        harness validates requests against specs/ itself).
        """
        config = Config(
            retries={"max_attempts": 1, "mode": "standard"},
            connect_timeout=3,
            read_timeout=20,
            parameter_validation=False,
        )
        credentials = self._credentials or {
            # Local targets accept anything; fixed dummies keep a stray real profile out of it.
            "aws_access_key_id": "testing",
            "aws_secret_access_key": "testing",
            "aws_session_token": "testing",
        }
        session = boto3.session.Session(region_name=self.region, **credentials)
        client = session.client("cognito-idp", endpoint_url=self.url, config=config)
        for hook in self.client_hooks:
            hook(client)
        return client

    def jwks(self, user_pool_id: str, issuer: str | None = None) -> dict[str, Any]:
        """The key set that verifies this endpoint's tokens for one pool.

        AWS: ``iss + /.well-known/jwks.json`` (§5). Emulators whose ``iss`` names AWS (moto server,
        the reference) serve it at the endpoint URL + ``/{poolId}/.well-known/jwks.json``
        (targets.md). In-process moto answers only through ``requests`` (targets.md).
        """
        if self.moto_in_process:
            import requests

            url = f"https://cognito-idp.{self.region}.amazonaws.com/{user_pool_id}/.well-known/jwks.json"
            return requests.get(url, timeout=5).json()
        if self.reference_app is not None:
            from conformance.reference_transport import reference_get

            return json.loads(reference_get(self, f"/{user_pool_id}/.well-known/jwks.json"))
        if self.kind == "aws" and issuer:
            url = issuer.rstrip("/") + "/.well-known/jwks.json"
        elif (
            issuer
            and not issuer.startswith("https://cognito-idp.")
            and self.url
            and issuer.startswith(self.url)
        ):
            url = issuer.rstrip("/") + "/.well-known/jwks.json"  # cognito-local: iss is the endpoint itself
        else:
            url = f"{self.url}/{user_pool_id}/.well-known/jwks.json"
        request = urllib.request.Request(url)
        # moto server routes the JWKS path only for requests that name the service (targets.md).
        request.add_header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/cognito-idp/aws4_request, "
            "SignedHeaders=host, Signature=0",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def advance_clock(self, seconds: float) -> bool:
        """Move the endpoint's clock forward, where it has one we control; False where it has not.

        The in-process reference runs on a movable clock; a reference server started with
        ``--manual-clock`` takes ``POST /reference-api/clock/advance``. Every other endpoint runs on
        real time, and a test of expiry must wait or skip.
        """
        clock = getattr(self.reference_app, "clock", None)
        if clock is not None and hasattr(clock, "advance"):
            clock.advance(seconds)
            return True
        if self.flavor == "reference" and self.url:
            request = urllib.request.Request(
                f"{self.url}/reference-api/clock/advance?seconds={seconds}", data=b"", method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    return response.status == 200
            except (OSError, ValueError):
                return False
        return False

    def describe(self) -> str:
        where = self.url or "in-process"
        return f"{self.label} ({where}; {self.version})"


def parse(spec: str, *, region: str | None = None, aws_account: str | None = None) -> Endpoint:
    """Resolve an endpoint string; raises :class:`EndpointError` with one clear line."""
    spec = (spec or "").strip()
    region = region or DEFAULT_REGION
    known = ", ".join(KINDS)
    if not spec:
        raise EndpointError(f"empty endpoint; known kinds: {known}")
    if "://" in spec:
        return _parse_url(spec, region)
    kind, _, arg = spec.partition(":")
    if kind == "moto":
        if arg:
            raise EndpointError(f"endpoint 'moto' takes no arguments (got {spec!r}); known kinds: {known}")
        return Endpoint(spec, "moto", "moto", "moto", region=region, version=_moto_version(), in_process=True)
    if kind == "moto-server":
        options = _options(spec, arg)
        port = options.pop("port", "0")
        if options or not port.isdigit() or not 0 <= int(port) < 65536:
            raise EndpointError(f"malformed endpoint {spec!r}: moto-server takes only port=N (0-65535)")
        return Endpoint(
            spec,
            "moto-server",
            "moto-server",
            "moto",
            region=region,
            version=_moto_version(),
            requested_port=int(port),
        )
    if kind == "reference":
        if arg:
            raise EndpointError(f"endpoint 'reference' takes no arguments (got {spec!r})")
        return Endpoint(spec, "reference", "reference", "reference", region=region, in_process=True)
    if kind == "miniature":
        from conformance import miniatures

        if arg not in miniatures.MINIATURES:
            names = ", ".join(sorted(miniatures.MINIATURES))
            raise EndpointError(f"unknown miniature {arg!r}; known miniatures: {names}")
        return Endpoint(
            spec, "miniature", f"miniature:{arg}", f"miniature:{arg}", region=region, in_process=True
        )
    if kind == "aws":
        if arg:
            raise EndpointError(f"endpoint 'aws' takes no arguments (got {spec!r}); use --aws-region")
        if not aws_account:
            raise EndpointError(
                "endpoint 'aws' refuses to start without --aws-account=<12-digit id> (the account you mean to spend)"
            )
        if not (aws_account.isdigit() and len(aws_account) == 12):
            raise EndpointError(f"--aws-account must be a 12-digit account id (got {aws_account!r})")
        return Endpoint(spec, "aws", "aws", "aws", region=region, version="live", aws_account=aws_account)
    raise EndpointError(f"unknown endpoint kind {kind!r}; known kinds: {known}")


def _options(spec: str, arg: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for part in filter(None, arg.split(",")):
        key, sep, value = part.partition("=")
        if not sep or not key:
            raise EndpointError(f"malformed endpoint {spec!r}: options are key=value separated by commas")
        options[key] = value
    return options


def _parse_url(spec: str, region: str) -> Endpoint:
    parsed = urllib.parse.urlsplit(spec)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise EndpointError(f"malformed endpoint URL {spec!r}: expected http(s)://HOST:PORT")
    try:
        parsed.port  # noqa: B018 - raises on a non-numeric port
    except ValueError:
        raise EndpointError(f"malformed endpoint URL {spec!r}: the port is not a number") from None
    if parsed.path not in ("", "/") or parsed.query or parsed.fragment:
        raise EndpointError(f"malformed endpoint URL {spec!r}: Cognito is served at the root path '/'")
    url = f"{parsed.scheme}://{parsed.netloc}"
    return Endpoint(spec, "url", url, "unknown", url=url, region=region)


def _moto_version() -> str:
    try:
        from importlib.metadata import version

        return f"moto {version('moto')}"
    except Exception:  # noqa: BLE001 - version is informational
        return "moto (version unknown)"


# --- starting and probing -------------------------------------------------------------------


def _start_moto(endpoint: Endpoint) -> None:
    # Imported here: importing moto costs ~0.5 s and patches botocore, which no other kind wants.
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        os.environ.setdefault(name, "testing")
    mock = mock_aws()
    mock.start()
    endpoint.moto_in_process = True
    endpoint._stop.append(mock.stop)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_moto_server(endpoint: Endpoint) -> None:
    port = endpoint.requested_port or _free_port()
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

    endpoint._stop.append(stop)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = (process.stderr.read() if process.stderr else b"").decode(errors="replace").strip()
            last = err.splitlines()[-1] if err else f"exit code {process.returncode}"
            raise EndpointError(f"moto server on port {port} exited at start: {last}")
        if _http_get(f"{url}/moto-api/", 1.0)[0] == 200:
            endpoint.url = url
            return
        time.sleep(0.1)
    stop()
    raise EndpointError(f"moto server on 127.0.0.1:{port} did not answer within {START_SECONDS:.0f} s")


def _http_get(url: str, timeout: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read() if error.fp else b""
    except (OSError, ValueError):
        return 0, b""


def _start_url(endpoint: Endpoint) -> None:
    assert endpoint.url is not None
    parsed = urllib.parse.urlsplit(endpoint.url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname, port), timeout=PROBE_SECONDS):
            pass
    except OSError as error:
        raise EndpointError(
            f"endpoint {endpoint.url} does not answer within {PROBE_SECONDS:.0f} s ({error.strerror or error}); "
            f"start it first, or pick another kind: {', '.join(KINDS)}"
        ) from None
    endpoint.flavor, endpoint.label, endpoint.version = identify(endpoint.url)


def identify(url: str) -> tuple[str, str, str]:
    """Which implementation serves ``url``: (flavor, label, version), from each one's health route."""
    status, body = _http_get(f"{url}/reference-api/health", PROBE_SECONDS)
    if status == 200:
        try:
            info = json.loads(body)
        except ValueError:
            info = {}
        if isinstance(info, dict) and info.get("name") == "cognito-conformance-reference":
            return "reference", "reference-server", f"reference {info.get('version', '?')}"
    status, body = _http_get(f"{url}/health", PROBE_SECONDS)
    if status == 200 and body.strip().replace(b" ", b"") == b'{"ok":true}':
        # targets.md: cognito-local answers GET /health with {"ok":true}.
        return "cognito-local", "cognito-local", "cognito-local (version not served)"
    status, _ = _http_get(f"{url}/moto-api/", PROBE_SECONDS)
    if status == 200:
        return "moto", "moto-server", "moto server (version not served)"
    return "unknown", url, "unknown"


def _start_reference(endpoint: Endpoint) -> None:
    from conformance.reference_transport import install_reference

    install_reference(endpoint)


def _start_miniature(endpoint: Endpoint) -> None:
    from conformance import miniatures

    miniatures.install(endpoint)


def _start_aws(endpoint: Endpoint) -> None:
    account = caller_account(endpoint.region)
    wanted = endpoint.aws_account
    if account != wanted:
        raise EndpointError(
            f"endpoint 'aws' refused: the credentials belong to account {account}, not --aws-account={wanted}"
        )


def caller_account(region: str) -> str:
    """The account of the ambient AWS credentials (one STS call); EndpointError when there are none."""
    try:
        sts = boto3.session.Session(region_name=region).client(
            "sts", config=Config(connect_timeout=3, read_timeout=5, retries={"max_attempts": 1})
        )
        return sts.get_caller_identity()["Account"]
    except Exception as error:  # noqa: BLE001 - any failure here means "not usable"
        raise EndpointError(
            f"endpoint 'aws' refused: no usable AWS credentials ({type(error).__name__})"
        ) from None


_STARTERS: dict[str, Callable[[Endpoint], None]] = {
    "moto": _start_moto,
    "moto-server": _start_moto_server,
    "url": _start_url,
    "reference": _start_reference,
    "miniature": _start_miniature,
    "aws": _start_aws,
}
