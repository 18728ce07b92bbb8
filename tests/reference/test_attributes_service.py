"""The reference's attribute rules that the suite does not reach from outside: SMS codes, pending values
applied by an administrator, deleted contacts, the custom-attribute limit and fail-closed writes.

Run: ``pytest tests/reference/test_attributes_service.py -q``.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from reference_support import PASSWORD, in_process_client, sign_in

from conformance.reference import ReferenceApp


def _pool(cognito: Any, **params: Any) -> tuple[str, str]:
    pool_id = cognito.create_user_pool(PoolName="attributes", **params)["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="c",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def _user(cognito: Any, pool_id: str, name: str = "alice", **attributes: str) -> None:
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=name,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=PASSWORD, Permanent=True)


def _attributes(cognito: Any, pool_id: str, name: str = "alice") -> dict[str, str]:
    got = cognito.admin_get_user(UserPoolId=pool_id, Username=name)
    return {a["Name"]: a["Value"] for a in got["UserAttributes"]}


def test_a_phone_change_sends_an_sms_code_to_the_new_number() -> None:
    app = ReferenceApp()
    cognito = in_process_client(app)
    pool_id, client_id = _pool(cognito, AutoVerifiedAttributes=["phone_number"])
    _user(cognito, pool_id, phone_number="+15550000001", phone_number_verified="true")
    access = sign_in(cognito, client_id)["AuthenticationResult"]["AccessToken"]
    answer = cognito.update_user_attributes(
        AccessToken=access, UserAttributes=[{"Name": "phone_number", "Value": "+15550009876"}]
    )
    assert answer["CodeDeliveryDetailsList"] == [
        {"Destination": "+*******9876", "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    ]
    (sent,) = app.outbox_messages(pool_id, "alice")
    assert (sent["channel"], sent["destination"], sent["purpose"]) == (
        "SMS",
        "+15550009876",
        "attribute-verification",
    )
    assert _attributes(cognito, pool_id)["phone_number_verified"] == "false"


def test_an_administrator_marking_a_pending_email_verified_applies_it() -> None:
    cognito = in_process_client(ReferenceApp())
    pool_id, client_id = _pool(
        cognito,
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )
    _user(cognito, pool_id, email="old@example.com", email_verified="true")
    access = sign_in(cognito, client_id)["AuthenticationResult"]["AccessToken"]
    cognito.update_user_attributes(
        AccessToken=access, UserAttributes=[{"Name": "email", "Value": "new@example.com"}]
    )
    assert _attributes(cognito, pool_id)["email"] == "old@example.com"
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id, Username="alice", UserAttributes=[{"Name": "email_verified", "Value": "true"}]
    )
    after = _attributes(cognito, pool_id)
    assert (after["email"], after["email_verified"]) == ("new@example.com", "true")


def test_deleting_an_email_takes_its_verification_flag_with_it() -> None:
    cognito = in_process_client(ReferenceApp())
    pool_id, _ = _pool(cognito)
    _user(cognito, pool_id, email="a@example.com", email_verified="true", given_name="Ada")
    cognito.admin_delete_user_attributes(UserPoolId=pool_id, Username="alice", UserAttributeNames=["email"])
    assert _attributes(cognito, pool_id).keys() == {"sub", "given_name"}


def test_a_verified_alias_of_another_user_cannot_be_verified_again() -> None:
    cognito = in_process_client(ReferenceApp())
    pool_id, _ = _pool(cognito, AliasAttributes=["email"])
    _user(cognito, pool_id, "alice", email="same@example.com", email_verified="true")
    _user(cognito, pool_id, "bob")
    # An unverified copy is allowed: it signs nobody in.
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id, Username="bob", UserAttributes=[{"Name": "email", "Value": "same@example.com"}]
    )
    with pytest.raises(ClientError) as caught:
        cognito.admin_update_user_attributes(
            UserPoolId=pool_id, Username="bob", UserAttributes=[{"Name": "email_verified", "Value": "true"}]
        )
    assert caught.value.response["Error"]["Code"] == "AliasExistsException"


def test_a_pool_holds_at_most_fifty_custom_attributes() -> None:
    cognito = in_process_client(ReferenceApp())
    pool_id, _ = _pool(cognito)
    for batch in range(2):
        cognito.add_custom_attributes(
            UserPoolId=pool_id,
            CustomAttributes=[{"Name": f"a{batch}x{i}", "AttributeDataType": "String"} for i in range(25)],
        )
    with pytest.raises(ClientError) as caught:
        cognito.add_custom_attributes(
            UserPoolId=pool_id, CustomAttributes=[{"Name": "one-more", "AttributeDataType": "String"}]
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"


def test_a_user_writing_a_custom_attribute_without_write_attributes_is_refused_as_unsupported() -> None:
    cognito = in_process_client(ReferenceApp())
    pool_id, client_id = _pool(cognito, Schema=[{"Name": "team", "AttributeDataType": "String"}])
    _user(cognito, pool_id)
    access = sign_in(cognito, client_id)["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as caught:
        cognito.update_user_attributes(
            AccessToken=access, UserAttributes=[{"Name": "custom:team", "Value": "x"}]
        )
    assert caught.value.response["Error"]["Code"] == "ReferenceUnsupportedParameter"


def test_verify_before_update_outside_auto_verified_attributes_is_refused_as_unsupported() -> None:
    cognito = in_process_client(ReferenceApp())
    with pytest.raises(ClientError) as caught:
        cognito.create_user_pool(
            PoolName="p", UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]}
        )
    assert caught.value.response["Error"]["Code"] == "ReferenceUnsupportedParameter"
