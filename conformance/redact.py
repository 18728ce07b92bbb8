"""Secrets never reach a report.

Three layers, because any one alone misses something:

1. by key: members that hold a secret (the model's ``sensitive`` members and the challenge
   parameter names that carry SRP material) have their value replaced wherever they appear;
2. by value: every secret the harness creates or receives is registered with :func:`register`,
   and any string that contains one has it cut out, so a password echoed inside an error message
   is caught too;
3. by form: anything that looks like a JWT or JWE (Cognito's tokens, §4 and §5) is replaced.
"""

from __future__ import annotations

import re
import threading
from typing import Any

#: Keys whose values are secrets wherever they appear (request members, challenge parameters and
#: responses, token fields). The model marks most of these ``sensitive`` [BC]; the SRP challenge
#: keys are plain strings in the model but carry key material (docs/facts.md §1, §2).
SECRET_KEYS: frozenset[str] = frozenset(
    {
        "Password",
        "PASSWORD",
        "NEW_PASSWORD",
        "TemporaryPassword",
        "ProposedPassword",
        "PreviousPassword",
        "ClientSecret",
        "SecretHash",
        "SECRET_HASH",
        "AccessToken",
        "RefreshToken",
        "IdToken",
        "Session",
        "Token",
        "REFRESH_TOKEN",
        "SRP_A",
        "SRP_B",
        "SALT",
        "SECRET_BLOCK",
        "PASSWORD_CLAIM_SECRET_BLOCK",
        "PASSWORD_CLAIM_SIGNATURE",
        "PasswordVerifier",
        "Salt",
        "SecretCode",
        "UserCode",
        "ConfirmationCode",
        "Authorization",
        "X-Amz-Security-Token",
        "authorization",
        "x-amz-security-token",
        "DEVICE_PASSWORD",
    }
)

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_.-]*")
_lock = threading.Lock()
_secrets: set[str] = set()
_extra_keys: set[str] = set()


def register(*values: str | None) -> None:
    """Remember secret values so that any later artifact containing them is redacted."""
    with _lock:
        for value in values:
            # Very short strings would redact innocent text; no secret we make is that short.
            if isinstance(value, str) and len(value) >= 6:
                _secrets.add(value)


def is_registered(value: object) -> bool:
    """Whether ``value`` is a secret of this run."""
    with _lock:
        return isinstance(value, str) and value in _secrets


def register_keys(keys: set[str] | frozenset[str]) -> None:
    """Add member names to treat as secret (the specs add the model's sensitive members)."""
    with _lock:
        _extra_keys.update(keys)


def is_secret_key(key: str) -> bool:
    return key in SECRET_KEYS or key in _extra_keys


def redact_text(text: str) -> str:
    """Cut registered secrets and token-shaped strings out of free text."""
    if not text:
        return text
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "<redacted>")
    return _JWT.sub("<redacted:jwt>", text)


def redact(value: Any, _key: str | None = None) -> Any:
    """A deep copy of ``value`` with every secret replaced by ``<redacted:KEY>``."""
    if _key is not None and is_secret_key(_key) and value not in (None, "", {}, []):
        return f"<redacted:{_key}>"
    if isinstance(value, dict):
        return {k: redact(v, k if isinstance(k, str) else None) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, bytes):
        return redact_text(value.decode("utf-8", "replace"))
    return value
