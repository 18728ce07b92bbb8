"""Tests of ``conformance.crypto.tokens`` (parsing, verification) and ``conformance.token_checks``.

Tokens are signed here with generated RSA keys (PyJWT), shaped like AWS's (docs/facts.md §5).
Every check in ``check_token_claims`` is made to fail at least once; a malformed key set or token
is a classified error, never a traceback. Run only these::

    pytest tests/crypto/test_crypto_tokens.py -q
"""

from __future__ import annotations

import base64
import copy
import io
import json
import socket
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from conformance import token_checks
from conformance.crypto import tokens
from conformance.divergence import CheckKind, Confidence, Divergence
from conformance.endpoints import Endpoint
from conformance.endpoints import parse as parse_endpoint
from conformance.endpoints.aws import AwsEndpoint
from conformance.facts import fact

REGION = "eu-west-2"
POOL_ID = "eu-west-2_AbCdEfGhI"
CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado"
USERNAME = "7325c1de-b05b-4f84-b321-9adc6e61f4a2"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"
NOW = 1_767_225_600


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


ID_KEY, ACCESS_KEY, FOREIGN_KEY = _rsa_key(), _rsa_key(), _rsa_key()


def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


JWKS = {"keys": [_jwk(ID_KEY, "id-kid"), _jwk(ACCESS_KEY, "access-kid")]}


def _sign(claims: dict[str, Any], key: rsa.RSAPrivateKey, kid: str) -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _sign_in(origin_jti: str | None = None, *, auth_time: int = NOW) -> tuple[dict, dict]:
    """Claims of one AWS sign-in (§5: DG examples, MOTO-V)."""
    origin = origin_jti or str(uuid.uuid4())
    shared = {"sub": USERNAME, "iss": ISSUER, "auth_time": auth_time, "iat": NOW, "exp": NOW + 3600}
    id_claims = {
        **shared,
        "aud": CLIENT_ID,
        "token_use": "id",
        "cognito:username": USERNAME,
        "email": "alice@example.com",
        "email_verified": True,
        "custom:tier": "3",
        "event_id": str(uuid.uuid4()),
        "jti": str(uuid.uuid4()),
        "origin_jti": origin,
    }
    access_claims = {
        **shared,
        "client_id": CLIENT_ID,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "username": USERNAME,
        "cognito:groups": ["admins"],
        "device_key": "eu-west-2_a1b2c3d4-5678-90ab-cdef-000000000001",
        "jti": str(uuid.uuid4()),
        "origin_jti": origin,
    }
    return id_claims, access_claims


AUTH_RESULT = {"ExpiresIn": 3600, "TokenType": "Bearer"}


# --- verify_token ------------------------------------------------------------------------------


def test_genuine_tokens_verify() -> None:
    id_claims, access_claims = _sign_in()
    id_token = _sign(id_claims, ID_KEY, "id-kid")
    access_token = _sign(access_claims, ACCESS_KEY, "access-kid")
    assert (
        tokens.verify_token(id_token, JWKS, token_use="id", client_id=CLIENT_ID, issuer=ISSUER, now=NOW)
        == id_claims
    )
    verified = tokens.verify_token(
        access_token, JWKS, token_use="access", client_id=CLIENT_ID, issuer=ISSUER, now=NOW + 10
    )
    assert verified == access_claims


def _reject(token: str, *, token_use: str = "access", **kwargs: Any) -> str:
    with pytest.raises(tokens.TokenRejected) as rejected:
        tokens.verify_token(token, JWKS, token_use=token_use, now=kwargs.pop("now", NOW), **kwargs)
    return rejected.value.reason


