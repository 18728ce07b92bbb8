"""Identifier formats as AWS issues them (docs/facts.md §2, §5, §9)."""

from __future__ import annotations

import secrets
import string
import uuid

_ALNUM = string.ascii_letters + string.digits
_LOWER_ALNUM = string.ascii_lowercase + string.digits


def _pick(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def user_pool_id(region: str) -> str:
    """``{region}_{9 chars [0-9A-Za-z]}``, e.g. ``us-west-2_ywDJHlIfU`` (§9)."""
    return f"{region}_{_pick(_ALNUM, 9)}"


def client_id() -> str:
    """26 chars ``[a-z0-9]``, e.g. ``3n4b5urk1ft4fl3mg5e62d9ado`` (§9)."""
    return _pick(_LOWER_ALNUM, 26)


def client_secret() -> str:
    """A generated client secret. Length and alphabet are UNVERIFIED (§9: "commonly ~51 lowercase
    alphanumerics"); 51 chars of ``[a-z0-9]`` fits the model's ``[\\w+]+`` 24..64."""
    return _pick(_LOWER_ALNUM, 51)


def user_sub() -> str:
    """A UUID-shaped sub. Recent AWS subs have a third group starting ``70`` (§5, observation only)."""
    raw = uuid.uuid4().hex
    return f"{raw[0:8]}-{raw[8:12]}-70{raw[14:16]}-{raw[16:20]}-{raw[20:32]}"


def device_key(region: str) -> str:
    """``{region}_{uuid}`` (§2 [CLI]; model pattern ``[\\w-]+_[0-9a-f-]+``)."""
    return f"{region}_{uuid.uuid4()}"


def device_group_key() -> str:
    """``-`` then 8 alphanumerics: every real value matches ``^-[0-9A-Za-z]{8}$`` (§12.1, likely)."""
    return "-" + _pick(_ALNUM, 8)


def confirmation_code() -> str:
    """A 6-digit code, as Cognito e-mails them."""
    return "".join(secrets.choice(string.digits) for _ in range(6))


def pagination_token() -> str:
    return secrets.token_urlsafe(48)
