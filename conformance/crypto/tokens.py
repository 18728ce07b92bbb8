"""Token verification maths: parse a key set, decode a token, verify its RS256 signature (§5).

* :func:`parse_jwks` reads an endpoint's key set strictly and raises :class:`MalformedKeySet`
  (with the path of the offending member) when it is not a JSON object with a ``keys`` list of
  keys whose ``n`` and ``e`` are base64url.
* :func:`decode_unverified` splits a compact JWT into its header and claims and raises
  :class:`MalformedToken` when it is not three base64url parts whose first two are JSON objects.
* :func:`verify_token` proves a token genuine (RS256 signature under the key set, key chosen by
  ``kid``), unexpired, of the expected ``token_use``, for the expected client and issuer. It
  raises :class:`TokenRejected` with a reason.

What the claims of a sign-in must be is not maths but AWS behaviour: those checks are in
:mod:`conformance.token_checks`. Fetching the key set is the endpoint's job
(:meth:`conformance.endpoints.Endpoint.jwks`).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import time
from collections.abc import Mapping
from typing import Any

import jwt

#: The one algorithm Cognito signs user-pool tokens with (docs/facts.md §5 [DG]).
ALGORITHM = "RS256"
#: The scope of tokens issued by the API flows (facts:tokens.access-scope).
API_SCOPE = "aws.cognito.signin.user.admin"
#: The base64url alphabet without padding (RFC 7515 §2, RFC 7518 §6.3.1: JWS parts and JWK numbers).
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


class MalformedKeySet(ValueError):
    """A key set that cannot be read as one.

    Attributes:
        path: where in the key set, e.g. ``jwks.keys[0].n`` (``jwks`` for the whole document).
        detail: what is wrong with it, in plain words.
    """

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.detail = detail


def _base64url(value: Any) -> bytes | None:
    """The bytes of an unpadded base64url string, or None when it is not one (strictly)."""
    # base64.urlsafe_b64decode silently drops characters outside the alphabet: check them first.
    if not isinstance(value, str) or not _BASE64URL.fullmatch(value) or len(value) % 4 == 1:
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def parse_jwks(value: Any) -> dict[str, Any]:
    """Check that ``value`` (an endpoint's key set, as parsed JSON) can be used to verify tokens.

    Only what verification reads is checked: a JSON object with a ``keys`` list of JSON objects,
    and for RSA keys a base64url ``n`` and ``e`` (RFC 7518 §6.3.1). Whether the keys are the ones
    AWS serves (RS256, ``e`` AQAB, ``use`` sig) is a conformance check of the suite.

    Returns:
        ``value`` itself, once checked.

    Raises:
        MalformedKeySet: with the path of the first member that is not as required.
    """
    if not isinstance(value, Mapping):
        raise MalformedKeySet("jwks", f"not a JSON object but {type(value).__name__}")
    keys = value.get("keys")
    if not isinstance(keys, list):
        raise MalformedKeySet("jwks.keys", "no list of keys")
    for index, key in enumerate(keys):
        if not isinstance(key, Mapping):
            raise MalformedKeySet(f"jwks.keys[{index}]", f"not a JSON object but {type(key).__name__}")
        if key.get("kty") != "RSA":
            continue
        for member in ("n", "e"):
            decoded = _base64url(key.get(member))
            if not decoded or not any(decoded):
                raise MalformedKeySet(
                    f"jwks.keys[{index}].{member}",
                    f"not a base64url unsigned integer: {str(key.get(member, '<absent>'))[:40]!r}",
                )
    return dict(value)


class TokenRejected(Exception):
    """A token failed verification.

    Attributes:
        reason: One of ``malformed`` (see :class:`MalformedToken`), ``wrong-algorithm``, ``unknown-kid``, ``bad-signature``,
            ``expired``, ``issued-in-future``, ``wrong-token-use``, ``wrong-issuer``,
            ``wrong-client``, ``missing-claim``.
        detail: Human-readable explanation (never the token itself).
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class MalformedToken(TokenRejected):
    """A token that is not a compact JWT: three base64url parts, the first two JSON objects.

    Attributes:
        part: ``token``, ``header``, ``claims`` or ``signature``: what could not be read.
    """

    def __init__(self, part: str, detail: str) -> None:
        super().__init__("malformed", detail)
        self.part = part


def _json_object(part: str, encoded: str) -> dict[str, Any]:
    decoded = _base64url(encoded)
    if decoded is None:
        raise MalformedToken(part, f"the {part} part is not base64url")
    try:
        value = json.loads(decoded)
    except (UnicodeDecodeError, ValueError):
        raise MalformedToken(part, f"the {part} part is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedToken(part, f"the {part} part is not a JSON object but {type(value).__name__}")
    return value


def decode_unverified(token: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a compact JWT, without checking its signature.

    Raises:
        MalformedToken: the token is not three base64url parts whose header and claims are JSON
            objects (RFC 7519 §7.2).
    """
    if not isinstance(token, str):
        raise MalformedToken("token", f"not a string but {type(token).__name__}")
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedToken("token", f"{len(parts)} dot-separated parts, not 3")
    header = _json_object("header", parts[0])
    claims = _json_object("claims", parts[1])
    # An empty signature is still a compact JWT (an unsecured one, RFC 7519 §6.1): it is rejected
    # for its algorithm by verify_token, not as malformed.
    if parts[2] and _base64url(parts[2]) is None:
        raise MalformedToken("signature", "the signature is not base64url")
    return header, claims


def _key_for(jwks: Mapping[str, Any], kid: str) -> Any:
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(keys, list):
        raise TokenRejected("unknown-kid", "the key set has no list of keys")
    matching = [key for key in keys if isinstance(key, Mapping) and key.get("kid") == kid]
    if not matching:
        raise TokenRejected("unknown-kid", f"no key with kid {kid!r} in the key set")
    jwk = matching[0]
    if jwk.get("kty") != "RSA" or jwk.get("alg", ALGORITHM) != ALGORITHM:
        raise TokenRejected("wrong-algorithm", f"key {kid!r} is not an RS256 RSA key")
    try:
        return jwt.PyJWK.from_dict(dict(jwk), algorithm=ALGORITHM).key
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        # PyJWT raises InvalidKeyError (not a PyJWKError) for an n or e it cannot decode.
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
            ``client_id`` of an access token (docs/facts.md §5 [DG verifying-a-jwt]).
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
    header, _ = decode_unverified(token)
    # Only RS256, and the algorithm is fixed here rather than read from the token, so an
    # "alg": "none" or HS256 token cannot choose its own check (docs/facts.md §5).
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
