"""Any running emulator at ``http(s)://HOST:PORT``: probed at start, and identified from its health route."""

from __future__ import annotations

import json
import re
import socket
import urllib.parse
import urllib.request
from typing import Any

from conformance.endpoints.base import DEFAULT_REGION, Endpoint, EndpointError, get_json, http_get

#: How long an HTTP endpoint has to answer before we give up with a usage error.
PROBE_SECONDS = 3.0


class UrlEndpoint(Endpoint):
    """A server someone else started (cognito-local, a moto server, a reference server, LocalStack...)."""

    def __init__(self, spec: str, *, url: str, region: str = DEFAULT_REGION) -> None:
        super().__init__(spec, kind="url", label=url, implementation="unknown", url=url, region=region)

    @classmethod
    def connect(cls, spec: str, arg: str, *, region: str, aws_account: str | None) -> UrlEndpoint:
        parsed = urllib.parse.urlsplit(spec)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise EndpointError(f"malformed endpoint URL {spec!r}: expected http(s)://HOST:PORT")
        try:
            parsed.port  # noqa: B018 - raises on a non-numeric port
        except ValueError:
            raise EndpointError(f"malformed endpoint URL {spec!r}: the port is not a number") from None
        if parsed.path not in ("", "/") or parsed.query or parsed.fragment:
            raise EndpointError(f"malformed endpoint URL {spec!r}: Cognito is served at the root path '/'")
        return cls(spec, url=f"{parsed.scheme}://{parsed.netloc}", region=region)

    def start(self) -> None:
        assert self.url is not None
        parsed = urllib.parse.urlsplit(self.url)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            with socket.create_connection((parsed.hostname, port), timeout=PROBE_SECONDS):
                pass
        except OSError as error:
            raise EndpointError(
                f"endpoint {self.url} does not answer within {PROBE_SECONDS:.0f} s "
                f"({error.strerror or error}); start it first, or name another endpoint "
                "(`pytest --help` lists the kinds)"
            ) from None
        self.implementation, self.label, self.version = identify(self.url)

    def jwks(self, user_pool_id: str, issuer: str | None = None) -> dict[str, Any]:
        if issuer and not issuer.startswith("https://cognito-idp.") and issuer.startswith(str(self.url)):
            # cognito-local: ``iss`` is the endpoint itself, and the keys are under it.
            return get_json(issuer.rstrip("/") + "/.well-known/jwks.json")
        return super().jwks(user_pool_id, issuer)

    def advance_clock(self, seconds: float) -> bool:
        # A reference server started with ``--manual-clock`` takes POST /reference-api/clock/advance;
        # any other server runs on real time.
        if self.implementation != "reference":
            return False
        request = urllib.request.Request(
            f"{self.url}/reference-api/clock/advance?seconds={seconds}", data=b"", method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status == 200
        except (OSError, ValueError):
            return False

    def delivered_messages(self, user_pool_id: str, username: str) -> list[dict[str, Any]] | None:
        # The reference server serves its outbox at GET /reference-api/outbox; no other server
        # publishes what it sent.
        if self.implementation != "reference":
            return None
        query = urllib.parse.urlencode({"poolId": user_pool_id, "username": username})
        try:
            document = get_json(f"{self.url}/reference-api/outbox?{query}")
        except (OSError, ValueError):
            return None
        messages = document.get("messages") if isinstance(document, dict) else None
        return messages if isinstance(messages, list) else None


def identify(url: str) -> tuple[str, str, str]:
    """Which implementation serves ``url``: (implementation, label, version), from each one's health route.

    Named only on positive evidence, content that only that implementation serves: the reference's
    name in its health answer, cognito-local's exact ``{"ok":true}``, moto's dashboard. Anything
    else is "unknown".
    """
    status, body = http_get(f"{url}/reference-api/health", PROBE_SECONDS)
    if status == 200:
        try:
            info = json.loads(body)
        except ValueError:
            info = {}
        if isinstance(info, dict) and info.get("name") == "cognito-conformance-reference":
            return "reference", "reference-server", f"reference {info.get('version', '?')}"
    status, body = http_get(f"{url}/health", PROBE_SECONDS)
    if status == 200 and body.strip().replace(b" ", b"") == b'{"ok":true}':
        # docs/emulators.md: cognito-local answers GET /health with {"ok":true}.
        return "cognito-local", "cognito-local", "cognito-local (version not served)"
    status, body = http_get(f"{url}/moto-api/", PROBE_SECONDS)
    if status == 200 and is_moto_dashboard(body):
        return "moto", "moto-server", "moto server (version not served)"
    # No implementation's own identifying answer: judged with no expectations, so that a server
    # that merely answers 200 on a health route has none of its divergences counted as known.
    return "unknown", url, "unknown"


#: The title of moto's dashboard, served by moto server at GET /moto-api/ (moto's own server tests
#: assert it: ``<title>Moto</title>``). Only moto serves it; an arbitrary 200 there is no evidence.
_MOTO_TITLE = re.compile(rb"<title>\s*Moto\s*</title>")


def is_moto_dashboard(body: bytes) -> bool:
    """Whether ``body`` is moto's dashboard page: an HTML document titled "Moto"."""
    return bool(_MOTO_TITLE.search(body))
