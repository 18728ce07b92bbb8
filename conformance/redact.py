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

import json
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

#: Cognito's tokens by form: a JWS or JWE starts with a base64url JSON header (``eyJ`` is ``{"``). A token
#: cut short (no second dot, or none at all) is still one: text is redacted before it is cut, but
#: whatever a caller cut first must not leak a token's header and claims either.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_.-]*)?")

#: The shortest secret remembered: very short strings would redact innocent text, and no secret the
#: harness makes or receives is that short. It is also the length of the index's keys (below).
MIN_SECRET = 6
#: A text is looked up one window in STRIDE (below).
STRIDE = 8
#: Secrets at least this long are found through the index; shorter ones through one pattern.
_INDEXED = MIN_SECRET + STRIDE - 1

_lock = threading.Lock()
_secrets: set[str] = set()
#: The registered secrets of at least _INDEXED characters, each filed under STRIDE consecutive
#: MIN_SECRET-character windows of its own. A text holding such a secret holds those windows at
#: STRIDE consecutive positions, one of which is a multiple of STRIDE: looking up the text's windows
#: at positions 0, STRIDE, 2*STRIDE... finds every secret in it. Redaction so costs in proportion to
#: the text, whatever the number of secrets registered so far. Each secret is filed under its least
#: used windows, searched from its end: tokens share their first characters (every JWT header starts
#: alike), and a crowded entry would make every search walk all of them. Entries are replaced, never
#: mutated, so a reader always sees a whole tuple.
_index: dict[str, tuple[str, ...]] = {}
#: The few short secrets (a six-digit code), as one pattern rebuilt when one is added.
_short: set[str] = set()
_short_pattern: re.Pattern[str] | None = None
_extra_keys: set[str] = set()


def _file(value: str) -> None:
    """File a secret of at least _INDEXED characters in the index (under the lock)."""
    best_start, best_crowd = 0, None
    for start in range(len(value) - _INDEXED, -1, -1):
        crowd = max(len(_index.get(value[start + k : start + k + MIN_SECRET], ())) for k in range(STRIDE))
        if best_crowd is None or crowd < best_crowd:
            best_start, best_crowd = start, crowd
        if crowd == 0:
            break
    for k in range(STRIDE):
        window = value[best_start + k : best_start + k + MIN_SECRET]
        bucket = _index.get(window, ())
        if value not in bucket:
            _index[window] = (*bucket, value)


def register(*values: str | None) -> None:
    """Remember secret values so that any later artifact containing them is redacted."""
    global _short_pattern
    with _lock:
        for value in values:
            if not isinstance(value, str) or len(value) < MIN_SECRET or value in _secrets:
                continue
            _secrets.add(value)
            if len(value) >= _INDEXED:
                _file(value)
            else:
                _short.add(value)
                ordered = sorted(_short, key=len, reverse=True)  # longest first: one holding another
                _short_pattern = re.compile("|".join(re.escape(v) for v in ordered))


def is_registered(value: object) -> bool:
    """Whether ``value`` is a secret of this run."""
    return isinstance(value, str) and value in _secrets


def registered() -> frozenset[str]:
    """Every secret registered so far (for the harness's own tests, which look for them in artifacts)."""
    with _lock:
        return frozenset(_secrets)


def register_keys(keys: set[str] | frozenset[str]) -> None:
    """Add member names to treat as secret (the specs add the model's sensitive members)."""
    with _lock:
        _extra_keys.update(keys)


def is_secret_key(key: str) -> bool:
    return key in SECRET_KEYS or key in _extra_keys


def _present(text: str) -> set[str]:
    """The indexed secrets that occur in ``text``: one index lookup per STRIDE characters."""
    table = _index
    if not table or len(text) < _INDEXED:
        return set()
    windows = {text[i : i + MIN_SECRET] for i in range(0, len(text) - MIN_SECRET + 1, STRIDE)}
    return {s for window in windows if (bucket := table.get(window)) for s in bucket if s in text}


def redact_text(text: str) -> str:
    """Cut registered secrets and token-shaped strings out of free text.

    Longer secrets go first, so that a secret holding another is cut whole.
    """
    if not text:
        return text
    found = _present(text)
    for secret in sorted(found, key=len, reverse=True) if len(found) > 1 else found:
        text = text.replace(secret, "<redacted>")
    pattern = _short_pattern
    if pattern is not None:
        text = pattern.sub("<redacted>", text)
    if "eyJ" in text:
        text = _JWT.sub("<redacted:jwt>", text)
    return text


def preview(value: Any, limit: int) -> str:
    """``value`` as text of at most ``limit`` characters, redacted *before* it is cut.

    Cutting first would leave a secret's or a token's beginning that no longer matches anything (a
    token's header and claims without its signature). Text (and bytes, decoded) keeps its form, as it
    was on the wire; dicts and lists are redacted by key too, then written as JSON.
    """
    redacted = redact(value)
    text = (
        redacted
        if isinstance(redacted, str)
        else json.dumps(redacted, sort_keys=True, ensure_ascii=False, default=str)
    )
    return text if len(text) <= limit else text[: max(limit - 3, 0)] + "..."


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
