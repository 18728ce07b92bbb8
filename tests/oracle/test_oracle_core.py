"""The oracle as a whole: purity, learning from answers, losing track, self-description, member checks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from oracle_support import PASSWORD, POOL, PUBLIC, answered, sign_in, user, world

from conformance.divergence import Confidence
from conformance.facts import Fact
from conformance.oracle import OPERATIONS, Call, Proof, Verdict, describe_call, describe_state, predict, step
from conformance.oracle.model import (
    Rule,
    absent,
    at_most_items,
    attributes,
    equal,
    has_keys,
    judge_member,
    keys,
    matches,
    present,
    same_items,
    subset_items,
)

FACT = Fact("§0", "[test]")


def test_the_oracle_imports_neither_boto3_botocore_nor_pytest():
    code = "import sys, conformance.oracle; print(json.dumps(sorted(m for m in ('boto3','botocore','pytest','hypothesis') if m in sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []


def test_every_operation_has_a_docstring_citing_its_section():
    for name, function in OPERATIONS.items():
        assert function.__doc__ and "§" in function.__doc__, name


def test_step_is_pure():
    state = user(world())
    before = describe_state(state)
    step(state, Call("AdminDisableUser", {"UserPoolId": POOL, "Username": "alice"}))
    assert describe_state(state) == before


def test_observe_learns_generated_values():
    state = user(world())
    assert state.users[(POOL, "alice")].sub == "11111111-2222-4333-8444-555555555555"
    state = sign_in(state)
    assert state.created == ("signin1",)
    assert state.sign_in_by_access_token("access-1").username == "alice"


def test_a_contradicted_firm_prediction_takes_the_user_out_of_sync():
    state = user(world())
    # AWS refuses a wrong password; an endpoint that accepts it leaves the model unable to tell.
    state = answered(
        state,
        "InitiateAuth",
        {
            "ClientId": PUBLIC,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Aa1!wrong"},
        },
        {"AuthenticationResult": {"AccessToken": "x"}},
    )
    assert not state.users[(POOL, "alice")].in_sync
    assert (
        predict(state, Call("AdminGetUser", {"UserPoolId": POOL, "Username": "alice"})).verdict
        is Verdict.UNKNOWN
    )


def test_an_unverified_prediction_answered_otherwise_keeps_the_user_in_sync():
    state = answered(user(world()), "AdminDisableUser", {"UserPoolId": POOL, "Username": "alice"})
    # Whether a disabled user is refused at USER_SRP_AUTH or at the verifier is UNVERIFIED (§6).
    state = answered(
        state,
        "InitiateAuth",
        {
            "ClientId": PUBLIC,
            "AuthFlow": "USER_SRP_AUTH",
            "AuthParameters": {"USERNAME": "alice", "SRP_A": "ab"},
        },
        {
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": {"SECRET_BLOCK": "blk", "USER_ID_FOR_SRP": "alice"},
        },
    )
    assert state.users[(POOL, "alice")].in_sync
    assert state.created == ("challenge1",)


def test_describe_call_and_state_show_no_secrets():
    call = Call(
        "InitiateAuth",
        {
            "ClientId": PUBLIC,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
        },
        Proof(password=PASSWORD),
    )
    text = describe_call(call)
    assert PASSWORD not in text and "USERNAME: 'alice'" in text and "<hidden>" in text
    state = sign_in(user(world()))
    shown = describe_state(state) + repr(state)
    assert PASSWORD not in shown and "access-1" not in shown and "refresh-1" not in shown
    assert "user alice: CONFIRMED, enabled" in describe_state(state)


def test_predictions_describe_themselves_with_their_fact():
    text = predict(world(), Call("AdminGetUser", {"UserPoolId": POOL, "Username": "zed"})).describe()
    assert (
        text.startswith("error UserNotFoundException 'User does not exist.'")
        and "facts:users.user-not-found" in text
    )


# Every rule a machine compares with must be able to fail: one agreeing and one disagreeing member each.
@pytest.mark.parametrize(
    "expect, good, bad",
    [
        (equal("$.a", 1, FACT), 1, True),
        (present("$.a", FACT), "x", None),
        (matches("$.a", r"[a-z]+", FACT), "abc", "ABC"),
        (
            same_items("$.a", "K", frozenset({"x", "y"}), FACT),
            [{"K": "y"}, {"K": "x"}],
            [{"K": "x"}, {"K": "x"}],
        ),
        (subset_items("$.a", "K", frozenset({"x"}), FACT), [{"K": "x"}], [{"K": "z"}]),
        (at_most_items("$.a", 1, FACT), [1], [1, 2]),
        (keys("$.a", frozenset({"x"}), FACT), {"x": 1}, {"x": 1, "y": 2}),
        (has_keys("$.a", frozenset({"x"}), FACT), {"x": 1, "y": 2}, {"y": 2}),
        (
            attributes("$.a", {"sub": None, "email": "e"}, FACT),
            [{"Name": "sub", "Value": "s"}, {"Name": "email", "Value": "e"}],
            [{"Name": "email", "Value": "f"}],
        ),
    ],
    ids=lambda v: v.rule.value if hasattr(v, "rule") else None,
)
def test_each_member_rule_agrees_and_can_fail(expect, good, bad):
    assert judge_member(expect, True, good)[0]
    assert not judge_member(expect, True, bad)[0]
    if expect.rule is not Rule.ABSENT:
        assert not judge_member(expect, False, None)[0]


def test_absent_rule():
    assert judge_member(absent("$.a", FACT), False, None)[0]
    assert not judge_member(absent("$.a", FACT), True, "x")[0]


def test_confidences_follow_the_source_mapping():
    from conformance.oracle import facts

    # §13: "settled" by GitHub or third-party captures is likely, never verified.
    assert facts.FLOW_TEXT_CUSTOM.confidence is Confidence.LIKELY  # §12.3 settled by four captures
    assert facts.SESSION_SINGLE_USE.confidence is Confidence.LIKELY  # a real capture and the guide
    assert facts.NOT_REMEMBERED_SIGN_IN.confidence is Confidence.UNVERIFIED  # still UNVERIFIED
