"""A recording, answered again (``replay:DIR``): a night's exchanges re-judged offline.

``--record=DIR`` stores every exchange of a run, one file per test (conformance/recording.py). This
endpoint answers each test's calls with that test's recorded answers, in order, so the suite runs its
current checks and oracle on what the recorded endpoint (AWS, at night) said, without reaching it:
a change of the oracle or of a check is tried against real AWS answers on every pull request.

A call the recording does not hold (a test that was not recorded, a call beyond the recorded ones,
another operation than the recorded one at that point) is answered "unsupported" (an HTTP 500 typed
``Unsupported``, with the reason): the test ends as
unsupported, saying why, and is never judged on an answer the endpoint did not give. Placeholders
are turned back into values of their form (conformance/recording.py ``Rehydrator``): tokens are
re-signed with a key made for the replay, whose key set :meth:`ReplayEndpoint.jwks` serves under the
recorded key ids. Time moves as recorded: a test that lets time pass gets the later answers at once.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, cast

import jwt
from botocore.awsrequest import AWSResponse
from cryptography.hazmat.primitives.asymmetric import rsa

from conformance.endpoints.base import Endpoint, EndpointError, RawBody
from conformance.expectations import normalize_test_id
from conformance.recording import CURRENT_TEST_ENV, Rehydrator, load, test_key
from conformance.wire import JSON_CONTENT_TYPE


class ReplayEndpoint(Endpoint):
    """The recorded answers of each test, in order; "unsupported" for anything the recording does not hold."""

    #: a recording of AWS is judged as AWS is (no expectations); of an emulator, with its expectations.
    local = False

    def __init__(self, spec: str, directory: Path, documents: dict[str, dict[str, Any]]) -> None:
        first = next(iter(documents.values()))
        recorded = str(first.get("endpoint", "unknown"))
        super().__init__(
            spec,
            kind="replay",
            label=f"replay:{recorded}",
            implementation=str(first.get("implementation", "unknown")),
            region=str(first.get("region", "us-east-1")),
            version=f"{recorded} recorded {first.get('recorded_at', '?')}",
        )
        self.uses_expectations = bool(first.get("uses_expectations", True))  # type: ignore[misc]
        self.directory = directory
        self.documents = documents
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._kids: set[str] = set()
        #: test id -> (its rehydrator, the next exchange to answer).
        self._cursors: dict[str, tuple[Rehydrator, int]] = {}

    @classmethod
    def connect(cls, spec: str, arg: str, *, region: str, aws_account: str | None) -> ReplayEndpoint:
        directory = Path(arg)
        if not arg or not directory.is_dir():
            raise EndpointError(f"endpoint {spec!r}: replay:DIR needs a folder written by --record=DIR")
        documents = load(directory)
        if not documents:
            raise EndpointError(f"endpoint {spec!r}: {directory} holds no recorded test")
        return cls(spec, directory, documents)

    def start(self) -> None:
        self.client_hooks.append(self._install)

    def _install(self, client: Any) -> None:
        # First: no other handler (moto's mock, if active in this process) may answer instead.
        client.meta.events.register_first("before-send.cognito-idp", self._answer)

    def _sign(self, header: dict[str, Any], claims: dict[str, Any]) -> str:
        kid = str(header.get("kid", "replay"))
        self._kids.add(kid)
        extra = {k: v for k, v in header.items() if k not in ("alg", "kid", "typ")}
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": kid, **extra})

    def _answer(self, request: Any, **_: Any) -> AWSResponse:
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        operation = str(headers.get("X-Amz-Target", "")).rpartition(".")[2]
        # The test in progress, as pytest names it in the environment during each phase: an endpoint
        # is reached by clients, not by the plugin's hooks.
        test = normalize_test_id(test_key(os.environ.get(CURRENT_TEST_ENV, "")))
        document = self.documents.get(test)
        if document is None:
            return _unsupported(
                request, f"replay: {test or 'this call'} is not in the recording {self.directory}"
            )
        rehydrator, index = self._cursors.get(test) or (
            Rehydrator(document, region=self.region, now=time.time(), sign=self._sign),
            0,
        )
        exchanges = document.get("exchanges", [])
        if index >= len(exchanges):
            return _unsupported(request, f"replay: the recording of {test} ends before this {operation} call")
        recorded = exchanges[index]
        if recorded.get("operation") != operation:
            return _unsupported(
                request,
                f"replay: call {index + 1} of {test} is {operation}; the recording has {recorded.get('operation')}",
            )
        self._cursors[test] = (rehydrator, index + 1)
        sent = request.body or b""
        try:
            rehydrator.learn(recorded.get("request"), json.loads(sent) if sent else {})
        except ValueError:
            pass  # a request that is not JSON teaches nothing; its answer is still the recorded one
        body = recorded.get("response")
        if isinstance(body, dict) and set(body) == {"$text"}:
            data = str(rehydrator.value(body["$text"])).encode()
        else:
            data = json.dumps(rehydrator.value(body), separators=(",", ":")).encode()
        response_headers = {
            k: str(rehydrator.value(v)) for k, v in recorded.get("response_headers", {}).items()
        }
        response_headers["content-length"] = str(len(data))
        # AWSResponse wraps any mapping of headers (botocore only reads them by name).
        return AWSResponse(
            request.url, int(recorded.get("status", 200)), cast(Any, response_headers), RawBody(data)
        )

    replays_in_order = True

    def replay_position(self) -> Any:
        test = normalize_test_id(test_key(os.environ.get(CURRENT_TEST_ENV, "")))
        return test, self._cursors.get(test)

    def rewind_replay(self, position: Any) -> None:
        test, cursor = position
        if cursor is None:
            self._cursors.pop(test, None)
        else:
            self._cursors[test] = cursor

    def jwks(self, user_pool_id: str, issuer: str | None = None) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**public, "kid": kid, "alg": "RS256", "use": "sig"} for kid in sorted(self._kids)]}

    def advance_clock(self, seconds: float) -> bool:
        # The recorded answers already carry the time that passed when they were recorded.
        return True

    def reproducer_prologue(self) -> str:
        return (
            f"# replayed from {self.directory}: the recorded endpoint was {self.version}\n"
            f"client = boto3.client('cognito-idp', region_name={self.region!r})"
        )

    def describe(self) -> str:
        return f"{self.label} ({len(self.documents)} recorded tests in {self.directory}; {self.version})"


def _unsupported(request: Any, reason: str) -> AWSResponse:
    # A JSON 500 typed "Unsupported" is how the harness knows an endpoint lacks something, with the reason
    # shown (conformance/calls.py ``is_unsupported``).
    body = json.dumps({"__type": "Replay#Unsupported", "message": reason}).encode()
    headers = {"content-type": JSON_CONTENT_TYPE, "content-length": str(len(body))}
    return AWSResponse(request.url, 500, cast(Any, headers), RawBody(body))
