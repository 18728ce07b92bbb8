"""Unit tests of ``conformance.crypto.srp``: known answers, round trips and rejections.

The byte-for-byte comparison with the official client lives in
``test_crosscheck_official_client.py``. Run only these::

    pytest tests/crypto/test_crypto_srp.py -q
"""

from __future__ import annotations

import base64
import hashlib
import hmac as stdlib_hmac
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.crypto import bignum, srp

POOL_ID = "us-east-1_AbCdEfGhI"
SECRET_BLOCK = base64.b64encode(b"opaque state the server issued" * 3).decode("ascii")
WHEN = "Sun Feb 4 11:08:36 UTC 2018"
identities = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30)


def test_group_constants_are_cognitos() -> None:
    assert srp.N.bit_length() == 3072
    assert srp.G == 2
    # Known answer from docs/facts.md §1 (several independent suites hard-code it).
    assert format(srp.K, "064x") == "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"


@pytest.mark.parametrize(
    ("value", "expected"),
    # The examples in ACIJ's padHex doc comment, plus the edges.
    [
        (20, "14"),
        (56, "38"),
        (236, "00ec"),
        (200, "00c8"),
        (0, "00"),
        (0xF, "0f"),
        (0x80, "0080"),
        (0x123, "0123"),
    ],
)
def test_pad_hex_is_the_minimal_signed_encoding(value: int, expected: str) -> None:
    assert srp.pad_hex(value) == expected


def test_pad_hex_refuses_negative_numbers() -> None:
    with pytest.raises(ValueError):
        srp.pad_hex(-1)


def test_pool_name_is_the_part_after_the_underscore() -> None:
    assert srp.pool_name("us-east-1_AbC") == "AbC"
    with pytest.raises(ValueError):
        srp.pool_name("nounderscore")


def test_timestamp_matches_the_real_capture() -> None:
    # docs/facts.md §1: "Sun Feb 4 11:08:36 UTC 2018" [3P:46336862043]
    assert srp.cognito_timestamp(datetime(2018, 2, 4, 11, 8, 36, tzinfo=UTC)) == WHEN
    assert srp.cognito_timestamp(datetime(2018, 2, 4, 11, 8, 36)) == WHEN  # naive means UTC
    plus_two = timezone(timedelta(hours=2))
    assert srp.cognito_timestamp(datetime(2018, 2, 4, 13, 8, 36, tzinfo=plus_two)) == WHEN


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
def test_timestamp_round_trips(moment: datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=UTC)
    assert srp.parse_cognito_timestamp(srp.cognito_timestamp(moment)) == moment


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Sun Feb 04 11:08:36 UTC 2018", "noncanonical-timestamp"),  # §12.2: zero-padded day
        ("Mon Feb 4 11:08:36 UTC 2018", "noncanonical-timestamp"),  # §12.2: wrong weekday
        ("Sun Feb 4 11:8:36 UTC 2018", "noncanonical-timestamp"),
        ("Sun Feb 4 11:08:36 GMT 2018", "noncanonical-timestamp"),
        ("Sun Feb 4 11:08:36 +05:30 2018", "malformed-timestamp"),  # §12.2 InvalidParameterException
        ("2018-02-04T11:08:36Z", "malformed-timestamp"),
        ("sun feb 4 11:08:36 UTC 2018", "malformed-timestamp"),
        ("Sun Feb 4 11:08:36 UTC 2018 ", "malformed-timestamp"),
        ("Fri Feb 30 11:08:36 UTC 2018", "malformed-timestamp"),
        ("", "malformed-timestamp"),
        ("Wed Apr 5 22:44:40 UTC 0999", "noncanonical-timestamp"),
    ],
)
def test_timestamp_outside_the_exact_format_is_rejected(text: str, reason: str) -> None:
    with pytest.raises(srp.SrpRejected) as rejected:
        srp.parse_cognito_timestamp(text)
    assert rejected.value.reason == reason


