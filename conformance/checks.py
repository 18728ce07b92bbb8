"""Checks: the per-test recorder of divergences, and the checks every call gets for free.

A test receives a :class:`Recorder` (the ``check`` fixture). Each check method compares one
thing the endpoint returned with what AWS does (a :class:`Fact`), records a
:class:`~conformance.divergence.Divergence` when they differ and returns whether they agreed, so
the test can decide whether it makes sense to go on. Nothing raises until the test ends; then the
plugin weighs the recorded divergences against the endpoint's expectations file. The one
exception is an answer nothing can be read from (a success whose body is not a JSON object): the
recorder stops the test there with :class:`DivergenceFound` rather than let the test's next line
fail on it with a ``TypeError``.

Member checks (``equal``, ``present``, ...) are :class:`~conformance.expect.Expect` values judged
by :func:`~conformance.expect.judge_member`, the same code that judges the oracle's predictions.
The wire checks every exchange gets are small named functions registered in :data:`WIRE_CHECKS`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from conformance import specs
from conformance.crypto.srp import N as SRP_N

# DivergenceFound and get_path live in the value layer (conformance.divergence); existing code
# imports them from here too, which keeps working.
from conformance.divergence import CheckKind, Divergence, DivergenceFound, get_path
from conformance.expect import Expect
from conformance.expect import absent as expect_absent
from conformance.expect import equal as expect_equal
from conformance.expect import matches as expect_matches
from conformance.expect import present as expect_present
from conformance.facts import Fact, fact
from conformance.redact import preview
from conformance.wire import JSON_CONTENT_TYPE, MAX_RESPONSE_BYTES

if TYPE_CHECKING:
    from conformance.calls import Response
    from conformance.wire import Exchange


WIRE_CONTENT_TYPE = fact("protocol.wire-content-type")
WIRE_ERROR_CONTENT_TYPE = fact("protocol.wire-error-content-type")
WIRE_REQUEST_ID = fact("protocol.wire-request-id")
WIRE_ERROR_STATUS = fact("protocol.wire-error-status")
WIRE_ERROR_BODY = fact("protocol.wire-error-body")
WIRE_ERROR_HEADER = fact("protocol.wire-error-header")
WIRE_TIMESTAMPS = fact("protocol.wire-timestamps")
WIRE_BODY_SIZE = fact("protocol.wire-body-size")
SHAPE_MODEL = fact("protocol.shape-model")
#: The model's length, pattern and range traits are input validation: AWS's own answers break them
#: (DescribeUserPool returns the attribute ``phone_number_verified``, 21 characters, where
#: SchemaAttributeType.Name allows 20; see the fact ``protocol.shape-model-constraint``). On
#: responses they are reported, never failing.
SHAPE_MODEL_CONSTRAINT = fact("protocol.shape-model-constraint")
#: Malformed answers that nothing can be read from: classified (jwks.malformed, token.malformed).
TOKEN_FORM = fact("tokens.token-form")
JWKS_FORM = fact("tokens.jwks-form")
_RESPONSE_CONSTRAINTS = frozenset({"length", "pattern", "range"})


#: ``Recorder.read`` without a default: the member must be there.
REQUIRED: Any = object()
_JSON_NAMES = {str: "a string", int: "a number", float: "a number", bool: "a boolean", dict: "an object"}


def _of_type(value: Any, kind: type | tuple[type, ...]) -> bool:
    # JSON has no integer that is a boolean: True is not a number here, as it is not in the model.
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        return False
    return isinstance(value, kind)


def _elements(value: Any) -> Any:
    return value.values() if isinstance(value, dict) else value


def _type_names(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_JSON_NAMES.get(k, "a list" if k is list else k.__name__) for k in kinds)


class Recorder:
    """Collects the divergences of one test; the ``check`` fixture."""

    def __init__(self, endpoint_label: str = "", test_id: str = "") -> None:
        self.endpoint_label = endpoint_label
        self.test_id = test_id
        self.divergences: list[Divergence] = []
        self.harness_errors: list[str] = []
        self.operations: list[str] = []
        #: every exchange of the test, in order (Allure shows each as a step).
        self.exchanges: list[Exchange] = []
        #: known divergences of this test on this endpoint (keys; a dict key -> reason or the test's
        #: expectations.TestExpectations), set by the plugin; only ``key in expected`` is asked.
        self.expected: Container[str] = {}
        self._keys: set[str] = set()

    def reset(self) -> None:
        """Forget everything recorded (a stateful machine starts each example afresh)."""
        self.divergences.clear()
        self.harness_errors.clear()
        self.exchanges.clear()
        self._keys.clear()

    def take_divergences(self) -> list[Divergence]:
        """Hand over (and forget) what was recorded, e.g. to the run's set-up record."""
        taken, self.divergences = self.divergences, []
        self._keys.clear()
        return taken

    def raise_if_unexpected(self) -> None:
        """For machines: stop the example at the first hard divergence the expectations do not list."""
        unexpected = [d for d in self.divergences if d.confidence.is_hard and d.key() not in self.expected]
        if unexpected:
            raise DivergenceFound(unexpected)

    # -- recording ------------------------------------------------------------------------------

    def rewrite_since(self, start: int, transform: Callable[[Divergence], Divergence]) -> None:
        """Replace the divergences recorded since position ``start`` by ``transform`` of each.

        A stateful machine uses it to make the keys of its comparisons carry the values compared.
        """
        added = self.divergences[start:]
        del self.divergences[start:]
        for divergence in added:
            self._keys.discard(divergence.key())
        for divergence in added:
            self.add(transform(divergence))

    def add(self, divergence: Divergence) -> None:
        # One entry per key and test: a wrong Content-Type on twenty calls is one divergence.
        if divergence.key() not in self._keys:
            self._keys.add(divergence.key())
            self.divergences.append(divergence)

    def that(
        self,
        agrees: bool,
        *,
        operation: str,
        check: str,
        path: str,
        expected: Any,
        actual: Any,
        fact: Fact,
        kind: CheckKind = CheckKind.SEMANTICS,
        evidence: Exchange | None = None,
        note: str = "",
    ) -> bool:
        """Record a divergence unless ``agrees``; returns ``agrees``."""
        if operation and operation not in self.operations:
            self.operations.append(operation)
        if not agrees:
            self.add(
                Divergence(
                    operation=operation,
                    check=check,
                    path=path,
                    expected=expected,
                    actual=actual,
                    confidence=fact.confidence,
                    source=fact.cite(),
                    kind=kind,
                    evidence=evidence,
                    note=note,
                )
            )
        return agrees

    # -- reading a response to go on ------------------------------------------------------------

    def read(
        self,
        response: Response,
        path: str,
        kind: type | tuple[type, ...],
        *,
        default: Any = REQUIRED,
        items: type | tuple[type, ...] | None = None,
    ) -> Any:
        """The member at ``path`` of the answer, of JSON type ``kind``, for the test to go on with.

        Every value a test takes out of an answer to use it (an id to send back, a list to walk, a
        token to decode) is read here, so that an answer with a member of the wrong JSON type ends the
        test as that operation's divergence, not as a ``TypeError`` further on. ``items`` is the type
        of each element of a list (or each value of an object). An absent member (or an answer that is no JSON object) gives
        ``default`` when one is given.

        Raises:
            DivergenceFound: the member is of the wrong type, or absent with no default: stopped on the
                divergence already recorded at (or above) ``path`` for this answer (``schema.type``), or
                else on a ``member.type`` / ``member.present`` divergence recorded here.
        """
        body = response.body
        found, value = get_path(body, path) if isinstance(body, dict) else (False, None)
        if (
            found
            and _of_type(value, kind)
            and (items is None or all(_of_type(v, items) for v in _elements(value)))
        ):
            return value
        if not found and default is not REQUIRED:
            return default
        holding = [
            d
            for d in self.divergences
            if d.operation == response.operation
            and d.confidence.is_hard
            and (d.path == "$" or path == d.path or path.startswith((f"{d.path}.", f"{d.path}[")))
        ]
        if not holding:
            wanted = _type_names(kind) + (f" of {_type_names(items)}" if items is not None else "")
            divergence = Divergence(
                operation=response.operation,
                check="member.type" if found else "member.present",
                path=path,
                expected=wanted,
                actual=preview(repr(value), 199) if found else "<absent>",
                confidence=SHAPE_MODEL.confidence,
                source=SHAPE_MODEL.cite(),
                kind=CheckKind.SHAPE,
                evidence=response.exchange,
                note="a member the test needs to go on",
            )
            self.add(divergence)
            holding = [divergence]
        raise DivergenceFound(holding)

    # -- checks on a response ---------------------------------------------------------------------

    def succeeded(self, response: Response, fact: Fact, *, note: str = "") -> bool:
        """AWS answers this call with success."""
        return self.that(
            response.ok,
            operation=response.operation,
            check="outcome.success",
            path="$",
            expected="success (HTTP 200)",
            actual=_outcome(response),
            fact=fact,
            kind=CheckKind.ERRORS,
            evidence=response.exchange,
            note=note,
        )

    def error(
        self,
        response: Response,
        code: str,
        fact: Fact,
        *,
        message: str | re.Pattern[str] | None = None,
        message_fact: Fact | None = None,
        note: str = "",
    ) -> bool:
        """AWS answers with error ``code`` (and, when given, this message)."""
        agrees = self.that(
            response.error_code == code,
            operation=response.operation,
            check="error.code",
            path="$.__type",
            expected=code,
            actual=response.error_code if not response.ok else _outcome(response),
            fact=fact,
            kind=CheckKind.ERRORS,
            evidence=response.exchange,
            note=note,
        )
        if agrees and message is not None:
            actual = response.error_message
            if isinstance(message, re.Pattern):
                same = actual is not None and message.fullmatch(actual) is not None
                shown = f"/{message.pattern}/"
            else:
                same, shown = actual == message, message
            agrees = self.that(
                same,
                operation=response.operation,
                check="error.message",
                path="$.message",
                expected=shown,
                actual=actual,
                fact=message_fact or fact,
                kind=CheckKind.ERRORS,
                evidence=response.exchange,
                note=note,
            )
        return agrees

    def expect(
        self, response: Response, expect: Expect, *, kind: CheckKind | None = None, note: str = ""
    ) -> bool:
        """The member ``expect.path`` of the raw body is as ``expect`` says (one judge: judge_member).

        ``kind`` is the column when ``expect`` names none (a machine passes its own); semantics otherwise.
        """
        agrees, expected, actual = expect.judge(response.body)
        return self.that(
            agrees,
            operation=response.operation,
            check=expect.check,
            path=expect.path,
            expected=expected,
            actual=actual,
            fact=expect.fact,
            kind=expect.kind or kind or CheckKind.SEMANTICS,
            evidence=response.exchange,
            note=note,
        )

    def equal(
        self,
        response: Response,
        path: str,
        expected: Any,
        fact: Fact,
        *,
        check: str = "value",
        note: str = "",
    ) -> bool:
        """The member at ``path`` of the raw body equals ``expected`` (JSON equality)."""
        return self.expect(response, expect_equal(path, expected, fact, check), note=note)

    def matches(
        self,
        response: Response,
        path: str,
        pattern: str,
        fact: Fact,
        *,
        check: str = "format",
        note: str = "",
    ) -> bool:
        """The member at ``path`` is a string matching ``pattern`` entirely."""
        return self.expect(response, expect_matches(path, pattern, fact, check), note=note)

    def present(
        self, response: Response, path: str, fact: Fact, *, check: str = "member.present", note: str = ""
    ) -> bool:
        """The member at ``path`` is there and not null."""
        return self.expect(response, expect_present(path, fact, check), note=note)

    def absent(
        self, response: Response, path: str, fact: Fact, *, check: str = "member.absent", note: str = ""
    ) -> bool:
        """There is no member at ``path``."""
        return self.expect(response, expect_absent(path, fact, check), note=note)

    # -- what every call gets -------------------------------------------------------------------

    def observe(self, response: Response, *, invalid_request: bool = False) -> None:
        """Wire and schema checks on one exchange (run for every call).

        Raises:
            DivergenceFound: the answer is a success whose body is not a JSON object and that
                divergence is not a known one: the test's next step would read members of it and
                end in a ``TypeError`` instead of this divergence.
        """
        exchange = response.exchange
        if response.operation not in self.operations:
            self.operations.append(response.operation)
        if exchange is None:
            return
        self.exchanges.append(exchange)
        found = wire_divergences(exchange)
        for divergence in found:
            self.add(divergence)
        schema = schema_divergences(exchange, invalid_request=invalid_request, harness=self.harness_errors)
        for divergence in schema:
            self.add(divergence)
        unreadable = [
            d
            for d in found
            if d.check == BODY_CHECK and d.confidence.is_hard and d.key() not in self.expected
        ]
        if response.data is None and not exchange.is_error and not unreadable:
            # botocore could not read a JSON object (a member of the wrong type: a date "yesterday"):
            # the test has nothing to go on, and what made the answer unreadable was just found.
            unreadable = [d for d in found + schema if d.confidence.is_hard and d.key() not in self.expected]
        if unreadable:
            raise DivergenceFound(unreadable)


