"""Wire evidence: the raw HTTP exchange behind every call, and the protocol checks on it.

boto3's parsed dict hides what matters for conformance (timestamps turned into datetimes,
``__type`` namespaces stripped, unknown keys dropped), so every check that can runs on the raw
status, headers and body recorded here (docs/facts.md §10).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from conformance.redact import redact

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"

#: The largest response body the harness reads. No Cognito answer comes near it (list operations
#: return a page of at most 60 items, docs/facts.md "protocol.wire-body-size"); a larger one is the
#: divergence ``wire.body-too-large``, and only this much of it (plus one byte, to tell) is held in
#: memory (conformance/endpoints/base.py bounds botocore's read).
MAX_RESPONSE_BYTES = 1024 * 1024
#: The most of one body kept as evidence in a record (after redaction); the full size and a sha256 of
#: what was received are recorded beside it, so a run's artifacts stay bounded whatever the endpoint sends.
EVIDENCE_BODY_BYTES = 64 * 1024


def capped(value: Any, limit: int = EVIDENCE_BODY_BYTES) -> Any:
    """``value`` itself when its JSON text fits in ``limit`` bytes, else a bounded stand-in.

    Call it on what is already redacted: cutting first could leave half a secret that redaction no
    longer recognises. The stand-in keeps the head of the text, the full size and its sha256: a
    string stays a string (the head with a note), anything else becomes an object saying so.
    """
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    data = text.encode("utf-8", "replace")
    if len(data) <= limit:
        return value
    if isinstance(value, str):
        head = data[:limit].decode("utf-8", "ignore")
        return f"{head}... [truncated: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}]"
    return {
        "truncated": True,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "head": data[:limit].decode("utf-8", "ignore"),
    }


@dataclass
class Exchange:
    """One request and its response, as bytes on the wire."""

    operation: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes
    elapsed_ms: float
    url: str = ""
    #: throttling retries made before this exchange (counted apart, never hidden).
    retries: int = 0
    #: the response's size as the endpoint announced it (Content-Length) or as read, when the body
    #: was cut at :data:`MAX_RESPONSE_BYTES`; None when the whole body is in ``response_body``.
    response_size: int | None = None
    _parsed: Any = field(default=None, repr=False, compare=False)

    @property
    def target(self) -> str:
        return self.header("x-amz-target", request=True) or ""

    def header(self, name: str, *, request: bool = False) -> str | None:
        headers = self.request_headers if request else self.response_headers
        lowered = name.lower()
        for key, value in headers.items():
            if key.lower() == lowered:
                return value
        return None

    def request_json(self) -> Any:
        try:
            return json.loads(self.request_body or b"{}")
        except ValueError:
            return None

    @property
    def too_large(self) -> bool:
        """Whether the body was larger than :data:`MAX_RESPONSE_BYTES` (and so cut, and never parsed)."""
        return self.response_size is not None and self.response_size > MAX_RESPONSE_BYTES

    @classmethod
    def bounded_body(cls, body: bytes, announced: str | None) -> tuple[bytes, int | None]:
        """(what the harness keeps of a received body, its size when it had to be cut, else None)."""
        if len(body) <= MAX_RESPONSE_BYTES:
            return body, None
        size = int(announced) if announced and announced.isdigit() else len(body)
        return body[: MAX_RESPONSE_BYTES + 1], max(size, len(body))

    def response_json(self) -> Any:
        """The response body parsed as JSON, or None when it is not JSON (or too large to be read)."""
        if self.too_large:
            return None
        if self._parsed is None:
            try:
                self._parsed = json.loads(self.response_body) if self.response_body else None
            except ValueError:
                self._parsed = None
        return self._parsed

    @property
    def is_error(self) -> bool:
        return self.status >= 300

    def error_type(self) -> str | None:
        """The error code as AWS clients read it: ``__type`` without namespace, else the header.

        [ACIJ Client.js]: ``(data.__type || data.code).split('#').pop()``, falling back to
        ``x-amzn-errortype`` split on ``:``.
        """
        body = self.response_json()
        if isinstance(body, dict):
            raw = body.get("__type") or body.get("code")
            if isinstance(raw, str) and raw:
                return raw.split("#")[-1]
        header = self.header("x-amzn-errortype")
        if header:
            return header.split(":")[0]
        return None

    def error_message(self) -> str | None:
        body = self.response_json()
        if isinstance(body, dict):
            for key in ("message", "Message"):
                if isinstance(body.get(key), str):
                    return body[key]
        return None

    def summary(self) -> str:
        body = self.response_body[:300].decode("utf-8", "replace")
        size = self.response_size if self.response_size is not None else len(self.response_body)
        return f"HTTP {self.status} {self.header('content-type') or '-'} {size} bytes: {redact(body)}"

    def to_json(self) -> dict[str, Any]:
        """Redacted evidence record (bodies as JSON where they parse, else text), each body capped.

        Redacted first, then cut (:func:`capped`): a body over :data:`EVIDENCE_BODY_BYTES` becomes its
        head, its size and its sha256.
        """
        request = self.request_json()
        response = self.response_json()
        record = redact(
            {
                "operation": self.operation,
                "url": self.url,
                "request": {
                    "headers": dict(self.request_headers),
                    "body": request if request is not None else self.request_body.decode("utf-8", "replace"),
                },
                "response": {
                    "status": self.status,
                    "headers": dict(self.response_headers),
                    "body": response
                    if response is not None
                    else self.response_body.decode("utf-8", "replace"),
                },
                "elapsed_ms": round(self.elapsed_ms, 3),
                "retries": self.retries,
            }
        )
        record["request"]["body"] = capped(record["request"]["body"])
        record["response"]["body"] = capped(record["response"]["body"])
        if self.response_size is not None:
            record["response"]["size"] = self.response_size
            record["response"]["received_sha256"] = hashlib.sha256(self.response_body).hexdigest()
        return record
