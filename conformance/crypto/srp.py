"""Cognito's SRP-6a, both sides: user sign-in (USER_SRP_AUTH / PASSWORD_VERIFIER), device sign-in
(DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER), the ConfirmDevice verifier, and SECRET_HASH.

Cognito's SRP is SRP-6a over the RFC 5054 3072-bit group, but its encodings are its own; every
place where it departs from RFC 5054 carries a comment that cites docs/facts.md. The maths is
checked byte for byte against amazon-cognito-identity-js in
``tests/crypto/test_crosscheck_official_client.py``.

Why the ``srp`` package (a pinned dependency) does not compute these values itself: it hashes
numbers in their minimal unsigned form, without Cognito's ``padHex`` sign byte, so its ``k``
always differs (N's top bit is set) and its ``u`` and ``x`` differ whenever A, B or the salt has
its top bit set; its ``User``/``Verifier`` take only 32-byte ephemeral secrets (Cognito's ``a``
is 128 bytes); its ``create_salted_verification_key`` draws its own salt; and it has no HKDF step.
What it does the same way as Cognito is the modular arithmetic, which
:mod:`conformance.crypto.bignum` borrows from it (OpenSSL's BN_mod_exp, ~12x faster than pow()).

Secrets (passwords, ``a``, ``b``, keys, device passwords) live only in memory: no ``repr`` here
shows them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from conformance.crypto.bignum import modexp

# docs/facts.md §1 [ACIJ initN, AMP6 INIT_N, PYC N_HEX]: the RFC 3526/5054 3072-bit prime.
N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N: int = int(N_HEX, 16)
G: int = 2

#: Cognito's ``a`` is 128 random bytes (docs/facts.md §1 [ACIJ generateRandomSmallA]).
SMALL_A_BYTES = 128
#: The server's ``b``: Cognito's size is not known; 32 bytes is what the ``srp`` package's own
#: Verifier draws (``BN_rand(self.b, 256, ...)``), and it keeps the server side fast.
SMALL_B_BYTES = 32
#: ConfirmDevice's random device password is base64 of 40 random bytes, its salt 16 random bytes
#: (docs/facts.md §2 [ACIJ generateHashDevice, AMP6, PYC]).
DEVICE_PASSWORD_BYTES = 40
DEVICE_SALT_BYTES = 16

# docs/facts.md §1 [ACIJ computehkdf]: the HKDF info string.
_HKDF_INFO = b"Caldera Derived Key"

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # datetime.weekday() order
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY_NAMES = "|".join(_WEEKDAYS)
_MONTH_NAMES = "|".join(_MONTHS)
# "ddd MMM D HH:mm:ss UTC YYYY": day of month not padded, the rest padded (§1 [ACIJ DateHelper]).
_CANONICAL_TIMESTAMP = re.compile(
    rf"(?P<wd>{_DAY_NAMES}) (?P<mon>{_MONTH_NAMES}) (?P<day>[1-9]|[12][0-9]|3[01]) "
    r"(?P<h>[01][0-9]|2[0-3]):(?P<m>[0-5][0-9]):(?P<s>[0-5][0-9]) UTC (?P<y>[1-9][0-9]{3})"
)
# What Java's "EEE MMM d HH:mm:ss z yyyy" would still read (zero-padded day, unpadded time, GMT).
# §12.2: such a value is refused as a bad proof, while text that does not parse at all is an
# InvalidParameterException; this pattern draws that line.
_PARSEABLE_TIMESTAMP = re.compile(
    rf"(?:{_DAY_NAMES}) (?:{_MONTH_NAMES}) [0-9]{{1,2}} [0-9]{{1,2}}:[0-9]{{1,2}}:[0-9]{{1,2}} "
    r"(?:UTC|GMT) [0-9]{4}"
)
_HEX = re.compile(r"[0-9a-fA-F]+")


class SrpRejected(Exception):
    """The server refused an SRP answer.

    Attributes:
        reason: Machine-readable cause, one of :data:`REJECTION_REASONS`.
        detail: A human-readable explanation that never contains a secret.
    """

    def __init__(self, reason: str, detail: str) -> None:
        if reason not in REJECTION_REASONS:
            raise ValueError(f"unknown SRP rejection reason {reason!r}")
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


#: Each rejection reason, with the error AWS returns for it, how sure that is, and the source.
#: The reference endpoint maps a :class:`SrpRejected` to a wire error through this table.
REJECTION_REASONS: dict[str, dict[str, str]] = {
    "wrong-password-or-signature": {
        "error": "NotAuthorizedException",
        "message": "Incorrect username or password.",
        "confidence": "documented",
        "source": "docs/facts.md §1 [DG cognito-user-pool-managing-errors]; §12.1 wrong device proof",
    },
    "noncanonical-timestamp": {
        "error": "NotAuthorizedException",
        "message": "Incorrect username or password.",
        # §13: the zero-padded day is likely (two reports), the wrong weekday unverified (one).
        "confidence": "likely",
        "source": "facts:auth.padded-day; facts:auth.wrong-weekday",
    },
    "malformed-timestamp": {
        "error": "InvalidParameterException",
        "message": "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
        "confidence": "unverified",
        "source": "facts:auth.malformed-timestamp",
    },
    "timestamp-out-of-window": {
        "error": "NotAuthorizedException",
        "message": "Incorrect username or password.",
        "confidence": "unverified",
        "source": "docs/facts.md §12.2 clock skew: the window and the error are UNVERIFIED",
    },
    "bad-srp-a": {
        "error": "InvalidParameterException",
        "message": "",
        "confidence": "unverified",
        "source": "docs/facts.md §1: A mod N = 0 is refused by clients [ACIJ]; AWS's error is UNVERIFIED",
    },
}


def pad_hex(value: int) -> str:
    """Cognito's ``padHex``: the minimal signed big-endian encoding of a non-negative integer, in hex.

    Args:
        value: A non-negative integer.

    Returns:
        Lowercase, even-length hex, with ``00`` prepended when the top bit would otherwise be set.

    Raises:
        ValueError: For a negative value (never occurs in SRP).
    """
    # Not RFC 5054's PAD() (left-pad to the length of N): Cognito encodes like Java's
    # BigInteger.toByteArray(), one sign byte when the top bit is set (docs/facts.md §1 [ACIJ padHex]).
    if value < 0:
        raise ValueError("pad_hex is only defined here for non-negative integers")
    text = format(value, "x")
    if len(text) % 2:
        text = "0" + text
    if text[0] in "89abcdef":
        text = "00" + text
    return text


def _pad_bytes(value: int) -> bytes:
    return bytes.fromhex(pad_hex(value))


def _sha256_int(data: bytes) -> int:
    return int.from_bytes(hashlib.sha256(data).digest(), "big")


# k = H(padHex(N) || padHex(g)): RFC 5054 uses H(N || PAD(g)); Cognito's padHex adds a 00 sign
# byte before N and none before g (docs/facts.md §1 [ACIJ constructor], known answer 538282c4…).
K: int = _sha256_int(_pad_bytes(N) + _pad_bytes(G))


def pool_name(user_pool_id: str) -> str:
    """The part of a user pool id after the underscore: ``"us-east-1_AbC"`` -> ``"AbC"``.

    Raises:
        ValueError: If the id has no underscore.
    """
    # docs/facts.md §1 [ACIJ getUserPoolName: UserPoolId.split('_')[1]]
    parts = user_pool_id.split("_")
    if len(parts) < 2:
        raise ValueError(f"not a user pool id (no '_'): {user_pool_id!r}")
    return parts[1]


def cognito_timestamp(when: datetime | None = None) -> str:
    """Render a TIMESTAMP the way Cognito's clients do, e.g. ``"Sun Feb 4 11:08:36 UTC 2018"``.

    Args:
        when: The instant; a naive value is taken as UTC. Defaults to now.

    Returns:
        ``"ddd MMM D HH:mm:ss UTC YYYY"`` in UTC with English names and an unpadded day.
    """
    # docs/facts.md §1 [ACIJ DateHelper.getNowString]; §12.2: a zero-padded day is rejected.
    if when is None:
        when = datetime.now(UTC)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    return (
        f"{_WEEKDAYS[when.weekday()]} {_MONTHS[when.month - 1]} {when.day} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} UTC {when.year}"
    )


def parse_cognito_timestamp(text: str) -> datetime:
    """Parse a TIMESTAMP, accepting only the exact form :func:`cognito_timestamp` writes.

    Args:
        text: The TIMESTAMP challenge response.

    Returns:
        The instant, timezone-aware in UTC.

    Raises:
        SrpRejected: ``noncanonical-timestamp`` when the text is readable as a date but not in the
            canonical form (zero-padded day, wrong weekday, unpadded time, ``GMT``);
            ``malformed-timestamp`` when it is not readable at all.
    """
    match = _CANONICAL_TIMESTAMP.fullmatch(text)
    if match is None:
        if _PARSEABLE_TIMESTAMP.fullmatch(text):
            raise SrpRejected(
                "noncanonical-timestamp",
                "TIMESTAMP is not in Cognito's exact form 'ddd MMM D HH:mm:ss UTC YYYY' "
                "(for example a zero-padded day)",
            )
        raise SrpRejected("malformed-timestamp", "TIMESTAMP is not 'ddd MMM D HH:mm:ss UTC YYYY'")
    try:
        when = datetime(
            int(match["y"]),
            _MONTHS.index(match["mon"]) + 1,
            int(match["day"]),
            int(match["h"]),
            int(match["m"]),
            int(match["s"]),
            tzinfo=UTC,
        )
    except ValueError as error:  # e.g. "Feb 30"
        raise SrpRejected("malformed-timestamp", f"TIMESTAMP names no real date ({error})") from None
    if _WEEKDAYS[when.weekday()] != match["wd"]:
        # §12.2 [MINI-1758]: a wrong weekday is refused like a bad proof.
        raise SrpRejected("noncanonical-timestamp", "TIMESTAMP weekday does not match its date")
    return when


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """SECRET_HASH = base64(HMAC-SHA256(key=client secret, msg=username + client id)).

    Source: docs/facts.md §1 [DG signing-up-users-in-your-app; PYC get_secret_hash].
    """
    digest = hmac.new(
        client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def compute_x(pool_name: str, username: str, password: str, salt: int) -> int:
    """The private key ``x`` as Cognito computes it.

    Args:
        pool_name: The pool name (user SRP) or the DeviceGroupKey (device SRP).
        username: USER_ID_FOR_SRP (user SRP) or the DeviceKey (device SRP).
        password: The user's password or the random device password.
        salt: The salt as an integer (clients parse the hex SALT with ``BigInteger(SALT, 16)``).
    """
    # RFC 5054: x = H(s || H(I ":" P)). Cognito puts the pool name in front of the identity and
    # hashes padHex(salt) with the raw inner digest (docs/facts.md §1 [ACIJ
    # getPasswordAuthenticationKey]; devices: §2 step 5 with DeviceGroupKey and DeviceKey).
    inner = hashlib.sha256(f"{pool_name}{username}:{password}".encode()).digest()
    return _sha256_int(_pad_bytes(salt) + inner)


def compute_verifier(pool_name: str, username: str, password: str, salt: bytes) -> int:
    """The password verifier ``v = g^x mod N``.

    Args:
        pool_name: The pool name, or the DeviceGroupKey for a device.
        username: USER_ID_FOR_SRP, or the DeviceKey for a device.
        password: The password, or the random device password.
        salt: The salt bytes (read as a positive big-endian integer, as clients read SALT).
    """
    return modexp(G, compute_x(pool_name, username, password, int.from_bytes(salt, "big")), N)


def compute_u(srp_a: int, srp_b: int) -> int:
    """``u = H(padHex(A) || padHex(B))``."""
    # RFC 5054 hashes PAD(A) || PAD(B); Cognito hashes padHex, the sign-byte encoding
    # (docs/facts.md §1 [ACIJ calculateU]).
    return _sha256_int(_pad_bytes(srp_a) + _pad_bytes(srp_b))


def derive_key(u: int, premaster: int) -> bytes:
    """The 16-byte key that signs the proof: HKDF-SHA256(salt=padHex(u), ikm=padHex(S)).

    Args:
        u: The scrambling parameter.
        premaster: The shared secret ``S``.
    """
    # RFC 5054 has no KDF (K = H(S)); Cognito takes one HKDF block with info
    # "Caldera Derived Key" and keeps 16 bytes (docs/facts.md §1 [ACIJ computehkdf]).
    hkdf = HKDF(algorithm=hashes.SHA256(), length=16, salt=_pad_bytes(u), info=_HKDF_INFO)
    return hkdf.derive(_pad_bytes(premaster))


def claim_signature(key: bytes, pool_name: str, username: str, secret_block: bytes, timestamp: str) -> str:
    """PASSWORD_CLAIM_SIGNATURE, base64 of HMAC-SHA256 over Cognito's message.

    Args:
        key: The 16-byte key from :func:`derive_key`.
        pool_name: The pool name, or the DeviceGroupKey for a device.
        username: USER_ID_FOR_SRP, or the DeviceKey for a device.
        secret_block: The decoded SECRET_BLOCK.
        timestamp: The TIMESTAMP exactly as sent.
    """
    # RFC 5054's M1 = H(H(N) xor H(g), H(I), s, A, B, K); Cognito signs
    # poolName || username || SECRET_BLOCK || TIMESTAMP with the HKDF key
    # (docs/facts.md §1 [ACIJ concatBuffer]; devices §2 step 6).
    message = pool_name.encode("utf-8") + username.encode("utf-8") + secret_block + timestamp.encode("utf-8")
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii")


def decode_secret_block(secret_block: str) -> bytes:
    """Decode SECRET_BLOCK as clients do: standard or URL-safe base64, padding optional.

    Source: docs/facts.md §1 (AMP6 adds '=' padding and maps '-'/'_' to '+'/'/').
    """
    text = secret_block.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4))


def parse_srp_a(srp_a_hex: str) -> int:
    """Read an SRP_A as a server must: any case, odd length, leading zeros (§1, §12.2 [NETX]).

    Raises:
        SrpRejected: ``bad-srp-a`` if it is not hex or is 0 mod N.
    """
    if not _HEX.fullmatch(srp_a_hex):
        raise SrpRejected("bad-srp-a", "SRP_A is not a hexadecimal number")
    value = int(srp_a_hex, 16)
    if value % N == 0:
        raise SrpRejected("bad-srp-a", "SRP_A is 0 mod N")
    return value


def _random_small_a() -> int:
    # docs/facts.md §1 [ACIJ generateRandomSmallA]: 128 random bytes read as a positive integer.
    while True:
        a = int.from_bytes(secrets.token_bytes(SMALL_A_BYTES), "big")
        if a:
            return a


def client_session_key(
    *, pool_name: str, username: str, password: str, a: int, srp_a: int, srp_b: int, salt: int
) -> tuple[int, bytes]:
    """The client's ``u`` and HKDF key for one exchange.

    Args:
        pool_name: The pool name, or the DeviceGroupKey for a device.
        username: USER_ID_FOR_SRP, or the DeviceKey for a device.
        password: The password, or the random device password.
        a: The client's secret exponent.
        srp_a: ``g^a mod N``.
        srp_b: The server's SRP_B.
        salt: The SALT as an integer.

    Returns:
        ``(u, key)``.

    Raises:
        ValueError: If ``B mod N = 0`` or ``u = 0`` (client-side checks, docs/facts.md §1 [ACIJ]).
    """
    if srp_b % N == 0:
        raise ValueError("SRP_B is 0 mod N")
    u = compute_u(srp_a, srp_b)
    if u == 0:
        raise ValueError("u is 0")
    premaster = client_premaster(
        pool_name=pool_name, username=username, password=password, a=a, srp_b=srp_b, salt=salt, u=u
    )
    return u, derive_key(u, premaster)


def client_premaster(
    *, pool_name: str, username: str, password: str, a: int, srp_b: int, salt: int, u: int
) -> int:
    """The client's shared secret ``S = (B - k*g^x)^(a + u*x) mod N``.

    Source: docs/facts.md §1 [ACIJ calculateS]; this is SRP-6a as in RFC 5054, with Cognito's k and x.
    """
    x = compute_x(pool_name, username, password, salt)
    return modexp(srp_b - K * modexp(G, x, N), a + u * x, N)


class SrpServer:
    """Server side of one exchange (user PASSWORD_VERIFIER or device DEVICE_PASSWORD_VERIFIER).

    Args:
        verifier: The stored verifier ``v`` (from :func:`compute_verifier`, or the decoded
            PasswordVerifier of ConfirmDevice).
        b: The secret exponent; random :data:`SMALL_B_BYTES` bytes when omitted.

    Raises:
        ValueError: If the verifier is not in ``(0, N)`` or ``b`` is not positive.
    """

    def __init__(self, verifier: int, *, b: int | None = None) -> None:
        if not 0 < verifier < N:
            raise ValueError("verifier must be in (0, N)")
        if b is None:
            b = 1 + secrets.randbelow(2 ** (8 * SMALL_B_BYTES) - 1)
        elif b <= 0:
            raise ValueError("b must be positive")
        self._verifier = verifier
        self._b = b
        # B = k*v + g^b mod N (SRP-6a, RFC 5054 §2.5.3), with Cognito's k.
        self._srp_b = (K * verifier + modexp(G, b, N)) % N

    def __repr__(self) -> str:
        return "SrpServer(<secret>)"

    @property
    def srp_b(self) -> int:
        return self._srp_b

    def srp_b_hex(self) -> str:
        """SRP_B for ChallengeParameters: lowercase hex, unpadded (clients read it with BigInteger(x, 16))."""
        return format(self._srp_b, "x")

    def session_key(self, srp_a_hex: str) -> tuple[int, bytes]:
        """The server's ``u`` and HKDF key for a client's SRP_A.

        Raises:
            SrpRejected: ``bad-srp-a`` if SRP_A is unusable or makes ``u`` zero.
        """
        srp_a = parse_srp_a(srp_a_hex)
        u = compute_u(srp_a, self._srp_b)
        if u == 0:
            raise SrpRejected("bad-srp-a", "u = H(A, B) is 0")
        # S = (A * v^u)^b mod N (SRP-6a server side, RFC 5054 §2.6).
        premaster = modexp(srp_a * modexp(self._verifier, u, N), self._b, N)
        return u, derive_key(u, premaster)

    def verify(
        self,
        *,
        srp_a_hex: str,
        pool_name: str,
        username: str,
        secret_block: bytes,
        timestamp: str,
        signature_b64: str,
        now: datetime | None = None,
        max_skew: timedelta | None = None,
    ) -> None:
        """Check a PASSWORD_CLAIM_SIGNATURE.

        For devices pass ``pool_name=DeviceGroupKey`` and ``username=DeviceKey`` (§2 step 6).

        Args:
            srp_a_hex: The client's SRP_A as received (any case, odd length allowed, §12.2).
            pool_name: The pool name, or the DeviceGroupKey.
            username: USER_ID_FOR_SRP, or the DeviceKey.
            secret_block: The SECRET_BLOCK bytes this server issued.
            timestamp: The TIMESTAMP as received.
            signature_b64: PASSWORD_CLAIM_SIGNATURE as received.
            now: The server's clock, for ``max_skew``; defaults to now.
            max_skew: If set, refuse a TIMESTAMP further than this from ``now``. AWS has such a
                window but its size is UNVERIFIED (§12.2), so the default is no check.

        Raises:
            SrpRejected: With the reason the proof is refused.
        """
        when = parse_cognito_timestamp(timestamp)
        if max_skew is not None:
            reference = now if now is not None else datetime.now(UTC)
            if abs(reference - when) > max_skew:
                raise SrpRejected("timestamp-out-of-window", "TIMESTAMP is too far from the server's clock")
        _, key = self.session_key(srp_a_hex)
        expected = claim_signature(key, pool_name, username, secret_block, timestamp)
        try:
            received = base64.b64decode(signature_b64, validate=True)
        except ValueError:
            raise SrpRejected("wrong-password-or-signature", "signature is not base64") from None
        if not hmac.compare_digest(received, base64.b64decode(expected)):
            raise SrpRejected(
                "wrong-password-or-signature", "signature does not match the verifier (wrong password?)"
            )


class UserSrpClient:
    """Client side of USER_SRP_AUTH and the PASSWORD_VERIFIER answer.

    Args:
        user_pool_id: The pool id; its name part enters ``x`` and the signature.
        password: The user's password.
        a: The secret exponent; 128 random bytes when omitted (§1).
    """

    def __init__(self, user_pool_id: str, password: str, *, a: int | None = None) -> None:
        self.pool_name = pool_name(user_pool_id)
        self._password = password
        self._a = _random_small_a() if a is None else a
        if self._a <= 0:
            raise ValueError("a must be positive")
        self._srp_a = modexp(G, self._a, N)
        if self._srp_a == 0:  # the client-side check of docs/facts.md §1 [ACIJ calculateA]
            raise ValueError("A mod N is 0")

    def __repr__(self) -> str:
        return f"UserSrpClient(pool_name={self.pool_name!r}, <secret>)"

    @property
    def srp_a(self) -> int:
        return self._srp_a

    def srp_a_hex(self) -> str:
        """SRP_A as clients send it: ``A.toString(16)``, lowercase, unpadded (§1)."""
        return format(self._srp_a, "x")

    def session_key(self, username: str, srp_b_hex: str, salt_hex: str) -> tuple[int, bytes]:
        """``(u, key)`` for a PASSWORD_VERIFIER challenge's USER_ID_FOR_SRP, SRP_B and SALT."""
        return client_session_key(
            pool_name=self.pool_name,
            username=username,
            password=self._password,
            a=self._a,
            srp_a=self._srp_a,
            srp_b=int(srp_b_hex, 16),
            salt=int(salt_hex, 16),
        )

    def answer_password_verifier(
        self, challenge_parameters: dict[str, str], *, timestamp: str | None = None
    ) -> dict[str, str]:
        """ChallengeResponses for PASSWORD_VERIFIER.

        Args:
            challenge_parameters: The challenge's parameters (USER_ID_FOR_SRP, SRP_B, SALT, SECRET_BLOCK).
            timestamp: TIMESTAMP to sign; now, in Cognito's format, when omitted.

        Returns:
            USERNAME (= USER_ID_FOR_SRP), PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE and
            TIMESTAMP. Add SECRET_HASH and DEVICE_KEY yourself when they apply.

        Raises:
            ValueError: If a parameter is missing or fails a client-side check.
        """
        try:
            # x and the signature use USER_ID_FOR_SRP, not the typed name (§1 [ACIJ, AMP6, DG]).
            username = challenge_parameters["USER_ID_FOR_SRP"]
            srp_b_hex = challenge_parameters["SRP_B"]
            salt_hex = challenge_parameters["SALT"]
            secret_block = challenge_parameters["SECRET_BLOCK"]
        except KeyError as missing:
            raise ValueError(f"PASSWORD_VERIFIER challenge lacks {missing.args[0]}") from None
        _, key = self.session_key(username, srp_b_hex, salt_hex)
        timestamp = cognito_timestamp() if timestamp is None else timestamp
        return {
            "USERNAME": username,
            "PASSWORD_CLAIM_SECRET_BLOCK": secret_block,
            "PASSWORD_CLAIM_SIGNATURE": claim_signature(
                key, self.pool_name, username, decode_secret_block(secret_block), timestamp
            ),
            "TIMESTAMP": timestamp,
        }


