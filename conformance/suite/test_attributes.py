"""Attributes and verification: updating and deleting attributes (as administrator and as the user),
email_verified after a change, verification codes, aliases, immutable and custom attributes, and the
app client's WriteAttributes.

Facts: ``attributes.*`` in the catalogue (docs/facts.md, "Attributes and verification"). The tests that
type back a delivered code take the ``outbox`` fixture and skip on an endpoint that publishes none.

Run a subset: ``pytest conformance/suite/test_attributes.py -k verify --endpoint=reference``.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from conformance import flows
from conformance.crypto.tokens import MalformedToken, decode_unverified
from conformance.divergence import CheckKind
from conformance.facts import fact

pytestmark = pytest.mark.kind("semantics")

PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

ADMIN_UPDATE = fact("attributes.admin-update")
BLANK_DELETES = fact("attributes.blank-deletes")
UPDATE = fact("attributes.update-user-attributes")
ADMIN_DELETE = fact("attributes.admin-delete")
DELETE = fact("attributes.delete-user-attributes")
ID_TOKEN_UPDATED = fact("attributes.id-token-updated")
UNKNOWN_ATTRIBUTE = fact("attributes.unknown-attribute")
IMMUTABLE = fact("attributes.immutable")
REQUIRED = fact("attributes.required")
CONSTRAINTS = fact("attributes.value-constraints")
CHANGE_UNVERIFIES = fact("attributes.change-unverifies")
CODE_DELIVERY = fact("attributes.update-code-delivery")
VERIFY_BEFORE_UPDATE = fact("attributes.verify-before-update")
VERIFICATION_CODE = fact("attributes.verification-code")
VERIFY = fact("attributes.verify-user-attribute")
ALIAS_EXISTS = fact("attributes.alias-exists")
CLIENT_WRITES = fact("attributes.client-write-attributes")
USER_CANNOT_VERIFY = fact("attributes.user-cannot-verify")
ADD_CUSTOM = fact("attributes.add-custom")
ADD_EXISTING = fact("attributes.add-custom-existing")
SIGN_IN = fact("auth.tokens-issued")
GET_USER = fact("users.get-user")
TOKEN_REFUSED = fact("tokens.token-operations-refuse-invalid")
TOKEN_REFUSED_TEXT = fact("tokens.token-operations-invalid-text")
UNKNOWN_POOL = fact("pools.unknown-pool")

#: A token of the access token's shape that no pool issued (its key id names no key).
NEVER_ISSUED = "eyJraWQiOiJub3BlIiwiYWxnIjoiUlMyNTYifQ.e30.c2lnbmF0dXJl"


def email(prefix: str = "user") -> str:
    return f"{prefix}-{secrets.token_hex(4)}@example.com"


def pairs(**values: str) -> list[dict[str, str]]:
    """``[{"Name", "Value"}]``; ``custom_x`` stands for ``custom:x``."""
    return [{"Name": name.replace("custom_", "custom:", 1), "Value": value} for name, value in values.items()]


def attributes_of(check, response) -> dict[str, Any]:
    """The UserAttributes of an AdminGetUser or GetUser answer, by name."""
    items = check.read(response, "$.UserAttributes", list, default=[], items=dict)
    return {item.get("Name"): item.get("Value") for item in items}


def attribute_is(check, response, name: str, expected: str | None, fact_) -> bool:
    """The answer's UserAttributes hold ``name`` = ``expected`` (None: no such attribute)."""
    actual = attributes_of(check, response).get(name)
    return check.that(
        actual == expected,
        operation=response.operation,
        check="attribute.value",
        path=f"$.UserAttributes[?Name=={name}].Value",
        expected=expected if expected is not None else "<absent>",
        actual=actual if actual is not None else "<absent>",
        fact=fact_,
        evidence=response.exchange,
    )


def admin_get(cognito, pool_id: str, username: str):
    return cognito.admin_get_user(UserPoolId=pool_id, Username=username)


def signed_in(cognito, check, client, user) -> dict[str, Any] | None:
    """The AuthenticationResult of a USER_PASSWORD_AUTH sign-in, or None (the divergence is recorded)."""
    response = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(response, SIGN_IN, note="signing in the user the test needs"):
        return None
    # The tests send the access token back: one of the wrong JSON type ends the test as a divergence.
    check.read(response, "$.AuthenticationResult.AccessToken", str)
    return flows.tokens(response)


