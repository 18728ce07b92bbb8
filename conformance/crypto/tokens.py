"""Verify Cognito ID and access tokens, and check their claims against aws-behaviour.md §5.

Two layers:

* :func:`verify_token` proves a token genuine (RS256 signature under the endpoint's key set,
  key chosen by ``kid``), unexpired, of the expected ``token_use``, for the expected client and
  issuer. It raises :class:`TokenRejected` with a reason.
* :func:`check_token_claims` compares the claims of one sign-in (and optionally of the sign-in
  before a refresh) with what AWS issues, and returns a :class:`ClaimFinding` per difference,
  each carrying the confidence and source of the fact it rests on. The harness turns findings
  into divergences; UNVERIFIED facts never fail a run.

:func:`jwks_url` and :func:`fetch_jwks` find an endpoint's key set (targets.md): AWS serves it at
``iss + "/.well-known/jwks.json"``; moto server and other emulators whose ``iss`` names AWS
serve it under their own URL; in-process moto answers only through ``requests``.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
import requests

#: The one algorithm Cognito signs user-pool tokens with (aws-behaviour.md §5 [DG]).
ALGORITHM = "RS256"
#: The scope of tokens issued by the API flows (aws-behaviour.md §5 [MOTO-V test_scope_in_access_token]).
API_SCOPE = "aws.cognito.signin.user.admin"
#: Stands for a claim that is not in the token, in a finding's ``actual``/``expected``.
ABSENT = "<absent>"
PRESENT = "<present>"

# moto server routes the JWKS request only when it carries a SigV4-looking Authorization header
# naming the cognito-idp service; the signature itself is not checked (targets.md).
_MOTO_AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=testing/20200101/{region}/cognito-idp/aws4_request, "
    "SignedHeaders=host, Signature=0"
)


class TokenRejected(Exception):
    """A token failed verification.

    Attributes:
        reason: One of ``malformed``, ``wrong-algorithm``, ``unknown-kid``, ``bad-signature``,
            ``expired``, ``issued-in-future``, ``wrong-token-use``, ``wrong-issuer``,
            ``wrong-client``, ``missing-claim``.
        detail: Human-readable explanation (never the token itself).
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _key_for(jwks: Mapping[str, Any], kid: str) -> Any:
    matching = [key for key in jwks.get("keys", []) if isinstance(key, Mapping) and key.get("kid") == kid]
    if not matching:
        raise TokenRejected("unknown-kid", f"no key with kid {kid!r} in the key set")
    jwk = matching[0]
    if jwk.get("kty") != "RSA" or jwk.get("alg", ALGORITHM) != ALGORITHM:
        raise TokenRejected("wrong-algorithm", f"key {kid!r} is not an RS256 RSA key")
    try:
        return jwt.PyJWK.from_dict(dict(jwk), algorithm=ALGORITHM).key
    except jwt.PyJWKError as error:
        raise TokenRejected("unknown-kid", f"key {kid!r} cannot be loaded: {error}") from None


