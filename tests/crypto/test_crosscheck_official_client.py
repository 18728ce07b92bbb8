"""Byte-for-byte cross-check of ``conformance.crypto.srp`` against amazon-cognito-identity-js.

The official client (pinned in ``tools/npm/package.json``) runs once per session under node
(``tests/crypto/node/crosscheck.js``) over a seeded batch of 204 cases per kind from
``cognito_srp_cases``; each quantity is then compared case by case:

* user SRP (docs/facts.md §1): SRP_A, u, the HKDF key, PASSWORD_CLAIM_SIGNATURE, USERNAME;
* device verifier (§2): the device password, PasswordVerifier and Salt of ConfirmDevice;
* device SRP (§2): SRP_A, u, the HKDF key and the DEVICE_PASSWORD_VERIFIER signature;
* TIMESTAMP (§1): ACIJ's DateHelper at a given instant against ``srp.cognito_timestamp``.

Without node or ``tools/npm/node_modules`` these tests skip, unless CONFORMANCE_REQUIRE_NODE=1
(CI), where they fail. Run only this module::

    pytest tests/crypto/test_crosscheck_official_client.py -q
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cognito_srp_cases import CASES_PER_KIND, for_node

from conformance.crypto import srp

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCRIPT = HERE / "node" / "crosscheck.js"
LIBRARY = REPO / "tools" / "npm" / "node_modules" / "amazon-cognito-identity-js"
REQUIRE_NODE_VARIABLE = "CONFORMANCE_REQUIRE_NODE"
MINIMUM_CASES = 200
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Batch = dict[str, list[dict[str, Any]]]


def _node_or_skip() -> str:
    node = shutil.which("node")
    problems = []
    if node is None:
        problems.append("node is not on PATH")
    if not (LIBRARY / "package.json").is_file():
        problems.append(f"{LIBRARY.relative_to(REPO)} is missing (npm ci --prefix tools/npm)")
    if problems:
        message = "official-client cross-check cannot run: " + "; ".join(problems)
        if os.environ.get(REQUIRE_NODE_VARIABLE) == "1":
            pytest.fail(f"{message} ({REQUIRE_NODE_VARIABLE}=1)")
        pytest.skip(message)
    assert node is not None
    return node


@pytest.fixture(scope="session")
def node_executable() -> str:
    """node's path; skips (or, with CONFORMANCE_REQUIRE_NODE=1, fails) before any work is done."""
    return _node_or_skip()