def id_claims(check, response) -> dict[str, Any] | None:
    token = (flows.tokens(response) or {}).get("IdToken")
    try:
        return decode_unverified(token)[1]
    except MalformedToken as error:
        check.that(
            False,
            operation=response.operation,
            check="token.malformed",
            path="$.AuthenticationResult.IdToken",
            expected="a compact JWT",
            actual=str(error),
            fact=ID_TOKEN_UPDATED,
            kind=CheckKind.TOKENS,
            evidence=response.exchange,
        )
        return None


# --- AdminUpdateUserAttributes, AdminDeleteUserAttributes ----------------------------------------


@pytest.mark.fact(ADMIN_UPDATE)
def test_admin_update_sets_attributes_and_keeps_the_others(cognito, check, user_pool, make_user):
    """AdminUpdateUserAttributes answers {}; AdminGetUser shows the new values and the untouched ones."""
    user = make_user(user_pool, attributes={"given_name": "Ada", "locale": "en"})
    updated = cognito.admin_update_user_attributes(
        UserPoolId=user_pool,
        Username=user.username,
        UserAttributes=pairs(given_name="Grace", family_name="Hopper"),
    )
    if not check.succeeded(updated, ADMIN_UPDATE):
        return
    check.equal(updated, "$", {}, ADMIN_UPDATE, check="body.empty")
    got = admin_get(cognito, user_pool, user.username)
    if check.succeeded(got, ADMIN_UPDATE):
        attribute_is(check, got, "given_name", "Grace", ADMIN_UPDATE)
        attribute_is(check, got, "family_name", "Hopper", ADMIN_UPDATE)
        attribute_is(check, got, "locale", "en", ADMIN_UPDATE)


@pytest.mark.fact(BLANK_DELETES)
def test_admin_update_with_a_blank_value_deletes_the_attribute(cognito, check, user_pool, make_user):
    """An attribute sent with a blank value is gone from AdminGetUser."""
    user = make_user(user_pool, attributes={"given_name": "Ada", "locale": "en"})
    updated = cognito.admin_update_user_attributes(
        UserPoolId=user_pool, Username=user.username, UserAttributes=pairs(given_name="")
    )
    if not check.succeeded(updated, BLANK_DELETES):
        return
    got = admin_get(cognito, user_pool, user.username)
    if check.succeeded(got, BLANK_DELETES):
        attribute_is(check, got, "given_name", None, BLANK_DELETES)
        attribute_is(check, got, "locale", "en", BLANK_DELETES)


@pytest.mark.fact(ADMIN_DELETE)
def test_admin_delete_user_attributes_removes_them(cognito, check, user_pool, make_user):
    """AdminDeleteUserAttributes answers {}; the named attributes are gone, the others stay."""
    user = make_user(user_pool, attributes={"given_name": "Ada", "family_name": "Lovelace", "locale": "en"})
    deleted = cognito.admin_delete_user_attributes(
        UserPoolId=user_pool, Username=user.username, UserAttributeNames=["given_name", "family_name"]
    )
    if not check.succeeded(deleted, ADMIN_DELETE):
        return
    check.equal(deleted, "$", {}, ADMIN_DELETE, check="body.empty")
    got = admin_get(cognito, user_pool, user.username)
    if check.succeeded(got, ADMIN_DELETE):
        attribute_is(check, got, "given_name", None, ADMIN_DELETE)
        attribute_is(check, got, "family_name", None, ADMIN_DELETE)
        attribute_is(check, got, "locale", "en", ADMIN_DELETE)


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_ATTRIBUTE)
def test_update_of_an_attribute_outside_the_schema_is_invalid_parameter(cognito, check, user_pool, make_user):
    """AdminUpdateUserAttributes naming ``custom:nothing`` in a pool without it: InvalidParameterException."""
    user = make_user(user_pool)
    updated = cognito.admin_update_user_attributes(
        UserPoolId=user_pool, Username=user.username, UserAttributes=pairs(custom_nothing="x")
    )
    check.error(updated, "InvalidParameterException", UNKNOWN_ATTRIBUTE)