def verify_token(
    token: str,
    jwks: dict,
    *,
    token_use: str,
    client_id: str | None = None,
    issuer: str | None = None,
    now: float | None = None,
    leeway: float = 0.0,
) -> dict:
    """Verify a Cognito ID or access token and return its claims.

    Args:
        token: The compact JWT.
        jwks: The endpoint's key set, ``{"keys": [...]}``.
        token_use: ``"id"`` or ``"access"``.
        client_id: If given, the app client the token must be for: ``aud`` of an ID token,
            ``client_id`` of an access token (aws-behaviour.md §5 [DG verifying-a-jwt]).
        issuer: If given, the exact ``iss`` required.
        now: Epoch seconds to judge ``exp`` by; defaults to the current time.
        leeway: Seconds of clock skew allowed for ``exp`` and ``iat``.

    Returns:
        The token's claims.

    Raises:
        TokenRejected: With the reason the token is not acceptable.
        ValueError: If ``token_use`` is neither ``"id"`` nor ``"access"``.
    """
    if token_use not in ("id", "access"):
        raise ValueError("token_use must be 'id' or 'access'")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError as error:
        raise TokenRejected("malformed", f"not a JWT: {error}") from None
    # Only RS256, and the algorithm is fixed here rather than read from the token, so an
    # "alg": "none" or HS256 token cannot choose its own check (aws-behaviour.md §5).
    if header.get("alg") != ALGORITHM:
        raise TokenRejected("wrong-algorithm", f"header alg is {header.get('alg')!r}, not RS256")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise TokenRejected("unknown-kid", "header has no kid")
    key = _key_for(jwks, kid)
    try:
        # Time, audience and issuer are checked below against `now` and Cognito's own claim names
        # (access tokens carry client_id, not aud); PyJWT checks the signature.
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[ALGORITHM],
            options={
                "verify_signature": True,
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "verify_aud": False,
                "verify_iss": False,
            },
        )
    except jwt.InvalidSignatureError:
        raise TokenRejected("bad-signature", f"signature does not verify under key {kid!r}") from None
    except jwt.InvalidTokenError as error:
        raise TokenRejected("malformed", str(error)) from None

    current = time.time() if now is None else now
    for name in ("exp", "iat", "token_use"):
        if name not in claims:
            raise TokenRejected("missing-claim", f"token has no {name!r}")
    if not isinstance(claims["exp"], int | float) or not math.isfinite(claims["exp"]):
        raise TokenRejected("malformed", "exp is not a number")
    if claims["exp"] <= current - leeway:
        raise TokenRejected("expired", f"exp {claims['exp']} is not after now {int(current)}")
    if isinstance(claims["iat"], int | float) and claims["iat"] > current + leeway:
        raise TokenRejected("issued-in-future", f"iat {claims['iat']} is after now {int(current)}")
    if claims["token_use"] != token_use:
        raise TokenRejected(
            "wrong-token-use", f"token_use is {claims['token_use']!r}, expected {token_use!r}"
        )
    if issuer is not None and claims.get("iss") != issuer:
        raise TokenRejected("wrong-issuer", f"iss is {claims.get('iss')!r}, expected {issuer!r}")
    if client_id is not None:
        audience_claim = "aud" if token_use == "id" else "client_id"
        if claims.get(audience_claim) != client_id:
            raise TokenRejected(
                "wrong-client", f"{audience_claim} is {claims.get(audience_claim)!r}, expected {client_id!r}"
            )
    return claims


def aws_issuer(region: str, user_pool_id: str) -> str:
    """``iss`` of AWS tokens: ``https://cognito-idp.{region}.amazonaws.com/{userPoolId}`` (§5 [DG])."""
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def jwks_url(issuer: str, *, endpoint_url: str | None = None) -> str:
    """Where an endpoint serves the key set for tokens with this ``iss``.

    Args:
        issuer: The tokens' ``iss``.
        endpoint_url: The endpoint's base URL; None for AWS and for in-process moto.

    Returns:
        ``iss + "/.well-known/jwks.json"`` when the issuer is served by the endpoint itself
        (AWS, cognito-local whose ``iss`` is its own URL); otherwise, for emulators whose ``iss``
        names AWS (moto server), ``endpoint_url + "/{poolId}/.well-known/jwks.json"``.
    """
    issuer = issuer.rstrip("/")
    if endpoint_url is None:
        return f"{issuer}/.well-known/jwks.json"
    endpoint = endpoint_url.rstrip("/")
    if urlsplit(issuer).netloc == urlsplit(endpoint).netloc:
        return f"{issuer}/.well-known/jwks.json"
    pool_id = issuer.rsplit("/", 1)[-1]
    return f"{endpoint}/{pool_id}/.well-known/jwks.json"


def fetch_jwks(
    issuer: str,
    *,
    endpoint_url: str | None = None,
    region: str = "us-east-1",
    session: requests.Session | None = None,
    timeout: float = 10.0,
) -> dict:
    """Fetch the key set for tokens with this ``iss`` (see :func:`jwks_url`).

    Uses ``requests`` on purpose: in-process moto answers the JWKS only through ``requests``
    (targets.md), and moto server wants an Authorization header naming cognito-idp.

    Raises:
        requests.HTTPError: If the endpoint does not answer 200.
        ValueError: If the answer is not a key set.
    """
    url = jwks_url(issuer, endpoint_url=endpoint_url)
    headers = {}
    if endpoint_url is not None:
        headers["Authorization"] = _MOTO_AUTHORIZATION.format(region=region)
    response = (session or requests).get(url, headers=headers, timeout=timeout)
    response.raise_for_status()
    body = response.json()
    if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
        raise ValueError(f"{url} did not return a JSON Web Key Set")
    return body


