"""The reference in this process (``reference``), whole or with one behaviour broken (a miniature).

A botocore ``before-send`` handler hands the serialized request to the reference application's
``dispatch`` and returns its answer as an ``AWSResponse``; everything else (serialization, the raw
capture, parsing) runs exactly as it does over HTTP. A miniature (``miniature:NAME``, or
``reference:miniature=NAME``) is the same endpoint built from one entry of
:data:`conformance.reference.miniatures.MINIATURES`: its service overrides one hook, or its answers
are rewritten before botocore parses them.
"""

from __future__ import annotations

import json
from typing import Any, cast

from botocore.awsrequest import AWSResponse

from conformance.endpoints.base import DEFAULT_REGION, Endpoint, EndpointError, RawBody, parse_options
from conformance.reference import CognitoService, ReferenceApp, create_app
from conformance.reference.clock import OffsetClock
from conformance.reference.miniatures import MINIATURES, Miniature

#: Where the reproducer script tells the reader to serve the reference (``python -m conformance.reference``).
REPRODUCER_PORT = 9300


class ReferenceEndpoint(Endpoint):
    """This project's executable spec of AWS, answering in-process; a miniature when ``miniature`` is set."""

    def __init__(
        self, spec: str = "reference", *, region: str = DEFAULT_REGION, miniature: Miniature | None = None
    ) -> None:
        name = "reference" if miniature is None else f"miniature:{miniature.name}"
        super().__init__(spec, kind="reference", label=name, implementation=name, region=region)
        self.miniature = miniature
        #: the reference application answering this endpoint's calls, once started.
        self.app: Any = None

    @classmethod
    def connect(cls, spec: str, arg: str, *, region: str, aws_account: str | None) -> ReferenceEndpoint:
        options = parse_options(spec, arg)
        name = options.pop("miniature", None)
        if options:
            raise EndpointError(f"malformed endpoint {spec!r}: reference takes only miniature=NAME")
        return cls(spec, region=region, miniature=None if name is None else find_miniature(name))

    @classmethod
    def connect_miniature(
        cls, spec: str, arg: str, *, region: str, aws_account: str | None
    ) -> ReferenceEndpoint:
        """``miniature:NAME``: the short spelling of ``reference:miniature=NAME``."""
        return cls(spec, region=region, miniature=find_miniature(arg))

    def start(self) -> None:
        install_reference(self, self._build_app())
        if self.miniature is None:
            return
        self.version = f"reference with one break: {self.miniature.broken}"
        if self.miniature.mutate is not None:
            self.client_hooks.append(_rewrite_answers(self.miniature))

    def _build_app(self) -> ReferenceApp:
        # Time flows as usual, and tests of session and token expiry jump ahead instead of sleeping.
        clock = OffsetClock()
        if self.miniature is None or not self.miniature.hooks:
            return create_app(region=self.region, clock=clock)
        service = type(f"Broken{CognitoService.__name__}", (CognitoService,), dict(self.miniature.hooks))
        app_class = type("MiniatureApp", (ReferenceApp,), {"service_class": service})
        return app_class(region=self.region, clock=clock)

    def jwks(self, user_pool_id: str, issuer: str | None = None) -> dict[str, Any]:
        path = f"/{user_pool_id}/.well-known/jwks.json"
        status, _, body = self.app.get(path)
        if status != 200:
            raise OSError(f"GET {path} answered {status}")
        return json.loads(body)

    def advance_clock(self, seconds: float) -> bool:
        clock = getattr(self.app, "clock", None)
        if clock is None or not hasattr(clock, "advance"):
            return False
        clock.advance(seconds)
        return True

    def delivered_messages(self, user_pool_id: str, username: str) -> list[dict[str, Any]] | None:
        return self.app.outbox_messages(user_pool_id, username)

    def reproducer_prologue(self) -> str:
        return (
            "# in-process reference: serve it with "
            f"`python -m conformance.reference --port {REPRODUCER_PORT}`\n"
            f"client = boto3.client('cognito-idp', region_name={self.region!r}, "
            f"endpoint_url='http://127.0.0.1:{REPRODUCER_PORT}', "
            "aws_access_key_id='testing', aws_secret_access_key='testing')"
        )


def find_miniature(name: str) -> Miniature:
    if name not in MINIATURES:
        raise EndpointError(f"unknown miniature {name!r}; known miniatures: {', '.join(sorted(MINIATURES))}")
    return MINIATURES[name]


def install_reference(endpoint: ReferenceEndpoint, app: ReferenceApp) -> ReferenceApp:
    """Make ``app`` answer every call of ``endpoint``'s clients (a test may bring its own broken app)."""
    endpoint.version = f"reference {getattr(app, 'version', '')}".strip()
    endpoint.app = app
    handler = _answer_in_process(app)

    def hook(client: Any) -> None:
        # First: if moto's mock is active in the same process, its handler would otherwise answer.
        client.meta.events.register_first("before-send.cognito-idp", handler)

    endpoint.client_hooks.insert(0, hook)
    return app


def _answer_in_process(app: ReferenceApp) -> Any:
    def before_send(request: Any, **_: Any) -> AWSResponse:
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        target = headers.get("X-Amz-Target", "")
        status, response_headers, response_body = app.dispatch(target, body, headers)
        # A plain dict serves as botocore's HTTPHeaders here (botocore reads it with .get and items()).
        return AWSResponse(request.url, status, cast(Any, response_headers), RawBody(response_body))

    return before_send


def _rewrite_answers(miniature: Miniature) -> Any:
    """A client hook that applies a miniature's response mutation to every raw answer."""
    mutate = miniature.mutate
    assert mutate is not None

    def hook(client: Any) -> None:
        def before_parse(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
            mutate(operation_model.name, response_dict)

        client.meta.events.register_first("before-parse.cognito-idp", before_parse)

    return hook