@pytest.mark.kind("errors")
@pytest.mark.fact(IMMUTABLE)
def test_immutable_attributes_cannot_be_changed(cognito, check, make_user_pool, make_user):
    """A custom attribute with Mutable false, and the sub: an update is InvalidParameterException, the
    value is unchanged."""
    schema = [{"Name": "badge", "AttributeDataType": "String", "Mutable": False}]
    created = make_user_pool(Schema=schema)
    if not check.succeeded(created, ADD_CUSTOM, note="creating a pool with an immutable custom attribute"):
        return
    pool_id = created.body["UserPool"]["Id"]
    user = make_user(pool_id, attributes={"custom:badge": "gold"})
    for change in (pairs(custom_badge="silver"), pairs(sub="00000000-0000-4000-8000-000000000000")):
        updated = cognito.admin_update_user_attributes(
            UserPoolId=pool_id, Username=user.username, UserAttributes=change
        )
        check.error(updated, "InvalidParameterException", IMMUTABLE)
    got = admin_get(cognito, pool_id, user.username)
    if check.succeeded(got, IMMUTABLE):
        attribute_is(check, got, "custom:badge", "gold", IMMUTABLE)
        attribute_is(check, got, "sub", user.sub, IMMUTABLE)


@pytest.mark.kind("errors")
@pytest.mark.fact(CONSTRAINTS)
def test_a_value_outside_the_constraints_is_invalid_parameter(cognito, check, make_user_pool, make_user):
    """A String custom attribute of MaxLength 3 refuses a value of 6 characters."""
    schema = [
        {
            "Name": "code",
            "AttributeDataType": "String",
            "Mutable": True,
            "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "3"},
        }
    ]
    created = make_user_pool(Schema=schema)
    if not check.succeeded(created, ADD_CUSTOM, note="creating a pool with a constrained custom attribute"):
        return
    pool_id = created.body["UserPool"]["Id"]
    user = make_user(pool_id)
    updated = cognito.admin_update_user_attributes(
        UserPoolId=pool_id, Username=user.username, UserAttributes=pairs(custom_code="abcdef")
    )
    check.error(updated, "InvalidParameterException", CONSTRAINTS)


@pytest.mark.kind("errors")
@pytest.mark.fact(REQUIRED)
def test_a_required_attribute_cannot_be_deleted(cognito, check, make_user_pool, make_user):
    """AdminDeleteUserAttributes of a required attribute (email here): InvalidParameterException."""
    created = make_user_pool(Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True}])
    if not check.succeeded(created, REQUIRED, note="creating a pool that requires an email"):
        return
    pool_id = created.body["UserPool"]["Id"]
    user = make_user(pool_id, attributes={"email": email()})
    deleted = cognito.admin_delete_user_attributes(
        UserPoolId=pool_id, Username=user.username, UserAttributeNames=["email"]
    )
    check.error(deleted, "InvalidParameterException", REQUIRED)


@pytest.mark.kind("errors")
@pytest.mark.fact(REQUIRED)
def test_a_user_cannot_delete_a_required_attribute(
    cognito, check, make_user_pool, make_app_client, make_user
):
    """DeleteUserAttributes of a required attribute (email here) with the user's own token:
    InvalidParameterException, and the e-mail stays."""
    created = make_user_pool(Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True}])
    if not check.succeeded(created, REQUIRED, note="creating a pool that requires an email"):
        return
    pool_id = created.body["UserPool"]["Id"]
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    address = email()
    user = make_user(pool_id, attributes={"email": address})
    tokens = signed_in(cognito, check, client, user)
    if tokens is None:
        return
    deleted = cognito.delete_user_attributes(
        AccessToken=tokens.get("AccessToken"), UserAttributeNames=["email"]
    )
    check.error(deleted, "InvalidParameterException", REQUIRED)
    got = admin_get(cognito, pool_id, user.username)
    if check.succeeded(got, REQUIRED):
        attribute_is(check, got, "email", address, REQUIRED)


# --- email_verified after a change, aliases --------------------------------------------------------


@pytest.mark.fact(CHANGE_UNVERIFIES)
def test_admin_email_change_leaves_the_new_email_unverified(cognito, check, user_pool, make_user):
    """A verified email changed by AdminUpdateUserAttributes alone: email_verified becomes false."""
    user = make_user(user_pool, attributes={"email": email(), "email_verified": "true"})
    new = email("changed")
    updated = cognito.admin_update_user_attributes(
        UserPoolId=user_pool, Username=user.username, UserAttributes=pairs(email=new)
    )
    if not check.succeeded(updated, CHANGE_UNVERIFIES):
        return
    got = admin_get(cognito, user_pool, user.username)
    if check.succeeded(got, CHANGE_UNVERIFIES):
        attribute_is(check, got, "email", new, CHANGE_UNVERIFIES)
        attribute_is(check, got, "email_verified", "false", CHANGE_UNVERIFIES)


