"""The AWS stand-in: the reference server dressed as AWS, for rehearsing ``--endpoint=aws`` offline.

No machine here reaches AWS, so the ``aws`` code path is rehearsed against this server, which behaves
like AWS in the ways that matter to that path. The harness is never told: it is pointed here only
through boto3's own configuration (``AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER``,
``AWS_ENDPOINT_URL_STS``, the standard credential variables), exactly as it would be pointed at AWS.

What it does that the plain reference server does not:

* verifies the SigV4 signature of every API call that AWS signs against one configured key pair,
  botocore computing the expected signature: a request with no signature or an unknown key gets
  ``UnrecognizedClientException``, a wrong signature ``InvalidSignatureException``, both HTTP 400
  with the messages AWS sends (facts ``protocol.auth-unrecognized-client``,
  ``protocol.auth-invalid-signature``). The operations the service model marks ``authtype: none``
  (InitiateAuth, SignUp, GetUser...: a user's own calls, authorised by the app client or the access
  token) are not signed by any SDK and not checked (fact ``protocol.auth-unsigned-operations``);
* answers STS ``GetCallerIdentity`` (query protocol, XML, as AWS does; fact
  ``protocol.sts-caller-identity``) for that key with a fixed 12-digit account, and STS's own errors
  (``InvalidClientTokenId``, ``SignatureDoesNotMatch``, ``MissingAuthenticationToken``) otherwise;
* enforces Cognito's request-rate quotas (the reference's quota mode, ``TooManyRequestsException``);
* waits a configurable service latency before each API answer, so that pacing and wall time are
  realistic;
* holds pools the harness did not create (``FOREIGN_POOLS``), seeded at start, one of them named as
  the harness names its own, so that a clean-up which went by names would be caught;
* serves each pool's JWKS and OpenID configuration (public, unsigned, as on AWS) and hides the
  reference's test controls (``/reference-api/*``): AWS has none.

Usage: ``python -m conformance.reference --aws-stand-in [--latency-ms N] [--access-key-id ..]
[--secret-access-key ..] [--account ..]``.
"""

from __future__ import annotations

import hmac
import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conformance.reference.app import ERRORTYPE_SUFFIX, ReferenceApp
from conformance.reference.clock import SystemClock

#: The stand-in's one key pair and account, unless the command line says otherwise. The key has the
#: shape of an access key id; the account is AWS's documentation example account.
DEFAULT_ACCESS_KEY_ID = "AKIACONFORMANCESTAND"
DEFAULT_SECRET_ACCESS_KEY = "cognito-conformance-stand-in-secret-key-0000"
DEFAULT_ACCOUNT = "111122223333"
#: The service latency added before each API answer, in milliseconds: AWS's own answers take tens of
#: milliseconds, and a rehearsal that answers in microseconds would say nothing of pacing or wall time.
DEFAULT_LATENCY_MS = 40

#: fact ``protocol.auth-unrecognized-client``: no signature, or an access key AWS does not know.
UNRECOGNIZED_CLIENT = (
    "UnrecognizedClientException",
    "The security token included in the request is invalid.",
)
#: fact ``protocol.auth-invalid-signature``: a known key, a signature that does not match.
INVALID_SIGNATURE = (
    "InvalidSignatureException",
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details.",
)
#: STS (query protocol) says the same with its own codes, HTTP 403 (fact ``protocol.sts-caller-identity``).
STS_ERRORS = {
    UNRECOGNIZED_CLIENT[0]: ("InvalidClientTokenId", UNRECOGNIZED_CLIENT[1]),
    INVALID_SIGNATURE[0]: ("SignatureDoesNotMatch", INVALID_SIGNATURE[1]),
    "missing": ("MissingAuthenticationToken", "Request is missing Authentication Token"),
}
STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"

#: Pools in the account before any run: (name, tags). The first is named like a harness pool and
#: carries no harness tag; the second carries tags of its own. Neither may ever be deleted by the harness.
FOREIGN_POOLS: tuple[tuple[str, dict[str, str]], ...] = (
    ("cc-f0f0f0-pool-not-the-harness", {}),
    ("payments-production", {"team": "payments"}),
)