def _outcome(response: Response) -> str:
    if response.exchange is None:
        return "no answer"
    if response.ok:
        return f"success (HTTP {response.exchange.status})"
    return f"{response.error_code} (HTTP {response.exchange.status}): {response.error_message}"


# -- wire checks --------------------------------------------------------------------------------

#: What a wire check reports for each way an exchange breaks it: (path, expected, actual).
WireFinding = tuple[str, Any, Any]
#: A wire check: ``check(exchange, body)`` yields a finding per problem.
WireCheckFunction = Callable[["Exchange", Any], Iterable[WireFinding]]


@dataclass(frozen=True)
class WireCheck:
    """One protocol check of docs/facts.md §7 and §10, run on every raw exchange.

    Attributes:
        name: the check name its divergences carry, e.g. ``wire.content-type``.
        fact: the fact it rests on.
        run: ``run(exchange, body)`` yields a :data:`WireFinding` per problem (``body`` is the
            response parsed as JSON, None when it is not JSON).
        miniature: whether a miniature of the reference breaks exactly this check (the self-tests
            in tests/harness/test_miniatures.py require one for each such check).
        error_fact: the fact for error answers when it is weaker than :attr:`fact` (what AWS does
            for successes may be recorded where its errors are not).
    """

    name: str
    fact: Fact
    run: WireCheckFunction
    miniature: bool = True
    error_fact: Fact | None = None

    def fact_for(self, exchange: Exchange) -> Fact:
        """The fact a finding on ``exchange`` rests on."""
        return self.error_fact if exchange.is_error and self.error_fact is not None else self.fact


