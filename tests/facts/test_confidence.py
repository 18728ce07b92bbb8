"""Confidence that means one thing: each fact's word is carried by the kinds of its sources.

The words (docs/facts.md): **verified** rests on AWS-authored code or tests run against real pools,
**documented** on AWS documentation or the service model, **likely** on several independent real
captures, **unverified** on one capture, a generated text or reasoning, and is never a hard failure.
These tests walk the catalogue, the code that builds facts, and the corrections of the third pass.

Run: ``pytest tests/facts -q``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conformance.divergence import Confidence
from conformance.facts import CatalogueError, SourceKind, catalogue, confidence_problems, fact
from conformance.facts.loader import _fact

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT / "conformance"


def test_every_fact_has_sources_that_carry_its_confidence() -> None:
    problems = [p for item in catalogue().values() for p in confidence_problems(item)]
    assert not problems, "\n".join(problems)


def test_no_verified_fact_without_a_verified_source() -> None:
    verified_kinds = {SourceKind.AWS_TEST, SourceKind.AWS_CLIENT}
    weak = [
        item.id
        for item in catalogue().values()
        if item.confidence is Confidence.VERIFIED and not any(s.kind in verified_kinds for s in item.sources)
    ]
    assert not weak


def _entry(confidence: str, *kinds: str) -> dict:
    return {
        "id": "pools.x",
        "statement": "s",
        "confidence": confidence,
        "sources": [{"title": f"t{n}", "kind": k, "url": f"https://a/{n}"} for n, k in enumerate(kinds)],
    }


@pytest.mark.parametrize(
    "entry",
    [
        _entry("verified", "capture"),  # a GitHub issue is at most likely
        _entry("verified", "aws-docs"),
        _entry("documented", "capture", "capture"),
        _entry("likely", "capture"),  # one capture is unverified
        _entry("likely", "not-evidence", "capture"),  # a mock's or an emulator's test is no capture
        _entry("likely", "reasoning", "reasoning"),
        _entry("documented", "not-evidence"),
    ],
    ids=lambda e: f"{e['confidence']}-on-{'+'.join(s['kind'] for s in e['sources'])}",
)
def test_a_word_stronger_than_its_sources_is_refused(entry: dict) -> None:
    with pytest.raises(CatalogueError, match="source"):
        _fact("pools", "pools.toml", entry)


@pytest.mark.parametrize(
    "entry",
    [
        _entry("verified", "aws-test"),
        _entry("verified", "aws-client", "capture"),
        _entry("documented", "aws-docs"),
        _entry("likely", "capture", "capture"),
        _entry("unverified", "reasoning"),
        _entry("unverified", "not-evidence"),
    ],
    ids=lambda e: f"{e['confidence']}-on-{'+'.join(s['kind'] for s in e['sources'])}",
)
def test_a_word_its_sources_carry_is_accepted(entry: dict) -> None:
    assert _fact("pools", "pools.toml", entry).confidence == Confidence(entry["confidence"])


def test_only_unverified_is_soft() -> None:
    assert {c for c in Confidence if not c.is_hard} == {Confidence.UNVERIFIED}


def _python_files() -> list[Path]:
    return sorted(CONFORMANCE.rglob("*.py"))


def test_code_builds_no_hard_fact_of_its_own() -> None:
    """A ``Fact(...)`` built in code has no sources; unless it says UNVERIFIED it would fail runs.

    Checks get their confidence from their fact (conformance/checks.py, expect.py, the oracle's
    predictions), so a hard check can only rest on a catalogue fact, whose word the catalogue checks.
    """
    offenders = []
    loader = CONFORMANCE / "facts" / "loader.py"  # builds the catalogue's facts, which are checked above
    for path in _python_files():
        if path == loader:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Fact":
                text = ast.unparse(node)
                if "Confidence.UNVERIFIED" not in text:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text}")
    assert not offenders, "facts built in code must be UNVERIFIED:\n" + "\n".join(offenders)


def test_code_never_raises_a_facts_confidence() -> None:
    """No check copies a fact with a stronger word (``replace(fact, confidence=...)``)."""
    offenders = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "replace"
                and any(k.arg == "confidence" for k in node.keywords)
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders


def test_every_fact_the_code_names_is_in_the_catalogue() -> None:
    named = set()
    for path in _python_files():
        named |= set(re.findall(r'\bfact\("([a-z]+\.[a-z0-9-]+)"\)', path.read_text(encoding="utf-8")))
    assert named and not named - set(catalogue())


#: The third pass's corrections (docs/facts.md, ``§13``): fact id -> its word now.
THIRD_PASS = {
    "users.attributes-sub": Confidence.UNVERIFIED,  # withdrawn: AWS answers sub
    "users.attributes-to-get-sub": Confidence.LIKELY,
    "auth.session-garbage": Confidence.LIKELY,  # the code
    "auth.session-garbage-text": Confidence.UNVERIFIED,  # the message
    "auth.malformed-timestamp": Confidence.UNVERIFIED,
    "auth.wrong-weekday": Confidence.UNVERIFIED,
    "auth.padded-day": Confidence.LIKELY,
    "auth.policy": Confidence.DOCUMENTED,
    "auth.policy-text-create": Confidence.LIKELY,
    "auth.policy-text-change": Confidence.LIKELY,
    "auth.custom-only-client": Confidence.UNVERIFIED,
    "users.disabled-refresh": Confidence.UNVERIFIED,
    "users.disable-revokes": Confidence.DOCUMENTED,
    "auth.refresh-secret-hash-wrong": Confidence.LIKELY,
    "protocol.wire-error-content-type": Confidence.LIKELY,
    "users.no-mfa-members": Confidence.DOCUMENTED,
}


@pytest.mark.parametrize("fact_id", sorted(THIRD_PASS))
def test_third_pass_corrections_hold(fact_id: str) -> None:
    assert fact(fact_id).confidence is THIRD_PASS[fact_id]


def test_the_garbage_session_message_is_apart_from_its_code() -> None:
    # The code is judged hard; the message, which no real capture shows, only reported.
    assert fact("auth.session-garbage").message is None
    assert fact("auth.session-garbage-text").message == "Invalid session for the user."


#: Cited once as captures of AWS, they are a mock's unit test, an emulator's test and a generated text.
NOT_EVIDENCE = ("70070476267", "71320217842", "71100220613")


def test_what_is_not_evidence_of_aws_is_labelled_so() -> None:
    for item in catalogue().values():
        for source in item.sources:
            if any(number in source.title for number in NOT_EVIDENCE):
                assert source.kind is SourceKind.NOT_EVIDENCE, (item.id, source.title)
