"""Helpers shared by the reference endpoint's unit tests (a unique module name: no conftest clash)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config

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
