"""Java (model) patterns to ECMA-262 (JSON Schema) and to Python: same matches everywhere.

``pytest tests/specs/test_patterns.py -m needs_node`` runs only the cross-check against Node's
own ECMA-262 engine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conformance import specs
from conformance.specs.generate import load_model
from conformance.specs.patterns import Untranslatable, compile_ecma, ecma_to_python, java_to_ecma


def _matches(java: str, value: str) -> bool:
    return compile_ecma(java_to_ecma(java)).search(value) is not None


def test_whole_value_must_match_as_java_matches() -> None:
    assert _matches("[0-9]+", "123")
    assert not _matches("[0-9]+", "12a")  # JSON Schema alone would search and accept this
    assert not _matches("[0-9]+", "123\n")  # Python's "$" alone would accept a trailing newline


def test_java_shorthand_classes_are_ascii() -> None:
    assert _matches("[\\w-]+_[0-9a-zA-Z]+", "us-east-1_AbC")
    assert not _matches("[\\w]+", "é")  # Java's \w is ASCII; Python's would accept
    assert not _matches("[\\S]+", "a b")
    assert _matches("[\\S]+", "p@ss:w0rd")


def test_unicode_categories_are_kept() -> None:
    username = "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
    assert _matches(username, "Zoë_日本-1")
    assert not _matches(username, "two words")


def test_dot_stops_at_java_line_terminators_unless_dotall() -> None:
    assert _matches(".*\\{####\\}.*", "code {####} here")
    assert not _matches(".*\\{####\\}.*", "code\n{####}")
    assert _matches("(?s).*", "any\nthing")


def test_unicode_mode_syntax_is_produced() -> None:
    # "[0-9-_]" and "\:" are syntax errors in ECMA-262 Unicode mode.
    assert java_to_ecma("[A-Za-z0-9-_=.]+") == "^(?:[A-Za-z0-9\\-_=.]+)$"
    assert java_to_ecma("arn\\:x") == "^(?:arn:x)$"


def test_lookbehind_and_word_boundary() -> None:
    assert _matches("^[0-9A-Za-z\\.\\-_]*(?<!\\.)$", "a.b")
    assert not _matches("^[0-9A-Za-z\\.\\-_]*(?<!\\.)$", "ab.")
    assert "\\b" not in ecma_to_python("^(?:a\\b-)$")


@pytest.mark.parametrize("java", ["a++", "(?>a)", "[a-z&&[^b]]", "(?i)a", "\\Qa\\E", "(a)\\1", "[a[b]]"])
def test_java_only_constructs_are_refused(java: str) -> None:
    with pytest.raises(Untranslatable):
        java_to_ecma(java)


def _model_patterns() -> list[str]:
    model, _ = load_model()
    return sorted({shape["pattern"] for shape in model["shapes"].values() if "pattern" in shape})


SAMPLES = [
    "",
    "a",
    "abc",
    "ABC123",
    "a-b_c",
    "a b",
    "a\tb",
    "a\nb",
    "a\n",
    "\u2028",
    "é",
    "Zoë",
    "日本",
    "x:y",
    "user@example.com",
    "{####}",
    "code {####} x",
    "{##click##}",
    "us-east-1_abc123",
    "us-east-1_abc-def",
    "a.",
    ".a",
    "-",
    "_",
    "https://example.com/cb",
    "http://x",
    "Level3",
    "arn:aws:iam::123456789012:role/r",
    "00000000-0000-4000-8000-000000000000",
    "tkn0123456789abcdefghijklmno",
    "terms-of-use",
    "cognito:english",
    "import-AbC",
    "0123abcdef",
    "a" * 70,
]


@pytest.mark.needs_node
def test_python_validation_agrees_with_node_ecma262_on_every_model_pattern(tmp_path) -> None:
    node = shutil.which("node")
    if node is None:
        # CI sets CONFORMANCE_REQUIRE_NODE=1 so that this cross-check cannot silently skip there.
        if os.environ.get("CONFORMANCE_REQUIRE_NODE") == "1":
            pytest.fail("node is not on PATH (CONFORMANCE_REQUIRE_NODE=1)")
        pytest.skip("node is not on PATH")
    patterns = [java_to_ecma(p) for p in _model_patterns()]
    script = (
        "const {patterns, samples} = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(patterns.map(p => { const r = new RegExp(p, 'u');"
        " return samples.map(s => r.test(s)); })));"
    )
    done = subprocess.run(
        [node, "-e", script],
        input=json.dumps({"patterns": patterns, "samples": SAMPLES}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    node_results = json.loads(done.stdout)
    disagreements = [
        (pattern, sample, expected)
        for pattern, row in zip(patterns, node_results, strict=True)
        for sample, expected in zip(SAMPLES, row, strict=True)
        if (compile_ecma(pattern).search(sample) is not None) != expected
    ]
    assert disagreements == []


def test_every_committed_pattern_compiles() -> None:
    count = 0
    for op in specs.operations():
        for schema in (specs.request_schema(op), specs.response_schema(op)):
            for definition in schema.get("$defs", {}).values():
                if "pattern" in definition:
                    compile_ecma(definition["pattern"])
                    count += 1
    assert count > 100
