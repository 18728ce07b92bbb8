"""The seed surface: what the 2016-07-28 release of the cognito-idp API documented.

The harness was seeded from the API reference of that release. botocore 1.4.41 (built
2016-07-29) is the first botocore with it; 1.4.40 is the release before. The seed file lists the
operations that release added, those whose request or response shapes it changed, and for each
the members and enum values it documented, taken from the 1.4.41 model itself (nothing derived
from today's model). Rebuild it with::

    pip download --no-deps botocore==1.4.40 botocore==1.4.41  # then unzip the wheels
    python -m conformance.specs seed OLD/service-2.json NEW/service-2.json > conformance/specs/data/seed-2016-07-28.json
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

RELEASE = "2016-07-28"


def _closure(model: dict[str, Any], root: str) -> list[str]:
    shapes = model["shapes"]
    seen: list[str] = []
    stack = [root]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.append(name)
        shape = shapes[name]
        stack += [m["shape"] for m in shape.get("members", {}).values()]
        stack += [shape[k]["shape"] for k in ("member", "key", "value") if k in shape]
    return seen


def _io_signature(model: dict[str, Any], op: dict[str, Any]) -> str:
    parts = {}
    for key in ("input", "output"):
        if key in op:
            parts[key] = {
                name: {k: v for k, v in model["shapes"][name].items() if k != "documentation"}
                for name in _closure(model, op[key]["shape"])
            }
    return json.dumps(parts, sort_keys=True)


def _members(model: dict[str, Any], root: str) -> list[str]:
    """Every member path under ``root``, e.g. ``Policies.PasswordPolicy.MinimumLength``."""
    shapes = model["shapes"]
    paths: list[str] = []

    def walk(name: str, prefix: str, depth: int) -> None:
        shape = shapes[name]
        if depth > 12:
            return
        if shape["type"] == "structure":
            for member, spec in shape.get("members", {}).items():
                path = f"{prefix}.{member}" if prefix else member
                paths.append(path)
                walk(spec["shape"], path, depth + 1)
        elif shape["type"] == "list":
            walk(shape["member"]["shape"], f"{prefix}[]", depth + 1)
        elif shape["type"] == "map":
            walk(shape["value"]["shape"], f"{prefix}{{}}", depth + 1)

    walk(root, "", 0)
    return paths


def _enums(model: dict[str, Any], root: str) -> dict[str, list[str]]:
    shapes = model["shapes"]
    return {
        name: list(shapes[name]["enum"]) for name in sorted(_closure(model, root)) if "enum" in shapes[name]
    }


def build_seed(
    before: dict[str, Any], after: dict[str, Any], before_bytes: bytes, after_bytes: bytes
) -> dict:
    """The seed surface document from the models before and at the release."""
    added = sorted(set(after["operations"]) - set(before["operations"]))
    changed = sorted(
        op
        for op in set(after["operations"]) & set(before["operations"])
        if _io_signature(before, before["operations"][op]) != _io_signature(after, after["operations"][op])
        and _top_level_changed(before, after, op)
    )
    operations: dict[str, Any] = {}
    for op_name in added + changed:
        op = after["operations"][op_name]
        entry: dict[str, Any] = {"change": "new" if op_name in added else "updated"}
        for key, words in (("input", "request"), ("output", "response")):
            if key in op:
                root = op[key]["shape"]
                entry[f"{words}_shape"] = root
                entry[f"{words}_members"] = _members(after, root)
                entry[f"{words}_required"] = list(after["shapes"][root].get("required", []))
                entry[f"{words}_enums"] = _enums(after, root)
        entry["errors"] = [e["shape"] for e in op.get("errors", [])]
        operations[op_name] = entry
    return {
        "release": RELEASE,
        "description": (
            "The cognito-idp API surface of the 2016-07-28 release: operations it added (new) and "
            "operations whose own request/response structures it changed (updated), with every member "
            "path and enum value that release documented."
        ),
        "source": {
            "model": "botocore 1.4.41 data/cognito-idp/2016-04-18/service-2.json (first botocore with the release)",
            "model_sha256": hashlib.sha256(after_bytes).hexdigest(),
            "previous_model": "botocore 1.4.40",
            "previous_model_sha256": hashlib.sha256(before_bytes).hexdigest(),
            "derived_from_todays_model": False,
            "selection": (
                "new = in 1.4.41, not in 1.4.40; updated = the request or response structure itself "
                "(its member paths, its required list, or an enum's values) changed between 1.4.40 and 1.4.41; "
                "operations whose only change was a constraint on a shared leaf shape (a token or attribute "
                "value pattern, a length) are not listed"
            ),
        },
        "member_path_syntax": "Parent.Child; [] steps into a list's items, {} into a map's values",
        "counts": {"operations": len(operations), "new": len(added), "updated": len(changed)},
        "operations": operations,
    }


def _top_level_changed(before: dict[str, Any], after: dict[str, Any], op_name: str) -> bool:
    """Whether the release changed the op's member paths, required members or enum values."""
    for key in ("input", "output"):
        old_op, new_op = before["operations"][op_name], after["operations"][op_name]
        if key not in new_op:
            continue
        if key not in old_op:
            return True
        if _members(before, old_op[key]["shape"]) != _members(after, new_op[key]["shape"]):
            return True
        old_root = before["shapes"][old_op[key]["shape"]]
        new_root = after["shapes"][new_op[key]["shape"]]
        if old_root.get("required") != new_root.get("required"):
            return True
        if _enums(before, old_op[key]["shape"]) != _enums(after, new_op[key]["shape"]):
            return True
    return False
