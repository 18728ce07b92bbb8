"""Deliberately wrong endpoints: proof that every kind of check can fail.

Each miniature is a faithful base endpoint with exactly one behaviour broken, after bowtie's
``miniatures``. ``pytest --endpoint=miniature:NAME`` runs the suite against it, and the
self-tests assert that the suite reports the divergence with the check named in ``detects``.
Response-level breaks rewrite the raw answer before botocore parses it (``before-parse``), so
the harness sees exactly what a wrong server would have sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conformance.endpoints import Endpoint

#: (operation, response_dict) -> None; edits status_code / headers / body in place.
Mutation = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class Miniature:
    name: str
    #: what is broken, in one sentence.
    broken: str
    #: the check (Divergence.check, or an outcome) the suite must report on it.
    detects: str
    #: a test (file::name) that must report it.
    test: str
    mutate: Mutation
    base: str = "reference"


MINIATURES: dict[str, Miniature] = {}


def miniature(
    name: str, broken: str, detects: str, test: str, base: str = "reference"
) -> Callable[[Mutation], Mutation]:
    def register(mutate: Mutation) -> Mutation:
        MINIATURES[name] = Miniature(name, broken, detects, test, mutate, base)
        return mutate

    return register


def _set_header(response: dict[str, Any], name: str, value: str | None) -> None:
    headers = response["headers"]
    for key in [k for k in headers if k.lower() == name.lower()]:
        del headers[key]
    if value is not None:
        headers[name] = value


def _json(response: dict[str, Any]) -> Any:
    try:
        return json.loads(response["body"] or b"{}")
    except ValueError:
        return None


def _put_json(response: dict[str, Any], body: Any) -> None:
    response["body"] = json.dumps(body).encode()


@miniature(
    "wrong-content-type",
    "answers with Content-Type application/json",
    "wire.content-type",
    "test_user_pools.py::test_create_user_pool_returns_id_and_arn_in_aws_format",
)
def _wrong_content_type(operation: str, response: dict[str, Any]) -> None:
    _set_header(response, "Content-Type", "application/json")


@miniature(
    "no-request-id",
    "sends no x-amzn-RequestId header",
    "wire.request-id",
    "test_user_pools.py::test_create_user_pool_returns_id_and_arn_in_aws_format",
)
def _no_request_id(operation: str, response: dict[str, Any]) -> None:
    _set_header(response, "x-amzn-RequestId", None)


@miniature(
    "not-authorized-as-403",
    "answers client errors with HTTP 403",
    "wire.error-status",
    "test_user_pools.py::test_describe_unknown_user_pool_is_resource_not_found",
)
def _error_403(operation: str, response: dict[str, Any]) -> None:
    if response["status_code"] == 400:
        response["status_code"] = 403


@miniature(
    "error-without-type",
    "error bodies carry no __type",
    "wire.error-body",
    "test_user_pools.py::test_describe_unknown_user_pool_is_resource_not_found",
)
def _error_without_type(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if response["status_code"] >= 400 and isinstance(body, dict):
        body.pop("__type", None)
        _put_json(response, body)


@miniature(
    "error-header-missing",
    "errors lack the x-amzn-ErrorType header",
    "wire.error-header",
    "test_user_pools.py::test_describe_unknown_user_pool_is_resource_not_found",
)
def _error_header_missing(operation: str, response: dict[str, Any]) -> None:
    if response["status_code"] >= 400:
        _set_header(response, "x-amzn-ErrorType", None)


@miniature(
    "timestamps-as-strings",
    "renders timestamps as ISO 8601 strings",
    "wire.timestamp",
    "test_user_pools.py::test_create_user_pool_returns_id_and_arn_in_aws_format",
)
def _timestamps_as_strings(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if isinstance(body, dict) and isinstance(body.get("UserPool"), dict):
        body["UserPool"]["CreationDate"] = "2026-01-01T00:00:00Z"
        _put_json(response, body)


@miniature(
    "pool-id-wrong-format",
    "gives user pools ids without the region prefix",
    "format",
    "test_user_pools.py::test_create_user_pool_returns_id_and_arn_in_aws_format",
)
def _pool_id_wrong_format(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation == "CreateUserPool" and isinstance(body, dict) and "UserPool" in body:
        body["UserPool"]["Id"] = body["UserPool"]["Id"].split("_", 1)[-1]
        _put_json(response, body)


@miniature(
    "secret-without-generate",
    "returns a ClientSecret for clients created without GenerateSecret",
    "member.absent",
    "test_app_clients.py::test_client_without_generate_secret_has_no_secret",
)
def _secret_without_generate(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation in ("CreateUserPoolClient", "DescribeUserPoolClient") and isinstance(body, dict):
        client = body.get("UserPoolClient")
        if isinstance(client, dict) and "ClientSecret" not in client:
            client["ClientSecret"] = "x" * 51
            _put_json(response, body)


@miniature(
    "wrong-error-code",
    "answers unknown pools with InvalidParameterException",
    "error.code",
    "test_user_pools.py::test_describe_unknown_user_pool_is_resource_not_found",
)
def _wrong_error_code(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if isinstance(body, dict) and str(body.get("__type", "")).endswith("ResourceNotFoundException"):
        body["__type"] = "InvalidParameterException"
        _set_header(response, "x-amzn-ErrorType", "InvalidParameterException:")
        _put_json(response, body)


@miniature(
    "wrong-error-message",
    "words the unknown-pool message differently",
    "error.message",
    "test_user_pools.py::test_describe_unknown_user_pool_is_resource_not_found",
)
def _wrong_error_message(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if isinstance(body, dict) and str(body.get("__type", "")).endswith("ResourceNotFoundException"):
        body["message"] = "Pool not found"
        _put_json(response, body)


@miniature(
    "extra-member",
    "adds an undocumented member to DescribeUserPool",
    "schema.additional-property",
    "test_user_pools.py::test_describe_user_pool_returns_documented_defaults",
)
def _extra_member(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation == "DescribeUserPool" and isinstance(body, dict) and "UserPool" in body:
        body["UserPool"]["InternalShard"] = "a"
        _put_json(response, body)


@miniature(
    "pagination-truncated",
    "ends ListUserPools after the first page (no NextToken)",
    "pagination.complete",
    "test_user_pools.py::test_list_user_pools_pages_to_exhaustion",
)
def _pagination_truncated(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation == "ListUserPools" and isinstance(body, dict) and "NextToken" in body:
        del body["NextToken"]
        _put_json(response, body)


@miniature(
    "describe-client-unimplemented",
    "answers DescribeUserPoolClient with an HTML 500 page",
    "unsupported",
    "test_app_clients.py::test_describe_user_pool_client_returns_what_was_created",
)
def _describe_client_unimplemented(operation: str, response: dict[str, Any]) -> None:
    if operation == "DescribeUserPoolClient":
        response["status_code"] = 500
        _set_header(response, "Content-Type", "text/html")
        response["body"] = b"<html><body>Not yet implemented</body></html>"


def install(endpoint: Endpoint) -> None:
    """Start the miniature's base endpoint and add its mutation to every client."""
    spec = MINIATURES[endpoint.label.split(":", 1)[1]]
    if spec.base == "reference":
        from conformance.reference_transport import install_reference

        install_reference(endpoint)
    else:
        from conformance.endpoints import _start_moto

        _start_moto(endpoint)

    def hook(client: Any) -> None:
        def before_parse(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
            spec.mutate(operation_model.name, response_dict)

        client.meta.events.register_first("before-parse.cognito-idp", before_parse)

    endpoint.client_hooks.append(hook)
    endpoint.version = f"{spec.base} with one break: {spec.broken}"
