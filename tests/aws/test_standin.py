"""The AWS stand-in answers as AWS does where the ``aws`` path depends on it: signatures, STS, quotas,
pools it did not create for the harness, public key sets, and no test controls.

Run: ``pytest tests/aws/test_standin.py -q``.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import boto3
import pytest
from aws_support import ACCOUNT
from botocore.config import Config
from botocore.exceptions import ClientError

from conformance.facts import fact
from conformance.reference.standin import (
    DEFAULT_ACCESS_KEY_ID,
    FOREIGN_POOLS,
    INVALID_SIGNATURE,
    UNRECOGNIZED_CLIENT,
    AwsStandIn,
    unsigned_operations,
)

ONE_ATTEMPT = Config(retries={"total_max_attempts": 1})


def _error(call) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


def test_the_messages_are_the_catalogue_s():
    assert UNRECOGNIZED_CLIENT[1] in fact("protocol.auth-unrecognized-client").statement
    assert INVALID_SIGNATURE[1] in fact("protocol.auth-invalid-signature").statement


def test_a_signed_call_with_the_key_pair_is_answered(cognito):
    names = {p["Name"] for p in cognito.list_user_pools(MaxResults=60)["UserPools"]}
    assert {name for name, _ in FOREIGN_POOLS} <= names


def test_a_wrong_secret_is_an_invalid_signature(aws_env):
    client = boto3.session.Session(
        aws_secret_access_key="not-the-secret", aws_access_key_id=DEFAULT_ACCESS_KEY_ID
    ).client("cognito-idp", config=ONE_ATTEMPT)
    assert _error(lambda: client.list_user_pools(MaxResults=1)) == (400, *INVALID_SIGNATURE)


def test_an_unknown_key_is_an_unrecognized_client(aws_env):
    client = boto3.session.Session(
        aws_access_key_id="AKIANOTKNOWNHERE0000", aws_secret_access_key="x"
    ).client("cognito-idp", config=ONE_ATTEMPT)
    assert _error(lambda: client.describe_user_pool(UserPoolId="us-east-1_abc")) == (
        400,
        *UNRECOGNIZED_CLIENT,
    )


def test_an_unsigned_call_is_an_unrecognized_client(stand_in):
    request = urllib.request.Request(
        stand_in + "/",
        data=b'{"MaxResults": 1}',
        headers={
            "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    assert raised.value.code == 400
    assert json.loads(raised.value.read()) == {
        "__type": UNRECOGNIZED_CLIENT[0],
        "message": UNRECOGNIZED_CLIENT[1],
    }
    assert raised.value.headers["x-amzn-errortype"].startswith(UNRECOGNIZED_CLIENT[0] + ":")


def test_operations_aws_leaves_unsigned_need_no_signature(stand_in, aws_env):
    """InitiateAuth is sent unsigned by every SDK (authtype none): a wrong key there is no error."""
    assert {"InitiateAuth", "RespondToAuthChallenge", "SignUp", "GetUser"} <= unsigned_operations()
    assert "AdminInitiateAuth" not in unsigned_operations()
    client = boto3.session.Session(
        aws_access_key_id="AKIANOTKNOWNHERE0000", aws_secret_access_key="x"
    ).client("cognito-idp", config=ONE_ATTEMPT)
    status, code, _ = _error(
        lambda: client.initiate_auth(
            ClientId="nosuchclient0000000000000",
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "u"},
        )
    )
    assert code not in (UNRECOGNIZED_CLIENT[0], INVALID_SIGNATURE[0])


def test_sts_get_caller_identity_names_the_account(aws_env):
    identity = boto3.session.Session().client("sts").get_caller_identity()
    assert identity["Account"] == ACCOUNT
    assert identity["Arn"].startswith(f"arn:aws:iam::{ACCOUNT}:")


def test_sts_answers_in_xml_as_aws_does(stand_in, aws_env):
    client = boto3.session.Session().client("sts")
    raw: list[bytes] = []
    client.meta.events.register(
        "after-call.sts.GetCallerIdentity", lambda http_response, **_: raw.append(http_response)
    )
    client.get_caller_identity()
    (response,) = raw
    assert response.headers["Content-Type"] == "text/xml"
    body = response.content.decode()
    assert body.startswith('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">')
    assert f"<Account>{ACCOUNT}</Account>" in body and "<RequestId>" in body


@pytest.mark.parametrize(
    ("key", "secret", "code"),
    [
        ("AKIANOTKNOWNHERE0000", "x", "InvalidClientTokenId"),
        (DEFAULT_ACCESS_KEY_ID, "not-the-secret", "SignatureDoesNotMatch"),
    ],
)
def test_sts_refuses_with_its_own_codes(aws_env, key, secret, code):
    sts = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret).client(
        "sts", config=ONE_ATTEMPT
    )
    status, got, _ = _error(sts.get_caller_identity)
    assert (status, got) == (403, code)


def test_requests_are_throttled_past_the_quota(cognito):
    """UserPoolRead is 15 per second per account: a burst past it meets TooManyRequestsException."""
    codes = []
    client = boto3.session.Session().client("cognito-idp", config=ONE_ATTEMPT)
    for _ in range(30):
        try:
            client.list_user_pools(MaxResults=1)
            codes.append("ok")
        except ClientError as error:
            codes.append(error.response["Error"]["Code"])
            assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "TooManyRequestsException" in codes
    time.sleep(1.1)  # the next test starts with a fresh window


def test_the_reference_controls_are_hidden(stand_in):
    for path in ("/reference-api/health", "/reference-api/reset"):
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(
                urllib.request.Request(stand_in + path, method="POST" if "reset" in path else "GET")
            )
        assert raised.value.code == 404


def test_key_sets_are_public(stand_in, cognito):
    pool_id = cognito.list_user_pools(MaxResults=60)["UserPools"][0]["Id"]
    with urllib.request.urlopen(f"{stand_in}/{pool_id}/.well-known/jwks.json", timeout=5) as response:
        keys = json.loads(response.read())["keys"]
    assert keys and all(key["alg"] == "RS256" for key in keys)


def test_latency_is_added_before_each_answer():
    app = AwsStandIn(latency_ms=60)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "CONTENT_LENGTH": "2",
        "wsgi.input": __import__("io").BytesIO(b"{}"),
        "HTTP_X_AMZ_TARGET": "AWSCognitoIdentityProviderService.ListUserPools",
    }
    started = time.perf_counter()
    app(environ, lambda status, headers: None)
    assert time.perf_counter() - started >= 0.06


def test_the_account_must_be_twelve_digits():
    with pytest.raises(ValueError, match="12 digits"):
        AwsStandIn(account="1234")
