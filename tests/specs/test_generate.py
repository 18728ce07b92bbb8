"""The generator: every operation covered, every trait translated, output valid and reproducible.

Run with ``pytest tests/specs/test_generate.py``; ``-k trait`` for the translation unit tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import botocore
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from conformance import specs
from conformance.specs import generate as gen
from conformance.specs.__main__ import main
from conformance.specs.patterns import compile_ecma

MODEL, MODEL_BYTES = gen.load_model()
COMMITTED = gen.committed(specs.specs_root())


def test_every_operation_has_request_and_response_schemas() -> None:
    assert len(specs.operations()) == len(MODEL["operations"]) >= 153
    for op in specs.operations():
        assert f"{gen.SCHEMA_DIR}/operations/{op}.request.json" in COMMITTED
        assert f"{gen.SCHEMA_DIR}/operations/{op}.response.json" in COMMITTED
    errors = [n for n, s in MODEL["shapes"].items() if s.get("exception")]
    assert sorted(errors) == specs.manifest()["errors"]
    for name in errors:
        assert f"{gen.SCHEMA_DIR}/errors/{name}.json" in COMMITTED


def test_manifest_records_version_hash_and_operations() -> None:
    manifest = specs.manifest()
    assert manifest["botocore_version"] == botocore.__version__
    import hashlib

    assert manifest["model_sha256"] == hashlib.sha256(MODEL_BYTES).hexdigest()
    assert manifest["operations"] == sorted(MODEL["operations"])
    assert manifest["untranslated_patterns"] == {}, "a model pattern could not be expressed; see the manifest"


def _ecma_regex_format() -> FormatChecker:
    # The "regex" format means ECMA-262; jsonschema's default checks with Python's re, which
    # rejects \p{L}. Check with the same engine validation uses.
    checker = FormatChecker()
    checker.checks("regex", raises=Exception)(lambda value: bool(compile_ecma(value)))
    return checker


@pytest.mark.parametrize("path", [p for p in COMMITTED if p != "MANIFEST.json"])
def test_every_schema_is_valid_against_the_2020_12_metaschema(path: str) -> None:
    schema = json.loads(COMMITTED[path])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator(Draft202012Validator.META_SCHEMA).validate(schema)
    Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=_ecma_regex_format()).validate(
        schema
    )


def test_a_fresh_generation_equals_the_committed_files() -> None:
    assert gen.generate() == COMMITTED


def test_check_command_passes_on_fresh_and_fails_readably_on_drift(tmp_path: Path, capsys) -> None:
    gen.write(gen.generate(), tmp_path)
    assert main(["check", "--out", str(tmp_path)]) == 0
    target = tmp_path / gen.SCHEMA_DIR / "operations" / "AdminGetUser.response.json"
    target.write_text(target.read_text().replace('"UserStatusType"', '"UserStateType"', 1))
    (tmp_path / gen.SCHEMA_DIR / "errors" / "NotAuthorizedException.json").unlink()
    assert main(["check", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "missing from specs/: cognito-idp/2016-04-18/errors/NotAuthorizedException.json" in out
    assert "changed: cognito-idp/2016-04-18/operations/AdminGetUser.response.json" in out
    assert '-  "UserStateType": {' in out and '+  "UserStatusType": {' in out


# --- translation of each shape trait, on a small synthetic model --------------------------------

TINY = {
    "metadata": {},
    "operations": {
        "DoThing": {
            "name": "DoThing",
            "input": {"shape": "DoThingRequest"},
            "output": {"shape": "DoThingResponse"},
            "errors": [{"shape": "BadThingException"}],
        },
        "Nothing": {"name": "Nothing", "input": {"shape": "DoThingRequest"}, "errors": []},
    },
    "shapes": {
        "DoThingRequest": {
            "type": "structure",
            "required": ["Name"],
            "members": {
                "Name": {"shape": "NameType"},
                "Secret": {"shape": "SecretType"},
                "Mode": {"shape": "ModeType"},
                "Count": {"shape": "CountType"},
                "Big": {"shape": "LongType"},
                "Flag": {"shape": "Flag", "deprecated": True},
                "When": {"shape": "DateType"},
                "Bytes": {"shape": "BlobType"},
                "Items": {"shape": "ItemList"},
                "Tags": {"shape": "TagMap"},
                "Choice": {"shape": "ChoiceUnion"},
                "Any": {"shape": "Document"},
                "Odd": {"shape": "OddType"},
            },
        },
        "DoThingResponse": {"type": "structure", "members": {"Name": {"shape": "NameType"}}},
        "BadThingException": {
            "type": "structure",
            "members": {"message": {"shape": "NameType"}},
            "exception": True,
        },
        "NameType": {"type": "string", "min": 1, "max": 8, "pattern": "[\\w-]+"},
        "SecretType": {"type": "string", "sensitive": True},
        "ModeType": {"type": "string", "enum": ["ON", "OFF"]},
        "CountType": {"type": "integer", "min": 0, "max": 60},
        "LongType": {"type": "long"},
        "Flag": {"type": "boolean"},
        "DateType": {"type": "timestamp"},
        "BlobType": {"type": "blob", "max": 3},
        "ItemList": {"type": "list", "member": {"shape": "NameType"}, "min": 1, "max": 2},
        "TagMap": {"type": "map", "key": {"shape": "NameType"}, "value": {"shape": "NameType"}, "max": 2},
        "ChoiceUnion": {
            "type": "structure",
            "union": True,
            "members": {"A": {"shape": "Flag"}, "B": {"shape": "Flag"}},
        },
        "Document": {"type": "structure", "members": {}, "document": True},
        "OddType": {"type": "string", "pattern": "a++"},
    },
}


@pytest.fixture(scope="module")
def tiny() -> dict[str, dict]:
    files = gen.build(TINY, json.dumps(TINY).encode(), "test")
    return {path: json.loads(text) for path, text in files.items()}


def _defs(tiny: dict[str, dict]) -> dict:
    return tiny[f"{gen.SCHEMA_DIR}/operations/DoThing.request.json"]["$defs"]


def test_trait_structure_required_and_closed(tiny) -> None:
    request = _defs(tiny)["DoThingRequest"]
    assert request["type"] == "object" and request["required"] == ["Name"]
    assert request["additionalProperties"] is False
    assert request["properties"]["Name"] == {"$ref": "#/$defs/NameType"}
    assert request["properties"]["Flag"] == {"$ref": "#/$defs/Flag", "deprecated": True}


def test_trait_scalars(tiny) -> None:
    defs = _defs(tiny)
    assert defs["NameType"] == {
        "title": "NameType",
        "type": "string",
        "minLength": 1,
        "maxLength": 8,
        "pattern": "^(?:[A-Za-z0-9_\\-]+)$",
        "x-aws-pattern": "[\\w-]+",
    }
    assert defs["ModeType"]["enum"] == ["ON", "OFF"]
    assert (defs["CountType"]["minimum"], defs["CountType"]["maximum"]) == (0, 60)
    assert defs["LongType"]["type"] == "integer"
    assert defs["Flag"]["type"] == "boolean"
    assert defs["DateType"]["type"] == "number"  # epoch seconds on the wire (§10)
    assert defs["BlobType"]["contentEncoding"] == "base64" and defs["BlobType"]["maxLength"] == 4
    assert defs["SecretType"]["x-aws-sensitive"] is True


def test_trait_collections_union_document(tiny) -> None:
    defs = _defs(tiny)
    assert defs["ItemList"] == {
        "title": "ItemList",
        "type": "array",
        "items": {"$ref": "#/$defs/NameType"},
        "minItems": 1,
        "maxItems": 2,
    }
    assert defs["TagMap"]["propertyNames"] == {"$ref": "#/$defs/NameType"}
    assert defs["TagMap"]["additionalProperties"] == {"$ref": "#/$defs/NameType"}
    assert defs["TagMap"]["maxProperties"] == 2
    assert (defs["ChoiceUnion"]["minProperties"], defs["ChoiceUnion"]["maxProperties"]) == (1, 1)
    assert "type" not in defs["Document"]


def test_trait_untranslatable_pattern_is_listed_not_dropped(tiny) -> None:
    manifest = tiny["MANIFEST.json"]
    assert manifest["untranslated_patterns"]["OddType"]["pattern"] == "a++"
    assert "possessive" in manifest["untranslated_patterns"]["OddType"]["reason"]
    odd = _defs(tiny)["OddType"]
    assert "pattern" not in odd and odd["x-aws-pattern"] == "a++" and "x-aws-pattern-untranslated" in odd


def test_trait_errors_sensitive_and_empty_output(tiny) -> None:
    manifest = tiny["MANIFEST.json"]
    assert manifest["operation_errors"] == {"DoThing": ["BadThingException"], "Nothing": []}
    assert manifest["sensitive_members"] == ["Secret"]
    error = tiny[f"{gen.SCHEMA_DIR}/errors/BadThingException.json"]["$defs"]["BadThingException"]
    assert list(error["properties"]) == ["__type", "message"] and error["additionalProperties"] is False
    empty = tiny[f"{gen.SCHEMA_DIR}/operations/Nothing.response.json"]
    assert empty["type"] == "object" and empty["additionalProperties"] is False and "properties" not in empty
