"""The reference endpoint as one WSGI application, also callable in-process without sockets.

docs/facts.md §10: ``POST /`` with ``X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`` and
``application/x-amz-json-1.1``; 200 with ``x-amzn-requestid``; operations with empty output answer
``{}``; errors are 400 ``{"__type", "message"}`` with ``x-amzn-errortype`` (§7); timestamps are
epoch seconds with a millisecond fraction. GET routes serve each pool's JWKS and OpenID
configuration (§5) and a health document; ``/reference-api/*`` holds the test controls.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from conformance.reference.clock import Clock, ManualClock, SystemClock
from conformance.reference.errors import CognitoError, invalid_parameter
from conformance.reference.quota import QuotaLimiter
from conformance.reference.service import OPERATIONS, CognitoService
from conformance.reference.validation import RequestValidator, WrongType

VERSION = "0.1.0"
NAME = "cognito-conformance-reference"
TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = "application/x-amz-json-1.1"
#: The namespace real errortype headers carry after the code (clients split on ':').
ERRORTYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazonaws.swbup.service/"

Response = tuple[int, dict[str, str], bytes]

_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
    501: "Not Implemented",
}


class ReferenceApp:
    """A faithful in-memory Cognito user-pools endpoint for the covered operations.

    Subclass and set ``service_class`` to a :class:`CognitoService` subclass that overrides one
    hook (``conformance.reference.service.HOOKS``) to build a miniature wrong endpoint; override
    :meth:`error_response` to break the error wire shape.

    Args:
        region: the Region in ids and ``iss``.
        account_id: the account in ARNs.
        clock: the time source; a :class:`ManualClock` lets tests advance time.
        quota: answer TooManyRequestsException beyond Cognito's documented request rates (§11).
    """

    service_class: type[CognitoService] = CognitoService
    name = NAME
    version = VERSION

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        clock: Clock | None = None,
        quota: bool = False,
    ) -> None:
        self.region = region
        self.account_id = account_id
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.quota_enabled = quota
        self.quota = QuotaLimiter(self.clock)
        self.validator = RequestValidator()
        self.service = self.service_class(region=region, account_id=account_id, clock=self.clock)
        # One lock: requests from the threading server see a consistent state, and in-process
        # callers pay only an uncontended acquire.
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ API

    def reset(self) -> None:
        """Forget all state (pools, users, sessions, tokens, quota windows)."""
        with self._lock:
            self.service.reset()
            self.quota.reset()

    def dispatch(self, target: str, body: bytes, headers: dict[str, str]) -> Response:
        """Answer one API call exactly as the WSGI path would.

        Args:
            target: the raw ``X-Amz-Target`` header value.
            body: the raw JSON request body.
            headers: the request headers (``X-Forwarded-For`` feeds a device's ``last_ip_used``).

        Returns:
            (HTTP status, response headers, raw response body).
        """
        if not target.startswith(TARGET_PREFIX):
            return self.error_response(CognitoError("UnknownOperationException", "Unknown operation"))
        operation = target[len(TARGET_PREFIX) :]
        method_name = OPERATIONS.get(operation)
        if method_name is None:
            if self.validator.operation(operation) is None:
                return self.error_response(CognitoError("UnknownOperationException", "Unknown operation"))
            # Outside the covered surface: 501, which harnesses read as "not implemented".
            return self.error_response(
                CognitoError(
                    "ReferenceUnsupportedOperation",
                    f"The reference endpoint does not implement {operation}",
                    status=501,
                )
            )
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return self.error_response(
                CognitoError("SerializationException", "Could not parse the request body")
            )
        if not isinstance(params, dict):
            return self.error_response(
                CognitoError("SerializationException", "The request body must be an object")
            )
        try:
            if self.quota_enabled:
                # Rates are enforced at the front door: an invalid request still counts (§11.1 counts
                # requests, not successes).
                self.quota.admit(operation, params)
            violations = self.validator.violations(operation, params)
            if violations:
                raise invalid_parameter(RequestValidator.message(violations))
            with self._lock:
                self.service.source_ip = _source_ip(headers)
                result = getattr(self.service, method_name)(params)
                result = self.service.shape_result(operation, result)
        except WrongType as wrong:
            return self.error_response(CognitoError("SerializationException", str(wrong)))
        except CognitoError as error:
            return self.error_response(error)
        except Exception as crash:  # noqa: BLE001 - a reference bug must still answer like a service
            # InternalErrorException is the model's server fault (§7). Only the exception class is
            # named: its text could echo request values, and artifacts must stay free of secrets.
            return self.error_response(
                CognitoError(
                    "InternalErrorException", f"reference endpoint error ({type(crash).__name__})", status=500
                )
            )
        payload = json.dumps(result, separators=(",", ":")).encode()
        return 200, self._headers(payload), payload

    def error_response(self, error: CognitoError) -> Response:
        """The wire form of an error (§7): ``{"__type", "message"}`` and ``x-amzn-errortype``."""
        payload = json.dumps({"__type": error.code, "message": error.message}, separators=(",", ":")).encode()
        headers = self._headers(payload)
        headers["x-amzn-errortype"] = error.code + ERRORTYPE_SUFFIX
        return error.status, headers, payload

    @staticmethod
    def _headers(payload: bytes, content_type: str = CONTENT_TYPE) -> dict[str, str]:
        return {
            "x-amzn-requestid": str(uuid.uuid4()),
            "Content-Type": content_type,
            "Content-Length": str(len(payload)),
        }

    def get(self, path: str) -> Response:
        """Answer a GET route: ``/{poolId}/.well-known/jwks.json``, ``.../openid-configuration``,
        ``/reference-api/health``, ``/reference-api/confirmation-code?poolId=..&username=..`` and
        ``/reference-api/outbox?poolId=..[&username=..]`` (the messages the reference would have sent)."""
        path, _, query = path.partition("?")
        if path == "/reference-api/health":
            return self._json(200, {"ok": True, "name": self.name, "version": self.version})
        if path == "/reference-api/confirmation-code":
            # What the reference would have e-mailed, so ConfirmSignUp can be tested over HTTP.
            params = parse_qs(query)
            code = self.confirmation_code(
                params.get("poolId", [""])[0],
                params.get("username", [""])[0],
                kind=params.get("kind", ["sign-up"])[0],
            )
            return self._json(200 if code else 404, {"code": code})
        if path == "/reference-api/outbox":
            params = parse_qs(query)
            messages = self.outbox_messages(params.get("poolId", [""])[0], params.get("username", [None])[0])
            return self._json(200, {"messages": messages})
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[1] == ".well-known":
            with self._lock:
                pool = self.service.pools.get(parts[0])
                if pool is not None and parts[2] == "jwks.json":
                    return self._json(200, pool.keys.jwks())
                if pool is not None and parts[2] == "openid-configuration":
                    return self._json(200, self._openid_configuration(pool.pool_id))
        return self._json(404, {"message": "Not Found"})

    def _openid_configuration(self, pool_id: str) -> dict[str, Any]:
        issuer = self.service.issuer(pool_id)
        return {
            "issuer": issuer,
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "response_types_supported": ["code", "token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "token_use",
                "cognito:username",
                "email",
                "email_verified",
                "phone_number",
                "phone_number_verified",
            ],
        }

    def post_control(self, path: str, query: str = "") -> Response:
        """The ``/reference-api`` controls: ``reset`` and (manual clock only) ``clock/advance``."""
        if path == "/reference-api/reset":
            self.reset()
            return self._json(200, {"ok": True})
        if path == "/reference-api/clock/advance":
            if not isinstance(self.clock, ManualClock):
                return self._json(404, {"message": "the clock is not manual (start with --manual-clock)"})
            try:
                seconds = float(parse_qs(query).get("seconds", ["0"])[0])
                now = self.clock.advance(seconds)
            except ValueError as error:
                return self._json(400, {"message": str(error)})
            return self._json(200, {"ok": True, "now": now})
        return self._json(404, {"message": "Not Found"})

    def confirmation_code(self, user_pool_id: str, username: str, *, kind: str = "sign-up") -> str | None:
        """The code the reference would have sent: ``kind`` ``sign-up`` (ConfirmSignUp) or
        ``password-reset`` (ConfirmForgotPassword)."""
        with self._lock:
            pool = self.service.pools.get(user_pool_id)
            user = self.service.find_user(pool, username) if pool is not None else None
            if user is None:
                return None
            return user.reset_code if kind == "password-reset" else user.confirmation_code

    def outbox_messages(self, user_pool_id: str, username: str | None = None) -> list[dict[str, Any]]:
        """The e-mails and SMS the reference would have sent in a pool (to one user), oldest first
        (reference/outbox.py)."""
        with self._lock:
            return [message.as_json() for message in self.service.outbox.messages(user_pool_id, username)]

    def _json(self, status: int, document: Any) -> Response:
        payload = json.dumps(document).encode()
        return status, self._headers(payload, "application/json"), payload

    # ------------------------------------------------------------------ WSGI

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        if method == "POST" and path == "/":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            headers = {
                key[5:].replace("_", "-").title(): value
                for key, value in environ.items()
                if key.startswith("HTTP_")
            }
            if environ.get("CONTENT_TYPE"):
                headers["Content-Type"] = environ["CONTENT_TYPE"]
            headers.setdefault("X-Forwarded-For", environ.get("REMOTE_ADDR", "127.0.0.1"))
            status, response_headers, payload = self.dispatch(
                environ.get("HTTP_X_AMZ_TARGET", ""), body, headers
            )
        elif method == "POST" and path.startswith("/reference-api/"):
            status, response_headers, payload = self.post_control(path, environ.get("QUERY_STRING", ""))
        elif method == "GET":
            query = environ.get("QUERY_STRING", "")
            status, response_headers, payload = self.get(f"{path}?{query}" if query else path)
        else:
            status, response_headers, payload = self._json(405, {"message": "Method Not Allowed"})
        start_response(f"{status} {_REASONS.get(status, 'Error')}", list(response_headers.items()))
        return [payload]


def _source_ip(headers: dict[str, str]) -> str:
    for key, value in headers.items():
        if key.lower() == "x-forwarded-for" and value:
            return value.split(",")[0].strip()
    return "127.0.0.1"
