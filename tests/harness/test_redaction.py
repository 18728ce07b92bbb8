"""Secrets never reach a report: by key, by registered value, by token form; and a whole run checked.

Run: ``pytest tests/harness/test_redaction.py``.
"""

from __future__ import annotations

from pathlib import Path

from conformance import redact


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
    secrets = sorted(redact._secrets)
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
