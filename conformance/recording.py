"""Recordings of a run's exchanges (``--record=DIR``), and their way back into answers (``replay:DIR``).

A recording is one JSON file per test: the date, the endpoint, the test's recorded verdict (its result
lines) and every exchange the test made, set-up and clean-up included, in order. It is meant to be
read in a review and kept in the repository (docs/recordings.md), so what would change from run to
run or must not be published is replaced by placeholders, by named *transformers* in the spirit of
localstack-snapshot's: each finds one kind of value and replaces every occurrence of it, in bodies and
inside other strings, with ``<kind:N>``, the same value with the same placeholder throughout the file.

========================  ======================================================================
transformer               replaces
========================  ======================================================================
``tokens``                JWTs (``<jwt:N>``; header and claims kept, normalised, under ``tokens``)
                          and JWEs (``<jwe:N>``): the signature and any encrypted part are dropped
``secrets``               values of secret members (passwords, SRP values, sessions, client
                          secrets: conformance/redact.py) with ``<secret:KEY:N>``
``timestamps``            epoch seconds of ``...Date`` members and of ``iat``/``exp``/``auth_time``
                          claims, with ``<time:+S>``: seconds after the test's first request
``account-ids``           the 12-digit account of ARNs and issuers (``<account>``)
``pool-ids``              user pool ids (``<pool-id:N>``)
``client-ids``            app client ids, learned from ``ClientId``/``client_id``/``aud`` (``<client-id:N>``)
``uuids``                 UUIDs: subs, request ids, device keys' tails (``<uuid:N>``)
``http-dates``            the ``Date`` header (``<http-date>``)
========================  ======================================================================

:func:`rehydrate` turns a placeholder back into a value of the same form (an id matching AWS's
format, a time relative to now, a JWT re-signed with the replay's own key, a fresh SRP value), so
that a test replayed against the recording (conformance/endpoints/replay.py) runs its checks on
answers shaped like the ones recorded.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any

from conformance import __version__, redact
from conformance.wire import Exchange

FORMAT = 1
TRANSFORMERS = (
    "tokens",
    "secrets",
    "timestamps",
    "account-ids",
    "pool-ids",
    "client-ids",
    "uuids",
    "http-dates",
)
#: The file of a recording that holds the run's verdicts on its set-up calls (no test's own).
SETUP_FILE = "_setup.json"
#: Where pytest names the test in progress, ``<nodeid> (setup|call|teardown)``: the replay endpoint
#: reads it to know whose recorded answers to give.
CURRENT_TEST_ENV = "PYTEST_CURRENT_TEST"

_PLACEHOLDER = re.compile(r"<(jwt|jwe|secret|time|account|pool-id|client-id|uuid|http-date)(?::([^<>]*))?>")
_JWT = re.compile(r"^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_JWE = re.compile(r"^eyJ[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){4}$")
_POOL_ID = re.compile(r"\b([a-z]{2}(?:-[a-z]+)+-\d)_([0-9A-Za-z]{9})\b")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
_ACCOUNT = re.compile(r"(arn:aws:[a-z-]+:[a-z0-9-]*:)(\d{12})(:)")
_TIME_KEYS = re.compile(r"Date$")
_TIME_CLAIMS = frozenset({"iat", "exp", "auth_time", "nbf"})
_CLIENT_KEYS = frozenset({"ClientId", "client_id", "aud"})
#: Response headers worth keeping: the rest (connection, server...) says nothing a check reads.
_KEPT_HEADERS = ("content-type", "x-amzn-requestid", "x-amzn-errortype", "x-amzn-errormessage", "date")
#: The values of ``TokenValidityUnits.{AccessToken,IdToken,RefreshToken}`` (shape TimeUnitsType).
_TIME_UNITS = frozenset({"seconds", "minutes", "hours", "days"})
#: The shortest recorded value a replay swaps for what the test sent instead: shorter ones (a flag, a
#: status) would be swapped inside innocent text.
_MIN_LITERAL = 6
#: Secret members holding hexadecimal numbers, and the length of the fresh value a replay gives them.
_HEX_SECRETS = {"SRP_B": 768, "SRP_A": 768, "SALT": 32}


def test_key(nodeid: str) -> str:
    """The test a recording file belongs to: the node id without pytest's phase suffix."""
    return nodeid.rsplit(" (", 1)[0] if nodeid.endswith(")") else nodeid


