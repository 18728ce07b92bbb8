"""``specs diff OLD NEW`` explains model changes in plain words.

The fixtures are today's model and a copy changed in known ways, so every sentence is predictable.
"""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

from conformance.specs.__main__ import main
from conformance.specs.diff import explain
from conformance.specs.generate import load_model

MODEL, _ = load_model()


def _older() -> dict:
    """Today's model as an imagined earlier release: one op, member, error, enum value and bound fewer."""
    old = copy.deepcopy(MODEL)
    del old["operations"]["GetTokensFromRefreshToken"]
    del old["shapes"]["UserPoolType"]["members"]["UserPoolTier"]
    old["shapes"]["AdminGetUserRequest"]["required"] = ["UserPoolId"]
    old["operations"]["AdminGetUser"]["errors"] = old["operations"]["AdminGetUser"]["errors"][:-1]
    old["shapes"]["UserStatusType"]["enum"] = [
        v for v in old["shapes"]["UserStatusType"]["enum"] if v != "EXTERNAL_PROVIDER"
    ]
    old["shapes"]["PasswordPolicyMinLengthType"]["max"] = 64
    old["shapes"]["OldOnlyType"] = {"type": "string"}
    return old


def test_explain_names_each_kind_of_change() -> None:
    text = "\n".join(explain(_older(), MODEL))
    assert "New operation GetTokensFromRefreshToken." in text
    assert "AdminGetUser: now declares the error(s) InternalErrorException." in text
    assert "new optional member UserPoolTier (shape UserPoolTierType)" in text
    assert "member Username is now required" in text
    assert "enum values added: EXTERNAL_PROVIDER" in text
    assert "maximum changed from 64 to 99" in text
    assert "Shape OldOnlyType was removed." in text
    assert "(used by " in text


def test_explain_the_other_way_and_no_change() -> None:
    text = "\n".join(explain(MODEL, _older()))
    assert "Operation GetTokensFromRefreshToken was removed." in text
    assert "member UserPoolTier removed" in text
    assert "enum values removed: EXTERNAL_PROVIDER" in text
    assert explain(MODEL, MODEL)[-1] == "No change to operations, members, enum values or constraints."


def test_diff_command_reads_json_and_gzip(tmp_path: Path, capsys) -> None:
    old_path = tmp_path / "old.json"
    old_path.write_text(json.dumps(_older()))
    new_path = tmp_path / "new.json.gz"
    new_path.write_bytes(gzip.compress(json.dumps(MODEL).encode()))
    assert main(["diff", str(old_path), str(new_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        f"Operations: {len(MODEL['operations']) - 1} before, {len(MODEL['operations'])} after."
    )