def _b64url(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_forged_payload_is_caught() -> None:
    _, access_claims = _sign_in()
    header, _, signature = _sign(access_claims, ACCESS_KEY, "access-kid").split(".")
    forged = {**access_claims, "username": "mallory"}
    assert _reject(f"{header}.{_b64url(forged)}.{signature}") == "bad-signature"


def test_expired_token_is_caught() -> None:
    _, access_claims = _sign_in()
    token = _sign(access_claims, ACCESS_KEY, "access-kid")
    assert _reject(token, now=NOW + 3600) == "expired"
    assert _reject(token, now=NOW + 3599 + 3600, leeway=3599) == "expired"
    tokens.verify_token(token, JWKS, token_use="access", now=NOW + 3600, leeway=60)


def test_token_from_a_foreign_key_is_caught() -> None:
    _, access_claims = _sign_in()
    assert _reject(_sign(access_claims, FOREIGN_KEY, "access-kid")) == "bad-signature"
    assert _reject(_sign(access_claims, FOREIGN_KEY, "foreign-kid")) == "unknown-kid"
    # The ID key is in the set, but the header names the access key.
    assert _reject(_sign(access_claims, ID_KEY, "access-kid")) == "bad-signature"


def test_algorithm_is_not_the_tokens_choice() -> None:
    _, access_claims = _sign_in()
    unsigned = f"{_b64url({'alg': 'none', 'kid': 'access-kid'})}.{_b64url(access_claims)}."
    assert _reject(unsigned) == "wrong-algorithm"
    hs256 = jwt.encode(
        access_claims, "access-kid-secret-long-enough-32b", algorithm="HS256", headers={"kid": "access-kid"}
    )
    assert _reject(hs256) == "wrong-algorithm"
    no_kid = jwt.encode(access_claims, ACCESS_KEY, algorithm="RS256")
    assert _reject(no_kid) == "unknown-kid"


def test_key_set_entry_must_be_an_rs256_rsa_key() -> None:
    _, access_claims = _sign_in()
    token = _sign(access_claims, ACCESS_KEY, "access-kid")
    wrong_alg = {"keys": [{**_jwk(ACCESS_KEY, "access-kid"), "alg": "RS512"}]}
    with pytest.raises(tokens.TokenRejected) as rejected:
        tokens.verify_token(token, wrong_alg, token_use="access", now=NOW)
    assert rejected.value.reason == "wrong-algorithm"


@pytest.mark.parametrize(
    ("token_use", "change", "kwargs", "reason"),
    [
        ("id", {}, {"client_id": "someone-else"}, "wrong-client"),
        ("access", {}, {"client_id": "someone-else"}, "wrong-client"),
        ("access", {"client_id": None}, {"client_id": CLIENT_ID}, "wrong-client"),
        ("access", {}, {"issuer": "https://cognito-idp.us-east-1.amazonaws.com/x"}, "wrong-issuer"),
        ("id", {"token_use": "access"}, {}, "wrong-token-use"),
        ("access", {"token_use": None}, {}, "missing-claim"),
        ("access", {"exp": None}, {}, "missing-claim"),
        ("access", {"exp": "soon"}, {}, "malformed"),
        ("access", {"iat": NOW + 600}, {}, "issued-in-future"),
    ],
)
def test_claim_level_rejections(
    token_use: str, change: dict[str, Any], kwargs: dict[str, Any], reason: str
) -> None:
    id_claims, access_claims = _sign_in()
    claims = dict(id_claims if token_use == "id" else access_claims)
    for name, value in change.items():
        if value is None:
            claims.pop(name)
        else:
            claims[name] = value
    key, kid = (ID_KEY, "id-kid") if token_use == "id" else (ACCESS_KEY, "access-kid")
    assert _reject(_sign(claims, key, kid), token_use=token_use, **kwargs) == reason


@pytest.mark.parametrize("garbage", ["", "not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30"])
def test_malformed_token_is_caught(garbage: str) -> None:
    assert _reject(garbage) in {"malformed", "unknown-kid"}


def test_token_use_argument_is_checked() -> None:
    with pytest.raises(ValueError):
        tokens.verify_token("x", JWKS, token_use="refresh")


# --- key-set discovery -------------------------------------------------------------------------


def test_in_process_moto_key_set_verifies_its_tokens() -> None:
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        client = boto3.client("cognito-idp", region_name=REGION)
        pool = client.create_user_pool(PoolName="tokens")["UserPool"]["Id"]
        app = client.create_user_pool_client(
            UserPoolId=pool,
            ClientName="c",
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        client.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
        client.admin_set_user_password(
            UserPoolId=pool, Username="alice", Password="Passw0rd!xyz", Permanent=True
        )
        result = client.admin_initiate_auth(
            UserPoolId=pool,
            ClientId=app,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": "Passw0rd!xyz"},
        )["AuthenticationResult"]
        issuer = tokens.aws_issuer(REGION, pool)
        endpoint = parse_endpoint("moto", region=REGION)
        jwks = tokens.parse_jwks(endpoint.jwks(pool, issuer))
        access = tokens.verify_token(
            result["AccessToken"], jwks, token_use="access", client_id=app, issuer=issuer
        )
        id_claims = tokens.verify_token(result["IdToken"], jwks, token_use="id", client_id=app, issuer=issuer)
    assert access["username"] == "alice"
    findings = token_checks.check_token_claims(
        operation="AdminInitiateAuth",
        id_claims=id_claims,
        access_claims=access,
        client_id=app,
        user_pool_id=pool,
        region=REGION,
        username="alice",
        auth_result=result,
        id_header=jwt.get_unverified_header(result["IdToken"]),
        access_header=jwt.get_unverified_header(result["AccessToken"]),
    )
    # moto 5.2.5 signs both tokens with one key; AWS uses two (§5 [DG]). That is the only finding.
    assert [finding.check for finding in findings] == ["token.header.kid-distinct"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_moto_server_key_set_is_found_though_its_iss_names_aws() -> None:
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    port = _free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client(
            "cognito-idp",
            region_name=REGION,
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        pool = client.create_user_pool(PoolName="tokens")["UserPool"]["Id"]
        app = client.create_user_pool_client(
            UserPoolId=pool,
            ClientName="c",
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        client.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
        client.admin_set_user_password(
            UserPoolId=pool, Username="alice", Password="Passw0rd!xyz", Permanent=True
        )
        result = client.admin_initiate_auth(
            UserPoolId=pool,
            ClientId=app,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": "Passw0rd!xyz"},
        )["AuthenticationResult"]
        issuer = jwt.decode(result["IdToken"], options={"verify_signature": False})["iss"]
        # docs/emulators.md: moto server's iss is the AWS form, so the key set must come from the endpoint.
        assert issuer == tokens.aws_issuer(REGION, pool)
        jwks = tokens.parse_jwks(parse_endpoint(endpoint, region=REGION).jwks(pool, issuer))
        claims = tokens.verify_token(result["IdToken"], jwks, token_use="id", client_id=app, issuer=issuer)
    finally:
        server.stop()
    assert claims["cognito:username"] == "alice"


# --- check_token_claims ------------------------------------------------------------------------


def _check(id_claims: dict | None, access_claims: dict | None, **kwargs: Any) -> list[Divergence]:
    arguments: dict[str, Any] = {
        "operation": "InitiateAuth",
        "client_id": CLIENT_ID,
        "user_pool_id": POOL_ID,
        "region": REGION,
        "username": USERNAME,
        "auth_result": AUTH_RESULT,
        "id_header": {"kid": "id-kid", "alg": "RS256"},
        "access_header": {"kid": "access-kid", "alg": "RS256"},
    }
    arguments.update(kwargs)
    return token_checks.check_token_claims(id_claims=id_claims, access_claims=access_claims, **arguments)


def test_aws_shaped_sign_in_has_no_findings() -> None:
    id_claims, access_claims = _sign_in()
    assert _check(id_claims, access_claims, expect_device_key=access_claims["device_key"]) == []


def test_aws_shaped_refresh_has_no_findings() -> None:
    before = _sign_in()
    after = _sign_in(before[0]["origin_jti"])
    assert _check(*after, previous=before) == []


Mutation = Callable[[dict, dict, dict], None]  # (id_claims, access_claims, extra kwargs)


def _drop(claim: str, which: str) -> Mutation:
    return lambda i, a, k: (i if which == "id" else a).pop(claim)


def _set(claim: str, value: Any, which: str) -> Mutation:
    return lambda i, a, k: (i if which == "id" else a).__setitem__(claim, value)


def _kw(**values: Any) -> Mutation:
    return lambda i, a, k: k.update(values)


def _refresh(change: Callable[[dict, dict], None]) -> Mutation:
    """A refresh whose new tokens carry ``change`` relative to the sign-in before it."""

    def mutate(i: dict, a: dict, k: dict) -> None:
        before = (copy.deepcopy(i), copy.deepcopy(a))
        i["jti"], a["jti"] = str(uuid.uuid4()), str(uuid.uuid4())
        change(i, a)
        k["previous"] = before

    return mutate


MUTATIONS: dict[str, tuple[Mutation, str]] = {
    "access token lacks client_id": (_drop("client_id", "access"), "token.access.claim-present"),
    "ID token lacks cognito:username": (_drop("cognito:username", "id"), "token.id.claim-present"),
    "access token has aud": (_set("aud", CLIENT_ID, "access"), "token.access.claim-absent"),
    "access token has email": (_set("email", "a@example.com", "access"), "token.access.claim-absent"),
    "access token_use wrong": (_set("token_use", "id", "access"), "token.access.token_use"),
    "ID token_use wrong": (_set("token_use", "access", "id"), "token.id.token_use"),
    "access iss is the emulator": (
        _set("iss", f"http://127.0.0.1:9229/{POOL_ID}", "access"),
        "token.access.iss",
    ),
    "ID iss wrong region": (
        _set("iss", f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}", "id"),
        "token.id.iss",
    ),
    "access lifetime 1 day": (_set("exp", NOW + 86400, "access"), "token.access.lifetime"),
    "ID lifetime 30 min": (_set("exp", NOW + 1800, "id"), "token.id.lifetime"),
    "access jti not a UUID": (_set("jti", "abc", "access"), "token.access.jti-uuid"),
    "access origin_jti not a UUID": (_set("origin_jti", 42, "access"), "token.access.origin_jti-uuid"),
    "ID jti not a UUID": (_set("jti", "", "id"), "token.id.jti-uuid"),
    "ID origin_jti not a UUID": (_set("origin_jti", "x-y", "id"), "token.id.origin_jti-uuid"),
    "access client_id wrong": (_set("client_id", "other", "access"), "token.access.client_id"),
    "access username is the alias": (
        _set("username", "alice@example.com", "access"),
        "token.access.username",
    ),
    "access scope wrong": (_set("scope", "openid", "access"), "token.access.scope"),
    "groups not a list": (_set("cognito:groups", "admins", "access"), "token.access.cognito:groups-list"),
    "device_key missing": (_drop("device_key", "access"), "token.access.device_key"),
    "ID aud wrong": (_set("aud", "other", "id"), "token.id.aud"),
    "ID cognito:username wrong": (_set("cognito:username", "alice", "id"), "token.id.cognito:username"),
    "email_verified a string": (_set("email_verified", "true", "id"), "token.id.email_verified-boolean"),
    "custom attribute a number": (_set("custom:tier", 3, "id"), "token.id.custom-attribute-string"),
    "sub differs": (_set("sub", str(uuid.uuid4()), "id"), "token.pair.sub-shared"),
    "origin_jti differs": (_set("origin_jti", str(uuid.uuid4()), "id"), "token.pair.origin_jti-shared"),
    "auth_time differs": (_set("auth_time", NOW - 5, "id"), "token.pair.auth_time-shared"),
    "jti shared": (lambda i, a, k: i.__setitem__("jti", a["jti"]), "token.pair.jti-distinct"),
    "ID header alg": (_kw(id_header={"kid": "id-kid", "alg": "HS256"}), "token.header.id.alg"),
    "access header alg": (_kw(access_header={"kid": "access-kid"}), "token.header.access.alg"),
    "one key for both": (_kw(id_header={"kid": "access-kid", "alg": "RS256"}), "token.header.kid-distinct"),
    "TokenType": (_kw(auth_result={"ExpiresIn": 3600, "TokenType": "bearer"}), "token.result.TokenType"),
    "ExpiresIn missing": (_kw(auth_result={"TokenType": "Bearer"}), "token.result.ExpiresIn"),
    "ExpiresIn vs token": (
        _kw(auth_result={"ExpiresIn": 7200, "TokenType": "Bearer"}),
        "token.result.ExpiresIn-matches-token",
    ),
    "refresh resets ID auth_time": (
        _refresh(lambda i, a: i.__setitem__("auth_time", NOW + 60)),
        "token.refresh.id.auth_time-kept",
    ),
    "refresh resets access auth_time": (
        _refresh(lambda i, a: a.__setitem__("auth_time", NOW + 60)),
        "token.refresh.access.auth_time-kept",
    ),
    "refresh new ID origin_jti": (
        _refresh(lambda i, a: i.__setitem__("origin_jti", str(uuid.uuid4()))),
        "token.refresh.id.origin_jti-kept",
    ),
    "refresh new access origin_jti": (
        _refresh(lambda i, a: a.__setitem__("origin_jti", str(uuid.uuid4()))),
        "token.refresh.access.origin_jti-kept",
    ),
    "refresh keeps ID jti": (
        lambda i, a, k: k.update(previous=(copy.deepcopy(i), _sign_in(i["origin_jti"])[1])),
        "token.refresh.id.jti-new",
    ),
    "refresh keeps access jti": (
        lambda i, a, k: k.update(previous=(_sign_in(i["origin_jti"])[0], copy.deepcopy(a))),
        "token.refresh.access.jti-new",
    ),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS), ids=list(MUTATIONS))
def test_each_claim_check_can_fail(mutation: str) -> None:
    id_claims, access_claims = _sign_in()
    extra: dict[str, Any] = {"expect_device_key": access_claims["device_key"]}
    mutate, expected_check = MUTATIONS[mutation]
    mutate(id_claims, access_claims, extra)
    findings = _check(id_claims, access_claims, **extra)
    assert expected_check in {finding.check for finding in findings}, findings
    for finding in findings:
        assert isinstance(finding.confidence, Confidence)
        assert finding.kind is CheckKind.TOKENS and finding.operation == "InitiateAuth"
        assert finding.source.startswith("facts:tokens.") or finding.source.startswith("facts:devices.")
        assert finding.path.startswith("$.AuthenticationResult.")


def test_mutations_cover_every_registered_check() -> None:
    assert {check for _, check in MUTATIONS.values()} == token_checks.CHECK_NAMES


def test_check_names_come_from_the_registered_checks() -> None:
    registered = [name for check in token_checks.CLAIM_CHECKS for name in check.names]
    assert len(registered) == len(set(registered)), "each name belongs to one check"
    assert token_checks.CHECK_NAMES == frozenset(registered)


def test_finding_reports_expected_and_actual() -> None:
    id_claims, access_claims = _sign_in()
    access_claims["client_id"] = "wrong-client"
    [finding] = _check(id_claims, access_claims)
    assert finding == Divergence(
        operation="InitiateAuth",
        check="token.access.client_id",
        path="$.AuthenticationResult.AccessToken.client_id",
        expected=CLIENT_ID,
        actual="wrong-client",
        confidence=Confidence.VERIFIED,
        source=fact("tokens.access-client-id-value").cite(),
        kind=CheckKind.TOKENS,
    )


def test_missing_claim_is_reported_once_not_twice() -> None:
    id_claims, access_claims = _sign_in()
    del access_claims["client_id"]
    findings = _check(id_claims, access_claims)
    assert [(finding.check, finding.path) for finding in findings] == [
        ("token.access.claim-present", "$.AuthenticationResult.AccessToken.client_id")
    ]


def test_only_the_tokens_given_are_checked() -> None:
    id_claims, access_claims = _sign_in()
    assert _check(None, access_claims) == []
    assert _check(id_claims, None, auth_result=AUTH_RESULT) == []


# --- malformed key sets and tokens: classified, never a traceback ------------------------------


def _with_key_member(member: str, value: Any) -> dict[str, Any]:
    key = {**JWKS["keys"][0], member: value}
    return {"keys": [key, JWKS["keys"][1]]}


@pytest.mark.parametrize(
    ("key_set", "path"),
    [
        ([], "jwks"),
        ("keys", "jwks"),
        ({"Keys": []}, "jwks.keys"),
        ({"keys": {"id-kid": {}}}, "jwks.keys"),
        ({"keys": ["not a key"]}, "jwks.keys[0]"),
        (_with_key_member("n", "!!!not+base64/url"), "jwks.keys[0].n"),
        (_with_key_member("n", "a"), "jwks.keys[0].n"),
        (_with_key_member("n", "AAAA"), "jwks.keys[0].n"),
        (_with_key_member("n", 12345), "jwks.keys[0].n"),
        (_with_key_member("e", "AQ=="), "jwks.keys[0].e"),
        (_with_key_member("e", None), "jwks.keys[0].e"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith("jwks") else None,
)
def test_malformed_key_set_is_classified(key_set: Any, path: str) -> None:
    with pytest.raises(tokens.MalformedKeySet) as malformed:
        tokens.parse_jwks(key_set)
    assert malformed.value.path == path
    assert malformed.value.detail


def test_well_formed_key_set_parses_and_verifies() -> None:
    assert tokens.parse_jwks(JWKS) == JWKS
    _, access_claims = _sign_in()
    token = _sign(access_claims, ACCESS_KEY, "access-kid")
    assert tokens.verify_token(token, tokens.parse_jwks(JWKS), token_use="access", now=NOW) == access_claims


def test_key_that_cannot_be_loaded_is_a_rejection_not_a_crash() -> None:
    # PyJWT raises InvalidKeyError (no PyJWKError) for an n it cannot decode; verify_token says why.
    _, access_claims = _sign_in()
    token = _sign(access_claims, ACCESS_KEY, "access-kid")
    broken = {"keys": [{**JWKS["keys"][1], "n": "a"}]}
    with pytest.raises(tokens.TokenRejected) as rejected:
        tokens.verify_token(token, broken, token_use="access", now=NOW)
    assert rejected.value.reason == "unknown-kid"
    with pytest.raises(tokens.TokenRejected):
        tokens.verify_token(token, [], token_use="access", now=NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("token", "part"),
    [
        (None, "token"),
        (3, "token"),
        ("", "token"),
        ("a.b", "token"),
        ("a.b.c.d.e", "token"),
        ("!!.e30.c2ln", "header"),
        (f"{_b64url([])}.e30.c2ln", "header"),
        ("bm90IGpzb24.e30.c2ln", "header"),
        (f"e30.{_b64url('claims')}.c2ln", "claims"),
        ("e30.e30.c2l+", "signature"),
    ],
)
def test_malformed_token_is_classified(token: Any, part: str) -> None:
    with pytest.raises(tokens.MalformedToken) as malformed:
        tokens.decode_unverified(token)
    assert malformed.value.part == part
    assert malformed.value.reason == "malformed"
    with pytest.raises(tokens.TokenRejected) as rejected:
        tokens.verify_token(token, JWKS, token_use="access", now=NOW)
    assert rejected.value.reason == "malformed"


def test_well_formed_token_decodes_without_its_signature_checked() -> None:
    id_claims, _ = _sign_in()
    header, claims = tokens.decode_unverified(_sign(id_claims, ID_KEY, "id-kid"))
    assert header == {"alg": "RS256", "kid": "id-kid", "typ": "JWT"}
    assert claims == id_claims


# --- where the key set is fetched (Endpoint.jwks, which replaced crypto.tokens.jwks_url) --------


@pytest.mark.parametrize(
    ("endpoint", "issuer", "expected"),
    [
        (AwsEndpoint(region=REGION, aws_account="123456789012"), ISSUER, f"{ISSUER}/.well-known/jwks.json"),
        (  # moto server: its iss names AWS, so the key set comes from the endpoint
            parse_endpoint("http://127.0.0.1:5000", region=REGION),
            ISSUER,
            f"http://127.0.0.1:5000/{POOL_ID}/.well-known/jwks.json",
        ),
        (  # cognito-local: iss is its own URL
            parse_endpoint("http://127.0.0.1:9229", region=REGION),
            f"http://127.0.0.1:9229/{POOL_ID}",
            f"http://127.0.0.1:9229/{POOL_ID}/.well-known/jwks.json",
        ),
    ],
    ids=["aws", "moto-server", "cognito-local"],
)
def test_key_set_url_per_endpoint(
    monkeypatch: pytest.MonkeyPatch, endpoint: Endpoint, issuer: str, expected: str
) -> None:
    asked: list[str] = []

    class Answer(io.BytesIO):
        def __enter__(self) -> Answer:
            return self

        def __exit__(self, *exc: object) -> None:
            self.close()

    def urlopen(request: Any, timeout: float) -> Answer:
        asked.append(request.full_url)
        return Answer(json.dumps(JWKS).encode())

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    assert tokens.parse_jwks(endpoint.jwks(POOL_ID, issuer)) == JWKS
    assert asked == [expected]
