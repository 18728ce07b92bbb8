"""Break a schema-valid message in one known way, to prove the validator notices.

Each mutation returns the broken copy and the JSON path where the problem must be reported, so a
test (or a deliberately wrong miniature endpoint) can assert both the kind and the place.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from conformance.specs.validation import json_path

#: The mutation kinds, each named after the Problem.kind it must produce.
MUTATION_KINDS = ("missing-required", "type", "enum", "length", "range", "additional-property")

UNEXPECTED_MEMBER = "UnexpectedMember"
NOT_AN_ENUM_VALUE = "NOT_A_DOCUMENTED_VALUE"


@dataclass(frozen=True)
class Mutation:
    """One broken message.

    Attributes:
        kind: the Problem.kind the validator must report.
        path: the JSON path it must report it at.
        body: the broken message (the input is left untouched).
        what: a sentence saying what was broken, for failure messages.
    """

    kind: str
    path: str
    body: Any
    what: str


@dataclass
class _Node:
    parts: list[str | int]
    value: Any
    schema: dict[str, Any]


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].removeprefix("#/$defs/")]
    return schema


def _nodes(
    value: Any, schema: dict[str, Any], defs: dict[str, Any], parts: list[str | int]
) -> Iterator[_Node]:
    schema = _resolve(schema, defs)
    yield _Node(parts, value, schema)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        additional = schema.get("additionalProperties")
        for key, item in value.items():
            sub = properties.get(key, additional if isinstance(additional, dict) else None)
            if sub is not None:
                yield from _nodes(item, sub, defs, [*parts, key])
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            yield from _nodes(item, schema["items"], defs, [*parts, index])


def _replace(body: Any, parts: list[str | int], new: Any) -> Any:
    if not parts:
        return new
    broken = copy.deepcopy(body)
    target = broken
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = new
    return broken


def _wrong_type(schema: dict[str, Any]) -> Any:
    return {
        "string": 12345,
        "integer": "12345",
        "number": "1548099495.428",
        "boolean": "true",
        "array": "not-a-list",
        "object": ["not-an-object"],
    }[schema["type"]]


def mutate(body: Any, schema: dict[str, Any], kind: str) -> Mutation | None:
    """Break ``body`` (valid against ``schema``, a generated schema file) in the way ``kind`` names.

    Returns:
        The mutation, or None when the message has no value the mutation applies to (e.g. no
        enum-typed member is present).
    """
    defs = schema.get("$defs", {})
    nodes = list(_nodes(body, schema, defs, []))
    if kind == "missing-required":
        for node in nodes:
            if isinstance(node.value, dict):
                present = [name for name in node.schema.get("required", []) if name in node.value]
                if present:
                    broken = copy.deepcopy(node.value)
                    del broken[present[0]]
                    path = json_path([*node.parts, present[0]])
                    return Mutation(kind, path, _replace(body, node.parts, broken), f"removed {path}")
        return None
    if kind == "type":
        typed = [
            n
            for n in nodes
            if n.schema.get("type") in ("string", "integer", "number", "boolean", "array", "object")
        ]
        deeper = [n for n in typed if n.parts] or typed
        if not deeper:
            return None
        node = deeper[-1]
        path = json_path(node.parts)
        new = _wrong_type(node.schema)
        return Mutation(kind, path, _replace(body, node.parts, new), f"set {path} to {new!r}")
    if kind == "enum":
        for node in nodes:
            if "enum" in node.schema and isinstance(node.value, str):
                path = json_path(node.parts)
                return Mutation(
                    kind, path, _replace(body, node.parts, NOT_AN_ENUM_VALUE), f"set {path} outside the enum"
                )
        return None
    if kind == "length":
        for node in nodes:
            if (
                isinstance(node.value, str)
                and node.schema.get("minLength", 0) >= 1
                and "enum" not in node.schema
            ):
                path = json_path(node.parts)
                return Mutation(kind, path, _replace(body, node.parts, ""), f"emptied {path} (minLength)")
            if isinstance(node.value, list) and node.schema.get("minItems", 0) >= 1:
                path = json_path(node.parts)
                return Mutation(kind, path, _replace(body, node.parts, []), f"emptied {path} (minItems)")
        strings = [
            n
            for n in nodes
            if isinstance(n.value, str) and "maxLength" in n.schema and "enum" not in n.schema
        ]
        if strings:
            node = min(strings, key=lambda n: n.schema["maxLength"])
            path = json_path(node.parts)
            long_value = (node.value or "a") * (node.schema["maxLength"] + 1)
            long_value = long_value[: node.schema["maxLength"] + 1]
            return Mutation(kind, path, _replace(body, node.parts, long_value), f"made {path} too long")
        return None
    if kind == "range":
        for node in nodes:
            if node.schema.get("type") in ("integer", "number") and not isinstance(node.value, bool):
                if "minimum" in node.schema:
                    new = node.schema["minimum"] - 1
                elif "maximum" in node.schema:
                    new = node.schema["maximum"] + 1
                else:
                    continue
                path = json_path(node.parts)
                return Mutation(kind, path, _replace(body, node.parts, new), f"set {path} to {new}")
        return None
    if kind == "additional-property":
        for node in reversed(nodes):
            if isinstance(node.value, dict) and node.schema.get("additionalProperties") is False:
                path = json_path([*node.parts, UNEXPECTED_MEMBER])
                broken = {**node.value, UNEXPECTED_MEMBER: "x"}
                return Mutation(kind, path, _replace(body, node.parts, broken), f"added {path}")
        return None
    raise ValueError(f"unknown mutation kind {kind!r}; known: {', '.join(MUTATION_KINDS)}")