#: Every wire check, by name, in the order they run (and their divergences are listed).
WIRE_CHECKS: dict[str, WireCheck] = {}


def wire_check(
    name: str, fact: Fact, *, miniature: bool = True, error_fact: Fact | None = None
) -> Callable[[WireCheckFunction], WireCheckFunction]:
    """Register a wire check under ``name`` (schemathesis's ``@check`` shape)."""

    def register(function: WireCheckFunction) -> WireCheckFunction:
        if name in WIRE_CHECKS:
            raise ValueError(f"wire check {name!r} registered twice")
        WIRE_CHECKS[name] = WireCheck(name, fact, function, miniature, error_fact)
        return function

    return register


def _body_text(exchange: Exchange) -> str:
    return preview(exchange.response_body.decode("utf-8", "replace"), 200)


@wire_check("wire.content-type", WIRE_CONTENT_TYPE, error_fact=WIRE_ERROR_CONTENT_TYPE)
def content_type(exchange: Exchange, body: Any) -> Iterable[WireFinding]:
    """Every answer is ``application/x-amz-json-1.1`` (§10)."""
    raw = exchange.header("content-type")
    if (raw or "").split(";")[0].strip().lower() != JSON_CONTENT_TYPE:
        yield "headers.Content-Type", JSON_CONTENT_TYPE, raw or "<absent>"