def test_secret_hash_is_hmac_of_username_and_client_id() -> None:
    # An independent computation with `cryptography`'s HMAC (DG signing-up-users-in-your-app).
    mac = crypto_hmac.HMAC(b"client-secret", hashes.SHA256())
    mac.update("ålice".encode() + b"client123")
    assert srp.secret_hash("ålice", "client123", "client-secret") == base64.b64encode(mac.finalize()).decode()
    assert srp.secret_hash("bob", "client123", "client-secret") != srp.secret_hash(
        "alice", "client123", "client-secret"
    )


def test_decode_secret_block_accepts_what_clients_accept() -> None:
    raw = bytes(range(250))
    assert srp.decode_secret_block(base64.b64encode(raw).decode()) == raw
    assert srp.decode_secret_block(base64.urlsafe_b64encode(raw).decode().rstrip("=")) == raw


def test_device_salt_is_normalised_like_padhex() -> None:
    assert srp.device_salt(b"\x00\x00\x12\x34") == b"\x12\x34"
    assert srp.device_salt(b"\x80\x01") == b"\x00\x80\x01"
    assert srp.device_salt(bytes(16)) == b"\x00"


@given(st.integers(min_value=0, max_value=srp.N * 3), st.integers(min_value=0, max_value=2**600))
@settings(max_examples=25, deadline=None)
def test_modexp_backends_agree_with_pow(base: int, exponent: int) -> None:
    for name in bignum.BACKENDS:
        with bignum.using_backend(name):
            assert bignum.modexp(base, exponent, srp.N) == pow(base, exponent, srp.N), name


def test_modexp_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError):
        bignum.modexp(2, -1, srp.N)
    with pytest.raises(ValueError):
        bignum.modexp(2, 1, 0)


def _user_exchange(password: str, *, username: str = "f3c9a1d2-uuid", salt: bytes = b"\x7a\x01\x02"):
    name = srp.pool_name(POOL_ID)
    server = srp.SrpServer(srp.compute_verifier(name, username, "correct horse", salt))
    client = srp.UserSrpClient(POOL_ID, password)
    challenge = {
        "USER_ID_FOR_SRP": username,
        "USERNAME": username,
        "SRP_B": server.srp_b_hex(),
        "SALT": salt.hex(),
        "SECRET_BLOCK": SECRET_BLOCK,
    }
    return server, client, challenge


def _verify(
    server: srp.SrpServer, client_a: str, answer: dict[str, str], *, username: str = "f3c9a1d2-uuid"
) -> None:
    server.verify(
        srp_a_hex=client_a,
        pool_name=srp.pool_name(POOL_ID),
        username=username,
        secret_block=srp.decode_secret_block(answer["PASSWORD_CLAIM_SECRET_BLOCK"]),
        timestamp=answer["TIMESTAMP"],
        signature_b64=answer["PASSWORD_CLAIM_SIGNATURE"],
    )


def test_user_round_trip_and_answer_shape() -> None:
    server, client, challenge = _user_exchange("correct horse")
    answer = client.answer_password_verifier(challenge)
    assert set(answer) == {"USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"}
    assert answer["USERNAME"] == challenge["USER_ID_FOR_SRP"]
    assert answer["PASSWORD_CLAIM_SECRET_BLOCK"] == SECRET_BLOCK
    srp.parse_cognito_timestamp(answer["TIMESTAMP"])
    _verify(server, client.srp_a_hex(), answer)
    # Both sides derive the same key.
    assert server.session_key(client.srp_a_hex()) == client.session_key(
        challenge["USER_ID_FOR_SRP"], challenge["SRP_B"], challenge["SALT"]
    )