def file_name(test: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", test).strip("_")[:180] + ".json"


class Normaliser:
    """The transformers of one test file: each value it meets, replaced consistently."""

    def __init__(self, base_time: float) -> None:
        self.base_time = base_time
        self.tokens: dict[str, dict[str, Any]] = {}
        self._seen: dict[str, dict[str, str]] = {}
        self._clients: set[str] = set()

    def _number(self, kind: str, value: str) -> str:
        table = self._seen.setdefault(kind, {})
        if value not in table:
            table[value] = f"<{kind}:{len(table) + 1}>"
        return table[value]

    def value(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: self.value(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, key) for v in value]
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float):
            if key is not None and (_TIME_KEYS.search(key) or key in _TIME_CLAIMS) and value > 1e9:
                offset = value - self.base_time
                return f"<time:{offset:+.3f}>" if isinstance(value, float) else f"<time:{round(offset):+d}>"
            return value
        if not isinstance(value, str):
            return value
        if key in _CLIENT_KEYS and value:
            self._clients.add(value)
        if _JWE.match(value):
            return self._number("jwe", value)
        if _JWT.match(value):
            return self._token(value)
        if key is not None and redact.is_secret_key(key):
            if value in _TIME_UNITS:
                return value  # TokenValidityUnits names its members after the tokens: a unit, no secret
            # Numbered: two sessions of a test stay two sessions (the oracle tells sign-ins apart by them).
            table = self._seen.setdefault(f"secret:{key}", {})
            if value not in table:
                table[value] = f"<secret:{key}:{len(table) + 1}>"
            return table[value]
        return self.text(value)

    def _token(self, value: str) -> str:
        placeholder = self._number("jwt", value)
        if placeholder not in self.tokens:
            header_part, claims_part, _ = value.split(".")
            self.tokens[placeholder] = {
                "header": self.value(_b64_json(header_part)),
                "claims": self.value(_b64_json(claims_part)),
            }
        return placeholder

    def text(self, text: str) -> str:
        text = _ACCOUNT.sub(lambda m: f"{m.group(1)}<account>{m.group(3)}", text)
        text = _POOL_ID.sub(lambda m: self._number("pool-id", m.group(0)), text)
        for client in sorted(self._clients, key=len, reverse=True):
            if client in text:
                text = text.replace(client, self._number("client-id", client))
        text = _UUID.sub(lambda m: self._number("uuid", m.group(0).lower()), text)
        # The last net (conformance/redact.py): a registered secret inside any other text.
        return redact.redact_text(text)

    def exchange(self, exchange: Exchange, started: float) -> dict[str, Any]:
        request = exchange.request_json()
        body = exchange.response_json()
        headers = {
            k.lower(): ("<http-date>" if k.lower() == "date" else self.text(str(v)))
            for k, v in exchange.response_headers.items()
            if k.lower() in _KEPT_HEADERS
        }
        # The request first: the client id a request names is learned before the answer is read.
        return {
            "operation": exchange.operation,
            "at": f"<time:{started - self.base_time:+.3f}>",
            "request": self.value(request) if request is not None else None,
            "status": exchange.status,
            "retries": exchange.retries,
            "response_headers": headers,
            "response": (
                self.value(body)
                if body is not None
                else {"$text": self.text(exchange.response_body.decode("utf-8", "replace"))}
            ),
        }


