"""Wire evidence: the raw HTTP exchange behind every call, and the protocol checks on it.

boto3's parsed dict hides what matters for conformance (timestamps turned into datetimes,
``__type`` namespaces stripped, unknown keys dropped), so every check that can runs on the raw
status, headers and body recorded here (docs/facts.md §10).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from conformance.redact import redact

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


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

    def response_json(self) -> Any:
        """The response body parsed as JSON, or None when it is not JSON."""
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
        return f"HTTP {self.status} {self.header('content-type') or '-'} {len(self.response_body)} bytes: {redact(body)}"

    def to_json(self) -> dict[str, Any]:
        """Redacted evidence record (bodies as JSON where they parse, else text)."""
        request = self.request_json()
        response = self.response_json()
        return redact(
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