@given(username=identities, password=identities, salt=st.binary(min_size=1, max_size=32))
@settings(max_examples=25, deadline=None)
def test_user_round_trip_for_any_identity(username: str, password: str, salt: bytes) -> None:
    name = srp.pool_name(POOL_ID)
    server = srp.SrpServer(srp.compute_verifier(name, username, password, salt))
    client = srp.UserSrpClient(POOL_ID, password)
    challenge = {
        "USER_ID_FOR_SRP": username,
        "SRP_B": server.srp_b_hex(),
        "SALT": salt.hex(),
        "SECRET_BLOCK": "AA==",
    }
    answer = client.answer_password_verifier(challenge, timestamp=WHEN)
    _verify(server, client.srp_a_hex(), answer, username=username)


@pytest.mark.parametrize("form", ["upper", "odd-length", "leading-zeros"])
def test_server_accepts_any_hex_form_of_srp_a(form: str) -> None:
    # §1: clients send A.toString(16), unpadded; §12.2 [NETX]: upper-case with a leading 0.
    server, client, challenge = _user_exchange("correct horse")
    answer = client.answer_password_verifier(challenge)
    srp_a = client.srp_a_hex()
    variant = {"upper": srp_a.upper(), "odd-length": srp_a.lstrip("0"), "leading-zeros": "000" + srp_a}[form]
    _verify(server, variant, answer)


def test_wrong_password_is_rejected() -> None:
    server, client, challenge = _user_exchange("Correct horse")
    answer = client.answer_password_verifier(challenge)
    with pytest.raises(srp.SrpRejected) as rejected:
        _verify(server, client.srp_a_hex(), answer)
    assert rejected.value.reason == "wrong-password-or-signature"


@pytest.mark.parametrize(
    "forgery", ["flipped-bit", "other-timestamp", "other-secret-block", "not-base64", "empty"]
)
def test_forged_signature_is_rejected(forgery: str) -> None:
    server, client, challenge = _user_exchange("correct horse")
    answer = client.answer_password_verifier(challenge, timestamp=WHEN)
    signature = base64.b64decode(answer["PASSWORD_CLAIM_SIGNATURE"])
    if forgery == "flipped-bit":
        answer["PASSWORD_CLAIM_SIGNATURE"] = base64.b64encode(
            bytes([signature[0] ^ 1]) + signature[1:]
        ).decode()
    elif forgery == "other-timestamp":
        answer["TIMESTAMP"] = "Sun Feb 4 11:08:37 UTC 2018"
    elif forgery == "other-secret-block":
        answer["PASSWORD_CLAIM_SECRET_BLOCK"] = base64.b64encode(b"another block").decode()
    elif forgery == "not-base64":
        answer["PASSWORD_CLAIM_SIGNATURE"] = "!!" + answer["PASSWORD_CLAIM_SIGNATURE"][2:]
    else:
        answer["PASSWORD_CLAIM_SIGNATURE"] = ""
    with pytest.raises(srp.SrpRejected) as rejected:
        _verify(server, client.srp_a_hex(), answer)
    assert rejected.value.reason == "wrong-password-or-signature"


def test_signature_for_another_identity_is_rejected() -> None:
    server, client, challenge = _user_exchange("correct horse")
    answer = client.answer_password_verifier(challenge)
    with pytest.raises(srp.SrpRejected) as rejected:
        _verify(server, client.srp_a_hex(), answer, username="someone-else")
    assert rejected.value.reason == "wrong-password-or-signature"


@pytest.mark.parametrize(
    ("timestamp", "reason"),
    [
        ("Sun Feb 04 11:08:36 UTC 2018", "noncanonical-timestamp"),
        ("Sun Feb 4 11:08:36 +05:30 2018", "malformed-timestamp"),
    ],
)
def test_malformed_timestamp_is_rejected_even_when_signed(timestamp: str, reason: str) -> None:
    # The signature covers the zero-padded text exactly, so only the format check can refuse it.
    server, client, challenge = _user_exchange("correct horse")
    answer = client.answer_password_verifier(challenge, timestamp=timestamp)
    with pytest.raises(srp.SrpRejected) as rejected:
        _verify(server, client.srp_a_hex(), answer)
    assert rejected.value.reason == reason
    assert srp.REJECTION_REASONS[reason]["error"] in {"NotAuthorizedException", "InvalidParameterException"}


