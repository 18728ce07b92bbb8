"""The oracle's user operations (docs/facts.md §7, §8, §9). Run: ``pytest tests/oracle -q``."""

from __future__ import annotations

import pytest
from oracle_support import POOL, answered, expect_error, expect_success, expected_value, user, world

from conformance.divergence import Confidence
from conformance.oracle import Call, Rule, predict, step
from conformance.oracle.users import UserFilter, listing


def test_admin_create_user_predicts_force_change_password_and_sub():
    prediction = predict(world(), Call("AdminCreateUser", {"UserPoolId": POOL, "Username": "alice"}))
    expect_success(prediction)
    assert expected_value(prediction, "$.User.UserStatus").value == "FORCE_CHANGE_PASSWORD"
    assert expected_value(prediction, "$.User.Enabled").value is True
    assert "sub" in expected_value(prediction, "$.User.Attributes").value


def test_a_taken_username_is_username_exists():
    state = user(world())
    prediction = predict(state, Call("AdminCreateUser", {"UserPoolId": POOL, "Username": "alice"}))
    expect_error(prediction, "UsernameExistsException", "User account already exists")


def test_unknown_pool_is_resource_not_found():
    prediction = predict(
        world(), Call("AdminGetUser", {"UserPoolId": "us-east-1_Nope00000", "Username": "x"})
    )
    expect_error(prediction, "ResourceNotFoundException", "User pool us-east-1_Nope00000 does not exist.")


@pytest.mark.parametrize("permanent, status", [(True, "CONFIRMED"), (False, "FORCE_CHANGE_PASSWORD")])
def test_admin_set_user_password_sets_the_status(permanent, status):
    state = user(world(), confirmed=False)
    _, state = step(
        state,
        Call(
            "AdminSetUserPassword",
            {"UserPoolId": POOL, "Username": "alice", "Password": "x", "Permanent": permanent},
        ),
    )
    prediction = predict(state, Call("AdminGetUser", {"UserPoolId": POOL, "Username": "alice"}))
    assert expected_value(prediction, "$.UserStatus").value == status


def test_admin_get_user_has_no_mfa_members_and_the_attributes():
    state = user(world(), email="a@example.com")
    prediction = predict(state, Call("AdminGetUser", {"UserPoolId": POOL, "Username": "alice"}))
    assert expected_value(prediction, "$.UserMFASettingList").rule is Rule.ABSENT
    # §13: documented (the CLI example), not verified: moto's AWS-run test passes absent or empty.
    assert expected_value(prediction, "$.UserMFASettingList").fact.confidence is Confidence.DOCUMENTED
    assert dict(expected_value(prediction, "$.UserAttributes").value)["email"] == "a@example.com"


def test_deleted_user_does_not_exist_and_the_name_is_free_again():
    state = user(world())
    _, state = step(state, Call("AdminDeleteUser", {"UserPoolId": POOL, "Username": "alice"}))
    expect_error(
        predict(state, Call("AdminGetUser", {"UserPoolId": POOL, "Username": "alice"})),
        "UserNotFoundException",
        "User does not exist.",
    )
    expect_success(predict(state, Call("AdminCreateUser", {"UserPoolId": POOL, "Username": "alice"})))


def test_disable_then_enable():
    state = user(world())
    _, state = step(state, Call("AdminDisableUser", {"UserPoolId": POOL, "Username": "alice"}))
    assert (
        expected_value(
            predict(state, Call("AdminGetUser", {"UserPoolId": POOL, "Username": "alice"})), "$.Enabled"
        ).value
        is False
    )
    _, state = step(state, Call("AdminEnableUser", {"UserPoolId": POOL, "Username": "alice"}))
    assert (
        expected_value(
            predict(state, Call("AdminGetUser", {"UserPoolId": POOL, "Username": "alice"})), "$.Enabled"
        ).value
        is True
    )


def _people():
    state = user(
        world(),
        "alice",
        sub="aaaaaaaa-0000-4000-8000-000000000001",
        email="alice@example.com",
        given_name="Ana",
    )
    state = user(
        state,
        "albert",
        sub="aaaaaaaa-0000-4000-8000-000000000002",
        email="albert@example.com",
        given_name="Bo",
    )
    state = user(state, "bob", confirmed=False, sub="bbbbbbbb-0000-4000-8000-000000000003", given_name="Bo")
    _, state = step(state, Call("AdminDisableUser", {"UserPoolId": POOL, "Username": "bob"}))
    return state


@pytest.mark.parametrize(
    "filter_text, names",
    [
        (None, {"alice", "albert", "bob"}),
        ('username = "alice"', {"alice"}),
        ('username ^= "al"', {"alice", "albert"}),
        ('email = "albert@example.com"', {"albert"}),
        ('email^="al"', {"alice", "albert"}),
        ('given_name = "Bo"', {"albert", "bob"}),
        ('given_name ^= "A"', {"alice"}),
        ('sub = "bbbbbbbb-0000-4000-8000-000000000003"', {"bob"}),
        ('sub ^= "aaaaaaaa"', {"alice", "albert"}),
        ('cognito:user_status = "FORCE_CHANGE_PASSWORD"', {"bob"}),
        ('cognito:user_status ^= "CONF"', {"alice", "albert"}),
        ('status = "Disabled"', {"bob"}),
        ('status = "Enabled"', {"alice", "albert"}),
    ],
)
def test_list_users_filters_with_equals_and_prefix(filter_text, names):
    selected, fact = listing(_people(), POOL, filter_text)
    assert selected == names
    # §8: the status filter's value strings are UNVERIFIED beyond StatusType.
    expected = (
        Confidence.UNVERIFIED if filter_text and filter_text.startswith("status") else Confidence.DOCUMENTED
    )
    assert fact.confidence is expected


def test_list_users_page_is_at_most_limit_and_only_selected_users():
    prediction = predict(
        _people(), Call("ListUsers", {"UserPoolId": POOL, "Limit": 2, "Filter": 'username ^= "al"'})
    )
    assert expected_value(prediction, "$.Users").rule in (Rule.PRESENT, Rule.AT_MOST_ITEMS, Rule.SUBSET_ITEMS)
    rules = {e.rule: e for e in prediction.expects if e.path == "$.Users"}
    assert rules[Rule.AT_MOST_ITEMS].value == 2
    assert rules[Rule.SUBSET_ITEMS].value == {"alice", "albert"}


def test_list_users_attributes_to_get_sub_is_answered():
    # §13: AWS answers AttributesToGet ["sub"]; the refusal once predicted is withdrawn.
    prediction = predict(_people(), Call("ListUsers", {"UserPoolId": POOL, "AttributesToGet": ["sub"]}))
    expect_success(prediction)


def test_a_user_out_of_sync_makes_the_listing_unknowable():
    state = answered(
        _people(),
        "AdminDeleteUser",
        {"UserPoolId": POOL, "Username": "alice"},
        error="InternalErrorException",
    )
    assert listing(state, POOL, None) is None


def test_filter_parsing_rejects_garbage():
    assert UserFilter.parse('name = "x\\"y"') == UserFilter("name", False, 'x"y')
    with pytest.raises(ValueError):
        UserFilter.parse("name ~ x")
