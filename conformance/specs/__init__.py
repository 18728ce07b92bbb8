"""The documented shape of every cognito-idp message, and validation of the raw wire JSON against it.

The schemas under ``conformance/specs/data/`` are generated from botocore's service model (see
:mod:`conformance.specs.generate`) and committed inside the package, so that an installed wheel carries
them; this module reads them through :mod:`importlib.resources`, lazily, once per process,
compiles one validator per file, and turns each schema violation into a :class:`Problem` with the
JSON path of the offending value. Validation runs on ``json.loads`` of the wire body, never on
boto3's parsed dict, which converts timestamps and drops unknown keys (docs/facts.md §10).

A request problem is a harness error (we sent something the model forbids); a response or error
problem is a divergence of the endpoint. Callers decide that; this module only reports.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformance.specs.validation import CompiledSchema, compile_validator, problems_from

if TYPE_CHECKING:
    from conformance.wire import Exchange

__all__ = [
    "Problem",
    "compiled_schema",
    "error_schema",
    "manifest",
    "operations",
    "request_schema",
    "response_schema",
    "seed_operations",
    "seed_surface",
    "sensitive_member_names",
    "specs_data",
    "specs_root",
    "validate_error",
    "validate_exchange",
    "validate_request",
    "validate_response",
]

#: Problem kinds, in the order reports list them.
KINDS = (
    "missing-required",
    "type",
    "enum",
    "pattern",
    "length",
    "range",
    "additional-property",
    "undeclared-error",
    "error-shape",
    "other",
)


@dataclass(frozen=True)
class Problem:
    """One way a message differs from its documented shape.

    Attributes:
        path: JSON path into the wire body, ``$`` for the root, e.g. ``$.UserPool.Policies``.
        message: plain words: what the schema requires and what was found.
        kind: one of :data:`KINDS`.
    """

    path: str
    message: str
    kind: str

    @property
    def minor(self) -> bool:
        """An unknown key is a divergence at a lower severity than a wrong or missing value."""
        return self.kind == "additional-property"


def specs_data() -> Traversable:
    """The committed schemas as package data (``conformance/specs/data/``), for reading.

    Read through :mod:`importlib.resources`, never relative to a checkout: an installed wheel has no
    repository around it.
    """
    return resources.files(__name__).joinpath("data")


def specs_root() -> Path:
    """The same folder as a file-system path, for ``python -m conformance.specs generate|check``.

    Writing needs a real folder: the package must be installed from a checkout (``pip install -e``)
    or into a site-packages folder, which every pip install is; a zipped install has none.
    """
    data = specs_data()
    if not isinstance(data, Path):
        raise RuntimeError(f"conformance.specs is not installed as files on disk ({data!r})")
    return data


_lock = threading.Lock()
_manifest: dict[str, Any] | None = None
_schemas: dict[str, dict[str, Any]] = {}
_validators: dict[str, CompiledSchema] = {}
_seed: dict[str, Any] | None = None


def manifest() -> dict[str, Any]:
    """``data/MANIFEST.json``: botocore version, model sha256, operations, errors, ..."""
    global _manifest
    if _manifest is None:
        _manifest = json.loads(specs_data().joinpath("MANIFEST.json").read_text(encoding="utf-8"))
    return _manifest


def operations() -> list[str]:
    """All PascalCase operation names of the model the specs were generated from."""
    return list(manifest()["operations"])


def seed_surface() -> dict[str, Any]:
    """``data/seed-2016-07-28.json``: the 2016-07-28 release's operations, members and enums."""
    global _seed
    if _seed is None:
        _seed = json.loads(specs_data().joinpath("seed-2016-07-28.json").read_text(encoding="utf-8"))
    return _seed


def seed_operations() -> list[str]:
    """The 24 operations the 2016-07-28 release added (15) or changed (9)."""
    return sorted(seed_surface()["operations"])


def sensitive_member_names() -> frozenset[str]:
    """Member names the model marks sensitive (on the member or its shape), for redaction.

    Not registered with :mod:`conformance.redact` here, so that reading the specs has no side
    effect on other modules; the plugin calls ``redact.register_keys(sensitive_member_names())``.
    """
    return frozenset(manifest()["sensitive_members"])


def _schema_file(relative: str) -> dict[str, Any]:
    if relative not in _schemas:
        path = specs_data().joinpath(*manifest()["schema_dir"].split("/"), *relative.split("/"))
        _schemas[relative] = json.loads(path.read_text(encoding="utf-8"))
    return _schemas[relative]


def _check_operation(operation: str) -> None:
    if operation not in manifest()["operation_errors"]:
        raise KeyError(
            f"{operation!r} is not a cognito-idp operation in the model (see conformance/specs/data/MANIFEST.json)"
        )


