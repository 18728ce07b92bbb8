"""In-process transport to the reference endpoint: boto3 calls answered without sockets.

A botocore ``before-send`` handler hands the serialized request to the reference application's
``dispatch`` and returns its answer as an ``AWSResponse``; everything else (serialization, the
raw capture, parsing) runs exactly as it does over HTTP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.awsrequest import AWSResponse

if TYPE_CHECKING:
    from conformance.endpoints import Endpoint


class _RawBody:
    """The minimal raw stream botocore reads a response body from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data

    def read(self, *_: Any, **__: Any) -> bytes:
        data, self._data = self._data, b""
        return data


def make_before_send(app: Any) -> Any:
    def before_send(request: Any, **_: Any) -> AWSResponse:
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        target = headers.get("X-Amz-Target", "")
        status, response_headers, response_body = app.dispatch(target, body, headers)
        return AWSResponse(request.url, status, response_headers, _RawBody(response_body))

    return before_send


def install_reference(endpoint: Endpoint, app: Any = None) -> Any:
    """Attach a reference application to ``endpoint`` (a fresh one unless ``app`` is given)."""
    if app is None:
        try:
            from conformance.reference import create_app
            from conformance.reference.clock import OffsetClock
        except ImportError as error:
            from conformance.endpoints import EndpointError

            raise EndpointError(f"the reference endpoint is not available: {error}") from None
        # Time flows as usual, and tests of session and token expiry jump ahead instead of sleeping.
        app = create_app(region=endpoint.region, clock=OffsetClock())
    endpoint.version = f"reference {getattr(app, 'version', '')}".strip()
    endpoint.reference_app = app
    handler = make_before_send(app)

    def hook(client: Any) -> None:
        # First: if moto's mock is active in the same process, its handler would otherwise answer.
        client.meta.events.register_first("before-send.cognito-idp", handler)

    endpoint.client_hooks.insert(0, hook)
    return app


def reference_get(endpoint: Endpoint, path: str) -> bytes:
    """A GET route of the in-process reference (JWKS, OpenID configuration)."""
    status, _, body = endpoint.reference_app.get(path)
    if status != 200:
        raise OSError(f"GET {path} answered {status}")
    return body
