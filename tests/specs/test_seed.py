"""The seed surface (specs/seed-2016-07-28.json) still exists in today's model.

Each operation, member path and enum value the 2016-07-28 release documented must still be in the
model the schemas come from; a removal fails here with the exact item named.
"""

from __future__ import annotations

import pytest

from conformance import specs
from conformance.specs.generate import load_model

MODEL, _ = load_model()
SEED = specs.seed_surface()

NEW = {
    "AdminForgetDevice",
    "AdminGetDevice",
    "AdminInitiateAuth",
    "AdminListDevices",
    "AdminRespondToAuthChallenge",
    "AdminUpdateDeviceStatus",
    "AdminUserGlobalSignOut",
    "ConfirmDevice",
    "ForgetDevice",
    "GetDevice",
    "GlobalSignOut",
    "InitiateAuth",
    "ListDevices",
    "RespondToAuthChallenge",
    "UpdateDeviceStatus",
}
UPDATED = {
    "CreateUserPool",
    "UpdateUserPool",
    "DescribeUserPool",
    "ListUserPools",
    "CreateUserPoolClient",
    "UpdateUserPoolClient",
    "DescribeUserPoolClient",
    "AdminGetUser",
    "ListUsers",
}


def test_seed_lists_the_24_operations_of_the_release() -> None:
    assert len(specs.seed_operations()) == 24
    ops = SEED["operations"]
    assert {op for op, entry in ops.items() if entry["change"] == "new"} == NEW
    assert {op for op, entry in ops.items() if entry["change"] == "updated"} == UPDATED
    assert SEED["source"]["derived_from_todays_model"] is False


def _member_paths(root: str) -> set[str]:
    shapes = MODEL["shapes"]
    paths: set[str] = set()

    def walk(name: str, prefix: str, depth: int) -> None:
        shape = shapes[name]
        if depth > 12:
            return
        if shape["type"] == "structure":
            for member, spec in shape.get("members", {}).items():
                path = f"{prefix}.{member}" if prefix else member
                paths.add(path)
                walk(spec["shape"], path, depth + 1)
        elif shape["type"] == "list":
            walk(shape["member"]["shape"], f"{prefix}[]", depth + 1)
        elif shape["type"] == "map":
            walk(shape["value"]["shape"], f"{prefix}{{}}", depth + 1)

    walk(root, "", 0)
    return paths


def _enum_values(root: str) -> set[str]:
    shapes = MODEL["shapes"]
    seen, stack, values = set(), [root], set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = shapes[name]
        values.update(shape.get("enum", []))
        stack += [m["shape"] for m in shape.get("members", {}).values()]
        stack += [shape[k]["shape"] for k in ("member", "key", "value") if k in shape]
    return values


@pytest.mark.parametrize("operation", sorted(SEED["operations"]))
def test_seed_operation_members_and_enum_values_still_exist(operation: str) -> None:
    assert operation in specs.operations()
    entry = SEED["operations"][operation]
    op = MODEL["operations"][operation]
    for key, side in (("input", "request"), ("output", "response")):
        if f"{side}_members" not in entry:
            continue
        root = op[key]["shape"]
        missing_members = sorted(set(entry[f"{side}_members"]) - _member_paths(root))
        assert missing_members == [], f"{operation} {side}: members gone from today's model"
        documented = {v for values in entry[f"{side}_enums"].values() for v in values}
        missing_values = sorted(documented - _enum_values(root))
        assert missing_values == [], f"{operation} {side}: enum values gone from today's model"


def test_the_check_fails_when_a_member_disappears() -> None:
    # Shows the check above can fail: a member path the model does not have is reported.
    assert "UserPool.NoSuchMember" not in _member_paths(
        MODEL["operations"]["DescribeUserPool"]["output"]["shape"]
    )
