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

DEFAULT_REGION = "us-east-1"
#: Local targets accept any credentials; fixed dummies keep a stray real profile out of their calls.
DUMMY_CREDENTIALS = {
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
    "aws_session_token": "testing",
}
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
    #: Whether a known-divergences file applies. Not to AWS: AWS is the reference.
    uses_expectations: ClassVar[bool] = True
    #: Whether the endpoint is the harness's own to tidy: leftover harness pools are swept at the start.
    local: ClassVar[bool] = True

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

        Retries are off (docs/emulators.md: every HTTP 500 is otherwise retried and the failure shows up
        late; docs/facts.md §11.5: standard mode retries LimitExceededException, which tests
        assert); parameter validation is off because negative tests must reach the endpoint (the
        harness validates requests against specs/ itself).
        """
        config = Config(
            retries={"max_attempts": 1, "mode": "standard"},
            connect_timeout=3,
            read_timeout=20,
            parameter_validation=False,
        )
        client = self.session().client("cognito-idp", endpoint_url=self.url, config=config)
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