@dataclass(frozen=True)
class DeviceSecret:
    """What a client keeps for a remembered device (§2).

    Attributes:
        device_group_key: NewDeviceMetadata.DeviceGroupKey.
        device_key: NewDeviceMetadata.DeviceKey.
        password: The random device password (secret: hidden from ``repr``).
        salt: The salt bytes in ``padHex`` form (hidden from ``repr``).
    """

    device_group_key: str
    device_key: str
    password: str = field(repr=False)
    salt: bytes = field(repr=False)

    @cached_property
    def verifier(self) -> int:
        """``g^x mod N`` with x over DeviceGroupKey, DeviceKey and the device password (§2)."""
        return compute_verifier(self.device_group_key, self.device_key, self.password, self.salt)

    def verifier_config(self) -> dict[str, str]:
        """ConfirmDevice's DeviceSecretVerifierConfig.

        Returns:
            ``{"PasswordVerifier": ..., "Salt": ...}``: standard base64 of the raw bytes of
            ``padHex(v)`` and of the salt, not base64 of hex text (§2 [ACIJ, AMP6, PYC]).
        """
        return {
            "PasswordVerifier": base64.b64encode(_pad_bytes(self.verifier)).decode("ascii"),
            "Salt": base64.b64encode(self.salt).decode("ascii"),
        }


