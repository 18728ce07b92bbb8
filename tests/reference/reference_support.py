"""Helpers shared by the reference endpoint's unit tests (a unique module name: no conftest clash)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config

from conformance import specs
from conformance.reference import ReferenceApp

PASSWORD = "Corr3ct-Horse!"


class RawBody:
    """The raw stream botocore reads a response body from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data

    def read(self, *_: Any, **__: Any) -> bytes:
        data, self._data = self._data, b""
        return data


def in_process_client(app: ReferenceApp, region: str = "us-east-1") -> Any:
    """A boto3 cognito-idp client whose requests ``app.dispatch`` answers."""
    client = boto3.client(
        "cognito-idp",
        region_name=region,
        endpoint_url="https://cognito-idp.reference.invalid",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )

    def before_send(request: Any, **_: Any) -> AWSResponse:
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        status, response_headers, payload = app.dispatch(headers.get("X-Amz-Target", ""), body, headers)
        return AWSResponse(request.url, status, response_headers, RawBody(payload))

    client.meta.events.register("before-send.cognito-idp", before_send)
    return client


def sign_in(
    cognito: Any, client_id: str, username: str = "alice", password: str = PASSWORD, **extra: str
) -> dict[str, Any]:
    return cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password, **extra},
    )


#: Answers outside the model on purpose: AWS's own SerializationException and unknown-operation
#: errors, and the reference's 501 for operations and members it does not model (fail closed).
_UNMODELLED_ERRORS = {
    "SerializationException",
    "UnknownOperationException",
    "ReferenceUnsupportedOperation",
    "ReferenceUnsupportedParameter",
}


def spec_problems(operation: str, status: int, payload: bytes) -> list[str]:
    body = json.loads(payload)
    if status == 200:
        problems = specs.validate_response(operation, body)
    elif body["__type"] in _UNMODELLED_ERRORS:
        return []
    else:
        problems = specs.validate_error(operation, body["__type"], body)
    # AWS itself returns the standard attribute phone_number_verified (21 chars) in SchemaAttributes,
    # whose Name shape is CustomAttributeNameType (max 20): docs/facts.md §9 [CLI create-user-pool].
    return [
        f"{operation} {p.path}: {p.message}"
        for p in problems
        if not (p.kind == "length" and ".SchemaAttributes[" in p.path)
    ]
