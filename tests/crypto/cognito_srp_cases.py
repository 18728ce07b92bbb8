"""Seeded generator of SRP cases for the cross-check against amazon-cognito-identity-js.

Each case is plain JSON for ``tests/crypto/node/crosscheck.js`` plus a few Python-only fields
(prefixed ``_``, never sent to node). Shapes are assigned round-robin, not drawn, so every
batch is guaranteed to hold each edge the issue names: salts and B with the top bit set and
clear, values with leading zero bytes (salt, B, a, A, u, S, device verifier, device salt), and
unicode identities and passwords (BMP, astral planes, combining marks, NUL, ':').

A seeded ``random.Random`` rather than Hypothesis: the node process must run once per session
over one fixed batch, and some edges (A, u, S or the verifier starting with a zero byte) only
occur about once in 256 draws, so they are searched for on purpose.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from conformance.crypto import srp
from conformance.crypto.bignum import modexp

SEED = 20260728
CASES_PER_KIND = 204

# Alphabets mixed into identities and passwords. ':' matters: it separates identity and
# password inside x's inner hash. Astral characters are surrogate pairs in JavaScript strings.
_ALPHABETS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+@",
    "äöüßéèçñøåÆŒÿ",
    "ΩπσλδжщыюяЖ",
    "中文漢字日本語한국어",
    "😀🚀🧪𝔘𝕟𝕚🏳️‍🌈",
    "\u0301\u0308\u200d\u202e\u00a0",
    "عربيעברית",
    " \t:\\\"'/%\u0000",
)
_SHAPES = ("top-set", "top-clear", "leading-zero")
_REGIONS = ("us-east-1", "eu-west-2", "ap-southeast-2", "us-gov-west-1")
_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class Coverage:
    """What a batch holds, counted per edge, so a test can assert the batch is as claimed."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, *labels: str) -> None:
        for label in labels:
            self.counts[label] = self.counts.get(label, 0) + 1


def _any_codepoint(rng: random.Random) -> str:
    while True:
        point = rng.randrange(0, 0x110000)
        if not 0xD800 <= point <= 0xDFFF:  # lone surrogates cannot be UTF-8 encoded by either side
            return chr(point)


def _text(rng: random.Random, index: int, low: int, high: int) -> str:
    length = rng.randint(low, high)
    if index % 4 == 0:  # a quarter stay ASCII, like most real usernames
        return "".join(rng.choice(_ALPHABETS[0]) for _ in range(length))
    chars = []
    for _ in range(length):
        if rng.random() < 0.15:
            chars.append(_any_codepoint(rng))
        else:
            chars.append(rng.choice(rng.choice(_ALPHABETS)))
    return "".join(chars)


def _shaped_bytes(rng: random.Random, length: int, shape: str) -> bytes:
    body = bytearray(rng.randbytes(length))
    if shape == "top-set":
        body[0] = rng.randint(0x80, 0xFF)
    elif shape == "top-clear":
        body[0] = rng.randint(0x01, 0x7F)
    else:
        zeros = rng.randint(1, min(3, length))
        body[:zeros] = bytes(zeros)
    return bytes(body)


def _shaped_b(rng: random.Random, shape: str) -> bytes:
    # B is below N; N starts with 0xFFFF, so a first byte up to 0xFE keeps it there.
    value = _shaped_bytes(rng, 384, shape)
    if shape == "top-set" and value[0] == 0xFF:
        value = b"\xfe" + value[1:]
    return value


def _timestamp(rng: random.Random) -> str:
    start = datetime(1971, 1, 1, tzinfo=UTC)
    return srp.cognito_timestamp(start + timedelta(seconds=rng.randrange(0, 130 * 365 * 86400)))


def _secret_block(rng: random.Random, index: int) -> str:
    raw = rng.randbytes(rng.choice((0, 1, 2, 3, 17, 64, 300, 1024)))
    if index % 16 == 5:  # URL-safe and unpadded: both ACIJ (Buffer) and AMP6 read it (§1)
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    return base64.b64encode(raw).decode("ascii")