@pytest.fixture(scope="session")
def official(node_executable: str, batch: Batch) -> Batch:
    """What amazon-cognito-identity-js computes for the batch: one node run per session."""
    node = node_executable
    completed = subprocess.run(
        [node, str(SCRIPT)],
        input=json.dumps(for_node(batch)),
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COGNITO_JS_DIR": str(LIBRARY)},
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(f"crosscheck.js exited {completed.returncode}:\n{completed.stderr[-4000:]}")
    output = json.loads(completed.stdout)
    assert output["library"]["version"] == "6.3.21", output["library"]
    return output


@pytest.fixture(scope="session")
def ours(batch: Batch) -> Batch:
    """The same quantities from conformance.crypto.srp."""
    return {
        "user": [_ours_user(case) for case in batch["user"]],
        "device_verifier": [_ours_device_verifier(case) for case in batch["device_verifier"]],
        "device_auth": [_ours_device_auth(case) for case in batch["device_auth"]],
        "timestamps": [
            {
                "id": case["id"],
                "timestamp": srp.cognito_timestamp(EPOCH + timedelta(milliseconds=case["epoch_ms"])),
            }
            for case in batch["timestamps"]
        ],
    }


def _ours_user(case: dict[str, Any]) -> dict[str, Any]:
    client = srp.UserSrpClient(case["pool_id"], case["password"], a=int(case["a_bytes_hex"], 16))
    u, key = client.session_key(case["username"], case["b_hex"], case["salt_hex"])
    challenge = {
        "USER_ID_FOR_SRP": case["username"],
        "USERNAME": case["username"],
        "SRP_B": case["b_hex"],
        "SALT": case["salt_hex"],
        "SECRET_BLOCK": case["secret_block_b64"],
    }
    answer = client.answer_password_verifier(challenge, timestamp=case["timestamp"])
    return {
        "id": case["id"],
        "srp_a": client.srp_a_hex(),
        "u": format(u, "064x"),
        "hkdf": key.hex(),
        "username": answer["USERNAME"],
        "timestamp": answer["TIMESTAMP"],
        "secret_block": answer["PASSWORD_CLAIM_SECRET_BLOCK"],
        "signature": answer["PASSWORD_CLAIM_SIGNATURE"],
    }


def _ours_device_verifier(case: dict[str, Any]) -> dict[str, Any]:
    password = base64.b64encode(bytes.fromhex(case["password_bytes_hex"])).decode("ascii")
    secret = srp.new_device_secret(
        case["device_group_key"],
        case["device_key"],
        password=password,
        salt=bytes.fromhex(case["salt_bytes_hex"]),
    )
    config = secret.verifier_config()
    return {
        "id": case["id"],
        "device_key": secret.device_key,
        "password": secret.password,
        "password_verifier": config["PasswordVerifier"],
        "salt": config["Salt"],
    }


def _device_secret(case: dict[str, Any]) -> srp.DeviceSecret:
    return srp.DeviceSecret(
        case["device_group_key"], case["device_key"], case["device_password"], bytes.fromhex(case["salt_hex"])
    )


def _ours_device_auth(case: dict[str, Any]) -> dict[str, Any]:
    client = srp.DeviceSrpClient(_device_secret(case), a=int(case["a_bytes_hex"], 16))
    u, key = client.session_key(case["b_hex"], case["salt_hex"])
    challenge = {
        "SRP_B": case["b_hex"],
        "SALT": case["salt_hex"],
        "SECRET_BLOCK": case["secret_block_b64"],
        "USERNAME": case["username"],
        "DEVICE_KEY": case["device_key"],
    }
    answer = client.answer_device_password_verifier(challenge, timestamp=case["timestamp"])
    return {
        "id": case["id"],
        "srp_a": client.srp_a_hex(),
        "u": format(u, "064x"),
        "hkdf": key.hex(),
        "username": answer["USERNAME"],
        "device_key": answer["DEVICE_KEY"],
        "signature": answer["PASSWORD_CLAIM_SIGNATURE"],
    }


def mismatches(
    kind: str, quantity: str, ours: list[dict[str, Any]], theirs: list[dict[str, Any]]
) -> list[str]:
    """Describe every case where our value differs from the official client's, secrets left out.

    A description names the case and the first differing character, never the values: these are
    key material, and the same code would describe real ones.
    """
    problems = []
    if [case["id"] for case in ours] != [case["id"] for case in theirs]:
        return [f"{kind}: the case ids differ between the two sides"]
    for mine, official in zip(ours, theirs, strict=True):
        left, right = mine[quantity], official.get(quantity)
        if left != right:
            if not isinstance(right, str):
                problems.append(
                    f"{kind}[{mine['id']}].{quantity}: official client gave {type(right).__name__}"
                )
                continue
            offset = next((i for i, (x, y) in enumerate(zip(left, right, strict=False)) if x != y), None)
            where = f"first difference at character {offset}" if offset is not None else "one is a prefix"
            problems.append(f"{kind}[{mine['id']}].{quantity}: {where} (lengths {len(left)} vs {len(right)})")
    return problems


QUANTITIES = [
    ("user", "srp_a"),
    ("user", "u"),
    ("user", "hkdf"),
    ("user", "signature"),
    ("user", "username"),
    ("user", "timestamp"),
    ("user", "secret_block"),
    ("device_verifier", "device_key"),
    ("device_verifier", "password"),
    ("device_verifier", "password_verifier"),
    ("device_verifier", "salt"),
    ("device_auth", "srp_a"),
    ("device_auth", "u"),
    ("device_auth", "hkdf"),
    ("device_auth", "signature"),
    ("device_auth", "username"),
    ("device_auth", "device_key"),
    ("timestamps", "timestamp"),
]


@pytest.mark.needs_node
@pytest.mark.fact("§1 §2", "verified")
@pytest.mark.parametrize(("kind", "quantity"), QUANTITIES, ids=[f"{k}-{q}" for k, q in QUANTITIES])
def test_quantity_matches_official_client_byte_for_byte(
    kind: str, quantity: str, ours: Batch, official: Batch
) -> None:
    assert len(official[kind]) >= MINIMUM_CASES
    problems = mismatches(kind, quantity, ours[kind], official[kind])
    assert not problems, f"{len(problems)} of {len(ours[kind])} cases differ:\n" + "\n".join(problems[:10])


@pytest.mark.needs_node
@pytest.mark.fact("§1 §2", "verified")
def test_our_server_accepts_official_client_proofs(batch: Batch, official: Batch) -> None:
    """Where B came from our SrpServer, the official client's signature must verify on it."""
    checked = 0
    for case, answer in zip(batch["user"], official["user"], strict=True):
        if case["_server_b"] is None:
            continue
        salt = bytes.fromhex(case["salt_hex"].zfill(len(case["salt_hex"]) + len(case["salt_hex"]) % 2))
        name = srp.pool_name(case["pool_id"])
        server = srp.SrpServer(
            srp.compute_verifier(name, case["username"], case["password"], salt), b=case["_server_b"]
        )
        server.verify(
            srp_a_hex=answer["srp_a"],
            pool_name=name,
            username=answer["username"],
            secret_block=srp.decode_secret_block(answer["secret_block"]),
            timestamp=answer["timestamp"],
            signature_b64=answer["signature"],
        )
        checked += 1
    for case, answer in zip(batch["device_auth"], official["device_auth"], strict=True):
        if case["_server_b"] is None:
            continue
        server = srp.SrpServer(_device_secret(case).verifier, b=case["_server_b"])
        server.verify(
            srp_a_hex=answer["srp_a"],
            pool_name=case["device_group_key"],
            username=case["device_key"],
            secret_block=srp.decode_secret_block(case["secret_block_b64"]),
            timestamp=case["timestamp"],
            signature_b64=answer["signature"],
        )
        checked += 1
    assert checked >= MINIMUM_CASES


def test_batch_holds_every_edge_the_issue_names(batch_and_coverage: tuple[Batch, dict[str, int]]) -> None:
    batch, counts = batch_and_coverage
    assert all(len(cases) == CASES_PER_KIND >= MINIMUM_CASES for cases in batch.values())
    required = [
        f"{kind}:{value}:{shape}"
        for kind, value in (("user", "b"), ("user", "salt"), ("device_auth", "b"), ("device_auth", "salt"))
        for shape in ("top-set", "top-clear", "leading-zero")
    ] + [
        "user:A:leading-zero",
        "user:u:leading-zero",
        "user:S:leading-zero",
        "user:a:leading-zero",
        "user:a:top-set",
        "device_verifier:verifier:leading-zero",
        "device_verifier:salt:leading-zero",
        "device_verifier:salt:top-set",
        "user:unicode",
        "user:astral",
        "user:ascii",
        "user:server-b",
        "device_auth:server-b",
        "timestamps:single-digit-day",
        "timestamps:two-digit-day",
    ]
    missing = [label for label in required if counts.get(label, 0) == 0]
    assert not missing, f"the batch lacks: {missing}"


def test_mismatch_report_names_a_flipped_byte_without_the_values() -> None:
    ours = [{"id": 7, "signature": "QUJDRA=="}]
    theirs = [{"id": 7, "signature": "QUJDRQ=="}]
    assert mismatches("user", "signature", ours, theirs) == [
        "user[7].signature: first difference at character 5 (lengths 8 vs 8)"
    ]
    assert mismatches("user", "signature", ours, [{"id": 7, "signature": "QUJDRA=="}]) == []


# Encodings a careless port would use. Each must disagree with the official client on some case
# of the batch; otherwise the batch could not tell them from Cognito's (docs/facts.md §1).
def _unsigned(value: int) -> bytes:
    return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")


def _u_without_sign_byte(user: dict[str, Any], case: dict[str, Any]) -> str:
    digest = hashlib.sha256(_unsigned(int(user["srp_a"], 16)) + _unsigned(int(case["b_hex"], 16)))
    return digest.hexdigest()


def _u_rfc5054_pad(user: dict[str, Any], case: dict[str, Any]) -> str:
    padded = int(user["srp_a"], 16).to_bytes(384, "big") + int(case["b_hex"], 16).to_bytes(384, "big")
    return hashlib.sha256(padded).hexdigest()


def _u_over_hex_text(user: dict[str, Any], case: dict[str, Any]) -> str:
    return hashlib.sha256((srp.pad_hex(int(user["srp_a"], 16)) + case["b_hex"]).encode()).hexdigest()


MUTANTS: dict[str, Callable[[dict[str, Any], dict[str, Any]], str]] = {
    "u over unsigned A||B (no padHex sign byte)": _u_without_sign_byte,
    "u over RFC 5054 PAD(A)||PAD(B)": _u_rfc5054_pad,
    "u over hex text instead of bytes": _u_over_hex_text,
}


@pytest.mark.needs_node
@pytest.mark.parametrize("mutant", list(MUTANTS), ids=list(MUTANTS))
def test_batch_tells_cognito_encoding_from_a_plausible_mistake(
    mutant: str, batch: Batch, official: Batch
) -> None:
    differing = sum(
        MUTANTS[mutant](answer, case) != answer["u"]
        for case, answer in zip(batch["user"], official["user"], strict=True)
    )
    assert differing > 0


@pytest.mark.needs_node
def test_batch_tells_zero_padded_day_and_missing_pool_name_apart(batch: Batch, official: Batch) -> None:
    """A signature over a zero-padded day, or an x without the pool name, must not match."""
    padded_day_differs = pool_name_differs = 0
    for case, answer in list(zip(batch["user"], official["user"], strict=True))[:40]:
        key = bytes.fromhex(answer["hkdf"])
        name = srp.pool_name(case["pool_id"])
        block = srp.decode_secret_block(case["secret_block_b64"])
        weekday, month, day, rest = case["timestamp"].split(" ", 3)
        padded = f"{weekday} {month} {int(day):02d} {rest}"
        padded_day_differs += (
            srp.claim_signature(key, name, case["username"], block, padded) != answer["signature"]
        ) == (padded != case["timestamp"])
        client = srp.UserSrpClient(
            f"{case['pool_id'].split('_')[0]}_", case["password"], a=int(case["a_bytes_hex"], 16)
        )
        _, key_without_pool = client.session_key(case["username"], case["b_hex"], case["salt_hex"])
        pool_name_differs += key_without_pool.hex() != answer["hkdf"]
    assert padded_day_differs == 40
    assert pool_name_differs == 40
