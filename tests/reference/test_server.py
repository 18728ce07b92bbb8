"""The reference as an HTTP server: loopback only, and the API and test controls over real sockets.

Run: ``pytest tests/reference/test_server.py -q``.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from reference_support import sign_in

from conformance.reference.__main__ import is_loopback
from conformance.reference.child import served as served_reference

REPO = Path(__file__).resolve().parents[2]


def test_only_loopback_hosts_are_served() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    refused = subprocess.run(
        [sys.executable, "-m", "conformance.reference", "--host", "0.0.0.0", "--port", "0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0 and "refusing to bind" in refused.stderr


@pytest.fixture
def served() -> Any:
    with served_reference("--manual-clock") as url:
        yield url


def test_over_http(served: str) -> None:
    health = json.loads(urllib.request.urlopen(f"{served}/reference-api/health", timeout=5).read())
    assert health["ok"] is True
    cognito = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=served,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )
    pool_id = cognito.create_user_pool(PoolName="http")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(
        UserPoolId=pool_id, Username="bob", TemporaryPassword="Temp-0rary!", MessageAction="SUPPRESS"
    )
    challenge = sign_in(cognito, client_id, username="bob", password="Temp-0rary!")
    advanced = urllib.request.urlopen(
        urllib.request.Request(f"{served}/reference-api/clock/advance?seconds=200", method="POST"), timeout=5
    )
    assert json.loads(advanced.read())["ok"] is True
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": "N3w-Password!"},
        )
    assert caught.value.response["Error"]["Message"] == "Invalid session for the user, session is expired."
    jwks = json.loads(urllib.request.urlopen(f"{served}/{pool_id}/.well-known/jwks.json", timeout=5).read())
    assert len(jwks["keys"]) == 2
    reset = urllib.request.urlopen(
        urllib.request.Request(f"{served}/reference-api/reset", method="POST"), timeout=5
    )
    assert json.loads(reset.read())["ok"] is True
    with pytest.raises(ClientError):
        cognito.describe_user_pool(UserPoolId=pool_id)
    started = time.perf_counter()
    cognito.list_user_pools(MaxResults=1)
    assert time.perf_counter() - started < 5


_LIST = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools",
}


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_one_connection_carries_many_requests(served: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", _port(served), timeout=5)
    try:
        connection.request("POST", "/", body=b'{"MaxResults": 1}', headers=_LIST)
        # Kept open: the same socket answers the next requests (a closed one would be reconnected by
        # http.client; the socket object tells).
        sock = connection.sock
        first = connection.getresponse()
        assert first.version == 11 and not first.will_close
        assert first.getheader("Content-Length") == str(len(first.read()))
        for method, path in (("GET", "/reference-api/health"), ("POST", "/"), ("PUT", "/")):
            body = b'{"MaxResults": 1}' if method == "POST" else None
            connection.request(method, path, body=body, headers=_LIST if method == "POST" else {})
            answer = connection.getresponse()
            payload = answer.read()
            assert answer.getheader("Content-Length") == str(len(payload))
            assert connection.sock is sock
        assert answer.status == 405  # the application's answer to PUT, on the same connection
    finally:
        connection.close()


def test_connection_close_and_http_1_0_clients_are_answered_then_closed(served: str) -> None:
    with socket.create_connection(("127.0.0.1", _port(served)), timeout=5) as sock:
        sock.sendall(b"GET /reference-api/health HTTP/1.0\r\nHost: x\r\n\r\n")
        answer = _read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200") and b"Connection: close" in answer
    head, _, body = answer.partition(b"\r\n\r\n")
    assert f"Content-Length: {len(body)}".encode() in head
    with socket.create_connection(("127.0.0.1", _port(served)), timeout=5) as sock:
        sock.sendall(b"GET /reference-api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert b'"ok": true' in _read_until_closed(sock)


def test_an_unread_request_body_does_not_leak_into_the_next_request(served: str) -> None:
    # The application never reads a GET's body; the server must, or the body would be parsed as
    # the next request line.
    connection = http.client.HTTPConnection("127.0.0.1", _port(served), timeout=5)
    try:
        connection.request("GET", "/reference-api/health", body=b"POST / HTTP/1.1\r\n\r\n")
        assert connection.getresponse().read()
        connection.request("GET", "/reference-api/health")
        assert json.loads(connection.getresponse().read())["ok"] is True
    finally:
        connection.close()


def test_a_chunked_request_is_refused_and_the_connection_closed(served: str) -> None:
    with socket.create_connection(("127.0.0.1", _port(served)), timeout=5) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        answer = _read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 411") and b"Connection: close" in answer


def test_the_aws_stand_in_keeps_connections_alive_too() -> None:
    with served_reference("--aws-stand-in", "--latency-ms", "0") as url:
        connection = http.client.HTTPConnection("127.0.0.1", _port(url), timeout=5)
        try:
            for _ in range(2):
                # Its /reference-api answer sets no length of its own: the server states it.
                connection.request("GET", "/reference-api/health")
                answer = connection.getresponse()
                assert answer.status == 404 and not answer.will_close
                assert answer.getheader("Content-Length") == str(len(answer.read()))
        finally:
            connection.close()


def _read_until_closed(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)