def _pool_id(rng: random.Random) -> str:
    name = "".join(rng.choice(_ALNUM) for _ in range(rng.randint(1, 12)))
    return f"{rng.choice(_REGIONS)}_{name}"


def _small_a(rng: random.Random, index: int) -> bytes:
    """128 bytes of ``a``, as ACIJ draws them.

    One case in eight draws all 128 bytes (top bit set, clear, or leading zeros in turn).
    The rest put the randomness in the last 24 bytes, a legitimate draw with leading zero bytes:
    jsbn needs about 85 us per exponent bit at 3072 bits, and a short ``a`` halves node's time
    without touching any encoding, since A = g^a mod N is full-size either way.
    """
    if index % 8 == 0:
        return _shaped_bytes(rng, srp.SMALL_A_BYTES, _SHAPES[(index // 8) % 3])
    return bytes(srp.SMALL_A_BYTES - 24) + rng.randbytes(24)


def _search_a_with_short_srp_a(rng: random.Random) -> bytes:
    """128 bytes whose A = g^a mod N has a leading zero byte (about 1 draw in 256)."""
    while True:
        a = rng.randbytes(srp.SMALL_A_BYTES)
        if modexp(srp.G, int.from_bytes(a, "big"), srp.N) < 1 << (3072 - 8):
            return a


def user_cases(rng: random.Random, count: int, coverage: Coverage) -> list[dict[str, Any]]:
    cases = []
    for index in range(count):
        shape = _SHAPES[index % 3]
        salt_shape = _SHAPES[(index // 3) % 3]
        a = _search_a_with_short_srp_a(rng) if index % 64 == 7 else _small_a(rng, index)
        salt = _shaped_bytes(rng, rng.choice((1, 2, 15, 16, 31, 32)), salt_shape)
        salt_hex = salt.hex()
        if index % 10 == 3:
            salt_hex = salt_hex.lstrip("0") or "0"  # odd-length, unpadded hex
        if index % 11 == 4:
            salt_hex = salt_hex.upper()
        username = _text(rng, index, 1, 40)
        password = _text(rng, index, 1, 64)
        pool_id = _pool_id(rng)
        a_int = int.from_bytes(a, "big")
        srp_a = modexp(srp.G, a_int, srp.N)
        server_b: int | None = None
        if index % 2 == 0:
            # A real server's B for this verifier, so our SrpServer can verify ACIJ's signature.
            verifier = srp.compute_verifier(srp.pool_name(pool_id), username, password, _hex_bytes(salt_hex))
            server_b = 1 + rng.randrange(2 ** (8 * srp.SMALL_B_BYTES) - 1)
            b_value = srp.SrpServer(verifier, b=server_b).srp_b
            b_hex = format(b_value, "x")
        else:
            raw_b = _shaped_b(rng, shape)
            if index % 32 == 1:
                # Search for a B that makes u start with a zero byte (about 1 in 256): cheap, hashes only.
                while srp.compute_u(srp_a, int.from_bytes(raw_b, "big")) >= 1 << 248:
                    raw_b = _shaped_b(rng, shape)
            if index % 96 == 9:
                # ...and for a B that makes S start with a zero byte.
                while _premaster(pool_id, username, password, a_int, srp_a, raw_b, salt_hex) >= 1 << 3064:
                    raw_b = _shaped_b(rng, shape)
            b_value = int.from_bytes(raw_b, "big")
            b_hex = raw_b.hex()  # keeps leading zero bytes, as a padded server might send
        u = srp.compute_u(srp_a, b_value)
        premaster = _premaster(
            pool_id, username, password, a_int, srp_a, bytes.fromhex(b_hex.zfill(768)), salt_hex
        )
        typed = username if index % 3 else f"{username[:5]}@example.com"
        coverage.add(
            f"user:b:{_shape_of(b_value, 384)}",
            f"user:salt:{_shape_of_hex(salt_hex)}",
            f"user:a:{_shape_of(a_int, 128)}",
            f"user:A:{_shape_of(srp_a, 384)}",
            f"user:u:{_shape_of(u, 32)}",
            f"user:S:{_shape_of(premaster, 384)}",
            "user:unicode" if not (username + password).isascii() else "user:ascii",
            "user:astral" if any(ord(c) > 0xFFFF for c in username + password) else "user:bmp",
            "user:server-b" if server_b is not None else "user:crafted-b",
        )
        cases.append(
            {
                "id": index,
                "pool_id": pool_id,
                "typed_username": typed,
                "username": username,
                "password": password,
                "a_bytes_hex": a.hex(),
                "b_hex": b_hex,
                "salt_hex": salt_hex,
                "secret_block_b64": _secret_block(rng, index),
                "timestamp": _timestamp(rng),
                "_server_b": server_b,
            }
        )
    return cases


def _premaster(
    pool_id: str, username: str, password: str, a: int, srp_a: int, raw_b: bytes, salt_hex: str
) -> int:
    b_value = int.from_bytes(raw_b, "big")
    return srp.client_premaster(
        pool_name=srp.pool_name(pool_id),
        username=username,
        password=password,
        a=a,
        srp_b=b_value,
        salt=int(salt_hex, 16),
        u=srp.compute_u(srp_a, b_value),
    )


def _hex_bytes(text: str) -> bytes:
    return bytes.fromhex(text if len(text) % 2 == 0 else "0" + text)


def _shape_of(value: int, width: int) -> str:
    """Classify a value by its full-width big-endian encoding: leading zero byte, or top bit."""
    if value < 1 << (8 * width - 8):
        return "leading-zero"
    return "top-set" if value >> (8 * width - 1) else "top-clear"


def _shape_of_hex(text: str) -> str:
    padded = text.zfill(len(text) + (len(text) % 2))
    if padded.startswith("00") or len(text) % 2:
        return "leading-zero"
    return "top-set" if int(padded[0], 16) >= 8 else "top-clear"


def _device_group_key(rng: random.Random, index: int) -> str:
    if index % 5 == 4:
        return _text(rng, index + 1, 1, 12)  # not AWS's shape, but the maths must not care
    return "-" + "".join(rng.choice(_ALNUM) for _ in range(8))  # §12.1: ^-[0-9A-Za-z]{8}$


def _device_key(rng: random.Random) -> str:
    hex_digits = rng.randbytes(16).hex()
    uuid = f"{hex_digits[:8]}-{hex_digits[8:12]}-{hex_digits[12:16]}-{hex_digits[16:20]}-{hex_digits[20:]}"
    return f"{rng.choice(_REGIONS)}_{uuid}"  # §2: Region_UUID


def device_verifier_cases(rng: random.Random, count: int, coverage: Coverage) -> list[dict[str, Any]]:
    cases = []
    for index in range(count):
        group_key = _device_group_key(rng, index)
        device_key = _device_key(rng)
        salt = _shaped_bytes(rng, srp.DEVICE_SALT_BYTES, _SHAPES[index % 3])
        if index == 0:
            salt = bytes(srp.DEVICE_SALT_BYTES)  # all zero: padHex(0) is "00"
        password_bytes = rng.randbytes(srp.DEVICE_PASSWORD_BYTES)
        if index % 40 == 6:
            # A password whose verifier starts with a zero byte (about 1 in 256 draws).
            while _device_verifier(group_key, device_key, password_bytes, salt) >= 1 << 3064:
                password_bytes = rng.randbytes(srp.DEVICE_PASSWORD_BYTES)
        verifier = _device_verifier(group_key, device_key, password_bytes, salt)
        coverage.add(
            f"device_verifier:salt:{_shape_of(int.from_bytes(salt, 'big'), 16)}",
            f"device_verifier:verifier:{_shape_of(verifier, 384)}",
        )
        cases.append(
            {
                "id": index,
                "device_group_key": group_key,
                "device_key": device_key,
                "password_bytes_hex": password_bytes.hex(),
                "salt_bytes_hex": salt.hex(),
            }
        )
    return cases


def _device_verifier(group_key: str, device_key: str, password_bytes: bytes, salt: bytes) -> int:
    secret = srp.new_device_secret(
        group_key, device_key, password=base64.b64encode(password_bytes).decode("ascii"), salt=salt
    )
    return secret.verifier


def device_auth_cases(rng: random.Random, count: int, coverage: Coverage) -> list[dict[str, Any]]:
    cases = []
    for index in range(count):
        shape = _SHAPES[index % 3]
        group_key = _device_group_key(rng, index)
        device_key = _device_key(rng)
        password = base64.b64encode(rng.randbytes(srp.DEVICE_PASSWORD_BYTES)).decode("ascii")
        raw_salt = _shaped_bytes(rng, srp.DEVICE_SALT_BYTES, _SHAPES[(index // 3) % 3])
        secret = srp.new_device_secret(group_key, device_key, password=password, salt=raw_salt)
        a = _search_a_with_short_srp_a(rng) if index % 64 == 11 else _small_a(rng, index)
        server_b: int | None = None
        if index % 2 == 0:
            server_b = 1 + rng.randrange(2 ** (8 * srp.SMALL_B_BYTES) - 1)
            b_value = srp.SrpServer(secret.verifier, b=server_b).srp_b
            b_hex = format(b_value, "x")
        else:
            raw_b = _shaped_b(rng, shape)
            b_value = int.from_bytes(raw_b, "big")
            b_hex = raw_b.hex()
        coverage.add(
            f"device_auth:b:{_shape_of(b_value, 384)}",
            f"device_auth:salt:{_shape_of(int.from_bytes(raw_salt, 'big'), srp.DEVICE_SALT_BYTES)}",
            "device_auth:server-b" if server_b is not None else "device_auth:crafted-b",
        )
        cases.append(
            {
                "id": index,
                "device_group_key": group_key,
                "device_key": device_key,
                "device_password": password,
                "username": _text(rng, index, 1, 30),
                "a_bytes_hex": a.hex(),
                "b_hex": b_hex,
                # The server returns SALT as hex of what ConfirmDevice stored (§2 step 4).
                "salt_hex": secret.salt.hex(),
                "secret_block_b64": _secret_block(rng, index),
                "timestamp": _timestamp(rng),
                "_server_b": server_b,
            }
        )
    return cases


def timestamp_cases(rng: random.Random, count: int, coverage: Coverage) -> list[dict[str, Any]]:
    """Instants for comparing TIMESTAMP rendering: the edges first, then random ones."""
    edges = [
        datetime(2018, 2, 4, 11, 8, 36, tzinfo=UTC),  # the real capture (§1)
        datetime(2024, 2, 29, 0, 0, 0, tzinfo=UTC),  # leap day, midnight
        datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2000, 1, 1, 0, 0, 0, tzinfo=UTC),
        datetime(2038, 1, 19, 3, 14, 8, tzinfo=UTC),  # past 32-bit time_t
        datetime(1970, 1, 1, 0, 0, 0, tzinfo=UTC),
    ]
    start = datetime(1970, 1, 1, tzinfo=UTC)
    cases = []
    for index in range(count):
        if index < len(edges):
            moment = edges[index]
        else:
            moment = start + timedelta(
                seconds=rng.randrange(0, 200 * 365 * 86400), milliseconds=rng.randrange(1000)
            )
        coverage.add("timestamps:single-digit-day" if moment.day < 10 else "timestamps:two-digit-day")
        cases.append({"id": index, "epoch_ms": (moment - start) // timedelta(milliseconds=1)})
    return cases


def build_batch(
    seed: int = SEED, count: int = CASES_PER_KIND
) -> tuple[dict[str, list[dict[str, Any]]], Coverage]:
    """The whole batch: ``{"user": [...], "device_verifier": [...], "device_auth": [...]}``."""
    rng = random.Random(seed)
    coverage = Coverage()
    batch = {
        "user": user_cases(rng, count, coverage),
        "device_verifier": device_verifier_cases(rng, count, coverage),
        "device_auth": device_auth_cases(rng, count, coverage),
        "timestamps": timestamp_cases(rng, count, coverage),
    }
    return batch, coverage


def for_node(batch: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The batch without the Python-only ``_`` fields."""
    return {
        kind: [{key: value for key, value in case.items() if not key.startswith("_")} for case in cases]
        for kind, cases in batch.items()
    }