def unsigned_operations() -> frozenset[str]:
    """The cognito-idp operations the service model marks ``authtype: none`` (``smithy.api#noAuth``)."""
    model = botocore.session.get_session().get_service_model("cognito-idp")
    return frozenset(
        name
        for name in model.operation_names
        if model.operation_model(name).auth_type == "none"
        or "smithy.api#noAuth" in (model.operation_model(name).auth or [])
    )


_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),"
    r"\s*Signature=(?P<signature>[0-9a-f]+)\s*$"
)


class AuthFailure(Exception):
    """A request the stand-in refuses before it reaches the service: ``kind`` is the Cognito error code
    (or ``missing``), ``message`` what AWS says."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class AwsStandIn:
    """A WSGI application: signature check, STS, latency, then the reference with quotas.

    Args:
        access_key_id / secret_access_key: the one key pair the account knows.
        account: the 12-digit account of that key (ARNs, GetCallerIdentity).
        region: the Region of pool ids and token issuers.
        latency_ms: the service latency added before each API answer.
    """

    def __init__(
        self,
        *,
        access_key_id: str = DEFAULT_ACCESS_KEY_ID,
        secret_access_key: str = DEFAULT_SECRET_ACCESS_KEY,
        account: str = DEFAULT_ACCOUNT,
        region: str = "us-east-1",
        latency_ms: float = DEFAULT_LATENCY_MS,
    ) -> None:
        if not (account.isdigit() and len(account) == 12):
            raise ValueError(f"the account must be 12 digits (got {account!r})")
        self.access_key_id = access_key_id
        self.credentials = Credentials(access_key_id, secret_access_key)
        self.account = account
        self.region = region
        self.latency = max(latency_ms, 0.0) / 1000.0
        self.unsigned = unsigned_operations()
        self.reference = ReferenceApp(region=region, account_id=account, clock=SystemClock(), quota=True)
        self.foreign_pool_ids = [self._seed(name, tags) for name, tags in FOREIGN_POOLS]

    def _seed(self, name: str, tags: dict[str, str]) -> str:
        """Create a pool the harness did not make, straight through the service (no quota, no latency)."""
        params: dict[str, Any] = {"PoolName": name}
        if tags:
            params["UserPoolTags"] = tags
        result = self.reference.service.create_user_pool(params)
        return str(result["UserPool"]["Id"])

    # ------------------------------------------------------------------ signatures

    def verify(self, method: str, url: str, headers: dict[str, str], body: bytes, service: str) -> None:
        """Check a request's SigV4 signature; raises :class:`AuthFailure` as AWS would answer.

        The expected signature is botocore's, computed over the headers the request says it signed,
        with its own timestamp and credential scope: the stand-in checks the signature, not the
        client's clock.
        """
        lower = {key.lower(): value for key, value in headers.items()}
        match = _AUTHORIZATION.match(lower.get("authorization", ""))
        if match is None:
            raise AuthFailure("missing", UNRECOGNIZED_CLIENT[1])
        key_id, _, scope = match["credential"].partition("/")
        if not hmac.compare_digest(key_id, self.access_key_id):
            raise AuthFailure(*UNRECOGNIZED_CLIENT)
        date, _, rest = scope.partition("/")
        region, _, rest = rest.partition("/")
        scoped_service = rest.partition("/")[0]
        if scoped_service != service:
            raise AuthFailure(
                INVALID_SIGNATURE[0], f"Credential should be scoped to correct service: '{service}'. "
            )
        signed = match["signed"].split(";")
        request = AWSRequest(
            method=method, url=url, headers={name: lower.get(name, "") for name in signed}, data=body
        )
        request.context["timestamp"] = lower.get("x-amz-date", "")
        signer = SigV4Auth(self.credentials, service, region)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if not date or not hmac.compare_digest(expected, match["signature"]):
            raise AuthFailure(*INVALID_SIGNATURE)

    # ------------------------------------------------------------------ answers

    def _cognito_error(self, failure: AuthFailure) -> tuple[int, list[tuple[str, str]], bytes]:
        code = UNRECOGNIZED_CLIENT[0] if failure.kind == "missing" else failure.kind
        payload = json.dumps({"__type": code, "message": failure.message}, separators=(",", ":")).encode()
        return (
            400,
            [
                ("x-amzn-requestid", str(uuid.uuid4())),
                ("Content-Type", "application/x-amz-json-1.1"),
                ("x-amzn-errortype", code + ERRORTYPE_SUFFIX),
                ("Content-Length", str(len(payload))),
            ],
            payload,
        )

    def _sts(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        form = parse_qs(body.decode("utf-8", "replace"))
        action = form.get("Action", [""])[0]
        request_id = str(uuid.uuid4())
        if action != "GetCallerIdentity":
            return _sts_error(
                400, "Sender", "InvalidAction", f"Could not find operation {action}", request_id
            )
        # An IAM user's unique id starts with AIDA; the stand-in's is fixed.
        xml = (
            f'<GetCallerIdentityResponse xmlns="{STS_NAMESPACE}">\n'
            "  <GetCallerIdentityResult>\n"
            f"    <Arn>arn:aws:iam::{self.account}:user/cognito-conformance</Arn>\n"
            "    <UserId>AIDACONFORMANCESTANDIN</UserId>\n"
            f"    <Account>{self.account}</Account>\n"
            "  </GetCallerIdentityResult>\n"
            "  <ResponseMetadata>\n"
            f"    <RequestId>{request_id}</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</GetCallerIdentityResponse>\n"
        ).encode()
        return 200, _xml_headers(xml, request_id), xml

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        if path.startswith("/reference-api/"):
            # AWS has no test controls; the reference's would let a run reset or move the account.
            payload = b'{"message":"Not Found"}'
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [payload]
        if method != "POST":
            # The key sets and OpenID configurations are public on AWS: no signature.
            return self.reference(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers[key.replace("_", "-").lower()] = environ[key]
        is_sts = "x-amz-target" not in headers
        query = environ.get("QUERY_STRING", "")
        url = f"http://{headers.get('host', 'localhost')}{path}" + (f"?{query}" if query else "")
        time.sleep(self.latency)
        operation = headers.get("x-amz-target", "").rpartition(".")[2]
        try:
            if is_sts or operation not in self.unsigned:
                self.verify(method, url, headers, body, "sts" if is_sts else "cognito-idp")
        except AuthFailure as failure:
            if is_sts:
                code, message = STS_ERRORS.get(failure.kind, STS_ERRORS[INVALID_SIGNATURE[0]])
                status, response_headers, payload = _sts_error(
                    403, "Sender", code, message, str(uuid.uuid4())
                )
            else:
                status, response_headers, payload = self._cognito_error(failure)
            start_response(f"{status} Error", response_headers)
            return [payload]
        if is_sts:
            status, response_headers, payload = self._sts(body)
            start_response(f"{status} {'OK' if status == 200 else 'Error'}", response_headers)
            return [payload]
        replay = {**environ, "wsgi.input": _Body(body)}
        return self.reference(replay, start_response)


class _Body:
    """The request body, already read for the signature, handed on to the reference."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, size: int = -1) -> bytes:
        data, self._data = (self._data, b"") if size < 0 else (self._data[:size], self._data[size:])
        return data


def _xml_headers(payload: bytes, request_id: str) -> list[tuple[str, str]]:
    return [
        ("x-amzn-RequestId", request_id),
        ("Content-Type", "text/xml"),
        ("Content-Length", str(len(payload))),
    ]


def _sts_error(status: int, kind: str, code: str, message: str, request_id: str) -> tuple[int, list, bytes]:
    xml = (
        f'<ErrorResponse xmlns="{STS_NAMESPACE}">\n'
        f"  <Error>\n    <Type>{kind}</Type>\n    <Code>{code}</Code>\n"
        f"    <Message>{escape(message)}</Message>\n  </Error>\n"
        f"  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n"
    ).encode()
    return status, _xml_headers(xml, request_id), xml