def device_salt(random_bytes: bytes) -> bytes:
    """The device salt clients derive from their random bytes: ``padHex`` of them as a positive integer.

    Leading zero bytes are dropped and a ``00`` is added before a set top bit, exactly as
    ``padHex(new BigInteger(hex, 16))`` does (§2 [ACIJ generateHashDevice]). Keeping that form
    matters: at sign-in the client reads SALT back as an integer and pads it again, so a salt in
    any other form would give a different ``x``.
    """
    return _pad_bytes(int.from_bytes(random_bytes, "big"))


def new_device_secret(
    device_group_key: str, device_key: str, *, password: str | None = None, salt: bytes | None = None
) -> DeviceSecret:
    """Make the secret for ConfirmDevice.

    Args:
        device_group_key: NewDeviceMetadata.DeviceGroupKey.
        device_key: NewDeviceMetadata.DeviceKey.
        password: The device password; base64 of 40 random bytes when omitted (§2).
        salt: Random salt bytes, normalised with :func:`device_salt`; 16 random bytes when omitted.
    """
    if password is None:
        password = base64.b64encode(secrets.token_bytes(DEVICE_PASSWORD_BYTES)).decode("ascii")
    if salt is None:
        salt = secrets.token_bytes(DEVICE_SALT_BYTES)
    return DeviceSecret(device_group_key, device_key, password, device_salt(salt))


