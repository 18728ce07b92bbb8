"""Secrets never reach a report: by key, by registered value, by token form; and a whole run checked.

Run: ``pytest tests/harness/test_redaction.py``.
"""

from __future__ import annotations

import secrets as random_secrets
import time
from pathlib import Path

import pytest

from conformance import redact
from conformance.divergence import CheckKind, Confidence, Divergence, wire_summary
from conformance.wire import Exchange


def test_secret_keys_are_redacted_at_any_depth():
    value = {
        "A": [{"ChallengeResponses": {"PASSWORD_CLAIM_SIGNATURE": "sig", "USERNAME": "u"}}],
        "Session": "s" * 30,
    }
    assert redact.redact(value) == {
        "A": [
            {
                "ChallengeResponses": {
                    "PASSWORD_CLAIM_SIGNATURE": "<redacted:PASSWORD_CLAIM_SIGNATURE>",
                    "USERNAME": "u",
                }
            }
        ],
        "Session": "<redacted:Session>",
    }


def test_registered_values_are_cut_out_of_free_text():
    redact.register("Hunter2-Pa55word!")
    assert (
        redact.redact_text("message: password Hunter2-Pa55word! rejected")
        == "message: password <redacted> rejected"
    )


def test_token_shaped_strings_are_redacted():
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    assert redact.redact_text(f"Bearer {token}") == "Bearer <redacted:jwt>"


def test_short_values_are_not_registered():
    redact.register("abc")
    assert redact.redact_text("abc") == "abc"


def test_no_secret_of_a_run_lands_under_reports(run_suite):
    """Run the client checks (generated secrets, a custom secret) in-process and grep every artifact."""
    result, reports = run_suite(
        "--endpoint=miniature:secret-without-generate", target="test_clients.py", inprocess=True
    )
    secrets = sorted(redact.registered())
    assert any(len(s) >= 24 for s in secrets), "the run should have produced client secrets"
    artifacts = [p for p in Path(reports).rglob("*") if p.is_file()]
    assert artifacts
    for path in artifacts:
        text = path.read_text(errors="replace")
        for secret in secrets:
            assert secret not in text, f"{path.name} contains a secret"
    output = result.stdout.str()
    for secret in secrets:
        assert secret not in output


@pytest.fixture
def fresh_secrets(monkeypatch):
    """An empty register for one test (the tests below register many values)."""
    monkeypatch.setattr(redact, "_secrets", set())
    monkeypatch.setattr(redact, "_index", {})
    monkeypatch.setattr(redact, "_short", set())
    monkeypatch.setattr(redact, "_short_pattern", None)


def test_a_secret_holding_another_is_cut_whole(fresh_secrets):
    redact.register("Abcdef-123", "Abcdef-123-and-more")
    assert redact.redact_text("x Abcdef-123-and-more y Abcdef-123 z") == "x <redacted> y <redacted> z"


def test_secrets_sharing_their_beginning_are_all_found(fresh_secrets):
    """Tokens start alike (every JWT header): each is still found, whichever window it is filed under."""
    values = [f"SharedPrefix-{i:05d}-{random_secrets.token_urlsafe(8)}" for i in range(2000)]
    redact.register(*values)
    for value in (values[0], values[999], values[-1]):
        assert redact.redact_text(f"<{value}>") == "<<redacted>>"
    assert redact.redact_text("SharedPrefix-00000-") == "SharedPrefix-00000-"


def test_a_token_cut_short_is_still_redacted():
    header_and_claims = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiIxMjM0"
    assert redact.redact_text(f"body: {header_and_claims}") == "body: <redacted:jwt>"
    assert redact.redact_text("eyJraWQiOiJrMSIs") == "<redacted:jwt>"


def test_preview_redacts_before_it_cuts(fresh_secrets):
    secret = "Cut-Me-Not-" + "x" * 40
    redact.register(secret)
    text = "a" * 20 + secret
    shown = redact.preview(text, 30)
    assert "Cut-Me" not in shown and shown == "a" * 20 + "<redacted>"
    assert (
        redact.preview({"Session": "s" * 50, "Other": "o"}, 200)
        == '{"Other": "o", "Session": "<redacted:Session>"}'
    )


def test_the_wire_line_never_shows_part_of_a_token():
    """The body is cut at 300 characters after redaction: a token straddling the cut leaves nothing."""
    token = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0." + "eyJzdWIiOiIx" * 40 + ".c2lnbmF0dXJl"
    # The order (redact, then cut) and the token's form save it: the line shows the body as it came.
    body = ('{"Padding": "' + "p" * 250 + '", "Note": "' + token + '"}').encode()
    exchange = Exchange("GetUser", {}, b"{}", 200, {"content-type": "application/x-amz-json-1.1"}, body, 1.0)
    line = wire_summary(exchange)
    assert "eyJ" not in line and "<redacted:jwt>" in line
    divergence = Divergence(
        "GetUser", "x", "$.Token", "a", "b", Confidence.DOCUMENTED, "", CheckKind.SHAPE, evidence=exchange
    )
    rendered = divergence.render(endpoint="e")
    assert "eyJ" not in rendered
    assert f"{len(body)} bytes" in rendered


def test_redaction_cost_does_not_grow_with_the_secrets_registered(fresh_secrets):
    """Each call costs in proportion to its text: 100 or 50,000 secrets registered, the same time."""
    text = "message: " + random_secrets.token_urlsafe(600) + " and a Pa55word-that-is-not-registered"

    def best_of(rounds: int = 5, calls: int = 200) -> float:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            for _ in range(calls):
                redact.redact_text(text)
            times.append(time.perf_counter() - started)
        return min(times)

    redact.register(*(random_secrets.token_urlsafe(18) for _ in range(100)))
    few = best_of()
    redact.register(*(random_secrets.token_urlsafe(18) for _ in range(50_000)))
    many = best_of()
    # Sorting and scanning every secret per call made this ratio about a thousand.
    assert many < 5 * few, (few, many)


def test_short_secrets_are_redacted(fresh_secrets):
    redact.register("123456", "Abc-1234")
    assert redact.redact_text("code 123456, key Abc-1234.") == "code <redacted>, key <redacted>."
    assert redact.redact_text("12345") == "12345"