@pytest.mark.fact(CHANGE_UNVERIFIES)
def test_admin_email_change_marked_verified_is_verified(cognito, check, user_pool, make_user):
    """The same change with email_verified=true in the request: the new email is verified."""
    user = make_user(user_pool, attributes={"email": email()})
    new = email("changed")
    updated = cognito.admin_update_user_attributes(
        UserPoolId=user_pool, Username=user.username, UserAttributes=pairs(email=new, email_verified="true")
    )
    if not check.succeeded(updated, CHANGE_UNVERIFIES):
        return
    got = admin_get(cognito, user_pool, user.username)
    if check.succeeded(got, CHANGE_UNVERIFIES):
        attribute_is(check, got, "email", new, CHANGE_UNVERIFIES)
        attribute_is(check, got, "email_verified", "true", CHANGE_UNVERIFIES)


@pytest.mark.kind("errors")
@pytest.mark.fact(ALIAS_EXISTS)
def test_email_of_another_user_in_an_email_username_pool_is_alias_exists(
    cognito, check, make_user_pool, make_user
):
    """UsernameAttributes=[email]: giving a user another user's email is AliasExistsException."""
    created = make_user_pool(UsernameAttributes=["email"])
    if not check.succeeded(created, ALIAS_EXISTS, note="creating a pool that signs in by email"):
        return
    pool_id = created.body["UserPool"]["Id"]
    first, second = email("first"), email("second")
    make_user(pool_id, username=first)
    other = make_user(pool_id, username=second)
    updated = cognito.admin_update_user_attributes(
        UserPoolId=pool_id, Username=other.username, UserAttributes=pairs(email=first, email_verified="true")
    )
    check.error(updated, "AliasExistsException", ALIAS_EXISTS)


# --- the user's own operations ---------------------------------------------------------------------


@pytest.mark.fact(UPDATE)
def test_update_user_attributes_changes_what_get_user_shows(
    cognito, check, user_pool, make_app_client, make_user
):
    """UpdateUserAttributes with the user's access token; GetUser shows the change."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, attributes={"given_name": "Ada"})
    tokens = signed_in(cognito, check, client, user)
    if tokens is None:
        return
    access = tokens.get("AccessToken")
    updated = cognito.update_user_attributes(AccessToken=access, UserAttributes=pairs(given_name="Grace"))
    if not check.succeeded(updated, UPDATE):
        return
    got = cognito.get_user(AccessToken=access)
    if check.succeeded(got, GET_USER):
        attribute_is(check, got, "given_name", "Grace", UPDATE)


@pytest.mark.fact(DELETE)
def test_delete_user_attributes_removes_them_from_get_user(
    cognito, check, user_pool, make_app_client, make_user
):
    """DeleteUserAttributes with the user's access token; GetUser no longer shows the attribute."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, attributes={"given_name": "Ada", "locale": "en"})
    tokens = signed_in(cognito, check, client, user)
    if tokens is None:
        return
    access = tokens.get("AccessToken")
    deleted = cognito.delete_user_attributes(AccessToken=access, UserAttributeNames=["given_name"])
    if not check.succeeded(deleted, DELETE):
        return
    got = cognito.get_user(AccessToken=access)
    if check.succeeded(got, GET_USER):
        attribute_is(check, got, "given_name", None, DELETE)
        attribute_is(check, got, "locale", "en", DELETE)


