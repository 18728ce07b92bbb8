"""Hypothesis strategies drawn from the generated schemas, so inputs follow the documented shapes.

The stateful machines draw request bodies from :func:`request_strategy`; tests/specs proves that
every value drawn passes the same validator the harness checks exchanges with. Sizes are kept
small (a few list items, short strings) because these values go to live endpoints.
"""

from __future__ import annotations

import base64
import functools
import re
from typing import Any

from hypothesis import strategies as st

from conformance.specs import error_schema, request_schema, response_schema
from conformance.specs.patterns import compile_ecma, ecma_to_generation

#: How far past a minimum size generated strings and collections may go.
EXTRA_STRING = 24
EXTRA_ITEMS = 3

# "^(?:[...]+)$" and friends: a whole value made of one character class.
_ONE_CLASS = re.compile(r"^\^\(\?:(\[(?:\\.|[^\]\\])*\])([*+])\)\$$")

_TEXT = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
_JSON_SCALAR = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=6)
_DOCUMENT = st.recursive(
    _JSON_SCALAR,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=6), inner, max_size=2),
    max_leaves=4,
)


def request_strategy(operation: str, *, all_members: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Schema-valid request bodies for ``operation``.

    Args:
        operation: PascalCase operation name, e.g. ``AdminCreateUser``.
        all_members: include every optional member and at least one item of every list and map
            (used to reach every constraint in tests).
    """
    return schema_strategy(request_schema(operation), all_members=all_members)


def response_strategy(operation: str, *, all_members: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Schema-valid response bodies for ``operation`` (for tests of checks and reports)."""
    return schema_strategy(response_schema(operation), all_members=all_members)


def error_body_strategy(error_type: str) -> st.SearchStrategy[dict[str, Any]]:
    """Schema-valid bodies of an error the model defines, with ``__type`` set to it."""
    schema = error_schema(error_type)
    if schema is None:
        raise KeyError(f"{error_type!r} is not an error in the model")
    return schema_strategy(schema).map(lambda body: {**body, "__type": error_type})


def schema_strategy(schema: dict[str, Any], *, all_members: bool = False) -> st.SearchStrategy[Any]:
    """Values valid against one generated schema file (with its ``$defs``)."""
    return _Builder(schema.get("$defs", {}), all_members).build(schema)


class _Builder:
    def __init__(self, defs: dict[str, Any], all_members: bool) -> None:
        self.defs = defs
        self.all_members = all_members
        self.by_def: dict[str, st.SearchStrategy[Any]] = {}

    def build(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        ref = schema.get("$ref")
        if ref is not None:
            name = ref.removeprefix("#/$defs/")
            if name not in self.by_def:
                self.by_def[name] = self.build(self.defs[name])
            return self.by_def[name]
        kind = schema.get("type")
        if kind is None:
            return _DOCUMENT
        if kind == "string":
            return _string(schema)
        if kind == "integer":
            return st.integers(schema.get("minimum"), schema.get("maximum"))
        if kind == "number":
            # Timestamps: epoch seconds, with or without a millisecond fraction (§10).
            low, high = schema.get("minimum", 0), schema.get("maximum", 4_000_000_000)
            return st.integers(low, high) | st.floats(low, high, allow_nan=False).map(lambda x: round(x, 3))
        if kind == "boolean":
            return st.booleans()
        if kind == "array":
            low, high = self._sizes(schema, "minItems", "maxItems")
            return st.lists(self.build(schema["items"]), min_size=low, max_size=high)
        if kind == "object":
            return self._object(schema)
        raise ValueError(f"no strategy for schema type {kind!r}")

    def _sizes(self, schema: dict[str, Any], low_key: str, high_key: str) -> tuple[int, int]:
        low = schema.get(low_key, 0)
        high = schema.get(high_key, low + EXTRA_ITEMS)
        if self.all_members:
            low = min(max(low, 1), high)
        return low, min(high, low + EXTRA_ITEMS)

    def _object(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        properties = schema.get("properties", {})
        additional = schema.get("additionalProperties", True)
        if isinstance(additional, dict):
            # A model map: keys from propertyNames, values from additionalProperties.
            low, high = self._sizes(schema, "minProperties", "maxProperties")
            keys = self.build(schema.get("propertyNames", {"type": "string"}))
            return st.dictionaries(keys, self.build(additional), min_size=low, max_size=high)
        members = {name: self.build(sub) for name, sub in properties.items()}
        if schema.get("x-aws-union"):
            return st.one_of([st.fixed_dictionaries({name: value}) for name, value in members.items()])
        required = set(schema.get("required", []))
        if self.all_members:
            return st.fixed_dictionaries(members)
        return st.fixed_dictionaries(
            {name: value for name, value in members.items() if name in required},
            optional={name: value for name, value in members.items() if name not in required},
        )


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    low = schema.get("minLength", 0)
    high = schema.get("maxLength", 10**9)
    if schema.get("contentEncoding") == "base64":
        low_bytes = schema.get("x-aws-min-bytes", 0)
        high_bytes = min(schema.get("x-aws-max-bytes", low_bytes + 32), low_bytes + 32)
        return st.binary(min_size=low_bytes, max_size=high_bytes).map(lambda b: base64.b64encode(b).decode())
    pattern = schema.get("pattern")
    if pattern is None:
        return st.text(_TEXT, min_size=low, max_size=min(high, low + EXTRA_STRING))
    return _patterned(pattern, low, high)


@functools.cache
def _patterned(pattern: str, low: int, high: int) -> st.SearchStrategy[str]:
    matches = compile_ecma(pattern).search
    one_class = _ONE_CLASS.match(pattern)
    if one_class:
        alphabet = st.from_regex(ecma_to_generation(one_class.group(1)), fullmatch=True)
        low = max(low, 1 if one_class.group(2) == "+" else 0)
        strategy = st.text(alphabet, min_size=low, max_size=min(high, low + EXTRA_STRING))
    else:
        strategy = st.from_regex(ecma_to_generation(pattern), fullmatch=True).filter(
            lambda s: low <= len(s) <= high
        )
    # The generation pattern is a subset by construction; this keeps it honest for negated classes.
    return strategy.filter(lambda s: matches(s) is not None)
