"""botocore's cognito-idp service model, translated to JSON Schema (draft 2020-12).

The API reference the harness checks against is rendered from this model, so the model is the
documented shape of every request, response and error (docs/facts.md §0 [BC]). The output is
deterministic (sorted, fixed indentation) so that CI can regenerate it and compare byte for byte.

Layout under ``conformance/specs/data/``::

    MANIFEST.json                                  botocore version, model sha256, operations, ...
    cognito-idp/2016-04-18/operations/<Op>.request.json
    cognito-idp/2016-04-18/operations/<Op>.response.json
    cognito-idp/2016-04-18/errors/<Exception>.json

Each file is self-contained: the shapes it uses are under ``$defs`` (one entry per model shape,
named as in the model) and referenced with ``$ref``. Annotations starting ``x-aws-`` carry the
model facts JSON Schema has no keyword for (sensitive, the original Java pattern, blob bytes).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from pathlib import Path
from typing import Any

from conformance.specs.patterns import Untranslatable, java_to_ecma

SERVICE = "cognito-idp"
API_VERSION = "2016-04-18"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = f"https://cognito-conformance.invalid/specs/{SERVICE}/{API_VERSION}/"
SCHEMA_DIR = f"{SERVICE}/{API_VERSION}"
# Base64 of any bytes (RFC 4648 alphabet with padding), as awsJson1_1 sends blobs (§10).
BASE64_PATTERN = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


def botocore_model_path() -> Path:
    """Where the installed botocore keeps the cognito-idp model."""
    import botocore

    return Path(botocore.__file__).parent / "data" / SERVICE / API_VERSION / "service-2.json.gz"


def load_model(path: str | Path | None = None) -> tuple[dict[str, Any], bytes]:
    """Read a service model (``.json`` or ``.json.gz``); default: the installed botocore's.

    Returns:
        The parsed model and its uncompressed bytes (whose sha256 the manifest records).
    """
    source = Path(path) if path is not None else botocore_model_path()
    raw = source.read_bytes()
    if source.suffix == ".gz":
        raw = gzip.decompress(raw)
    return json.loads(raw), raw


class _Translator:
    """Turns model shapes into ``$defs`` entries, remembering what could not be carried over."""

    def __init__(self, model: dict[str, Any]) -> None:
        self.shapes: dict[str, dict[str, Any]] = model["shapes"]
        self.untranslated: dict[str, dict[str, str]] = {}
        self._cache: dict[str, dict[str, Any]] = {}

    def closure(self, root: str) -> list[str]:
        """Every shape reachable from ``root``, sorted."""
        seen: set[str] = set()
        stack = [root]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            stack.extend(_references(self.shapes[name]))
        return sorted(seen)

    def definition(self, name: str) -> dict[str, Any]:
        if name not in self._cache:
            self._cache[name] = self._translate(name, self.shapes[name])
        return self._cache[name]

    def _translate(self, name: str, shape: dict[str, Any]) -> dict[str, Any]:
        kind = shape["type"]
        out: dict[str, Any] = {"title": name}
        if kind == "string":
            out["type"] = "string"
            if "enum" in shape:
                out["enum"] = list(shape["enum"])
            _bound(out, shape, "minLength", "maxLength")
            if "pattern" in shape:
                try:
                    out["pattern"] = java_to_ecma(shape["pattern"])
                except Untranslatable as why:
                    # Listed in the manifest and in the schema, never dropped silently.
                    self.untranslated[name] = {"pattern": shape["pattern"], "reason": str(why)}
                    out["x-aws-pattern-untranslated"] = str(why)
                out["x-aws-pattern"] = shape["pattern"]
        elif kind in ("integer", "long"):
            out["type"] = "integer"
            _bound(out, shape, "minimum", "maximum")
            if kind == "long":
                out["x-aws-type"] = "long"
        elif kind in ("float", "double"):
            out["type"] = "number"
            _bound(out, shape, "minimum", "maximum")
        elif kind == "boolean":
            out["type"] = "boolean"
        elif kind == "timestamp":
            # awsJson1_1 sends epoch seconds as a JSON number, possibly with a fraction (§10).
            out["type"] = "number"
            out["x-aws-type"] = "timestamp"
        elif kind == "blob":
            # awsJson1_1 sends blobs as base64 text; the model's bounds count bytes.
            out["type"] = "string"
            out["contentEncoding"] = "base64"
            out["pattern"] = BASE64_PATTERN
            if "min" in shape:
                out["minLength"] = 4 * math.ceil(shape["min"] / 3)
                out["x-aws-min-bytes"] = shape["min"]
            if "max" in shape:
                out["maxLength"] = 4 * math.ceil(shape["max"] / 3)
                out["x-aws-max-bytes"] = shape["max"]
        elif kind == "list":
            out["type"] = "array"
            out["items"] = _member_ref(shape["member"])
            _bound(out, shape, "minItems", "maxItems")
        elif kind == "map":
            out["type"] = "object"
            out["propertyNames"] = _member_ref(shape["key"])
            out["additionalProperties"] = _member_ref(shape["value"])
            _bound(out, shape, "minProperties", "maxProperties")
        elif kind == "structure" and shape.get("document"):
            # A Smithy document: any JSON value.
            out["x-aws-type"] = "document"
        elif kind == "structure":
            out["type"] = "object"
            properties = {member: _member_ref(spec) for member, spec in shape["members"].items()}
            if shape.get("exception"):
                # Error bodies carry the error name beside the members (§7).
                properties = {"__type": {"type": "string"}, **properties}
                out["x-aws-exception"] = True
                if shape.get("fault"):
                    out["x-aws-fault"] = True
            out["properties"] = properties
            if shape.get("required"):
                out["required"] = list(shape["required"])
            # An unknown key is a divergence, reported at lower severity (Problem.minor).
            out["additionalProperties"] = False
            if shape.get("union"):
                out["minProperties"] = 1
                out["maxProperties"] = 1
                out["x-aws-union"] = True
        else:
            raise ValueError(f"shape {name}: unknown type {kind!r}")
        if shape.get("sensitive"):
            out["x-aws-sensitive"] = True
        return out


def _bound(out: dict[str, Any], shape: dict[str, Any], low: str, high: str) -> None:
    if "min" in shape:
        out[low] = shape["min"]
    if "max" in shape:
        out[high] = shape["max"]


def _member_ref(spec: dict[str, Any]) -> dict[str, Any]:
    ref: dict[str, Any] = {"$ref": f"#/$defs/{spec['shape']}"}
    if spec.get("deprecated"):
        ref["deprecated"] = True
    return ref


def _references(shape: dict[str, Any]) -> list[str]:
    kind = shape["type"]
    if kind == "structure":
        return [spec["shape"] for spec in shape.get("members", {}).values()]
    if kind == "list":
        return [shape["member"]["shape"]]
    if kind == "map":
        return [shape["key"]["shape"], shape["value"]["shape"]]
    return []


#: Model constraints that AWS's own responses break, relaxed in response schemas only (requests
#: keep them): {shape: (keywords dropped, why)}. Listed in the manifest as "response_relaxations".
RESPONSE_RELAXATIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "CustomAttributeNameType": (
        ("maxLength",),
        "SchemaAttributeType.Name is max 20 in the model, but every pool's SchemaAttributes list the "
        "standard attribute phone_number_verified (21 characters) [CLI create-user-pool; "
        "docs/facts.md §9 Default SchemaAttributes]",
    ),
}


def _document(
    translator: _Translator,
    root: str,
    file_name: str,
    title: str,
    *,
    relax: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    defs = {name: translator.definition(name) for name in translator.closure(root)}
    if relax:
        for name, (keywords, why) in RESPONSE_RELAXATIONS.items():
            if name in defs and any(k in defs[name] for k in keywords):
                relaxed = {k: v for k, v in defs[name].items() if k not in keywords}
                relaxed["x-aws-relaxed"] = {k: defs[name][k] for k in keywords if k in defs[name]}
                relaxed["x-aws-relaxed-why"] = why
                defs[name] = relaxed
    return {
        "$schema": DRAFT,
        "$id": ID_BASE + file_name,
        "title": title,
        **extra,
        "$ref": f"#/$defs/{root}",
        "$defs": defs,
    }


def sensitive_members(model: dict[str, Any]) -> list[str]:
    """Member names whose value the model marks sensitive (on the member or its shape)."""
    shapes = model["shapes"]
    names = set()
    for shape in shapes.values():
        if shape["type"] != "structure":
            continue
        for member, spec in shape.get("members", {}).items():
            if spec.get("sensitive") or shapes[spec["shape"]].get("sensitive"):
                names.add(member)
    return sorted(names)


def build(model: dict[str, Any], model_bytes: bytes, botocore_version: str) -> dict[str, str]:
    """Every generated file, as ``{path relative to the data folder: text}``."""
    translator = _Translator(model)
    files: dict[str, Any] = {}
    operations = model["operations"]
    operation_errors: dict[str, list[str]] = {}
    for op_name in sorted(operations):
        op = operations[op_name]
        request_file = f"operations/{op_name}.request.json"
        response_file = f"operations/{op_name}.response.json"
        files[f"{SCHEMA_DIR}/{request_file}"] = _document(
            translator,
            op["input"]["shape"],
            request_file,
            f"{op_name} request",
            **{"x-aws-operation": op_name},
        )
        if "output" in op:
            files[f"{SCHEMA_DIR}/{response_file}"] = _document(
                translator,
                op["output"]["shape"],
                response_file,
                f"{op_name} response",
                relax=True,
                **{"x-aws-operation": op_name},
            )
        else:
            # No output shape: the wire body is "{}" (docs/facts.md §10).
            files[f"{SCHEMA_DIR}/{response_file}"] = {
                "$schema": DRAFT,
                "$id": ID_BASE + response_file,
                "title": f"{op_name} response",
                "x-aws-operation": op_name,
                "description": "The operation has no output shape: the body is an empty JSON object.",
                "type": "object",
                "additionalProperties": False,
            }
        operation_errors[op_name] = [error["shape"] for error in op.get("errors", [])]
    error_names = sorted(name for name, shape in model["shapes"].items() if shape.get("exception"))
    for error_name in error_names:
        error_file = f"errors/{error_name}.json"
        files[f"{SCHEMA_DIR}/{error_file}"] = _document(
            translator, error_name, error_file, f"{error_name} error body"
        )
    manifest = {
        "service": SERVICE,
        "api_version": API_VERSION,
        "schema_dialect": DRAFT,
        "schema_dir": SCHEMA_DIR,
        "source": "botocore data/cognito-idp/2016-04-18/service-2.json (uncompressed)",
        "botocore_version": botocore_version,
        "model_sha256": hashlib.sha256(model_bytes).hexdigest(),
        "generated_by": "python -m conformance.specs generate",
        "counts": {
            "operations": len(operations),
            "errors": len(error_names),
            "shapes": len(model["shapes"]),
            "patterns_untranslated": len(translator.untranslated),
        },
        "operations": sorted(operations),
        "operation_errors": operation_errors,
        "errors": error_names,
        "sensitive_members": sensitive_members(model),
        "untranslated_patterns": translator.untranslated,
        "response_relaxations": {
            name: {"dropped": list(keywords), "why": why}
            for name, (keywords, why) in RESPONSE_RELAXATIONS.items()
        },
    }
    files["MANIFEST.json"] = manifest
    return {path: render(doc) for path, doc in sorted(files.items())}


def render(document: Any) -> str:
    """The committed text of a JSON document (stable across runs and platforms)."""
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def generate(model_path: str | Path | None = None) -> dict[str, str]:
    """Build the files from a model file (default: the installed botocore's)."""
    import botocore

    model, raw = load_model(model_path)
    version = botocore.__version__ if model_path is None else f"file:{Path(model_path).name}"
    return build(model, raw, version)


def write(files: dict[str, str], out_dir: Path) -> None:
    """Write the generated files, removing generated files the model no longer has."""
    schema_root = out_dir / SCHEMA_DIR
    if schema_root.exists():
        for old in schema_root.rglob("*.json"):
            if str(old.relative_to(out_dir)) not in files:
                old.unlink()
    for rel, text in files.items():
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def committed(out_dir: Path) -> dict[str, str]:
    """The generated files as committed (seed file and README excluded)."""
    found = {}
    manifest = out_dir / "MANIFEST.json"
    if manifest.exists():
        found["MANIFEST.json"] = manifest.read_text(encoding="utf-8")
    schema_root = out_dir / SCHEMA_DIR
    if schema_root.exists():
        for path in schema_root.rglob("*.json"):
            found[str(path.relative_to(out_dir))] = path.read_text(encoding="utf-8")
    return dict(sorted(found.items()))
