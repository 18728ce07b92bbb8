"""What every endpoint is: the :class:`Endpoint` base class and the one error the plugin shows.

A kind (in-process moto, a URL, the reference, AWS...) is a subclass in its own module that overrides
only what differs for it; everything else asks the endpoint, never its kind. Everything here raises
:class:`EndpointError` with one line that names the problem; the plugin turns it into a pytest usage
error (exit code 4).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, ClassVar

import boto3
from botocore.config import Config

from conformance.wire import MAX_RESPONSE_BYTES

DEFAULT_REGION = "us-east-1"
#: Local targets accept any credentials; fixed dummies keep a stray real profile out of their calls.
DUMMY_CREDENTIALS: dict[str, Any] = {
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
    "aws_session_token": "testing",
}
#: Per-call timeouts in seconds (connect, read), unless the run says otherwise (``--call-timeout``).
DEFAULT_CALL_TIMEOUT = (3.0, 10.0)
#: How much of a body is read per chunk while bounding a response.
_READ_CHUNK = 64 * 1024

#: moto server routes the JWKS path only for requests that name the service (docs/emulators.md).
_SERVICE_AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/cognito-idp/aws4_request, "
    "SignedHeaders=host, Signature=0"
)


class EndpointError(Exception):
    """A problem with the endpoint the user named: shown as one line, exit code 4."""


class Endpoint:
    """A resolved endpoint: where calls go, how a boto3 client reaches it, and what it can do.

    Attributes:
        spec: the string the user gave.
        kind: the registry name of the connector that built it (``moto``, ``url``, ``reference``...):
            informational; code outside ``conformance.endpoints`` asks the endpoint instead of
            branching on it.
        label: the name reports use (``moto``, ``moto-server``, ``cognito-local``, ``reference``...).
        implementation: which implementation answers (picks the expectations file): ``moto``,
            ``cognito-local``, ``reference``, ``aws``, ``miniature:NAME`` or ``unknown``.
        url: the HTTP base URL, or None in-process.
        region: the region clients use.
        version: what we know of the implementation's version.
        client_hooks: extra botocore event handlers installed on every client (in-process
            transports, miniatures' breaks).
    """

    #: Whether a throttled call (TooManyRequestsException) is retried after a pause. Only against
    #: real AWS: a throttle from a local target is an answer to check.
    retries_throttling: ClassVar[bool] = False
    #: Whether :meth:`let_time_pass` sleeps (minutes, for expiry tests): then a test has no time budget
    #: of its own by default (conformance/session.py), only the run's.
    waits_in_real_time: ClassVar[bool] = False
    #: Whether a known-divergences file applies. Not to AWS: AWS is the reference.
    uses_expectations: ClassVar[bool] = True
    #: Whether the endpoint is the harness's own to tidy: leftover harness pools are swept at the start.
    local: ClassVar[bool] = True
    #: Whether the endpoint is an account shared with pools that are not the harness's (AWS): every pool
    #: the run makes is tagged and reaped, and a run refuses to start over too many leaked ones
    #: (conformance/lifecycle.py ``protect_account``). A replay is neither local nor such an account.
    guards_account: ClassVar[bool] = False

    def __init__(
        self,
        spec: str,
        *,
        kind: str,
        label: str,
        implementation: str,
        url: str | None = None,
        region: str = DEFAULT_REGION,
        version: str = "unknown",
    ) -> None:
        self.spec = spec
        self.kind = kind
        self.label = label
        self.implementation = implementation
        self.url = url
        self.region = region
        self.version = version
        self.client_hooks: list[Callable[[Any], None]] = []
        #: (connect, read) timeouts of every call, in seconds.
        self.call_timeout: tuple[float, float] = DEFAULT_CALL_TIMEOUT
        self._stops: list[Callable[[], None]] = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}(spec={self.spec!r}, label={self.label!r}, url={self.url!r})"

    @property
    def flavor(self) -> str:
        """The former name of :attr:`implementation`, still read by the plugin and the reports."""
        return self.implementation

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Bring the endpoint up (servers, mocks, probes). Called once per session."""

    def on_stop(self, action: Callable[[], None]) -> None:
        """Run ``action`` at :meth:`stop` (last registered, first run)."""
        self._stops.append(action)

    def stop(self) -> None:
        while self._stops:
            self._stops.pop()()

    # --- calls --------------------------------------------------------------------------------

    def session(self) -> boto3.session.Session:
        """Where the clients' credentials come from: fixed dummies, except for real AWS."""
        return boto3.session.Session(region_name=self.region, **DUMMY_CREDENTIALS)

    def make_client(self) -> Any:
        """A boto3 cognito-idp client for conformance calls.

        One attempt per call, everywhere: ``total_max_attempts: 1`` (``max_attempts: 1`` would mean one
        *retry* in botocore: every 500, reset or timeout sent twice, unseen; docs/emulators.md;
        docs/facts.md §11.5: standard mode retries LimitExceededException, which tests assert). The
        one retry the harness makes, of a throttled call against AWS, is its own and is counted on
        the exchange (conformance/calls.py). Parameter validation is off because negative tests must
        reach the endpoint (the harness validates requests against specs/ itself). Each call is
        bounded in time (:attr:`call_timeout`) and in what is read of its answer
        (:data:`~conformance.wire.MAX_RESPONSE_BYTES`).
        """
        connect, read = self.call_timeout
        config = Config(
            retries={"total_max_attempts": 1, "mode": "standard"},
            connect_timeout=connect,
            read_timeout=read,
            parameter_validation=False,
        )
        client = self.session().client("cognito-idp", endpoint_url=self.url, config=config)
        # botocore reads a whole body into memory before any hook sees it; the wrapper reads at most
        # MAX_RESPONSE_BYTES + 1 of it (``_endpoint`` is botocore's own attribute: no public way in).
        endpoint = getattr(client, "_endpoint", None)
        if endpoint is not None and hasattr(endpoint, "http_session"):
            endpoint.http_session = BoundedHttpSession(endpoint.http_session)
        for hook in self.client_hooks:
            hook(client)
        return client

    def classify_unanswered(self, error: Exception) -> str | None:
        """Why an exception raised while no answer came back means "unsupported", or None.

        None (the default) means it is our bug and is re-raised. An in-process endpoint whose own
        code crashes where a server would have sent an HTTP 500 page says so here.
        """
        return None

    # --- what the suite asks of an endpoint ---------------------------------------------------

    def jwks(self, user_pool_id: str, issuer: str | None = None) -> dict[str, Any]:
        """The key set that verifies this endpoint's tokens for one pool.

        Emulators whose ``iss`` names AWS (moto server, the reference server) serve it at the
        endpoint URL + ``/{poolId}/.well-known/jwks.json`` (docs/emulators.md).
        """
        return get_json(f"{self.url}/{user_pool_id}/.well-known/jwks.json")

    def advance_clock(self, seconds: float) -> bool:
        """Move the endpoint's clock forward where it has one we control; False where it has not
        (the endpoint runs on real time, and a test of expiry must wait or skip)."""
        return False

    def let_time_pass(self, seconds: float) -> bool:
        """Let ``seconds`` pass on the endpoint for a test of expiry: move its clock, or (where the
        run is worth a wait: real AWS) sleep; False when neither is possible and the test must skip."""
        return self.advance_clock(seconds)

    #: The endpoint answers from a recording, in the order it was made (endpoints/replay.py): a
    #: stateful machine must not shrink against it, since a shrunk example's calls were never recorded.
    replays_in_order = False

    def replay_position(self) -> Any:
        """Where a recording being replayed stands for the current test (None: not a replay)."""
        return None

    def rewind_replay(self, position: Any) -> None:
        """Go back to ``position`` of :meth:`replay_position` (nothing to do but on a replay)."""

    def delivered_messages(self, user_pool_id: str, username: str) -> list[dict[str, Any]] | None:
        """The e-mails and SMS the endpoint sent one user (oldest first, each with ``purpose``,
        ``channel``, ``destination`` and ``code``), or None where the endpoint exposes no outbox and a
        test that needs a delivered code must skip. Only the reference keeps one
        (reference/outbox.py); AWS delivers to real mailboxes the harness cannot read."""
        return None

    def reproducer_prologue(self) -> str:
        """The lines of a reproducer script that create ``client``, a boto3 client of this endpoint."""
        url = f", endpoint_url={self.url!r}" if self.url else ""
        return (
            f"client = boto3.client('cognito-idp', region_name={self.region!r}{url}, "
            "aws_access_key_id='testing', aws_secret_access_key='testing')"
        )

    def describe(self) -> str:
        where = self.url or "in-process"
        return f"{self.label} ({where}; {self.version})"


class BoundedHttpSession:
    """botocore's HTTP session, reading at most :data:`MAX_RESPONSE_BYTES` + 1 bytes of any body.

    The extra byte tells the harness the body was larger (conformance.wire.Exchange.bounded_body);
    the rest is never read: the connection is closed instead, so an endpoint sending gigabytes costs
    one megabyte.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def send(self, request: Any) -> Any:
        # stream_output: botocore then leaves the body unread, for us to read within the bound.
        request.stream_output = True
        response = self._inner.send(request)
        raw, chunks, total = response.raw, [], 0
        while total <= MAX_RESPONSE_BYTES:
            chunk = raw.read(min(_READ_CHUNK, MAX_RESPONSE_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_RESPONSE_BYTES:
            raw.close()  # the unread rest must not reach the next request on this connection
        response._content = b"".join(chunks)
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def parse_options(spec: str, arg: str) -> dict[str, str]:
    """``key=value,key=value`` after a kind's colon; EndpointError when malformed."""
    options: dict[str, str] = {}
    for part in filter(None, arg.split(",")):
        key, sep, value = part.partition("=")
        if not sep or not key:
            raise EndpointError(f"malformed endpoint {spec!r}: options are key=value separated by commas")
        options[key] = value
    return options


def http_get(url: str, timeout: float) -> tuple[int, bytes]:
    """(status, body) of a GET; status 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read() if error.fp else b""
    except (OSError, ValueError):
        return 0, b""


def get_json(url: str) -> Any:
    """A JSON document over HTTP (a JWKS), named as a cognito-idp request for moto server's router."""
    request = urllib.request.Request(url)
    request.add_header("Authorization", _SERVICE_AUTHORIZATION)
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


class RawBody:
    """The minimal raw stream botocore reads a response body from, for a connector that answers
    botocore in-process (the reference, a replay) instead of over a socket."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data

    def read(self, *_: Any, **__: Any) -> bytes:
        data, self._data = self._data, b""
        return data