@wire_check("wire.request-id", WIRE_REQUEST_ID)
def request_id(exchange: Exchange, body: Any) -> Iterable[WireFinding]:
    """Every answer carries ``x-amzn-RequestId`` (§10)."""
    if not exchange.header("x-amzn-requestid"):
        yield "headers.x-amzn-RequestId", "<present>", "<absent>"


@wire_check("wire.error-status", WIRE_ERROR_STATUS)
def error_status(exchange: Exchange, body: Any) -> Iterable[WireFinding]:
    """Client errors are HTTP 400; only InternalErrorException is a 5xx (§7)."""
    if exchange.is_error and exchange.status != 400 and exchange.error_type() != "InternalErrorException":
        yield "status", 400, exchange.status


@wire_check("wire.error-body", WIRE_ERROR_BODY)
def error_body(exchange: Exchange, body: Any) -> Iterable[WireFinding]:
    """An error body is a JSON object with a string ``__type`` and a string ``message`` (§7)."""
    if not exchange.is_error:
        return
    if not isinstance(body, dict) or not isinstance(body.get("__type"), str):
        yield "$.__type", "<string __type>", _body_text(exchange)
    elif not isinstance(body.get("message"), str):
        # AWS writes a lowercase "message" (§7); "Message" is a different member on the wire.
        yield "$.message", "<string message>", {k: v for k, v in body.items() if k != "__type"}


