"""RS256 tokens, key sets and the opaque strings (sessions, refresh tokens) of the reference.

docs/facts.md §5: ID and access tokens are RS256 JWTs with a ``{"kid", "alg"}`` header, signed
with *different* keys of the pool's JWKS (2 keys, ``{kid, alg, kty, e, n, use}``). §4: refresh
tokens are JWE compact strings with header ``{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}``
(~1785 chars); the reference keeps their meaning server side, so the body is random. §3: sessions
are opaque base64url strings starting ``AYABe``, roughly 900-1600 chars.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

#: RSA key generation costs 30-200 ms; pools reuse pre-generated key material (each pool still
#: gets its own kids) once this many keys exist, so creating pools stays cheap.
KEY_MATERIAL_CAP = 8

#: The JWE header AWS refresh tokens start with (docs/facts.md §4).
REFRESH_TOKEN_HEADER = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ"

_PKCS1 = padding.PKCS1v15()
_SHA256 = hashes.SHA256()


def b64url(data: bytes) -> str:
    """Base64url without padding (JOSE)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


class _KeyMaterial:
    """A process-wide supply of RSA keys: new ones until the cap, then round robin."""

    def __init__(self) -> None:
        self._keys: list[rsa.RSAPrivateKey] = []
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> rsa.RSAPrivateKey:
        with self._lock:
            if len(self._keys) < KEY_MATERIAL_CAP:
                key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                self._keys.append(key)
                return key
            key = self._keys[self._next % len(self._keys)]
            self._next += 1
            return key


_MATERIAL = _KeyMaterial()


@dataclass
class SigningKey:
    """One RS256 key of a pool's JWKS."""

    kid: str
    private: rsa.RSAPrivateKey

    def jwk(self) -> dict[str, str]:
        numbers = self.private.public_key().public_numbers()
        return {
            "alg": "RS256",
            "e": _int_b64(numbers.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": _int_b64(numbers.n),
            "use": "sig",
        }

    def sign(self, claims: dict[str, Any]) -> str:
        header = b64url(json.dumps({"kid": self.kid, "alg": "RS256"}, separators=(",", ":")).encode())
        payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{header}.{payload}"
        signature = self.private.sign(signing_input.encode("ascii"), _PKCS1, _SHA256)
        return f"{signing_input}.{b64url(signature)}"

    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims of ``token`` if this key signed it, else None."""
        try:
            header_b64, payload_b64, signature_b64 = token.split(".")
            header = json.loads(b64url_decode(header_b64))
            if header.get("kid") != self.kid or header.get("alg") != "RS256":
                return None
            self.private.public_key().verify(
                b64url_decode(signature_b64), f"{header_b64}.{payload_b64}".encode("ascii"), _PKCS1, _SHA256
            )
            claims = json.loads(b64url_decode(payload_b64))
        except (ValueError, InvalidSignature, UnicodeError):
            return None
        return claims if isinstance(claims, dict) else None


class PoolKeys:
    """The two signing keys of one pool, created on first use (docs/facts.md §5: ID ≠ access kid)."""

    def __init__(self) -> None:
        self._id: SigningKey | None = None
        self._access: SigningKey | None = None
        self._lock = threading.Lock()

    def _ensure(self) -> None:
        with self._lock:
            if self._id is None:
                # kids look like AWS's: base64 of a 32-byte value (44 chars with padding).
                self._id = SigningKey(base64.b64encode(secrets.token_bytes(32)).decode(), _MATERIAL.take())
                self._access = SigningKey(
                    base64.b64encode(secrets.token_bytes(32)).decode(), _MATERIAL.take()
                )

    @property
    def id_key(self) -> SigningKey:
        self._ensure()
        assert self._id is not None
        return self._id

    @property
    def access_key(self) -> SigningKey:
        self._ensure()
        assert self._access is not None
        return self._access

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [self.id_key.jwk(), self.access_key.jwk()]}


def unverified_claims(token: str) -> dict[str, Any] | None:
    """The payload of a JWT-shaped string without checking the signature (to find its pool)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(b64url_decode(parts[1]))
    except (ValueError, UnicodeError):
        return None
    return claims if isinstance(claims, dict) else None


def new_refresh_token() -> str:
    """An opaque refresh token shaped like AWS's JWE compact form (5 parts, ~1785 chars)."""
    return ".".join(
        (
            REFRESH_TOKEN_HEADER,
            b64url(secrets.token_bytes(256)),
            b64url(secrets.token_bytes(12)),
            b64url(secrets.token_bytes(1000)),
            b64url(secrets.token_bytes(16)),
        )
    )


def new_session() -> str:
    """An opaque session string: base64url, ``AYABe`` prefix like AWS's KMS envelopes, ~1000 chars."""
    return "AYABe" + b64url(secrets.token_bytes(740))


def new_secret_block() -> str:
    """An opaque SRP SECRET_BLOCK (standard base64, as AWS sends it; §1)."""
    return base64.b64encode(secrets.token_bytes(1000)).decode("ascii")


def new_uuid() -> str:
    return str(uuid.uuid4())