def request_schema(operation: str) -> dict[str, Any]:
    """The JSON Schema of ``operation``'s request body."""
    _check_operation(operation)
    return _schema_file(f"operations/{operation}.request.json")


def response_schema(operation: str) -> dict[str, Any]:
    """The JSON Schema of ``operation``'s successful response body."""
    _check_operation(operation)
    return _schema_file(f"operations/{operation}.response.json")


def error_schema(error_type: str) -> dict[str, Any] | None:
    """The JSON Schema of an error body, or None when the model has no such error."""
    if error_type not in set(manifest()["errors"]):
        return None
    return _schema_file(f"errors/{error_type}.json")


def _validator(relative: str) -> CompiledSchema:
    validator = _validators.get(relative)
    if validator is None:
        with _lock:
            validator = _validators.get(relative)
            if validator is None:
                validator = compile_validator(_schema_file(relative))
                _validators[relative] = validator
    return validator


def compiled_schema(operation: str, side: str) -> CompiledSchema:
    """The compiled validator of ``operation``'s ``"request"`` or ``"response"`` schema (cached).

    Raises:
        KeyError: ``operation`` is not in the model.
        ValueError: ``side`` is neither "request" nor "response".
    """
    _check_operation(operation)
    if side not in ("request", "response"):
        raise ValueError(f"side must be 'request' or 'response', not {side!r}")
    return _validator(f"operations/{operation}.{side}.json")


def validate_request(operation: str, body: Any) -> list[Problem]:
    """Problems of a request body the harness sends (each one is a harness error, not a divergence).

    Raises:
        KeyError: ``operation`` is not in the model.
    """
    _check_operation(operation)
    return problems_from(_validator(f"operations/{operation}.request.json"), body, Problem)


def validate_response(operation: str, body: Any) -> list[Problem]:
    """Problems of a successful response body (``json.loads`` of the raw wire bytes).

    Raises:
        KeyError: ``operation`` is not in the model.
    """
    _check_operation(operation)
    return problems_from(_validator(f"operations/{operation}.response.json"), body, Problem)


def validate_error(operation: str, error_type: str, body: Any) -> list[Problem]:
    """Problems of an error response: an error the operation does not declare, and the body's shape.

    Args:
        operation: the operation called.
        error_type: ``__type`` with any ``namespace#`` prefix removed.
        body: ``json.loads`` of the raw error body.

    Raises:
        KeyError: ``operation`` is not in the model.
    """
    _check_operation(operation)
    declared = manifest()["operation_errors"][operation]
    problems: list[Problem] = []
    if error_type not in declared:
        known = (
            "an error the model defines" if error_type in manifest()["errors"] else "not in the model at all"
        )
        problems.append(
            Problem(
                "$.__type",
                f"{operation} does not declare the error {error_type!r} ({known}); "
                f"declared: {', '.join(declared)}",
                "undeclared-error",
            )
        )
    if error_schema(error_type) is None:
        return problems
    for problem in problems_from(_validator(f"errors/{error_type}.json"), body, Problem):
        # Error bodies: every problem is an error-shape divergence, except an unknown key, which
        # keeps its lower severity.
        kind = problem.kind if problem.kind == "additional-property" else "error-shape"
        problems.append(Problem(problem.path, problem.message, kind))
    return problems


@dataclass(frozen=True)
class ExchangeProblems:
    """The problems of one wire exchange, split by side.

    Attributes:
        request: problems of what the harness sent (harness errors).
        response: problems of what the endpoint answered (divergences).
    """

    request: list[Problem]
    response: list[Problem]


def validate_exchange(exchange: Exchange, *, request: bool = True) -> ExchangeProblems:
    """Validate both sides of a recorded exchange (conformance.wire.Exchange) on its raw bytes.

    The one place that decides which schema a message is held to: the request schema, the
    operation's response schema for a success, the error's schema (and the operation's declared
    errors) for an error. ``conformance.checks.schema_divergences`` turns the result into divergences.

    Args:
        exchange: the recorded exchange.
        request: False to skip the request side (a test that sends an invalid request on purpose).
    """
    operation = exchange.operation
    request_body = exchange.request_json()
    if not request:
        request_problems: list[Problem] = []
    elif request_body is None:
        request_problems = [Problem("$", "the request body is not JSON", "type")]
    else:
        request_problems = validate_request(operation, request_body)
    body = exchange.response_json()
    if body is None:
        response = [Problem("$", f"the response body is not JSON (HTTP {exchange.status})", "type")]
    elif exchange.is_error:
        error_type = exchange.error_type()
        if error_type is None:
            response = [Problem("$.__type", "the error response names no error type", "error-shape")]
        else:
            response = validate_error(operation, error_type, body)
    else:
        response = validate_response(operation, body)
    return ExchangeProblems(request_problems, response)