@wire_check("wire.error-header", WIRE_ERROR_HEADER)
def error_header(exchange: Exchange, body: Any) -> Iterable[WireFinding]:
    """An error answer names its type in ``x-amzn-ErrorType`` too (§7)."""
    if not exchange.is_error:
        return
    error_type = exchange.error_type()
    header = exchange.header("x-amzn-errortype")
    if not header or header.split(":")[0] != (error_type or ""):
        yield "headers.x-amzn-ErrorType", f"{error_type}:", header or "<absent>"


# No miniature of the reference sends such a body; tests/chaos/ runs the suite against one that does.
@wire_check("wire.body-too-large", WIRE_BODY_SIZE, miniature=False)
def body_too_large(exchange: Exchange, body: Any) -> Iterable[WireFinding]:
    """An answer is at most MAX_RESPONSE_BYTES; a larger one was cut there and never parsed."""
    if exchange.too_large:
        yield "$", f"at most {MAX_RESPONSE_BYTES} bytes", f"{exchange.response_size} bytes"


#: The check name of a success whose body is not a JSON object (``[]``, ``"x"``, ``3``, not JSON,
#: empty): nothing in it can be read, so :meth:`Recorder.observe` stops the test on it.
BODY_CHECK = "wire.body"


# No miniature of the reference sends such a body; tests/harness/test_malformed_answers.py shows
# this check classifying each kind of malformed body instead.
@wire_check(BODY_CHECK, WIRE_CONTENT_TYPE, miniature=False)
def body_is_object(exchange: Exchange, body: Any) -> Iterable[WireFinding]:
    """A successful answer is a JSON object, ``{}`` when the output is empty (§10)."""
    if not exchange.is_error and not isinstance(body, dict):
        yield "$", "a JSON object", _body_text(exchange)


@wire_check("wire.timestamp", WIRE_TIMESTAMPS)
def timestamps(exchange: Exchange, body: Any) -> Iterable[WireFinding]:
    """Timestamps are epoch seconds as JSON numbers, never strings (§10)."""
    if exchange.is_error or not isinstance(body, dict):
        return
    for path, value in _timestamps(exchange.operation, body):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            yield path, "epoch seconds (JSON number)", value


#: The wire checks a miniature must show failing (derived from the registry, never listed by hand).
MINIATURE_WIRE_CHECKS: frozenset[str] = frozenset(name for name, c in WIRE_CHECKS.items() if c.miniature)


