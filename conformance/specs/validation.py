"""Compiled validators for the generated schemas, and schema errors turned into plain problems.

jsonschema's own ``pattern`` keyword calls Python's ``re``, which knows neither ``\\p{L}`` nor a
strict ``$``; the validator class here swaps in the ``regex`` package through
:func:`conformance.specs.patterns.compile_ecma`. Format assertions stay off (2020-12 makes
``format`` an annotation, and the model has none).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from conformance.specs.patterns import compile_ecma

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

P = TypeVar("P")


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterable[ValidationError]:
    if isinstance(instance, str) and compile_ecma(pattern).search(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


#: Draft 2020-12, with ECMA-262 patterns (via ``regex``) instead of Python ``re`` ones.
CognitoSchemaValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every local ``$ref`` replaced by its target (for speed).

    The model has no recursive shapes (checked: a cycle raises), so inlining terminates; it saves
    the reference lookup jsonschema otherwise does for every member of every message.
    """
    defs = schema.get("$defs", {})

    def resolve(node: Any, trail: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.removeprefix("#/$defs/")
                if name in trail:
                    raise ValueError(f"recursive shape {name}: cannot inline")
                target = resolve(defs[name], (*trail, name))
                rest = {k: resolve(v, trail) for k, v in node.items() if k != "$ref"}
                # The shape's own title wins, so messages name the model shape.
                return {**rest, **target}
            return {k: resolve(v, trail) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [resolve(v, trail) for v in node]
        return node

    return resolve(schema, ())


@dataclass(frozen=True)
class CompiledSchema:
    """A schema file ready to validate messages.

    Attributes:
        validator: the jsonschema validator; the source of every reported problem.
        accepts: a fast yes/no check with the same verdict (proved by tests/specs), run first so
            that a conforming message, the common case, costs microseconds.
    """

    validator: Validator
    accepts: Callable[[Any], bool]


def compile_validator(schema: dict[str, Any]) -> CompiledSchema:
    """One validator for one schema file, built once and reused for every message."""
    inlined = inline_refs(schema)
    registry: Registry = Registry().with_resource(schema["$id"], DRAFT202012.create_resource(schema))
    validator = CognitoSchemaValidator(inlined, registry=registry, format_checker=None)
    try:
        accepts = compile_accepts(inlined)
    except _Unsupported:
        accepts = validator.is_valid
    return CompiledSchema(validator, accepts)


# Why a second checker: jsonschema builds a new validator object (attrs ``evolve`` plus a
# referencing resource) for every subschema it descends into, about 50 for a DescribeUserPool
# response; that alone is about half of its ~0.22 ms per message (benchmarks/bench_specs.py).
# The generated schemas use a dozen keywords, so a closure per subschema checks them directly.

_ANNOTATIONS = frozenset(
    {"$schema", "$id", "title", "description", "deprecated", "contentEncoding", "$comment", "$defs"}
)


class _Unsupported(Exception):
    """A keyword the fast checker does not implement: fall back to jsonschema for this schema."""


def _is_integer(value: Any) -> bool:
    # As jsonschema: booleans are not numbers; 1.0 is an integer.
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, float) and value.is_integer()
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def compile_accepts(schema: Any) -> Callable[[Any], bool]:
    """A function telling whether an instance is valid against an inlined generated schema.

    Raises:
        _Unsupported: the schema uses a keyword this checker does not know.
    """
    if schema is True or schema == {}:
        return lambda value: True
    if schema is False:
        return lambda value: False
    # Each check takes the value; its other parameters are defaults that bind this schema's bounds.
    checks: list[Callable[..., bool]] = []
    for keyword, expected in schema.items():
        if keyword in _ANNOTATIONS or keyword.startswith("x-"):
            continue
        if keyword == "type":
            if not isinstance(expected, str) or expected not in _TYPE_TESTS:
                raise _Unsupported(keyword)
            checks.append(_TYPE_TESTS[expected])
        elif keyword == "enum":
            if not all(isinstance(v, str) for v in expected):
                raise _Unsupported("non-string enum")
            allowed = frozenset(expected)
            checks.append(lambda v, allowed=allowed: not isinstance(v, str) or v in allowed)
        elif keyword == "pattern":
            search = compile_ecma(expected).search
            checks.append(lambda v, search=search: not isinstance(v, str) or search(v) is not None)
        elif keyword in ("minLength", "maxLength"):
            checks.append(_bound_check(str, len, keyword.startswith("min"), expected))
        elif keyword in ("minItems", "maxItems"):
            checks.append(_bound_check(list, len, keyword.startswith("min"), expected))
        elif keyword in ("minProperties", "maxProperties"):
            checks.append(_bound_check(dict, len, keyword.startswith("min"), expected))
        elif keyword in ("minimum", "maximum"):
            low = keyword == "minimum"
            checks.append(
                lambda v, low=low, bound=expected: not _is_number(v) or (v >= bound if low else v <= bound)
            )
        elif keyword == "items":
            item = compile_accepts(expected)
            checks.append(lambda v, item=item: not isinstance(v, list) or all(item(x) for x in v))
        elif keyword == "required":
            names = tuple(expected)
            checks.append(lambda v, names=names: not isinstance(v, dict) or all(n in v for n in names))
        elif keyword == "propertyNames":
            name_ok = compile_accepts(expected)
            checks.append(lambda v, name_ok=name_ok: not isinstance(v, dict) or all(name_ok(k) for k in v))
        elif keyword in ("properties", "additionalProperties"):
            continue
        else:
            raise _Unsupported(keyword)
    if "properties" in schema or "additionalProperties" in schema:
        checks.append(_object_members(schema.get("properties", {}), schema.get("additionalProperties", True)))
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]
    checks_tuple = tuple(checks)
    return lambda value: all(check(value) for check in checks_tuple)