def test_timestamp_window_is_only_checked_when_asked() -> None:
    server, client, challenge = _user_exchange("correct horse")
    answer = client.answer_password_verifier(challenge, timestamp=WHEN)
    _verify(server, client.srp_a_hex(), answer)  # no window: UNVERIFIED on AWS (§12.2)
    with pytest.raises(srp.SrpRejected) as rejected:
        server.verify(
            srp_a_hex=client.srp_a_hex(),
            pool_name=srp.pool_name(POOL_ID),
            username="f3c9a1d2-uuid",
            secret_block=srp.decode_secret_block(SECRET_BLOCK),
            timestamp=answer["TIMESTAMP"],
            signature_b64=answer["PASSWORD_CLAIM_SIGNATURE"],
            now=datetime(2018, 2, 4, 11, 18, 36, tzinfo=UTC),
            max_skew=timedelta(minutes=5),
        )
    assert rejected.value.reason == "timestamp-out-of-window"
    assert srp.REJECTION_REASONS["timestamp-out-of-window"]["confidence"] == "unverified"


@pytest.mark.parametrize("srp_a", ["", "xyz", "0", format(srp.N, "x"), format(2 * srp.N, "x"), "-1"])
def test_bad_srp_a_is_rejected(srp_a: str) -> None:
    with pytest.raises(srp.SrpRejected) as rejected:
        srp.parse_srp_a(srp_a)
    assert rejected.value.reason == "bad-srp-a"
    server, _, _ = _user_exchange("correct horse")
    with pytest.raises(srp.SrpRejected):
        server.verify(
            srp_a_hex=srp_a,
            pool_name="AbCdEfGhI",
            username="x",
            secret_block=b"",
            timestamp=WHEN,
            signature_b64="AA==",
        )


def test_client_refuses_a_degenerate_server() -> None:
    client = srp.UserSrpClient(POOL_ID, "pw")
    for srp_b in ("0", format(srp.N, "x")):
        challenge = {"USER_ID_FOR_SRP": "u", "SRP_B": srp_b, "SALT": "01", "SECRET_BLOCK": "AA=="}
        with pytest.raises(ValueError, match="SRP_B"):
            client.answer_password_verifier(challenge)
    with pytest.raises(ValueError, match="USER_ID_FOR_SRP"):
        client.answer_password_verifier({"SRP_B": "02", "SALT": "01", "SECRET_BLOCK": "AA=="})


def test_unknown_rejection_reason_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        srp.SrpRejected("no-such-reason", "x")


def test_every_rejection_reason_names_an_aws_error_and_a_source() -> None:
    for reason, info in srp.REJECTION_REASONS.items():
        assert info["error"].endswith("Exception"), reason
        assert info["confidence"] in {"verified", "documented", "likely", "unverified"}, reason
        assert info["source"].startswith(("docs/facts.md §", "facts:")), reason


