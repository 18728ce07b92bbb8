"""What changed between two versions of the cognito-idp model, in plain words.

Used when botocore is upgraded: ``python -m conformance.specs diff OLD.json[.gz] NEW.json[.gz]``
prints one sentence per change (operations, errors, members, enum values, constraints), grouped
by operation and then by shape, with the operations each changed shape reaches.
"""

from __future__ import annotations

from typing import Any

_CONSTRAINTS = {
    "min": "minimum",
    "max": "maximum",
    "pattern": "pattern",
    "sensitive": "sensitive flag",
    "document": "document flag",
    "union": "union flag",
}


def _users(model: dict[str, Any]) -> dict[str, set[str]]:
    """For every shape, the operations whose request, response or errors reach it."""
    shapes = model["shapes"]
    users: dict[str, set[str]] = {}
    for op_name, op in model["operations"].items():
        roots = [op[k]["shape"] for k in ("input", "output") if k in op]
        roots += [e["shape"] for e in op.get("errors", [])]
        stack = list(roots)
        seen: set[str] = set()
        while stack:
            name = stack.pop()
            if name in seen or name not in shapes:
                continue
            seen.add(name)
            users.setdefault(name, set()).add(op_name)
            shape = shapes[name]
            stack += [m["shape"] for m in shape.get("members", {}).values()]
            stack += [shape[k]["shape"] for k in ("member", "key", "value") if k in shape]
    return users


def _kind_words(shape: dict[str, Any]) -> str:
    return shape["type"]


def _shape_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    changes: list[str] = []
    if old["type"] != new["type"]:
        changes.append(f"type changed from {old['type']} to {new['type']}")
    old_members, new_members = old.get("members", {}), new.get("members", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for member in new_members:
        if member not in old_members:
            need = "required" if member in new_required else "optional"
            changes.append(f"new {need} member {member} (shape {new_members[member]['shape']})")
    for member in old_members:
        if member not in new_members:
            changes.append(f"member {member} removed")
    for member in old_members.keys() & new_members.keys():
        if old_members[member]["shape"] != new_members[member]["shape"]:
            changes.append(
                f"member {member} now uses shape {new_members[member]['shape']} "
                f"(was {old_members[member]['shape']})"
            )
        if member in new_required and member not in old_required:
            changes.append(f"member {member} is now required")
        if member in old_required and member not in new_required:
            changes.append(f"member {member} is no longer required")
        if new_members[member].get("deprecated") and not old_members[member].get("deprecated"):
            changes.append(f"member {member} is now deprecated")
    old_enum, new_enum = old.get("enum", []), new.get("enum", [])
    added = [v for v in new_enum if v not in old_enum]
    removed = [v for v in old_enum if v not in new_enum]
    if added and old_enum:
        changes.append("enum values added: " + ", ".join(added))
    elif added:
        changes.append("now an enum of: " + ", ".join(added))
    if removed:
        changes.append("enum values removed: " + ", ".join(removed))
    for key, words in _CONSTRAINTS.items():
        if old.get(key) != new.get(key):
            if key not in old:
                changes.append(f"{words} added: {new[key]!r}")
            elif key not in new:
                changes.append(f"{words} removed (was {old[key]!r})")
            else:
                changes.append(f"{words} changed from {old[key]!r} to {new[key]!r}")
    for part in ("member", "key", "value"):
        if part in old and part in new and old[part]["shape"] != new[part]["shape"]:
            changes.append(f"{part} shape changed from {old[part]['shape']} to {new[part]['shape']}")
    return changes


def _few(names: set[str], limit: int = 6) -> str:
    ordered = sorted(names)
    text = ", ".join(ordered[:limit])
    return text + (f" and {len(ordered) - limit} more" if len(ordered) > limit else "")


def explain(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Sentences describing every change from ``old`` to ``new`` (two parsed service models)."""
    lines: list[str] = []
    old_ops, new_ops = old["operations"], new["operations"]
    added_ops = sorted(set(new_ops) - set(old_ops))
    removed_ops = sorted(set(old_ops) - set(new_ops))
    lines.append(f"Operations: {len(old_ops)} before, {len(new_ops)} after.")
    for op in added_ops:
        lines.append(f"New operation {op}.")
    for op in removed_ops:
        lines.append(f"Operation {op} was removed.")
    for op in sorted(set(old_ops) & set(new_ops)):
        before, after = old_ops[op], new_ops[op]
        for part, words in (("input", "request"), ("output", "response")):
            was, now = before.get(part, {}).get("shape"), after.get(part, {}).get("shape")
            if was != now:
                lines.append(f"{op}: {words} shape changed from {was or 'none'} to {now or 'none'}.")
        was_errors = [e["shape"] for e in before.get("errors", [])]
        now_errors = [e["shape"] for e in after.get("errors", [])]
        new_errors = [e for e in now_errors if e not in was_errors]
        gone_errors = [e for e in was_errors if e not in now_errors]
        if new_errors:
            lines.append(f"{op}: now declares the error(s) {', '.join(new_errors)}.")
        if gone_errors:
            lines.append(f"{op}: no longer declares {', '.join(gone_errors)}.")
    old_shapes, new_shapes = old["shapes"], new["shapes"]
    new_users = _users(new)
    old_users = _users(old)
    for name in sorted(set(new_shapes) - set(old_shapes)):
        shape = new_shapes[name]
        detail = ""
        if "enum" in shape:
            detail = " with values " + ", ".join(shape["enum"])
        elif shape["type"] == "structure":
            detail = (
                " with members " + ", ".join(shape["members"]) if shape.get("members") else " with no members"
            )
        used = f" (used by {_few(new_users[name])})" if name in new_users else ""
        lines.append(f"New shape {name}: {_kind_words(shape)}{detail}{used}.")
    for name in sorted(set(old_shapes) - set(new_shapes)):
        used = f" (was used by {_few(old_users[name])})" if name in old_users else ""
        lines.append(f"Shape {name} was removed{used}.")
    for name in sorted(set(old_shapes) & set(new_shapes)):
        changes = _shape_changes(name, old_shapes[name], new_shapes[name])
        if not changes:
            continue
        used = f" (used by {_few(new_users[name])})" if name in new_users else ""
        lines.append(f"Shape {name}{used}: " + "; ".join(changes) + ".")
    if len(lines) == 1:
        lines.append("No change to operations, members, enum values or constraints.")
    return lines
