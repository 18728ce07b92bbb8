"""Second reference: pycognito's AWSSRP (docs/facts.md §1 [PYC]) over the same seeded batch.

pycognito has run against real AWS in moto's verified tests (§1 [MOTO-V]), and it is written
independently of amazon-cognito-identity-js, so agreement with it is a second, weaker witness.
Every third case of the batch is used: pycognito computes with ``pow()`` (about 20 ms a case).

pycognito is a dev dependency (pycognito==2024.5.1); without it this module skips. Run only it::

    pytest tests/crypto/test_crosscheck_pycognito.py -q
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from conformance.crypto import srp
from conformance.crypto.bignum import modexp

aws_srp = pytest.importorskip("pycognito.aws_srp")

Batch = dict[str, list[dict[str, Any]]]


def _helper(case: dict[str, Any], pool_id: str, password: str) -> Any:
    # client=object(): AWSSRP only needs a non-None client to skip creating a boto3 one.
    helper = aws_srp.AWSSRP(case.get("username", "device"), password, pool_id, "client", client=object())
    helper.small_a_value = int(case["a_bytes_hex"], 16)
    helper.large_a_value = modexp(srp.G, helper.small_a_value, srp.N)
    return helper


def _pycognito_salt_differs(salt_hex: str) -> bool:
    """pycognito pads the SALT hex text itself, keeping leading zero bytes that clients drop."""
    return bytes.fromhex(aws_srp.pad_hex(salt_hex)) != bytes.fromhex(srp.pad_hex(int(salt_hex, 16)))


def test_user_srp_agrees_with_pycognito_except_its_salt_quirk(batch: Batch) -> None:
    differing, expected_differing = set(), set()
    for case in batch["user"][::3]:
        helper = _helper(case, case["pool_id"], case["password"])
        srp_b = int(case["b_hex"], 16)
        theirs_u = aws_srp.calculate_u(helper.large_a_value, srp_b)
        theirs_key = helper.get_password_authentication_key(
            case["username"], case["password"], srp_b, case["salt_hex"]
        )
        client = srp.UserSrpClient(case["pool_id"], case["password"], a=helper.small_a_value)
        ours_u, ours_key = client.session_key(case["username"], case["b_hex"], case["salt_hex"])
        assert ours_u == theirs_u, case["id"]
        if ours_key != theirs_key:
            differing.add(case["id"])
        if _pycognito_salt_differs(case["salt_hex"]):
            expected_differing.add(case["id"])
    # The keys differ exactly where pycognito keeps a SALT's leading zero bytes (ACIJ, which
    # AWS's own clients are, reads SALT as a number first: §1). Elsewhere they agree.
    assert differing == expected_differing
    assert len(batch["user"][::3]) - len(differing) >= 40


def test_device_srp_agrees_with_pycognito(batch: Batch) -> None:
    for case in batch["device_auth"][::3]:
        helper = _helper(case, "us-east-1_Unused", "unused")
        srp_b = int(case["b_hex"], 16)
        theirs = helper.get_device_authentication_key(
            case["device_group_key"], case["device_key"], case["device_password"], srp_b, case["salt_hex"]
        )
        secret = srp.DeviceSecret(
            case["device_group_key"],
            case["device_key"],
            case["device_password"],
            bytes.fromhex(case["salt_hex"]),
        )
        _, ours = srp.DeviceSrpClient(secret, a=helper.small_a_value).session_key(
            case["b_hex"], case["salt_hex"]
        )
        assert ours == theirs, case["id"]


def test_secret_hash_and_timestamp_agree_with_pycognito() -> None:
    for username, client_id, secret in [("alice", "c1", "s1"), ("üser@example.com", "2od40abc", "ß€crét")]:
        assert srp.secret_hash(username, client_id, secret) == aws_srp.AWSSRP.get_secret_hash(
            username, client_id, secret
        )
    for moment in (
        datetime(2018, 2, 4, 11, 8, 36),
        datetime(2026, 12, 31, 23, 59, 59),
        datetime(2001, 1, 9, 0, 0, 0),
    ):
        assert srp.cognito_timestamp(moment) == aws_srp.AWSSRP.get_cognito_formatted_timestamp(moment)