def wire_divergences(exchange: Exchange) -> list[Divergence]:
    """Run every registered wire check on one raw exchange; one divergence per finding."""
    body = exchange.response_json()
    return [
        Divergence(
            operation=exchange.operation,
            check=check.name,
            path=path,
            expected=expected,
            actual=actual,
            confidence=check.fact_for(exchange).confidence,
            source=check.fact_for(exchange).cite(),
            kind=CheckKind.WIRE,
            evidence=exchange,
        )
        for check in WIRE_CHECKS.values()
        for path, expected, actual in check.run(exchange, body)
    ]


@lru_cache(maxsize=1)
def _service_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("cognito-idp")


@lru_cache(maxsize=512)
def _timestamp_paths(operation: str) -> tuple[tuple[str, ...], ...]:
    """Member paths (as key tuples; ``*`` for list items and map values) of timestamps in an output."""
    try:
        shape = _service_model().operation_model(operation).output_shape
    except Exception:  # noqa: BLE001 - an unknown operation has no known timestamps
        return ()
    paths: list[tuple[str, ...]] = []

    def walk(s: Any, prefix: tuple[str, ...], depth: int) -> None:
        if s is None or depth > 8:
            return
        if s.type_name == "timestamp":
            paths.append(prefix)
        elif s.type_name == "structure":
            for name, member in s.members.items():
                walk(member, prefix + (name,), depth + 1)
        elif s.type_name == "list":
            walk(s.member, prefix + ("*",), depth + 1)
        elif s.type_name == "map":
            walk(s.value, prefix + ("*",), depth + 1)

    walk(shape, (), 0)
    return tuple(paths)