@pytest.mark.kind("tokens")
@pytest.mark.fact(ID_TOKEN_UPDATED)
def test_id_token_after_a_refresh_carries_the_updated_attributes(
    cognito, check, user_pool, make_app_client, make_user
):
    """After AdminUpdateUserAttributes, the ID token of a refresh has the new given_name."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, attributes={"given_name": "Ada"})
    tokens = signed_in(cognito, check, client, user)
    if tokens is None:
        return
    updated = cognito.admin_update_user_attributes(
        UserPoolId=user_pool, Username=user.username, UserAttributes=pairs(given_name="Grace")
    )
    if not check.succeeded(updated, ADMIN_UPDATE):
        return
    refreshed = flows.refresh_sign_in(cognito, client, str(tokens.get("RefreshToken")))
    if not check.succeeded(refreshed, ID_TOKEN_UPDATED):
        return
    claims = id_claims(check, refreshed)
    if claims is not None:
        check.that(
            claims.get("given_name") == "Grace",
            operation=refreshed.operation,
            check="token.id.attribute",
            path="$.AuthenticationResult.IdToken.given_name",
            expected="Grace",
            actual=claims.get("given_name", "<absent>"),
            fact=ID_TOKEN_UPDATED,
            kind=CheckKind.TOKENS,
            evidence=refreshed.exchange,
        )


@pytest.mark.kind("errors")
@pytest.mark.fact(CLIENT_WRITES)
def test_a_write_outside_the_clients_write_attributes_is_not_authorized(
    cognito, check, user_pool, make_app_client, make_user
):
    """A client with WriteAttributes [given_name]: the user's write of family_name is NotAuthorizedException."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS, WriteAttributes=["given_name"])
    user = make_user(user_pool)
    tokens = signed_in(cognito, check, client, user)
    if tokens is None:
        return
    access = tokens.get("AccessToken")
    allowed = cognito.update_user_attributes(AccessToken=access, UserAttributes=pairs(given_name="Ada"))
    check.succeeded(allowed, CLIENT_WRITES)
    refused = cognito.update_user_attributes(AccessToken=access, UserAttributes=pairs(family_name="Byron"))
    check.error(refused, "NotAuthorizedException", CLIENT_WRITES)


@pytest.mark.kind("errors")
@pytest.mark.fact(USER_CANNOT_VERIFY)
def test_a_user_cannot_mark_their_own_email_verified(cognito, check, user_pool, make_app_client, make_user):
    """UpdateUserAttributes of email_verified by a client without WriteAttributes: NotAuthorizedException."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, attributes={"email": email()})
    tokens = signed_in(cognito, check, client, user)
    if tokens is None:
        return
    refused = cognito.update_user_attributes(
        AccessToken=tokens.get("AccessToken"), UserAttributes=pairs(email_verified="true")
    )
    check.error(refused, "NotAuthorizedException", USER_CANNOT_VERIFY)


# --- verification codes ----------------------------------------------------------------------------


def _auto_verifying_pool(make_user_pool, check, **params: Any) -> str | None:
    created = make_user_pool(AutoVerifiedAttributes=["email"], **params)
    if not check.succeeded(created, CHANGE_UNVERIFIES, note="creating a pool that verifies e-mail"):
        return None
    return created.body["UserPool"]["Id"]


@pytest.mark.fact(CODE_DELIVERY)
def test_user_email_change_sends_a_code_and_verify_user_attribute_verifies(
    cognito, check, make_user_pool, make_app_client, make_user, outbox
):
    """AutoVerifiedAttributes=[email]: the user's email change answers one EMAIL CodeDeliveryDetails, the
    new email is unverified, and VerifyUserAttribute with the delivered code verifies it."""
    pool_id = _auto_verifying_pool(make_user_pool, check)
    if pool_id is None:
        return
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(pool_id, attributes={"email": email(), "email_verified": "true"})
    tokens = signed_in(cognito, check, client, user)
    if tokens is None:
        return
    access = tokens.get("AccessToken")
    new = email("changed")
    updated = cognito.update_user_attributes(AccessToken=access, UserAttributes=pairs(email=new))
    if not check.succeeded(updated, CODE_DELIVERY):
        return
    check.equal(updated, "$.CodeDeliveryDetailsList[0].AttributeName", "email", CODE_DELIVERY)
    check.equal(updated, "$.CodeDeliveryDetailsList[0].DeliveryMedium", "EMAIL", CODE_DELIVERY)
    got = admin_get(cognito, pool_id, user.username)
    if check.succeeded(got, CHANGE_UNVERIFIES):
        attribute_is(check, got, "email_verified", "false", CHANGE_UNVERIFIES)
    code = outbox.code(pool_id, user.username, "attribute-verification")
    if not check.that(
        code is not None,
        operation=updated.operation,
        check="outbox.code",
        path="outbox[purpose=attribute-verification]",
        expected="a verification code sent to the new email",
        actual="<none>",
        fact=CODE_DELIVERY,
        evidence=updated.exchange,
    ):
        return
    verified = cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    if not check.succeeded(verified, VERIFY):
        return
    got = admin_get(cognito, pool_id, user.username)
    if check.succeeded(got, VERIFY):
        attribute_is(check, got, "email", new, VERIFY)
        attribute_is(check, got, "email_verified", "true", VERIFY)


@pytest.mark.fact(VERIFY_BEFORE_UPDATE)
def test_a_pool_that_verifies_before_updating_keeps_the_old_email_until_verified(
    cognito, check, make_user_pool, make_app_client, make_user, outbox
):
    """AttributesRequireVerificationBeforeUpdate=[email]: after the change the old email is still the
    user's, verified; VerifyUserAttribute applies the new one."""
    pool_id = _auto_verifying_pool(
        make_user_pool,
        check,
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )
    if pool_id is None:
        return
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    old = email("old")
    user = make_user(pool_id, attributes={"email": old, "email_verified": "true"})
    tokens = signed_in(cognito, check, client, user)
    if tokens is None:
        return
    access = tokens.get("AccessToken")
    new = email("new")
    updated = cognito.update_user_attributes(AccessToken=access, UserAttributes=pairs(email=new))
    if not check.succeeded(updated, VERIFY_BEFORE_UPDATE):
        return
    got = admin_get(cognito, pool_id, user.username)
    if check.succeeded(got, VERIFY_BEFORE_UPDATE):
        attribute_is(check, got, "email", old, VERIFY_BEFORE_UPDATE)
        attribute_is(check, got, "email_verified", "true", VERIFY_BEFORE_UPDATE)
    code = outbox.code(pool_id, user.username, "attribute-verification")
    if code is None:
        check.that(
            False,
            operation=updated.operation,
            check="outbox.code",
            path="outbox[purpose=attribute-verification]",
            expected="a verification code sent to the new email",
            actual="<none>",
            fact=VERIFY_BEFORE_UPDATE,
            evidence=updated.exchange,
        )
        return
    verified = cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    if not check.succeeded(verified, VERIFY_BEFORE_UPDATE):
        return
    got = admin_get(cognito, pool_id, user.username)
    if check.succeeded(got, VERIFY_BEFORE_UPDATE):
        attribute_is(check, got, "email", new, VERIFY_BEFORE_UPDATE)
        attribute_is(check, got, "email_verified", "true", VERIFY_BEFORE_UPDATE)