class DeviceSrpClient:
    """Client side of DEVICE_SRP_AUTH and the DEVICE_PASSWORD_VERIFIER answer.

    Args:
        secret: The device's secret from ConfirmDevice.
        a: The secret exponent; 128 random bytes when omitted.
        username: The user's internal name, used for USERNAME when the challenge has none
            (AMP6 ``challengeParameters?.USERNAME ?? username``, §2 step 4).
    """

    def __init__(self, secret: DeviceSecret, *, a: int | None = None, username: str | None = None) -> None:
        self.secret = secret
        self.username = username
        self._a = _random_small_a() if a is None else a
        if self._a <= 0:
            raise ValueError("a must be positive")
        self._srp_a = modexp(G, self._a, N)
        if self._srp_a == 0:
            raise ValueError("A mod N is 0")

    def __repr__(self) -> str:
        return f"DeviceSrpClient(device_key={self.secret.device_key!r}, <secret>)"

    @property
    def srp_a(self) -> int:
        return self._srp_a

    def srp_a_hex(self) -> str:
        """SRP_A for DEVICE_SRP_AUTH, lowercase and unpadded."""
        return format(self._srp_a, "x")

    def answer_device_srp_auth(self, username: str | None = None) -> dict[str, str]:
        """ChallengeResponses for DEVICE_SRP_AUTH: USERNAME, DEVICE_KEY, SRP_A (§2 step 3, §12.1).

        Raises:
            ValueError: If no username is known.
        """
        name = username if username is not None else self.username
        if name is None:
            raise ValueError("DEVICE_SRP_AUTH needs the user's USERNAME")
        return {"USERNAME": name, "DEVICE_KEY": self.secret.device_key, "SRP_A": self.srp_a_hex()}

    def session_key(self, srp_b_hex: str, salt_hex: str) -> tuple[int, bytes]:
        """``(u, key)`` for a DEVICE_PASSWORD_VERIFIER challenge's SRP_B and SALT (§2 step 5)."""
        return client_session_key(
            pool_name=self.secret.device_group_key,
            username=self.secret.device_key,
            password=self.secret.password,
            a=self._a,
            srp_a=self._srp_a,
            srp_b=int(srp_b_hex, 16),
            salt=int(salt_hex, 16),
        )

    def answer_device_password_verifier(
        self, challenge_parameters: dict[str, str], *, timestamp: str | None = None
    ) -> dict[str, str]:
        """ChallengeResponses for DEVICE_PASSWORD_VERIFIER.

        Args:
            challenge_parameters: The challenge's parameters (SRP_B, SALT, SECRET_BLOCK, USERNAME).
            timestamp: TIMESTAMP to sign; now, in Cognito's format, when omitted.

        Returns:
            USERNAME, DEVICE_KEY, PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE, TIMESTAMP
            (§2 step 7). Add SECRET_HASH yourself when the client has a secret.

        Raises:
            ValueError: If a parameter is missing or fails a client-side check.
        """
        try:
            srp_b_hex = challenge_parameters["SRP_B"]
            salt_hex = challenge_parameters["SALT"]
            secret_block = challenge_parameters["SECRET_BLOCK"]
        except KeyError as missing:
            raise ValueError(f"DEVICE_PASSWORD_VERIFIER challenge lacks {missing.args[0]}") from None
        username = challenge_parameters.get("USERNAME", self.username)
        if username is None:
            raise ValueError("DEVICE_PASSWORD_VERIFIER challenge has no USERNAME and none was given")
        _, key = self.session_key(srp_b_hex, salt_hex)
        timestamp = cognito_timestamp() if timestamp is None else timestamp
        # The signature covers DeviceGroupKey || DeviceKey || SECRET_BLOCK || TIMESTAMP (§2 step 6).
        signature = claim_signature(
            key,
            self.secret.device_group_key,
            self.secret.device_key,
            decode_secret_block(secret_block),
            timestamp,
        )
        return {
            "USERNAME": username,
            "DEVICE_KEY": self.secret.device_key,
            "PASSWORD_CLAIM_SECRET_BLOCK": secret_block,
            "PASSWORD_CLAIM_SIGNATURE": signature,
            "TIMESTAMP": timestamp,
        }