def _b64_json(part: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except ValueError:
        return {}


@dataclass
class _TestRecording:
    test: str
    base_time: float
    normaliser: Normaliser
    exchanges: list[dict[str, Any]] = field(default_factory=list)


class Recording:
    """A meter for :attr:`conformance.calls.Cognito.meters`: every answered call, filed under the test in
    progress; :meth:`close` writes one file per test, with the verdicts of the run."""

    def __init__(
        self,
        directory: Path,
        *,
        test_id: Callable[[str], str] = lambda nodeid: nodeid,
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.meta: dict[str, Any] = {
            "endpoint": "unknown",
            "implementation": "unknown",
            "region": "",
            "uses_expectations": True,
            "recorded_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "harness_version": __version__,
            "transformers": list(TRANSFORMERS),
        }
        #: a node id -> the test id of the run's result lines (conformance.expectations.normalize_test_id).
        self._test_id = test_id
        #: the node id of the test in progress (its set-up, call and clean-up), "" between tests.
        self.current = ""
        self._tests: dict[str, _TestRecording] = {}

    def describe_endpoint(
        self, *, label: str, implementation: str, region: str, uses_expectations: bool
    ) -> None:
        """What answered (known once the endpoint started: a URL is identified by its health route);
        a replay is judged as this endpoint was, with its expectations or, for AWS, none."""
        self.meta.update(
            endpoint=label, implementation=implementation, region=region, uses_expectations=uses_expectations
        )

    def __call__(self, response: Any) -> None:
        exchange: Exchange | None = response.exchange
        nodeid = self.current
        if exchange is None or not nodeid:
            return  # outside any test (the run's sweep): nothing a replayed test would ask for
        test = self._test_id(test_key(nodeid))
        now = time.time()
        started = now - exchange.elapsed_ms / 1000.0
        entry = self._tests.get(test)
        if entry is None:
            entry = self._tests[test] = _TestRecording(test, started, Normaliser(started))
        entry.exchanges.append(entry.normaliser.exchange(exchange, started))

    def close(self, results: list[dict[str, Any]]) -> list[Path]:
        """Write the files; ``results`` are the run's result lines (the verdicts a replay reproduces)."""
        verdicts: dict[str, list[list[str]]] = {}
        for line in results:
            verdicts.setdefault(str(line.get("test_id")), []).append(
                [str(line.get("operation")), str(line.get("kind")), str(line.get("outcome"))]
            )
        written = []
        for test, entry in self._tests.items():
            document = {
                "format": FORMAT,
                "test": test,
                **self.meta,
                "results": sorted(verdicts.get(test, [])),
                "exchanges": entry.exchanges,
                "tokens": entry.normaliser.tokens,
            }
            path = self.directory / file_name(test)
            path.write_text(json.dumps(document, indent=1, sort_keys=False) + "\n", encoding="utf-8")
            written.append(path)
        # The set-up calls' verdicts are the run's, not a test's (conformance/session.py): kept apart.
        setup = {test: sorted(lines) for test, lines in verdicts.items() if test not in self._tests}
        if setup and self._tests:
            path = self.directory / SETUP_FILE
            document = {"format": FORMAT, **self.meta, "setup_results": setup}
            path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
            written.append(path)
        return written


def load(directory: Path) -> dict[str, dict[str, Any]]:
    """The recording in ``directory``: test id (``test_pools.py::test_x``) -> its document."""
    documents = {}
    for path in sorted(Path(directory).glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(document, dict) and document.get("format") == FORMAT and "test" in document:
            documents[document["test"]] = document
    return documents


def load_setup(directory: Path) -> dict[str, list[list[str]]]:
    """The recorded run's verdicts on its set-up calls (``setup::<Operation>`` -> result lines)."""
    path = Path(directory) / SETUP_FILE
    return json.loads(path.read_text(encoding="utf-8"))["setup_results"] if path.is_file() else {}


# --- back into answers -----------------------------------------------------------------------------


class Rehydrator:
    """Placeholders of one test file back into values of their form (consistently within the file).

    Args:
        document: the test's recording.
        region: the Region pool ids name.
        now: the time the test's first request is replayed at (recorded times keep their offsets).
        sign: turns a JWT header and claims into a signed token (the replay's own key).
    """

    def __init__(
        self, document: dict[str, Any], *, region: str, now: float, sign: Callable[[dict, dict], str]
    ) -> None:
        self.document = document
        self.region = region
        self.now = now
        self._sign = sign
        self._values: dict[str, Any] = {}
        #: recorded literal -> the value the replayed test sent in its place (names it drew anew).
        self._literals: dict[str, str] = {}

    def learn(self, recorded: Any, sent: Any) -> None:
        """Align a replayed request with the recorded one: what the test sent in place of a recorded
        value is what the answers must echo (a test draws its user names anew each run, and the
        recorded endpoint echoed the names of the recorded run)."""
        if isinstance(recorded, dict) and isinstance(sent, dict):
            for key in recorded.keys() & sent.keys():
                self.learn(recorded[key], sent[key])
        elif isinstance(recorded, list) and isinstance(sent, list):
            for pair in zip(recorded, sent, strict=False):
                self.learn(*pair)
        elif isinstance(recorded, str) and isinstance(sent, str) and recorded != sent:
            whole = _PLACEHOLDER.fullmatch(recorded)
            if whole is not None:
                if whole.group(1) in ("pool-id", "client-id", "uuid"):
                    self._values[recorded] = sent
            elif not _PLACEHOLDER.search(recorded) and len(recorded) >= _MIN_LITERAL:
                self._literals[recorded] = sent

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if not isinstance(value, str):
            return value
        whole = _PLACEHOLDER.fullmatch(value)
        if whole is not None and whole.group(1) == "time":
            return self._time(whole.group(2) or "+0")
        text = _PLACEHOLDER.sub(
            lambda m: str(self._placeholder(m.group(0), m.group(1), m.group(2) or "")), value
        )
        for literal in sorted(self._literals, key=len, reverse=True):
            if literal in text:
                text = text.replace(literal, self._literals[literal])
        return text

    def _time(self, offset: str) -> float | int:
        moment = self.now + float(offset)
        return moment if "." in offset else round(moment)

    def _placeholder(self, text: str, kind: str, detail: str) -> Any:
        if kind == "time":
            return self._time(detail)
        if kind == "http-date":
            return formatdate(self.now, usegmt=True)
        if text in self._values:
            return self._values[text]
        number = int(detail) if detail.isdigit() else len(self._values) + 1
        if kind == "pool-id":
            made: Any = f"{self.region}_RP{number:07d}"
        elif kind == "client-id":
            made = f"replay{number:020d}"
        elif kind == "uuid":
            made = f"{number:08x}-0000-4000-8000-{number:012x}"
        elif kind == "account":
            made = "000000000000"
        elif kind == "jwt":
            token = self.document.get("tokens", {}).get(text, {})
            made = self._sign(self.value(token.get("header", {})), self.value(token.get("claims", {})))
        elif kind == "jwe":
            made = ".".join(_b64url(secrets.token_bytes(n)) for n in (40, 256, 12, 1200, 16))
            made = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ" + made[made.index(".") :]
        elif kind == "secret":
            made = _fresh_secret(detail.partition(":")[0])
        else:
            made = text
        self._values[text] = made
        return made


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _fresh_secret(key: str) -> str:
    """A new value of the form a secret member holds: what the client computes with must parse."""
    if key in _HEX_SECRETS:
        # Leading "1": never zero modulo the SRP group, as a server's B must not be.
        return "1" + secrets.token_hex(_HEX_SECRETS[key] // 2)[1:]
    if key == "SECRET_BLOCK":
        return base64.b64encode(secrets.token_bytes(64)).decode()
    if key == "SecretCode":
        return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")
    if key == "ClientSecret":
        return secrets.token_hex(26)[:51]  # AWS's length, in the model's [\w+]+
    return secrets.token_hex(48)
