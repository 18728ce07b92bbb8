"""Users: admin creation, statuses, password policy, ListUsers (docs/facts.md §7-§9); sign-up and recovery
are in test_reference_signup.py.

Run: ``pytest tests/reference/test_reference_users.py -q``.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from reference_support import PASSWORD


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_duplicate_usernames(cognito: Any, pool_id: str, client_id: str, confirmed_user: str) -> None:
    with pytest.raises(ClientError) as caught:
        cognito.sign_up(ClientId=client_id, Username=confirmed_user, Password=PASSWORD)
    assert error_of(caught) == ("UsernameExistsException", "User already exists")
    with pytest.raises(ClientError) as caught:
        cognito.admin_create_user(UserPoolId=pool_id, Username=confirmed_user)
    assert error_of(caught) == ("UsernameExistsException", "User account already exists")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!", "Password not long enough"),
        ("abcdefg1!", "Password must have uppercase characters"),
        ("ABCDEFG1!", "Password must have lowercase characters"),
        ("Abcdefgh!", "Password must have numeric characters"),
        ("Abcdefgh1", "Password must have symbol characters"),
    ],
)
def test_password_policy_messages(cognito: Any, client_id: str, password: str, reason: str) -> None:
    with pytest.raises(ClientError) as caught:
        cognito.sign_up(ClientId=client_id, Username="erin", Password=password)
    assert error_of(caught) == ("InvalidPasswordException", f"Password did not conform with policy: {reason}")


def test_admin_create_user_shape(cognito: Any, pool_id: str) -> None:
    user = cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="frank",
        TemporaryPassword="Temp-0rary!",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "f@example.com"}],
    )["User"]
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD" and user["Enabled"] is True
    assert user["Attributes"][0]["Name"] == "sub"
    assert {"Name": "email", "Value": "f@example.com"} in user["Attributes"]
    got = cognito.admin_get_user(UserPoolId=pool_id, Username="frank")
    assert "UserMFASettingList" not in got and "PreferredMfaSetting" not in got


def test_unknown_attribute_is_refused(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as caught:
        cognito.admin_create_user(
            UserPoolId=pool_id, Username="gina", UserAttributes=[{"Name": "custom:nothere", "Value": "x"}]
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"


def test_email_username_pool_uses_sub_as_username(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="p", UsernameAttributes=["email"])["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"][
        "ClientId"
    ]
    with pytest.raises(ClientError) as caught:
        cognito.sign_up(ClientId=client_id, Username="not-an-email", Password=PASSWORD)
    assert error_of(caught) == ("InvalidParameterException", "Username should be an email.")
    sub = cognito.sign_up(ClientId=client_id, Username="h@example.com", Password=PASSWORD)["UserSub"]
    got = cognito.admin_get_user(UserPoolId=pool_id, Username="h@example.com")
    assert got["Username"] == sub
    assert {"Name": "email", "Value": "h@example.com"} in got["UserAttributes"]


def test_enable_disable_delete(cognito: Any, pool_id: str, confirmed_user: str) -> None:
    cognito.admin_disable_user(UserPoolId=pool_id, Username=confirmed_user)
    assert cognito.admin_get_user(UserPoolId=pool_id, Username=confirmed_user)["Enabled"] is False
    cognito.admin_enable_user(UserPoolId=pool_id, Username=confirmed_user)
    assert cognito.admin_get_user(UserPoolId=pool_id, Username=confirmed_user)["Enabled"] is True
    cognito.admin_delete_user(UserPoolId=pool_id, Username=confirmed_user)
    with pytest.raises(ClientError) as caught:
        cognito.admin_get_user(UserPoolId=pool_id, Username=confirmed_user)
    assert error_of(caught) == ("UserNotFoundException", "User does not exist.")


@pytest.fixture
def populated(cognito: Any, pool_id: str) -> str:
    for index, (name, given) in enumerate([("ann", "Jon"), ("bea", "Jonas"), ("cal", "Kim"), ("dan", "jon")]):
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "given_name", "Value": given},
                {"Name": "email", "Value": f"{name}@example.com"},
            ],
        )
        if index % 2:
            cognito.admin_disable_user(UserPoolId=pool_id, Username=name)
    return pool_id


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('given_name = "Jon"', ["ann", "dan"]),
        ('given_name ^= "Jon"', ["ann", "bea", "dan"]),
        ('username="bea"', ["bea"]),
        ('username = "BEA"', []),
        ('status = "Disabled"', ["bea", "dan"]),
        ('cognito:user_status = "force_change_password"', ["ann", "bea", "cal", "dan"]),
        ('email ^= "c"', ["cal"]),
        ("", ["ann", "bea", "cal", "dan"]),
    ],
)
def test_list_users_filters(cognito: Any, populated: str, expression: str, expected: list[str]) -> None:
    users = cognito.list_users(UserPoolId=populated, Filter=expression)["Users"]
    assert [u["Username"] for u in users] == expected


@pytest.mark.parametrize("expression", ["given_name = Jon", 'given_name == "Jon"', 'a = "b" and c = "d"'])
def test_list_users_filter_parse_error(cognito: Any, populated: str, expression: str) -> None:
    with pytest.raises(ClientError) as caught:
        cognito.list_users(UserPoolId=populated, Filter=expression)
    assert error_of(caught) == ("InvalidParameterException", "Error while parsing filter.")


def test_list_users_pages_respect_limit(cognito: Any, populated: str) -> None:
    seen: list[str] = []
    token = None
    while True:
        page = cognito.list_users(
            UserPoolId=populated, Limit=3, **({"PaginationToken": token} if token else {})
        )
        assert len(page["Users"]) <= 3
        seen += [u["Username"] for u in page["Users"]]
        token = page.get("PaginationToken")
        if not token:
            break
    assert seen == ["ann", "bea", "cal", "dan"]


def test_list_users_attributes_to_get(cognito: Any, populated: str) -> None:
    users = cognito.list_users(UserPoolId=populated, AttributesToGet=["email"])["Users"]
    assert users[0]["Attributes"] == [{"Name": "email", "Value": "ann@example.com"}]
    # §13: naming sub is accepted and answers only sub (facts:users.attributes-to-get-sub).
    subs = cognito.list_users(UserPoolId=populated, AttributesToGet=["sub"])["Users"]
    assert subs and all([a["Name"] for a in u["Attributes"]] == ["sub"] for u in subs)
    with pytest.raises(ClientError) as caught:
        cognito.list_users(UserPoolId=populated, AttributesToGet=["family_name"])
    assert error_of(caught) == ("InvalidParameterException", "One or more requested attributes do not exist.")


def test_case_insensitive_pool(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="ci", UsernameConfiguration={"CaseSensitive": False})[
        "UserPool"
    ]["Id"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="Mixed", MessageAction="SUPPRESS")
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="mixed")["Username"] == "Mixed"
    with pytest.raises(ClientError) as caught:
        cognito.admin_create_user(UserPoolId=pool_id, Username="MIXED", MessageAction="SUPPRESS")
    assert error_of(caught)[0] == "UsernameExistsException"


def test_case_sensitive_pool_keeps_names_apart(cognito: Any, pool_id: str) -> None:
    cognito.admin_create_user(UserPoolId=pool_id, Username="Mixed", MessageAction="SUPPRESS")
    cognito.admin_create_user(UserPoolId=pool_id, Username="mixed", MessageAction="SUPPRESS")
    with pytest.raises(ClientError) as caught:
        cognito.admin_get_user(UserPoolId=pool_id, Username="MIXED")
    assert error_of(caught) == ("UserNotFoundException", "User does not exist.")


def test_alias_pool_signs_in_by_verified_email(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="alias", AliasAttributes=["email"])["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError) as caught:
        cognito.admin_create_user(UserPoolId=pool_id, Username="x@example.com", MessageAction="SUPPRESS")
    assert error_of(caught)[0] == "InvalidParameterException"
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="ivy",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "ivy@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="ivy", Password=PASSWORD, Permanent=True)
    result = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ivy@example.com", "PASSWORD": PASSWORD},
    )
    assert "AccessToken" in result["AuthenticationResult"]