@dataclass(frozen=True)
class ClaimFinding:
    """One claim check that failed; the harness turns it into a Divergence.

    Attributes:
        check: Stable name of the check, e.g. ``"access.client_id"``.
        path: Where in the sign-in result, e.g. ``"$.AccessToken.client_id"``.
        expected: What AWS issues (or :data:`PRESENT`/:data:`ABSENT`).
        actual: What the endpoint issued.
        confidence: ``"verified"``, ``"documented"`` or ``"unverified"``.
        source: The fact it rests on, e.g. ``"aws-behaviour.md §5 [MOTO-V test_jti_in_tokens]"``.
    """

    check: str
    path: str
    expected: Any
    actual: Any
    confidence: str
    source: str


_S5 = "aws-behaviour.md §5"

#: Every check name :func:`check_token_claims` can report (the self-tests make each one fail).
CHECK_NAMES: frozenset[str] = frozenset(
    [
        f"{kind}.{name}"
        for kind in ("id", "access")
        for name in ("claim-present", "token_use", "iss", "lifetime")
    ]
    + [f"{kind}.{claim}-uuid" for kind in ("id", "access") for claim in ("jti", "origin_jti")]
    + [
        "access.claim-absent",
        "access.client_id",
        "access.username",
        "access.scope",
        "access.cognito:groups-list",
        "access.device_key",
        "id.aud",
        "id.cognito:username",
        "id.email_verified-boolean",
        "id.custom-attribute-string",
        "pair.sub-shared",
        "pair.origin_jti-shared",
        "pair.auth_time-shared",
        "pair.jti-distinct",
        "header.id.alg",
        "header.access.alg",
        "header.kid-distinct",
        "result.TokenType",
        "result.ExpiresIn",
        "result.ExpiresIn-matches-token",
    ]
    + [
        f"refresh.{kind}.{name}"
        for kind in ("id", "access")
        for name in ("auth_time-kept", "origin_jti-kept", "jti-new")
    ]
)
# Claims every token of a type carries, with the confidence and source of each.
_ACCESS_CLAIMS: dict[str, tuple[str, str]] = {
    "sub": ("documented", f"{_S5} [DG using-the-access-token]"),
    "token_use": ("documented", f"{_S5} [DG using-the-access-token]"),
    "scope": ("verified", f"{_S5} [MOTO-V test_scope_in_access_token]"),
    "auth_time": ("documented", f"{_S5} [DG using-the-access-token]"),
    "iss": ("documented", f"{_S5} [DG using-the-access-token]"),
    "exp": ("documented", f"{_S5} [DG using-the-access-token]"),
    "iat": ("documented", f"{_S5} [DG using-the-access-token]"),
    "jti": ("verified", f"{_S5} [MOTO-V test_jti_in_tokens]"),
    "origin_jti": ("verified", f"{_S5} [MOTO-V test_jti_in_tokens]; present while token revocation is on"),
    "client_id": ("verified", f"{_S5} [MOTO-V; DG verifying-a-jwt]"),
    "username": ("verified", f"{_S5} [MOTO-V test_initiate_auth_USER_PASSWORD_AUTH_with_email]"),
}
_ID_CLAIMS: dict[str, tuple[str, str]] = {
    "sub": ("documented", f"{_S5} [DG using-the-id-token]"),
    "aud": ("documented", f"{_S5} [DG using-the-id-token]"),
    "token_use": ("documented", f"{_S5} [DG using-the-id-token]"),
    "auth_time": ("documented", f"{_S5} [DG using-the-id-token]"),
    "iss": ("documented", f"{_S5} [DG using-the-id-token]"),
    "cognito:username": ("verified", f"{_S5} [MOTO-V]"),
    "exp": ("documented", f"{_S5} [DG using-the-id-token]"),
    "iat": ("documented", f"{_S5} [DG using-the-id-token]"),
    "jti": ("verified", f"{_S5} [MOTO-V test_jti_in_tokens]"),
    "origin_jti": ("verified", f"{_S5} [MOTO-V test_jti_in_tokens]; present while token revocation is on"),
}
# Claims a token type must not carry.
_ACCESS_FORBIDDEN: dict[str, tuple[str, str]] = {
    "aud": ("verified", f"{_S5} 'No aud claim in access tokens' [MOTO-V; DG verifying-a-jwt]"),
    "email": ("verified", f"{_S5} 'The access token has no email' [MOTO-V]"),
}