def _bound_check(kind: type, size: Callable[[Any], int], low: bool, bound: int) -> Callable[[Any], bool]:
    if low:
        return lambda v: not isinstance(v, kind) or size(v) >= bound
    return lambda v: not isinstance(v, kind) or size(v) <= bound


def _object_members(properties: dict[str, Any], additional: Any) -> Callable[[Any], bool]:
    members = {name: compile_accepts(sub) for name, sub in properties.items()}
    other = compile_accepts(additional)

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for key, item in value.items():
            member = members.get(key)
            if member is None:
                if not other(item):
                    return False
            elif not member(item):
                return False
        return True

    return check


_KIND_BY_KEYWORD = {
    "required": "missing-required",
    "type": "type",
    "enum": "enum",
    "const": "enum",
    "pattern": "pattern",
    "minLength": "length",
    "maxLength": "length",
    "minItems": "length",
    "maxItems": "length",
    "minProperties": "length",
    "maxProperties": "length",
    "minimum": "range",
    "maximum": "range",
    "exclusiveMinimum": "range",
    "exclusiveMaximum": "range",
    "additionalProperties": "additional-property",
}


def json_path(parts: Iterable[str | int]) -> str:
    """``$.UserPool.Policies``, ``$.Users[0]``, ``$.Attributes['custom:x']``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += "[" + json.dumps(part) + "]"
    return out


def _shape(schema: dict[str, Any]) -> str:
    title = schema.get("title")
    return f" (shape {title})" if isinstance(title, str) and " " not in title else ""


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _preview(value: Any, schema: dict[str, Any]) -> str:
    """A short description of a found value that never shows a sensitive one."""
    if schema.get("x-aws-sensitive"):
        return f"a sensitive {_json_type(value)}"
    if isinstance(value, str):
        from conformance.redact import preview

        return f"{preview(value, 43)!r} (length {len(value)})"
    if isinstance(value, (dict, list)):
        return f"an {_json_type(value)} of {len(value)} item(s)" if value else f"an empty {_json_type(value)}"
    return f"{_json_type(value)} {json.dumps(value)}"


def _describe(error: ValidationError) -> str:
    keyword = error.validator
    expected: Any = error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}
    found: Any = error.instance
    shape = _shape(schema)
    if keyword == "type":
        return f"expected a JSON {expected}{shape}, found {_json_type(found)}"
    if keyword == "enum":
        values = ", ".join(map(str, expected))
        return f"expected one of the documented values{shape} [{values}], found {_preview(found, schema)}"
    if keyword == "pattern":
        original = schema.get("x-aws-pattern", expected)
        return f"expected a value matching the model's pattern {original}{shape}, found {_preview(found, schema)}"
    if keyword in ("minLength", "maxLength"):
        bound = "at least" if keyword == "minLength" else "at most"
        return f"expected {bound} {expected} characters{shape}, found {len(found)}"
    if keyword in ("minItems", "maxItems", "minProperties", "maxProperties"):
        bound = "at least" if keyword.startswith("min") else "at most"
        return f"expected {bound} {expected} entries{shape}, found {len(found)}"
    if keyword in ("minimum", "maximum"):
        bound = ">=" if keyword == "minimum" else "<="
        return f"expected a value {bound} {expected}{shape}, found {_preview(found, schema)}"
    return f"{error.message}{shape}"


def problems_from(compiled: CompiledSchema, body: Any, problem: Callable[[str, str, str], P]) -> list[P]:
    """Every way ``body`` breaks the schema, one problem per offending value, sorted by path."""
    if compiled.accepts(body):
        return []
    found: list[P] = []
    for error in compiled.validator.iter_errors(body):
        parts = list(error.absolute_path)
        keyword = error.validator
        schema = error.schema if isinstance(error.schema, dict) else {}
        if keyword == "required":
            # jsonschema reports at the object; the path names the missing member itself.
            missing = next(
                (
                    name
                    for name in cast(Any, error.validator_value)
                    if error.message == f"{name!r} is a required property"
                ),
                "?",
            )
            found.append(
                problem(
                    json_path([*parts, missing]),
                    f"required member {missing} is missing{_shape(schema)}",
                    "missing-required",
                )
            )
            continue
        if keyword == "additionalProperties" and error.validator_value is False:
            known = schema.get("properties", {})
            for key in cast(Any, error.instance):
                if key not in known:
                    found.append(
                        problem(
                            json_path([*parts, key]),
                            f"unknown member {key!r}: the model's {schema.get('title', 'object')} has no such member",
                            "additional-property",
                        )
                    )
            continue
        if error.validator == "false":
            keyword = "other"
        kind = _KIND_BY_KEYWORD.get(str(keyword), "other")
        found.append(problem(json_path(parts), _describe(error), kind))
    return sorted(found, key=lambda p: (getattr(p, "path", ""), getattr(p, "kind", "")))
