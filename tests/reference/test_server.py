"""The reference as an HTTP server: loopback only, and the API and test controls over real sockets.

Run: ``pytest tests/reference/test_server.py -q``.
"""

from __future__ import annotations

import json
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