class _Findings:
    def __init__(self) -> None:
        self.items: list[ClaimFinding] = []

    def expect(
        self, ok: bool, check: str, path: str, expected: Any, actual: Any, confidence: str, source: str
    ) -> None:
        if check not in CHECK_NAMES:  # keeps CHECK_NAMES, which the self-tests rely on, complete
            raise ValueError(f"unregistered claim check {check!r}")
        if not ok:
            self.items.append(ClaimFinding(check, path, expected, actual, confidence, source))


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _lifetime(claims: Mapping[str, Any]) -> Any:
    exp, iat = claims.get("exp"), claims.get("iat")
    if isinstance(exp, int | float) and isinstance(iat, int | float):
        return exp - iat
    return ABSENT


def _check_common(
    found: _Findings,
    claims: Mapping[str, Any],
    *,
    prefix: str,
    path: str,
    token_use: str,
    required: Mapping[str, tuple[str, str]],
    issuer: str,
    validity_s: int,
) -> None:
    for name, (confidence, source) in required.items():
        found.expect(
            name in claims, f"{prefix}.claim-present", f"{path}.{name}", PRESENT, ABSENT, confidence, source
        )
    if "token_use" in claims:
        found.expect(
            claims["token_use"] == token_use,
            f"{prefix}.token_use",
            f"{path}.token_use",
            token_use,
            claims["token_use"],
            "documented",
            f"{_S5} [DG using-the-{'id' if token_use == 'id' else 'access'}-token]",
        )
    if "iss" in claims:
        found.expect(
            claims["iss"] == issuer,
            f"{prefix}.iss",
            f"{path}.iss",
            issuer,
            claims["iss"],
            "documented",
            f"{_S5} iss = https://cognito-idp.{{region}}.amazonaws.com/{{userPoolId}} [DG]",
        )
    if "exp" in claims and "iat" in claims:
        found.expect(
            _lifetime(claims) == validity_s,
            f"{prefix}.lifetime",
            f"{path}.exp",
            validity_s,
            _lifetime(claims),
            "documented",
            f"{_S5} exp - iat = the client's token validity (default 1 hour) [BC; 3P real payload exp-iat=3600]",
        )
    for name in ("jti", "origin_jti"):
        if name in claims:
            found.expect(
                _is_uuid(claims[name]),
                f"{prefix}.{name}-uuid",
                f"{path}.{name}",
                "a UUID",
                claims[name],
                "verified",
                f"{_S5} jti and origin_jti are UUIDs [MOTO-V test_jti_in_tokens]",
            )


