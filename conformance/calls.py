"""Calling an endpoint: one boto3 client, the raw exchange behind every call, and a reproducer.

Every conformance call goes through :class:`Cognito`. It never raises botocore's ``ClientError``:
an error answer is data (:class:`Response`), because most checks are about error answers. It
raises only :class:`Unsupported` (the endpoint does not implement the operation: the test cannot
go on, and the outcome is counted apart from divergences) and :class:`HarnessError` (our fault).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from conformance import redact, specs
from conformance.divergence import wire_summary
from conformance.wire import Exchange

if TYPE_CHECKING:
    from conformance.endpoints import Endpoint


#: Transport failures that mean the endpoint did not answer (timeouts, resets, closed or refused
#: connections), as opposed to a request we could not build or sign (our fault).
_NO_ANSWER = (ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError, EndpointConnectionError, OSError)

#: Pauses before retrying a throttled call against real AWS (seconds).
THROTTLE_PAUSES = (0.5, 1.0, 2.0, 4.0)


class Unsupported(Exception):
    """The endpoint does not implement an operation the test needs."""

    def __init__(self, operation: str, detail: str) -> None:
        super().__init__(f"{operation}: {detail}")
        self.operation = operation
        self.detail = detail


class NoAnswer(Unsupported):
    """The endpoint gave no answer in time: the call timed out, the connection was reset or closed,
    or the test's or the run's time budget ran out before the call.

    Classified as "unsupported", not as a divergence and never as a harness error: with no answer
    there is nothing on the wire to compare with AWS (no status, no body, no fact a check could
    rest on), and the test cannot go on; but the fault is the endpoint's, not ours, so it must not
    read as our bug either. It is counted apart, with the reason, like an operation the endpoint
    lacks: an endpoint that cannot answer an operation within the call timeout (``--call-timeout``)
    does not support it in any way a client can use.
    """


class BudgetSpent(NoAnswer):
    """A call not sent because the test's or the run's time budget ran out: the endpoint was not asked.

    Apart from the other answers that never came because a stateful machine must stop exploring on
    it (every later example would meet it at a different step, which Hypothesis reads as flaky).
    """


#: After this many calls in a row with no answer, the endpoint is taken to have stopped answering: no
#: further call is sent, and each ends at once as :class:`NoAnswer` (a stalling endpoint's run then ends
#: in about this many call timeouts instead of one per call).
SILENCE_LIMIT = 5


class HarnessError(Exception):
    """Something on our side went wrong (invalid request, transport failure): never a divergence."""


@dataclass
class Response:
    """What one call returned, on the wire and as boto3 parsed it."""

    operation: str
    params: dict[str, Any]
    exchange: Exchange | None
    data: dict[str, Any] | None
    index: int = 0

    @property
    def ok(self) -> bool:
        return self.exchange is not None and not self.exchange.is_error

    @property
    def body(self) -> Any:
        """The raw JSON body as sent on the wire (timestamps still numbers)."""
        return self.exchange.response_json() if self.exchange is not None else None

    @property
    def error_code(self) -> str | None:
        return self.exchange.error_type() if self.exchange is not None and self.exchange.is_error else None

    @property
    def error_message(self) -> str | None:
        return self.exchange.error_message() if self.exchange is not None and self.exchange.is_error else None

    def __getitem__(self, key: str) -> Any:
        """Parsed-member access for test code that needs a value to go on (e.g. an Id)."""
        if self.data is None or key not in self.data:
            raise KeyError(f"{self.operation} response has no {key!r}; got {self.describe()}")
        return self.data[key]

    def describe(self) -> str:
        if self.exchange is None:
            return "no exchange"
        return wire_summary(self.exchange)


#: Called with every Response right after the call (the per-test recorder runs wire and schema checks).
Observer = Callable[[Response], None]


class _Capture:
    """botocore event handlers that record the raw request and response of the current call."""

    def __init__(self) -> None:
        self._local = threading.local()

    def install(self, client: Any) -> None:
        # First, so the clock starts before an in-process transport answers.
        client.meta.events.register_first("before-send.cognito-idp", self.on_send)
        # before-parse sees the raw response dict (status, headers, body bytes) for every transport,
        # including in-process moto, whose answer comes from its own before-send handler.
        client.meta.events.register("before-parse.cognito-idp", self.on_response)

    def begin(self) -> None:
        self._local.exchange = None
        self._local.request = None

    def on_send(self, request: Any, **_: Any) -> None:
        body = request.body
        if isinstance(body, str):
            body = body.encode()
        self._local.request = (request.url, dict(request.headers), body or b"", time.perf_counter())

    def on_response(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        url, headers, body, started = self._local.request or ("", {}, b"", time.perf_counter())
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in headers.items()}
        response_headers = dict(response_dict["headers"])
        announced = next((v for k, v in response_headers.items() if k.lower() == "content-length"), None)
        # Only MAX_RESPONSE_BYTES (+1, to tell) is kept: an endpoint that sends more is a divergence
        # (wire.body-too-large), not a reason for the run to hold it.
        response_body, size = Exchange.bounded_body(response_dict["body"] or b"", announced)
        self._local.exchange = Exchange(
            operation=operation_model.name,
            request_headers=headers,
            request_body=body,
            status=int(response_dict["status_code"]),
            response_headers=response_headers,
            response_body=response_body,
            elapsed_ms=(time.perf_counter() - started) * 1000.0,
            url=url,
            response_size=size,
        )

    def take(self) -> Exchange | None:
        return getattr(self._local, "exchange", None)


def is_unsupported(exchange: Exchange) -> str | None:
    """Why an answer means "not implemented" rather than a divergence, or None.

    docs/emulators.md: moto server answers an unimplemented operation with HTTP 500 and an HTML page;
    cognito-local with 500 ``CognitoLocal#Unsupported``; any server may say 501. A JSON 500 that
    is not one of these is a real answer (AWS's InternalErrorException is a fault) and is checked.
    """
    if exchange.status == 501:
        return "HTTP 501 Not Implemented"
    if exchange.status >= 500:
        body = exchange.response_json()
        if body is None:
            return f"HTTP {exchange.status} with a non-JSON body (an unimplemented-operation page)"
        raw_type = body.get("__type") if isinstance(body, dict) else None
        if isinstance(raw_type, str) and raw_type.split("#")[-1] == "Unsupported":
            return f"{raw_type}: {body.get('message', '')}"
    return None


class Cognito:
    """A cognito-idp client for conformance calls against one endpoint.

    Use ``cognito.create_user_pool(PoolName=...)`` like a boto3 client; every call returns a
    :class:`Response` and is shown to the current observer. A test that sends an invalid request on
    purpose says so: ``cognito.call("ListUserPools", {"MaxResults": 0}, invalid_request=True)``.
    """

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.client = endpoint.make_client()
        self._capture = _Capture()
        self._capture.install(self.client)
        self._to_api = dict(self.client.meta.method_to_api_mapping)
        self._to_method = {v: k for k, v in self._to_api.items()}
        self.observer: Observer | None = None
        self.log = CallLog(endpoint)
        #: ``time.monotonic()`` after which no call is sent (the test's or the run's time budget),
        #: with the budget's name; None: no limit. Checked before each call, so a test ends at most
        #: one call timeout after its budget, however many calls it meant to make.
        self.deadline: tuple[float, str] | None = None
        #: calls in a row that got no answer (timeout, reset); any answer sets it back to 0.
        self.silent = 0
        #: called with (operation, parameters) before every request, retries included, and waits as
        #: long as the run's pacing says (conformance/pacing.py); None: no pacing (local endpoints).
        self.pacer: Callable[[str, dict[str, Any]], object] | None = None
        #: called with every answered call, clean-up included and unsupported answers too: the run's
        #: budget meter (conformance/budget.py) and recording (conformance/recording.py).
        self.meters: list[Callable[[Response], None]] = []

    def __getattr__(self, name: str) -> Callable[..., Response]:
        if name.startswith("_") or name not in self.__dict__.get("_to_api", {}):
            raise AttributeError(name)
        return lambda **params: self.call(name, params)

    def operation_name(self, name: str) -> str:
        return self._to_api.get(name, name)

    def call(
        self, operation: str, params: dict[str, Any] | None = None, *, invalid_request: bool = False
    ) -> Response:
        """Send one request; returns the Response (errors included)."""
        api_name = self.operation_name(operation)
        method = self._to_method.get(api_name)
        if method is None:
            raise HarnessError(f"unknown operation {operation!r}")
        params = dict(params or {})
        # Clean-up calls (no observer: not under test) go out whatever the budget, so that a test over
        # budget still deletes what it made; each is bounded by the call timeout.
        if self.deadline is not None and self.observer is not None and time.monotonic() > self.deadline[0]:
            raise BudgetSpent(api_name, f"not sent: the {self.deadline[1]} ran out")
        if self.silent >= SILENCE_LIMIT:
            # An endpoint that stopped answering would otherwise cost one call timeout per call, and
            # a whole run hours; what it would have said is unknowable either way.
            raise NoAnswer(
                api_name, f"not sent: the endpoint answered none of the last {SILENCE_LIMIT} calls"
            )
        _register_secrets(params)
        retries = 0
        while True:
            if self.pacer is not None:
                self.pacer(api_name, params)
            try:
                exchange, data = self._send(api_name, method, params)
            except Unsupported:
                # The meters still see the answer (a recording must replay "unsupported" as such).
                self._meter(Response(api_name, params, self._capture.take(), None))
                raise
            # Where the endpoint says so (real AWS): a throttled call is retried after a pause, and
            # the retry is counted on the exchange, never hidden (facts:protocol.throttled: 400
            # TooManyRequestsException, which boto3's legacy mode does not retry). Local targets
            # are never retried: a throttle there is an answer to check.
            if (
                not self.endpoint.retries_throttling
                or exchange is None
                or exchange.error_type() != "TooManyRequestsException"
            ):
                break
            if retries >= len(THROTTLE_PAUSES):
                # Still throttled after every pause: AWS did not answer the question the test asked,
                # so there is nothing to judge (never a divergence); counted, and the test ends
                # as unsupported with the reason.
                exchange.retries = retries
                self._meter(Response(api_name, params, exchange, data))
                raise NoAnswer(api_name, f"still TooManyRequestsException after {retries} retries")
            time.sleep(THROTTLE_PAUSES[retries])
            retries += 1
        if exchange is not None:
            exchange.retries = retries
        response = Response(api_name, params, exchange, data)
        response.index = self.log.record(method, params, response)
        self._meter(response)
        if self.observer is not None:
            self.observer(response, invalid_request=invalid_request)  # type: ignore[call-arg]
        return response

    def _meter(self, response: Response) -> None:
        if response.exchange is not None:
            for meter in self.meters:
                meter(response)

    def _send(
        self, api_name: str, method: str, params: dict[str, Any]
    ) -> tuple[Exchange | None, dict[str, Any] | None]:
        self._capture.begin()
        data: dict[str, Any] | None
        try:
            data = getattr(self.client, method)(**params)
        except ClientError as error:
            data = dict(error.response)
        except NotImplementedError as error:
            # In-process moto raises this for operations it lacks (docs/emulators.md).
            raise Unsupported(api_name, f"NotImplementedError: {error}") from None
        except (BotoCoreError, OSError) as error:
            exchange = self._capture.take()
            if exchange is not None:
                self.silent = 0
            if exchange is not None and (reason := is_unsupported(exchange)):
                raise Unsupported(api_name, reason) from None
            if exchange is None and isinstance(error, _NO_ANSWER):
                self.silent += 1
                raise NoAnswer(api_name, f"no answer: {type(error).__name__}: {error}") from None
            raise HarnessError(f"{api_name}: transport failed: {type(error).__name__}: {error}") from None
        except Exception as error:
            captured = self._capture.take()
            if captured is not None:
                self.silent = 0
            if captured is not None and _unparsable(captured):
                # botocore fails on a body that is JSON but not an object ([], "x", 3), or whose
                # members have the wrong JSON type ({"UserPool": []}, a date "yesterday"): an answer
                # like any other, which the recorder's checks classify (wire.body, schema.type...).
                # Any other failure after an answer came is ours, and stays an exception.
                return captured, None
            # No answer came back: an in-process endpoint's own crash is "unsupported" (the endpoint
            # says why); anything else is our bug.
            if reason := self.endpoint.classify_unanswered(error):
                raise Unsupported(api_name, reason) from None
            raise
        exchange = self._capture.take()
        self.silent = 0
        if exchange is not None:
            reason = is_unsupported(exchange)
            if reason:
                raise Unsupported(api_name, reason)
            _register_secrets(exchange.response_json())
        return exchange, data


def _unparsable(exchange: Exchange) -> bool:
    """Whether botocore's failure to parse this answer is the answer's fault (not a JSON object, or a
    member of the wrong JSON type for the model), rather than ours."""
    body = exchange.response_json()
    if not isinstance(body, dict):
        return True
    if exchange.is_error:
        return False
    return any(problem.kind == "type" for problem in specs.validate_response(exchange.operation, body))


def _register_secrets(value: Any, key: str | None = None) -> None:
    """Register every secret-keyed string so later artifacts can never contain it."""
    if isinstance(value, dict):
        for k, v in value.items():
            _register_secrets(v, k)
    elif isinstance(value, list):
        for v in value:
            _register_secrets(v, key)
    elif isinstance(value, str) and key is not None and redact.is_secret_key(key):
        redact.register(value)


@dataclass
class _Logged:
    method: str
    params: dict[str, Any]
    ok: bool
    values: dict[str, str] = field(default_factory=dict)
    #: lines to emit before the call: (template, values); ``{0}``... are the values, rendered as expressions.
    setup: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    #: parameters written as an expression instead of their value (e.g. an SRP answer computed in the script).
    overrides: dict[str, tuple[str, tuple[Any, ...]]] = field(default_factory=dict)


class CallLog:
    """The calls of one test, rendered as a runnable boto3 script ("Reproduce with").

    Values that came out of an earlier response (pool ids, client ids, tokens, sessions) are
    written as expressions over that response, so the script runs against a fresh endpoint;
    each password of the run becomes a variable holding a new one, so no secret is printed; values
    computed from secrets (SRP) are recomputed by the script where a flow says how (``annotate``).
    """

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.calls: list[_Logged] = []
        self._setup: list[tuple[str, tuple[Any, ...]]] = []
        self._overrides: dict[str, tuple[str, tuple[Any, ...]]] = {}
        self._names: dict[int, tuple[object, str]] = {}

    def clear(self) -> None:
        self.calls = []
        self._setup, self._overrides, self._names = [], {}, {}

    def name(self, obj: object, prefix: str) -> str:
        """A script variable for a client-side object (an SRP client, a device secret), stable per object."""
        # Keyed by id, holding the object so that its id cannot be reused by another while logged.
        if id(obj) not in self._names:
            self._names[id(obj)] = (obj, f"{prefix}{len(self.calls) + 1}")
        return self._names[id(obj)][1]

    def annotate(
        self,
        *,
        setup: list[tuple[str, tuple[Any, ...]]] | None = None,
        params: dict[str, tuple[str, tuple[Any, ...]]] | None = None,
    ) -> None:
        """Say how the script computes the next call's secret-derived parameters.

        ``setup`` lines and ``params`` expressions are templates whose ``{0}``, ``{1}``... are values
        of the run, rendered like parameters (an earlier response's member, a password variable).
        ``{r}`` is the previous call's response variable.
        """
        self._setup.extend(setup or [])
        self._overrides.update(params or {})

    @property
    def last_index(self) -> int:
        return len(self.calls)

    def record(self, method: str, params: dict[str, Any], response: Response) -> int:
        entry = _Logged(method, params, response.ok, setup=self._setup, overrides=self._overrides)
        self._setup, self._overrides = [], {}
        if response.ok and response.data:
            _index_values(response.data, f"r{len(self.calls) + 1}", entry.values)
        self.calls.append(entry)
        return len(self.calls)

    def script(self, upto: int | None = None) -> str:
        calls = self.calls[: upto or len(self.calls)]
        renderer = _Renderer()
        body: list[str] = []
        for number, entry in enumerate(calls, start=1):
            for template, values in entry.setup:
                line = renderer.template(template, values, number)
                body.extend(renderer.take_definitions())
                body.append(line)
            args = []
            for key, value in entry.params.items():
                if key in entry.overrides:
                    template, values = entry.overrides[key]
                    args.append(f"{key}={renderer.template(template, values, number)}")
                else:
                    args.append(f"{key}={renderer.expression(value, key)}")
            body.extend(renderer.take_definitions())
            joined = ", ".join(args)
            if entry.ok:
                body.append(f"r{number} = client.{entry.method}({joined})")
            else:
                body.append(f"call(client.{entry.method}{', ' if joined else ''}{joined})")
            for value, expression in entry.values.items():
                renderer.known.setdefault(value, expression)
        return "\n".join(self._prologue() + body)

    def _prologue(self) -> list[str]:
        return [
            "import secrets",
            "import boto3",
            "from botocore.exceptions import ClientError",
            "from conformance.crypto.srp import DeviceSrpClient, UserSrpClient, new_device_secret, secret_hash",
            *self.endpoint.reproducer_prologue().splitlines(),
            "def password():  # a fresh password meeting the default policy; the run's own are not shown",
            "    return 'Aa1!' + secrets.token_urlsafe(12)",
            "def call(method, **params):",
            "    try:",
            "        print(method.__name__, method(**params))",
            "    except ClientError as error:",
            "        print(method.__name__, error.response['Error'])",
        ]


_PASSWORD_KEYS = {
    "Password",
    "TemporaryPassword",
    "ProposedPassword",
    "PreviousPassword",
    "PASSWORD",
    "NEW_PASSWORD",
}


class _Renderer:
    """Turns a run's values into script expressions: earlier responses, password variables, literals."""

    def __init__(self) -> None:
        self.known: dict[str, str] = {}
        self.passwords: dict[str, str] = {}
        self._definitions: list[str] = []

    def take_definitions(self) -> list[str]:
        out, self._definitions = self._definitions, []
        return out

    def password(self, value: str) -> str:
        if value not in self.passwords:
            name = f"pw{len(self.passwords) + 1}"
            self.passwords[value] = name
            self._definitions.append(f"{name} = password()")
        return self.passwords[value]

    def template(self, template: str, values: tuple[Any, ...], number: int) -> str:
        # A secret of the run given to a template is a password the script makes anew (never printed).
        rendered = [
            self.password(v)
            if isinstance(v, str) and v not in self.known and redact.is_registered(v)
            else self.expression(v)
            for v in values
        ]
        return template.format(*rendered, r=f"r{number - 1}")

    def expression(self, value: Any, key: str | None = None) -> str:
        if isinstance(value, str):
            if value in self.known:
                return self.known[value]
            if value in self.passwords or key in _PASSWORD_KEYS:
                return self.password(value)
            if key is not None and redact.is_secret_key(key):
                return repr(f"<{key} not shown>")
            return repr(redact.redact_text(value))
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k!r}: {self.expression(v, k)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.expression(v, key) for v in value) + "]"
        return repr(value)


def _index_values(value: Any, expression: str, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k != "ResponseMetadata":
                _index_values(v, f"{expression}[{k!r}]", out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _index_values(v, f"{expression}[{i}]", out)
    elif isinstance(value, str) and len(value) >= 6:
        out.setdefault(value, expression)
