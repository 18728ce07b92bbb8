"""Request validation against botocore's cognito-idp service model, worded as AWS words it.

AWS validates every request against the same model the committed JSON Schemas come from and
answers ``InvalidParameterException`` with a Coral-style message (docs/facts.md §7):
``1 validation error detected: Value 'x' at 'clientId' failed to satisfy constraint: Member must
satisfy regular expression pattern: [\\w+]+``. Several violations are counted and joined with
``; ``; the value of a sensitive member is left out (``Value at 'password' ...``); member paths are
lowerCamelCase, list items ``name.1.member`` (1-based).
"""

from __future__ import annotations

import functools
import re
from typing import Any, cast

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

try:  # The model's patterns are Java regexes with \p{L}-style classes that only `regex` understands.
    import regex as _regex
except ImportError:  # pragma: no cover - regex comes with moto[server] (via cfn-lint)
    _regex = None  # type: ignore[assignment]


#: Sensitive shapes whose value AWS was nevertheless seen to print: "Value 'ap-northeast-1_xxxxxxxxx'
#: at 'clientId' failed to satisfy constraint" (docs/facts.md §7 [ISS boto/boto3#3581]).
SHOWN_SENSITIVE_SHAPES = frozenset({"ClientIdType"})


class WrongType(Exception):
    """A member whose JSON type does not match the model: AWS answers SerializationException."""


@functools.lru_cache(maxsize=1)
def service_model() -> ServiceModel:
    """The pinned botocore model of cognito-idp (the one specs/ is generated from)."""
    return botocore.session.get_session().get_service_model("cognito-idp")


def java_to_python(pattern: str) -> str:
    """Give ``\\w`` and ``\\d`` Java's ASCII meaning (Python's are Unicode; ``\\p{..}`` stays Unicode).

    Java's ``\\w`` is ``[a-zA-Z_0-9]`` and ``\\d`` is ``[0-9]`` unless UNICODE_CHARACTER_CLASS is
    set, so ``[\\w+]+`` must refuse ``é`` as AWS does.
    """
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if escaped in "wd":
                body = "a-zA-Z0-9_" if escaped == "w" else "0-9"
                out.append(body if in_class else f"[{body}]")
            else:
                out.append(char + escaped)
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        index += 1
    return "".join(out)


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str) -> Any:
    translated = java_to_python(pattern)
    if _regex is not None:
        return _regex.compile(translated)
    if "\\p{" in pattern:  # pragma: no cover - see the import above
        return None
    return re.compile(translated)


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _render(value: Any) -> str:
    # Coral renders lists as [a, b] and scalars bare, inside single quotes.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_render(v)}" for k, v in value.items()) + "}"
    return str(value)


class RequestValidator:
    """Validates request bodies of one service model.

    Args:
        model: the botocore service model; defaults to the pinned cognito-idp model.
    """

    def __init__(self, model: ServiceModel | None = None) -> None:
        self.model = model or service_model()
        self._operations: dict[str, OperationModel] = {}

    def operation(self, name: str) -> OperationModel | None:
        """The operation model for ``name``, or None when the service has no such operation."""
        found = self._operations.get(name)
        if found is None:
            if name not in self.model.operation_names:
                return None
            found = self._operations[name] = self.model.operation_model(name)
        return found

    def violations(self, operation: str, params: dict[str, Any]) -> list[str]:
        """Every constraint the request breaks, as AWS words each one.

        Args:
            operation: the operation name (``AdminGetUser``).
            params: the parsed JSON body.

        Returns:
            The violation texts in model member order; empty when the request is valid.

        Raises:
            WrongType: when a member has the wrong JSON type.
        """
        op = self.operation(operation)
        if op is None or op.input_shape is None:
            return []
        errors: list[str] = []
        self._structure(op.input_shape, params, "", errors)
        return errors

    @staticmethod
    def message(violations: list[str]) -> str:
        """The InvalidParameterException message for a list of violations."""
        count = len(violations)
        noun = "error" if count == 1 else "errors"
        return f"{count} validation {noun} detected: " + "; ".join(violations)

    def _structure(self, shape: Shape, value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, dict):
            raise WrongType(f"Expected an object at '{path or 'body'}'")
        required = shape.required_members
        for name, member in cast(StructureShape, shape).members.items():
            member_path = f"{path}.{_camel(name)}" if path else _camel(name)
            if name not in value or value[name] is None:
                if name in required:
                    errors.append(
                        f"Value null at '{member_path}' failed to satisfy constraint: Member must not be null"
                    )
                continue
            self._value(member, value[name], member_path, errors)

    def _value(self, shape: Shape, value: Any, path: str, errors: list[str]) -> None:
        kind = shape.type_name
        meta = shape.metadata
        if kind == "structure":
            self._structure(shape, value, path, errors)
            return
        sensitive = bool(meta.get("sensitive")) and shape.name not in SHOWN_SENSITIVE_SHAPES

        def fail(constraint: str) -> None:
            shown = "Value" if sensitive else f"Value '{_render(value)}'"
            errors.append(f"{shown} at '{path}' failed to satisfy constraint: Member must {constraint}")

        if kind == "string":
            if not isinstance(value, str):
                raise WrongType(f"Expected a string at '{path}'")
            self._length(len(value), meta, fail)
            enum = meta.get("enum")
            if enum and value not in enum:
                fail("satisfy enum value set: [" + ", ".join(enum) + "]")
            pattern = meta.get("pattern")
            if pattern:
                compiled = _compiled(pattern)
                if compiled is not None and compiled.fullmatch(value) is None:
                    fail(f"satisfy regular expression pattern: {pattern}")
        elif kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise WrongType(f"Expected an integer at '{path}'")
            if "min" in meta and value < meta["min"]:
                fail(f"have value greater than or equal to {meta['min']}")
            if "max" in meta and value > meta["max"]:
                fail(f"have value less than or equal to {meta['max']}")
        elif kind == "boolean":
            if not isinstance(value, bool):
                raise WrongType(f"Expected a boolean at '{path}'")
        elif kind == "list":
            if not isinstance(value, list):
                raise WrongType(f"Expected a list at '{path}'")
            self._length(len(value), meta, fail)
            for index, item in enumerate(value, start=1):
                if item is not None:
                    self._value(cast(ListShape, shape).member, item, f"{path}.{index}.member", errors)
        elif kind == "map":
            if not isinstance(value, dict):
                raise WrongType(f"Expected a map at '{path}'")
            self._length(len(value), meta, fail)
            for key, item in value.items():
                if not isinstance(key, str) or (
                    item is not None
                    and cast(MapShape, shape).value.type_name == "string"
                    and not isinstance(item, str)
                ):
                    raise WrongType(f"Expected string keys and values at '{path}'")
        elif kind == "timestamp":
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise WrongType(f"Expected a timestamp at '{path}'")
        elif kind in ("double", "float"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise WrongType(f"Expected a number at '{path}'")
        elif kind == "blob":
            if not isinstance(value, str):
                raise WrongType(f"Expected base64 text at '{path}'")

    @staticmethod
    def _length(length: int, meta: dict[str, Any], fail: Any) -> None:
        if "min" in meta and length < meta["min"]:
            fail(f"have length greater than or equal to {meta['min']}")
        if "max" in meta and length > meta["max"]:
            fail(f"have length less than or equal to {meta['max']}")