def test_device_round_trip_through_confirm_device_encoding() -> None:
    secret = srp.new_device_secret("-v7w9UcY6", "us-west-2_a1b2c3d4-5678-90ab-cdef-000000000001")
    assert len(base64.b64decode(secret.password)) == srp.DEVICE_PASSWORD_BYTES
    config = secret.verifier_config()
    # What a server stores from ConfirmDevice: raw bytes, not hex text (§2).
    verifier = int.from_bytes(base64.b64decode(config["PasswordVerifier"]), "big")
    salt = base64.b64decode(config["Salt"])
    assert verifier == secret.verifier
    assert base64.b64decode(config["PasswordVerifier"]) == bytes.fromhex(srp.pad_hex(verifier))
    server = srp.SrpServer(verifier)
    client = srp.DeviceSrpClient(secret, username="alice-internal")
    assert client.answer_device_srp_auth() == {
        "USERNAME": "alice-internal",
        "DEVICE_KEY": secret.device_key,
        "SRP_A": client.srp_a_hex(),
    }
    # §2 step 4: SALT comes back as hex; USERNAME may be absent (AMP6 falls back to the user's).
    challenge = {"SRP_B": server.srp_b_hex(), "SALT": salt.hex(), "SECRET_BLOCK": SECRET_BLOCK}
    answer = client.answer_device_password_verifier(challenge)
    assert set(answer) == {
        "USERNAME",
        "DEVICE_KEY",
        "PASSWORD_CLAIM_SECRET_BLOCK",
        "PASSWORD_CLAIM_SIGNATURE",
        "TIMESTAMP",
    }
    assert answer["USERNAME"] == "alice-internal"
    server.verify(
        srp_a_hex=client.srp_a_hex(),
        pool_name=secret.device_group_key,
        username=secret.device_key,
        secret_block=srp.decode_secret_block(answer["PASSWORD_CLAIM_SECRET_BLOCK"]),
        timestamp=answer["TIMESTAMP"],
        signature_b64=answer["PASSWORD_CLAIM_SIGNATURE"],
    )


def test_device_with_a_different_password_is_rejected() -> None:
    secret = srp.new_device_secret("-v7w9UcY6", "us-west-2_device")
    impostor = srp.new_device_secret("-v7w9UcY6", "us-west-2_device", salt=secret.salt)
    server = srp.SrpServer(secret.verifier)
    client = srp.DeviceSrpClient(impostor)
    challenge = {
        "SRP_B": server.srp_b_hex(),
        "SALT": secret.salt.hex(),
        "SECRET_BLOCK": SECRET_BLOCK,
        "USERNAME": "u",
    }
    answer = client.answer_device_password_verifier(challenge)
    with pytest.raises(srp.SrpRejected) as rejected:
        server.verify(
            srp_a_hex=client.srp_a_hex(),
            pool_name=secret.device_group_key,
            username=secret.device_key,
            secret_block=srp.decode_secret_block(SECRET_BLOCK),
            timestamp=answer["TIMESTAMP"],
            signature_b64=answer["PASSWORD_CLAIM_SIGNATURE"],
        )
    assert rejected.value.reason == "wrong-password-or-signature"


def test_device_answer_needs_a_username_from_somewhere() -> None:
    client = srp.DeviceSrpClient(srp.new_device_secret("-g", "k"))
    with pytest.raises(ValueError, match="USERNAME"):
        client.answer_device_password_verifier({"SRP_B": "02", "SALT": "01", "SECRET_BLOCK": "AA=="})
    with pytest.raises(ValueError, match="USERNAME"):
        client.answer_device_srp_auth()


def test_reprs_hold_no_secrets() -> None:
    secret = srp.new_device_secret("-v7w9UcY6", "us-west-2_device", password="device-password-xyz")
    client = srp.UserSrpClient(POOL_ID, "user-password-xyz", a=12345)
    server = srp.SrpServer(secret.verifier, b=67890)
    text = " ".join([repr(secret), repr(client), repr(server), repr(srp.DeviceSrpClient(secret, a=4242))])
    for leaked in ("device-password-xyz", "user-password-xyz", "12345", "67890", "4242", secret.salt.hex()):
        assert leaked not in text


def test_signature_layout_is_pool_user_block_timestamp() -> None:
    # docs/facts.md §1: HMAC(key, poolName || USER_ID_FOR_SRP || SECRET_BLOCK || TIMESTAMP).
    key = bytes(range(16))
    expected = stdlib_hmac.new(key, b"AbC" + "üser".encode() + b"\x00\x01" + WHEN.encode(), hashlib.sha256)
    assert (
        srp.claim_signature(key, "AbC", "üser", b"\x00\x01", WHEN)
        == base64.b64encode(expected.digest()).decode()
    )
