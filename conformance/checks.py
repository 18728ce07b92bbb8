"""Checks: the per-test recorder of divergences, and the checks every call gets for free.

A test receives a :class:`Recorder` (the ``check`` fixture). Each check method compares one
thing the endpoint returned with what AWS does (a :class:`Fact`), records a
:class:`~conformance.divergence.Divergence` when they differ and returns whether they agreed, so
the test can decide whether it makes sense to go on. Nothing raises until the test ends; then the
plugin weighs the recorded divergences against the endpoint's expectations file.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from conformance.divergence import CheckKind, Divergence

# Fact moved to conformance.facts; re-exported here so `from conformance.checks import Fact` keeps working.
from conformance.facts import Fact, fact
from conformance.wire import JSON_CONTENT_TYPE

if TYPE_CHECKING:
    from conformance.calls import Response
    from conformance.wire import Exchange


class DivergenceFound(AssertionError):
    """Raised by a stateful machine at the step where an unexpected divergence appeared.

    Hypothesis shrinks on it; the plugin reports the divergences it carries, with the calls of the
    (minimal) example that raised it as the reproducer.
    """

    def __init__(self, divergences: list[Divergence]) -> None:
        super().__init__("; ".join(d.key() for d in divergences))
        self.divergences = divergences


WIRE_CONTENT_TYPE = fact("protocol.wire-content-type")
WIRE_REQUEST_ID = fact("protocol.wire-request-id")
WIRE_ERROR_STATUS = fact("protocol.wire-error-status")
WIRE_ERROR_BODY = fact("protocol.wire-error-body")
WIRE_ERROR_HEADER = fact("protocol.wire-error-header")
WIRE_TIMESTAMPS = fact("protocol.wire-timestamps")
SHAPE_MODEL = fact("protocol.shape-model")
#: The model's length, pattern and range traits are input validation: AWS's own answers break them
#: (DescribeUserPool returns the attribute ``phone_number_verified``, 21 characters, where
#: SchemaAttributeType.Name allows 20; see the fact ``protocol.shape-model-constraint``). On
#: responses they are reported, never failing.
SHAPE_MODEL_CONSTRAINT = fact("protocol.shape-model-constraint")
_RESPONSE_CONSTRAINTS = frozenset({"length", "pattern", "range"})


def get_path(value: Any, path: str) -> tuple[bool, Any]:
    """Follow a ``$.A.B[0].C`` path; returns (found, value)."""
    current = value
    for part in re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", path[1:] if path.startswith("$") else path):
        key, index = part
        if key:
            if not isinstance(current, dict) or key not in current:
                return False, None
            current = current[key]
        else:
            i = int(index)
            if not isinstance(current, list) or i >= len(current):
                return False, None
            current = current[i]
    return True, current


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
        #: known divergences of this test on this endpoint (key -> reason), set by the plugin.
        self.expected: dict[str, str] = {}
        self._keys: set[str] = set()

    def reset(self) -> None:
        """Forget everything recorded (a stateful machine starts each example afresh)."""
        self.divergences.clear()
        self.harness_errors.clear()
        self.exchanges.clear()
        self._keys.clear()

    def raise_if_unexpected(self) -> None:
        """For machines: stop the example at the first hard divergence the expectations do not list."""
        unexpected = [d for d in self.divergences if d.confidence.is_hard and d.key() not in self.expected]
        if unexpected:
            raise DivergenceFound(unexpected)

    # -- recording ------------------------------------------------------------------------------

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
        found, actual = get_path(response.body, path)
        return self.that(
            found and actual == expected and type(actual) is type(expected),
            operation=response.operation,
            check=check,
            path=path,
            expected=expected,
            actual=actual if found else "<absent>",
            fact=fact,
            evidence=response.exchange,
            note=note,
        )

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
        found, actual = get_path(response.body, path)
        return self.that(
            found and isinstance(actual, str) and re.fullmatch(pattern, actual) is not None,
            operation=response.operation,
            check=check,
            path=path,
            expected=f"/{pattern}/",
            actual=actual if found else "<absent>",
            fact=fact,
            evidence=response.exchange,
            note=note,
        )

    def present(
        self, response: Response, path: str, fact: Fact, *, check: str = "member.present", note: str = ""
    ) -> bool:
        found, actual = get_path(response.body, path)
        return self.that(
            found and actual is not None,
            operation=response.operation,
            check=check,
            path=path,
            expected="<present>",
            actual=actual if found else "<absent>",
            fact=fact,
            evidence=response.exchange,
            note=note,
        )

    def absent(
        self, response: Response, path: str, fact: Fact, *, check: str = "member.absent", note: str = ""
    ) -> bool:
        found, actual = get_path(response.body, path)
        return self.that(
            not found,
            operation=response.operation,
            check=check,
            path=path,
            expected="<absent>",
            actual=actual,
            fact=fact,
            evidence=response.exchange,
            note=note,
        )

    # -- what every call gets -------------------------------------------------------------------

    def observe(self, response: Response, *, invalid_request: bool = False) -> None:
        """Wire and schema checks on one exchange (run for every call)."""
        exchange = response.exchange
        if response.operation not in self.operations:
            self.operations.append(response.operation)
        if exchange is None:
            return
        self.exchanges.append(exchange)
        for divergence in wire_divergences(exchange):
            self.add(divergence)
        for divergence in schema_divergences(
            exchange, invalid_request=invalid_request, harness=self.harness_errors
        ):
            self.add(divergence)


def _outcome(response: Response) -> str:
    if response.exchange is None:
        return "no answer"
    if response.ok:
        return f"success (HTTP {response.exchange.status})"
    return f"{response.error_code} (HTTP {response.exchange.status}): {response.error_message}"


def _wire(exchange: Exchange, check: str, path: str, expected: Any, actual: Any, fact: Fact) -> Divergence:
    return Divergence(
        operation=exchange.operation,
        check=check,
        path=path,
        expected=expected,
        actual=actual,
        confidence=fact.confidence,
        source=fact.cite(),
        kind=CheckKind.WIRE,
        evidence=exchange,
    )


def wire_divergences(exchange: Exchange) -> list[Divergence]:
    """The protocol checks of aws-behaviour.md §7 and §10 on one raw exchange."""
    found: list[Divergence] = []
    content_type = (exchange.header("content-type") or "").split(";")[0].strip().lower()
    if content_type != JSON_CONTENT_TYPE:
        found.append(
            _wire(
                exchange,
                "wire.content-type",
                "headers.Content-Type",
                JSON_CONTENT_TYPE,
                exchange.header("content-type") or "<absent>",
                WIRE_CONTENT_TYPE,
            )
        )
    if not exchange.header("x-amzn-requestid"):
        found.append(
            _wire(
                exchange,
                "wire.request-id",
                "headers.x-amzn-RequestId",
                "<present>",
                "<absent>",
                WIRE_REQUEST_ID,
            )
        )
    body = exchange.response_json()
    if exchange.is_error:
        error_type = exchange.error_type()
        if exchange.status != 400 and error_type != "InternalErrorException":
            found.append(
                _wire(exchange, "wire.error-status", "status", 400, exchange.status, WIRE_ERROR_STATUS)
            )
        if not isinstance(body, dict) or not isinstance(body.get("__type"), str):
            found.append(
                _wire(
                    exchange,
                    "wire.error-body",
                    "$.__type",
                    "<string __type>",
                    exchange.response_body[:200].decode("utf-8", "replace"),
                    WIRE_ERROR_BODY,
                )
            )
        elif not isinstance(body.get("message"), str):
            # AWS writes a lowercase "message" (§7); "Message" is a different member on the wire.
            found.append(
                _wire(
                    exchange,
                    "wire.error-body",
                    "$.message",
                    "<string message>",
                    {k: v for k, v in body.items() if k != "__type"},
                    WIRE_ERROR_BODY,
                )
            )
        header = exchange.header("x-amzn-errortype")
        if not header or header.split(":")[0] != (error_type or ""):
            found.append(
                _wire(
                    exchange,
                    "wire.error-header",
                    "headers.x-amzn-ErrorType",
                    f"{error_type}:",
                    header or "<absent>",
                    WIRE_ERROR_HEADER,
                )
            )
    elif not isinstance(body, dict):
        found.append(
            _wire(
                exchange,
                "wire.body",
                "$",
                "a JSON object",
                exchange.response_body[:200].decode("utf-8", "replace"),
                WIRE_CONTENT_TYPE,
            )
        )
    else:
        for path, value in _timestamps(exchange.operation, body):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                found.append(
                    _wire(
                        exchange,
                        "wire.timestamp",
                        path,
                        "epoch seconds (JSON number)",
                        value,
                        WIRE_TIMESTAMPS,
                    )
                )
    return found


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
    """Validate the raw request and response against specs/ (aws-behaviour.md §0 [BC])."""
    try:
        from conformance import specs
    except ImportError:  # the specs package is optional until it is generated
        return []
    found: list[Divergence] = []
    if not invalid_request:
        request = exchange.request_json()
        for problem in specs.validate_request(exchange.operation, request if request is not None else {}):
            harness.append(f"{exchange.operation} request invalid at {problem.path}: {problem.message}")
    body = exchange.response_json()
    if exchange.is_error:
        error_type = exchange.error_type()
        if error_type and isinstance(body, dict):
            problems = specs.validate_error(exchange.operation, error_type, body)
        else:
            problems = []
    elif isinstance(body, dict):
        problems = specs.validate_response(exchange.operation, body)
    else:
        problems = []
    timestamp_paths = (
        {path for path, _ in _timestamps(exchange.operation, body)} if isinstance(body, dict) else set()
    )
    for problem in problems:
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
        text = repr(value)
        return text if len(text) < 200 else text[:197] + "..."
    return value