@pytest.mark.fact(VERIFICATION_CODE)
def test_get_user_attribute_verification_code_answers_where_it_went(
    cognito, check, user_pool, make_app_client, make_user
):
    """GetUserAttributeVerificationCode for the email: CodeDeliveryDetails EMAIL / email; a wrong code
    then given to VerifyUserAttribute is CodeMismatchException."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, attributes={"email": email()})
    tokens = signed_in(cognito, check, client, user)
    if tokens is None:
        return
    access = tokens.get("AccessToken")
    sent = cognito.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    if not check.succeeded(sent, VERIFICATION_CODE):
        return
    check.equal(sent, "$.CodeDeliveryDetails.AttributeName", "email", VERIFICATION_CODE)
    check.equal(sent, "$.CodeDeliveryDetails.DeliveryMedium", "EMAIL", VERIFICATION_CODE)
    # Six digits are what Cognito sends; a code of letters can never be the one sent.
    wrong = cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code="wrongcode")
    check.error(wrong, "CodeMismatchException", VERIFY)


#: The user's own attribute operations, called with a token: each must refuse one the pool never issued.
USER_OPERATIONS = {
    "DeleteUserAttributes": lambda cognito, token: cognito.delete_user_attributes(
        AccessToken=token, UserAttributeNames=["given_name"]
    ),
    "GetUserAttributeVerificationCode": lambda cognito, token: cognito.get_user_attribute_verification_code(
        AccessToken=token, AttributeName="email"
    ),
    "VerifyUserAttribute": lambda cognito, token: cognito.verify_user_attribute(
        AccessToken=token, AttributeName="email", Code="123456"
    ),
}


@pytest.mark.kind("errors")
@pytest.mark.parametrize("operation", sorted(USER_OPERATIONS))
@pytest.mark.fact(TOKEN_REFUSED)
def test_the_users_attribute_operations_refuse_a_token_never_issued(cognito, check, operation):
    """A token no pool issued: NotAuthorizedException ("Invalid Access Token", inferred for these
    operations from GetUser's)."""
    refused = USER_OPERATIONS[operation](cognito, NEVER_ISSUED)
    check.error(
        refused,
        "NotAuthorizedException",
        TOKEN_REFUSED,
        message="Invalid Access Token",
        message_fact=TOKEN_REFUSED_TEXT,
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(VERIFY)
def test_verify_user_attribute_with_a_wrong_code_is_code_mismatch(
    cognito, check, user_pool, make_app_client, make_user
):
    """A code is sent for the email; VerifyUserAttribute with another: CodeMismatchException, and the
    email stays unverified."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, attributes={"email": email(), "email_verified": "false"})
    tokens = signed_in(cognito, check, client, user)
    if tokens is None:
        return
    access = tokens.get("AccessToken")
    sent = cognito.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    if not check.succeeded(sent, VERIFICATION_CODE, note="sending the code the wrong one is checked against"):
        return
    # Six digits are what Cognito sends; a code of letters can never be the one sent.
    wrong = cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code="wrongcode")
    check.error(wrong, "CodeMismatchException", VERIFY)
    got = admin_get(cognito, user_pool, user.username)
    if check.succeeded(got, VERIFY):
        attribute_is(check, got, "email_verified", "false", VERIFY)


# --- AddCustomAttributes ---------------------------------------------------------------------------


@pytest.mark.fact(ADD_CUSTOM)
def test_added_custom_attribute_is_in_the_schema_and_users_can_hold_it(cognito, check, user_pool, make_user):
    """AddCustomAttributes ``team``: DescribeUserPool lists ``custom:team``; an update sets it on a user."""
    added = cognito.add_custom_attributes(
        UserPoolId=user_pool,
        CustomAttributes=[{"Name": "team", "AttributeDataType": "String", "Mutable": True}],
    )
    if not check.succeeded(added, ADD_CUSTOM):
        return
    described = cognito.describe_user_pool(UserPoolId=user_pool)
    if check.succeeded(described, ADD_CUSTOM):
        schema = check.read(described, "$.UserPool.SchemaAttributes", list, default=[], items=dict)
        names = [entry.get("Name") for entry in schema]
        check.that(
            "custom:team" in names,
            operation=described.operation,
            check="schema.attribute",
            path="$.UserPool.SchemaAttributes[].Name",
            expected="custom:team among them",
            actual=names,
            fact=ADD_CUSTOM,
            evidence=described.exchange,
        )
    user = make_user(user_pool)
    updated = cognito.admin_update_user_attributes(
        UserPoolId=user_pool, Username=user.username, UserAttributes=pairs(custom_team="blue")
    )
    if not check.succeeded(updated, ADD_CUSTOM):
        return
    got = admin_get(cognito, user_pool, user.username)
    if check.succeeded(got, ADD_CUSTOM):
        attribute_is(check, got, "custom:team", "blue", ADD_CUSTOM)


@pytest.mark.kind("errors")
@pytest.mark.fact(ADD_EXISTING)
def test_adding_a_custom_attribute_twice_is_invalid_parameter(cognito, check, user_pool):
    """AddCustomAttributes of a name the schema already has: InvalidParameterException."""
    attribute = {"Name": "dup", "AttributeDataType": "String", "Mutable": True}
    added = cognito.add_custom_attributes(UserPoolId=user_pool, CustomAttributes=[attribute])
    if not check.succeeded(added, ADD_CUSTOM):
        return
    again = cognito.add_custom_attributes(UserPoolId=user_pool, CustomAttributes=[attribute])
    check.error(again, "InvalidParameterException", ADD_EXISTING)


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_POOL)
def test_adding_a_custom_attribute_to_an_unknown_pool_is_resource_not_found(cognito, check, endpoint):
    """AddCustomAttributes naming a pool that does not exist: ResourceNotFoundException "User pool
    <poolId> does not exist."."""
    pool_id = f"{endpoint.region}_NoSuchPo0"
    added = cognito.add_custom_attributes(
        UserPoolId=pool_id,
        CustomAttributes=[{"Name": "team", "AttributeDataType": "String", "Mutable": True}],
    )
    check.error(
        added, "ResourceNotFoundException", UNKNOWN_POOL, message=f"User pool {pool_id} does not exist."
    )