def _timestamps(operation: str, body: dict[str, Any]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for keys in _timestamp_paths(operation):
        stack: list[tuple[Any, str, int]] = [(body, "$", 0)]
        while stack:
            value, path, depth = stack.pop()
            if depth == len(keys):
                out.append((path, value))
                continue
            key = keys[depth]
            if key == "*":
                items = (
                    enumerate(value)
                    if isinstance(value, list)
                    else (value.items() if isinstance(value, dict) else ())
                )
                for k, v in items:
                    stack.append((v, f"{path}[{k}]" if isinstance(k, int) else f"{path}.{k}", depth + 1))
            elif isinstance(value, dict) and key in value:
                stack.append((value[key], f"{path}.{key}", depth + 1))
    return out


def schema_divergences(exchange: Exchange, *, invalid_request: bool, harness: list[str]) -> list[Divergence]:
    """Validate the raw request and response against specs/ (docs/facts.md §0 [BC]).

    Which schema applies is decided once, by :func:`conformance.specs.validate_exchange`; a request
    problem is ours (a harness error), a response problem is a divergence.
    """
    problems = specs.validate_exchange(exchange, request=not invalid_request)
    for problem in problems.request:
        harness.append(f"{exchange.operation} request invalid at {problem.path}: {problem.message}")
    body = exchange.response_json()
    if not isinstance(body, dict) or (exchange.is_error and not exchange.error_type()):
        # A body that is not a JSON object, or an error that names no type, is classified by the
        # wire checks (wire.body, wire.error-body); a schema problem at "$" would say it twice.
        return []
    timestamp_paths = {path for path, _ in _timestamps(exchange.operation, body)}
    found: list[Divergence] = []
    for problem in problems.response:
        if problem.kind == "type" and problem.path in timestamp_paths:
            continue  # already reported as wire.timestamp
        kind = CheckKind.ERRORS if problem.kind in ("undeclared-error", "error-shape") else CheckKind.SHAPE
        fact = SHAPE_MODEL_CONSTRAINT if problem.kind in _RESPONSE_CONSTRAINTS else SHAPE_MODEL
        found.append(
            Divergence(
                operation=exchange.operation,
                check=f"schema.{problem.kind}",
                path=problem.path,
                expected=problem.message,
                actual=_at(body, problem.path),
                confidence=fact.confidence,
                source=fact.cite(),
                kind=kind,
                evidence=exchange,
            )
        )
    return found


def _at(body: Any, path: str) -> Any:
    found, value = get_path(body, path)
    if not found:
        return "<absent>"
    if isinstance(value, (dict, list)):
        return preview(repr(value), 199)
    return value


# --- SRP challenge values (docs/facts.md §1) --------------------------------------------------------

SRP_B_GROUP = fact("auth.srp-b-group-element")
SRP_SALT_FORM = fact("auth.srp-salt-form")
SRP_SECRET_BLOCK_FORM = fact("auth.srp-secret-block-form")
#: B = k*v + g^b mod N is uniform in [1, N): one below 2^(3072-256) turns up with probability
#: 2^-256, so a smaller one is a number that was never reduced into the group or never random.
SRP_B_MIN_BITS = 3072 - 256
#: A SALT of fewer hex digits than this (32 bits) is a constant, not a random salt.
SRP_SALT_MIN_HEX = 8
#: A SECRET_BLOCK that carries a sign-in's state decodes to more than this many bytes.
SRP_SECRET_BLOCK_MIN_BYTES = 16


def _b64decode(value: str) -> bytes | None:
    text = value.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def check_srp_challenge_values(
    check: Recorder, response: Response, path: str = "$.ChallengeParameters"
) -> None:
    """The values of a PASSWORD_VERIFIER challenge are what SRP needs, not merely hex and base64 (§1).

    SRP_B is a group element of N's size class, SALT a random hex string, SECRET_BLOCK base64 of the
    sign-in's state, and not the Session (an endpoint that sends its Session twice has no state to
    recover from the answer, which AWS accepts without a Session). A missing member is the
    challenge test's finding, not these checks'.
    """
    found, parameters = get_path(response.body, path)
    if not found or not isinstance(parameters, dict):
        return
    common: dict[str, Any] = {
        "operation": response.operation,
        "kind": CheckKind.SRP_DEVICES,
        "evidence": response.exchange,
    }
    srp_b = parameters.get("SRP_B")
    if isinstance(srp_b, str) and re.fullmatch(r"[0-9a-fA-F]+", srp_b):
        value = int(srp_b, 16)
        check.that(
            1 < value < SRP_N and value.bit_length() > SRP_B_MIN_BITS,
            check="srp.b-group-element",
            path=f"{path}.SRP_B",
            expected=f"1 < B < N, B of more than {SRP_B_MIN_BITS} bits",
            actual=f"a {value.bit_length()}-bit number" + (" not below N" if value >= SRP_N else ""),
            fact=SRP_B_GROUP,
            **common,
        )
    salt = parameters.get("SALT")
    if isinstance(salt, str) and re.fullmatch(r"[0-9a-fA-F]*", salt):
        check.that(
            len(salt) >= SRP_SALT_MIN_HEX and int(salt or "0", 16) != 0,
            check="srp.salt-random",
            path=f"{path}.SALT",
            expected=f"a non-zero salt of at least {SRP_SALT_MIN_HEX} hex digits",
            actual=salt,
            fact=SRP_SALT_FORM,
            **common,
        )
    block = parameters.get("SECRET_BLOCK")
    if isinstance(block, str):
        decoded = _b64decode(block)
        check.that(
            decoded is not None and len(decoded) > SRP_SECRET_BLOCK_MIN_BYTES,
            check="srp.secret-block-state",
            path=f"{path}.SECRET_BLOCK",
            expected=f"base64 of more than {SRP_SECRET_BLOCK_MIN_BYTES} bytes",
            actual="not base64" if decoded is None else f"{len(decoded)} bytes",
            fact=SRP_SECRET_BLOCK_FORM,
            **common,
        )
        session = response.body.get("Session") if isinstance(response.body, dict) else None
        check.that(
            block != session,
            check="srp.secret-block-not-session",
            path=f"{path}.SECRET_BLOCK",
            expected="opaque state of its own, not the Session",
            actual="the same string as $.Session",
            fact=SRP_SECRET_BLOCK_FORM,
            **common,
        )