def check_token_claims(
    *,
    id_claims: dict | None,
    access_claims: dict | None,
    client_id: str,
    user_pool_id: str,
    region: str,
    username: str,
    auth_result: dict,
    access_validity_s: int = 3600,
    id_validity_s: int = 3600,
    expect_device_key: str | None = None,
    previous: tuple[dict, dict] | None = None,
    id_header: dict | None = None,
    access_header: dict | None = None,
) -> list[ClaimFinding]:
    """Compare one sign-in's tokens with what AWS issues (aws-behaviour.md §5).

    Args:
        id_claims: The verified ID token claims, or None if no ID token was issued.
        access_claims: The verified access token claims, or None.
        client_id: The app client id.
        user_pool_id: The pool id.
        region: The pool's region (part of ``iss``).
        username: The user's internal username (``sub`` in an email-username pool).
        auth_result: The AuthenticationResult the tokens came in.
        access_validity_s: The client's access-token validity in seconds.
        id_validity_s: The client's ID-token validity in seconds.
        expect_device_key: The device key the access token must carry after device sign-in.
        previous: ``(id_claims, access_claims)`` of the sign-in before a refresh; adds the
            refresh checks (auth_time and origin_jti kept, jti new).
        id_header: The ID token's JOSE header, if the caller has it (adds the header checks).
        access_header: The access token's JOSE header.

    Returns:
        One finding per failed check; empty when everything matches.
    """
    found = _Findings()
    issuer = aws_issuer(region, user_pool_id)

    if access_claims is not None:
        path = "$.AccessToken"
        _check_common(
            found,
            access_claims,
            prefix="access",
            path=path,
            token_use="access",
            required=_ACCESS_CLAIMS,
            issuer=issuer,
            validity_s=access_validity_s,
        )
        for name, (confidence, source) in _ACCESS_FORBIDDEN.items():
            found.expect(
                name not in access_claims,
                "access.claim-absent",
                f"{path}.{name}",
                ABSENT,
                access_claims.get(name),
                confidence,
                source,
            )
        if "client_id" in access_claims:
            found.expect(
                access_claims["client_id"] == client_id,
                "access.client_id",
                f"{path}.client_id",
                client_id,
                access_claims["client_id"],
                "verified",
                f"{_S5} client_id = app client id [MOTO-V; DG verifying-a-jwt]",
            )
        if "username" in access_claims:
            found.expect(
                access_claims["username"] == username,
                "access.username",
                f"{path}.username",
                username,
                access_claims["username"],
                "verified",
                f"{_S5} username = internal username [MOTO-V test_initiate_auth_USER_PASSWORD_AUTH_with_email]",
            )
        if "scope" in access_claims:
            found.expect(
                access_claims["scope"] == API_SCOPE,
                "access.scope",
                f"{path}.scope",
                API_SCOPE,
                access_claims["scope"],
                "verified",
                f"{_S5} [MOTO-V test_scope_in_access_token]",
            )
        if "cognito:groups" in access_claims:
            groups = access_claims["cognito:groups"]
            found.expect(
                isinstance(groups, list) and all(isinstance(group, str) for group in groups),
                "access.cognito:groups-list",
                f"{path}.cognito:groups",
                "a list of group names",
                groups,
                "verified",
                f"{_S5} [MOTO-V test_group_in_access_token]",
            )
        if expect_device_key is not None:
            found.expect(
                access_claims.get("device_key") == expect_device_key,
                "access.device_key",
                f"{path}.device_key",
                expect_device_key,
                access_claims.get("device_key", ABSENT),
                "documented",
                f"{_S5} access token carries device_key [DG using-the-access-token]; §2",
            )

    if id_claims is not None:
        path = "$.IdToken"
        _check_common(
            found,
            id_claims,
            prefix="id",
            path=path,
            token_use="id",
            required=_ID_CLAIMS,
            issuer=issuer,
            validity_s=id_validity_s,
        )
        if "aud" in id_claims:
            found.expect(
                id_claims["aud"] == client_id,
                "id.aud",
                f"{path}.aud",
                client_id,
                id_claims["aud"],
                "documented",
                f"{_S5} aud = app client id [DG verifying-a-jwt]",
            )
        if "cognito:username" in id_claims:
            found.expect(
                id_claims["cognito:username"] == username,
                "id.cognito:username",
                f"{path}.cognito:username",
                username,
                id_claims["cognito:username"],
                "verified",
                f"{_S5} cognito:username = internal username [MOTO-V]",
            )
        if "email_verified" in id_claims:
            found.expect(
                isinstance(id_claims["email_verified"], bool),
                "id.email_verified-boolean",
                f"{path}.email_verified",
                "a JSON boolean",
                id_claims["email_verified"],
                "documented",
                f"{_S5} email_verified (JSON boolean) [DG using-the-id-token]",
            )
        for name, value in id_claims.items():
            if name.startswith("custom:"):
                found.expect(
                    isinstance(value, str),
                    "id.custom-attribute-string",
                    f"{path}.{name}",
                    "a string",
                    value,
                    "documented",
                    f"{_S5} custom attributes are strings regardless of type [DG using-the-id-token]",
                )

    if id_claims is not None and access_claims is not None:
        for name, confidence, source in (
            ("sub", "documented", f"{_S5} both tokens name the same user [DG]"),
            (
                "origin_jti",
                "verified",
                f"{_S5} origin_jti identical across ID and access [MOTO-V test_jti_in_tokens]",
            ),
            ("auth_time", "documented", f"{_S5} auth_time is the time of the authentication [DG]"),
        ):
            if name in id_claims and name in access_claims:
                found.expect(
                    id_claims[name] == access_claims[name],
                    f"pair.{name}-shared",
                    f"$.IdToken.{name}",
                    access_claims[name],
                    id_claims[name],
                    confidence,
                    source,
                )
        if "jti" in id_claims and "jti" in access_claims:
            found.expect(
                id_claims["jti"] != access_claims["jti"],
                "pair.jti-distinct",
                "$.IdToken.jti",
                "different from the access token's jti",
                id_claims["jti"],
                "verified",
                f"{_S5} jti is unique per token [MOTO-V test_jti_in_tokens]",
            )

    if previous is not None:
        for label, before, after in (
            ("id", previous[0], id_claims),
            ("access", previous[1], access_claims),
        ):
            if before is None or after is None:
                continue
            path = "$.IdToken" if label == "id" else "$.AccessToken"
            if "auth_time" in before and "auth_time" in after:
                found.expect(
                    after["auth_time"] == before["auth_time"],
                    f"refresh.{label}.auth_time-kept",
                    f"{path}.auth_time",
                    before["auth_time"],
                    after["auth_time"],
                    "documented",
                    f"{_S5} 'On refreshes, represents the time when the original authentication occurred' [DG]",
                )
            if "origin_jti" in before and "origin_jti" in after:
                found.expect(
                    after["origin_jti"] == before["origin_jti"],
                    f"refresh.{label}.origin_jti-kept",
                    f"{path}.origin_jti",
                    before["origin_jti"],
                    after["origin_jti"],
                    "verified",
                    f"{_S5} origin_jti is kept on refresh [MOTO-V test_jti_in_tokens]",
                )
            if "jti" in before and "jti" in after:
                found.expect(
                    after["jti"] != before["jti"],
                    f"refresh.{label}.jti-new",
                    f"{path}.jti",
                    "different from the previous token's jti",
                    after["jti"],
                    "verified",
                    f"{_S5} jti is unique per token [MOTO-V test_jti_in_tokens]",
                )

    for label, header in (("id", id_header), ("access", access_header)):
        if header is not None:
            found.expect(
                header.get("alg") == ALGORITHM,
                f"header.{label}.alg",
                f"$.{'IdToken' if label == 'id' else 'AccessToken'}.header.alg",
                ALGORITHM,
                header.get("alg", ABSENT),
                "documented",
                f"{_S5} header {{kid, alg: RS256}} [DG]",
            )
    if id_header is not None and access_header is not None:
        found.expect(
            id_header.get("kid") != access_header.get("kid"),
            "header.kid-distinct",
            "$.IdToken.header.kid",
            "different from the access token's kid",
            id_header.get("kid", ABSENT),
            "documented",
            f"{_S5} ID and access tokens are signed with different keys [DG using-the-access-token]",
        )

    token_type = auth_result.get("TokenType", ABSENT)
    found.expect(
        token_type == "Bearer",
        "result.TokenType",
        "$.TokenType",
        "Bearer",
        token_type,
        "verified",
        f"{_S5} [MOTO-V TokenType == 'Bearer'; CLI initiate-auth]",
    )
    expires_in = auth_result.get("ExpiresIn", ABSENT)
    found.expect(
        expires_in == access_validity_s,
        "result.ExpiresIn",
        "$.ExpiresIn",
        access_validity_s,
        expires_in,
        "documented",
        f"{_S5} ExpiresIn 3600 with the default validity [CLI initiate-auth]",
    )
    if access_claims is not None and isinstance(expires_in, int | float):
        lifetime = _lifetime(access_claims)
        found.expect(
            lifetime == ABSENT or lifetime == expires_in,
            "result.ExpiresIn-matches-token",
            "$.ExpiresIn",
            lifetime,
            expires_in,
            "documented",
            f"{_S5} ExpiresIn is the access token's lifetime [BC AuthenticationResultType; CLI]",
        )
    return found.items
