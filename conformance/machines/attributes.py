"""Attributes and verification, as the signed-in user: UpdateUserAttributes, DeleteUserAttributes,
GetUserAttributeVerificationCode and VerifyUserAttribute, with AddCustomAttributes growing the pool's
schema; GetUser and AdminGetUser show what the oracle predicts (facts:attributes.*).

Codes are read from the endpoint's outbox (``Endpoint.delivered_messages``). Where there is none
(moto, cognito-local, AWS) a rule that wants the delivered code sends one it made up, and says so
to the oracle (``Proof.delivered_code``), which then predicts CodeMismatchException.

The pool outlives the examples, and its schema with it: a custom attribute added in one example is
there in the next. The test keeps the names the endpoint accepted (``added``) and each example
starts by teaching them to the oracle, so an attribute is added once per run, then refused as a
duplicate; the few names keep the pool far below its 50 custom attributes (facts:attributes.custom-limit).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, multiple, precondition, rule

from conformance.flows import AppClient, new_password
from conformance.machines.base import CognitoMachine, MachineRun
from conformance.oracle import Proof, State
from conformance.oracle.attributes import with_custom_attributes

GIVEN_NAMES = ("Ana", "Bo")
#: The custom attributes the machine adds (without the custom: prefix).
CUSTOM_NAMES = ("team", "tier")


def other_code(code: str | None) -> str:
    """A six-digit code that is not ``code``."""
    return "123456" if code != "123456" else "654321"


class AttributesAndVerification(CognitoMachine):
    """Confirmed users of one pool who change, delete and verify their own attributes (facts:attributes.*)."""

    users = Bundle("users")

    def __init__(
        self,
        run: MachineRun,
        state: State,
        pool_id: str,
        client: AppClient,
        endpoint: Any,
        added: set[str],
    ) -> None:
        super().__init__(run, with_custom_attributes(state, pool_id, {f"custom:{n}" for n in added}))
        self.pool_id = pool_id
        self.client = client
        self.endpoint = endpoint
        #: the custom attribute names the endpoint accepted, in this example or an earlier one.
        self.added = added
        self.tokens: dict[str, str] = {}
        self.emails = 0

    def _delivered(self, user: str) -> str | None:
        """The newest attribute-verification code the endpoint's outbox holds for ``user``, or None."""
        messages = self.endpoint.delivered_messages(self.pool_id, user) or []
        codes = [
            m.get("code")
            for m in messages
            if isinstance(m, dict) and m.get("purpose") == "attribute-verification"
        ]
        return str(codes[-1]) if codes and codes[-1] else None

    def _access_token(self, user: str) -> str | None:
        """The user's access token from an earlier sign-in, or a new sign-in's; None if the oracle
        cannot judge one (a sign-in it did not predict)."""
        token = self.tokens.get(user)
        if token is not None and self.state.sign_in_by_access_token(token) is not None:
            return token
        known = self.state.user(self.pool_id, user)
        password = known.password if known is not None else new_password()
        signed_in = self.password_sign_in(
            self.client, self.client.auth_parameters(user, PASSWORD=password), admin=False
        )
        body = signed_in.body if signed_in.ok and isinstance(signed_in.body, dict) else {}
        result = body.get("AuthenticationResult")
        token = result.get("AccessToken") if isinstance(result, dict) else None
        if not isinstance(token, str) or self.state.sign_in_by_access_token(token) is None:
            return None
        self.tokens[user] = token
        return token

    @initialize(target=users)
    def admin_create_user_to_begin(self):
        """Every example starts with a confirmed user, so the rules have someone to act on."""
        return self.admin_create_user()

    @precondition(lambda self: self.can_create_user())
    @rule(target=users)
    def admin_create_user(self):
        """AdminCreateUser with an e-mail and a given name, then a permanent password: a CONFIRMED user."""
        self.step_taken()
        username = self.new_username()
        self.created_users.append((self.pool_id, username))
        created = self.perform(
            "AdminCreateUser",
            {
                "UserPoolId": self.pool_id,
                "Username": username,
                "TemporaryPassword": new_password(),
                "MessageAction": "SUPPRESS",
                "UserAttributes": [
                    {"Name": "email", "Value": f"{username}@example.com"},
                    {"Name": "given_name", "Value": GIVEN_NAMES[0]},
                ],
            },
        )
        if not created.ok:
            return multiple()
        self.perform(
            "AdminSetUserPassword",
            {"UserPoolId": self.pool_id, "Username": username, "Password": new_password(), "Permanent": True},
        )
        return username

    @rule(
        user=users,
        change=st.sampled_from(["given_name", "family_name", "blank", "email"]),
        given_name=st.sampled_from(GIVEN_NAMES),
    )
    def update_user_attributes(self, user: str, change: str, given_name: str):
        """Write, delete (blank value) or change the e-mail (facts:attributes.update-user-attributes,
        facts:attributes.change-unverifies)."""
        self.step_taken()
        token = self._access_token(user)
        if token is None:
            return
        self.emails += 1
        attributes = {
            "given_name": [{"Name": "given_name", "Value": given_name}],
            "family_name": [{"Name": "family_name", "Value": f"{given_name}son"}],
            "blank": [{"Name": "given_name", "Value": ""}],
            "email": [{"Name": "email", "Value": f"{user}-{self.emails}@example.com"}],
        }[change]
        self.perform("UpdateUserAttributes", {"AccessToken": token, "UserAttributes": attributes})

    @rule(user=users, name=st.sampled_from(CUSTOM_NAMES), value=st.sampled_from(GIVEN_NAMES))
    def admin_update_user_attributes(self, user: str, name: str, value: str):
        """Set a custom attribute the schema may not have yet: an administrator's write, because a user
        writes custom attributes only through the app client's WriteAttributes, which must name
        attributes the schema already has (facts:attributes.client-write-attributes,
        facts:attributes.unknown-attribute)."""
        self.step_taken()
        self.perform(
            "AdminUpdateUserAttributes",
            {
                "UserPoolId": self.pool_id,
                "Username": user,
                "UserAttributes": [{"Name": f"custom:{name}", "Value": value}],
            },
        )

    @rule(user=users, name=st.sampled_from(["given_name", "family_name"]))
    def delete_user_attributes(self, user: str, name: str):
        self.step_taken()
        token = self._access_token(user)
        if token is not None:
            self.perform("DeleteUserAttributes", {"AccessToken": token, "UserAttributeNames": [name]})

    @rule(user=users)
    def get_user_attribute_verification_code(self, user: str):
        self.step_taken()
        token = self._access_token(user)
        if token is not None:
            self.perform("GetUserAttributeVerificationCode", {"AccessToken": token, "AttributeName": "email"})

    @rule(user=users, delivered=st.booleans())
    def verify_user_attribute(self, user: str, delivered: bool):
        """VerifyUserAttribute with the delivered code (a made-up one where the outbox cannot be read),
        or one that surely is not it (facts:attributes.verify-user-attribute)."""
        self.step_taken()
        token = self._access_token(user)
        if token is None:
            return
        sent = self._delivered(user)
        if delivered and sent is not None:
            code, proof = sent, Proof(delivered_code=True)
        else:
            code, proof = other_code(sent), Proof(delivered_code=False)
        self.perform(
            "VerifyUserAttribute", {"AccessToken": token, "AttributeName": "email", "Code": code}, proof
        )

    @rule(name=st.sampled_from(CUSTOM_NAMES))
    def add_custom_attributes(self, name: str):
        """AddCustomAttributes of a String attribute: added once, then refused as already in the schema
        (facts:attributes.add-custom, facts:attributes.add-custom-existing)."""
        self.step_taken()
        added = self.perform(
            "AddCustomAttributes",
            {
                "UserPoolId": self.pool_id,
                "CustomAttributes": [{"Name": name, "AttributeDataType": "String", "Mutable": True}],
            },
        )
        if added.ok:
            # The pool keeps it for the examples that follow (see the module's docstring).
            self.added.add(name)

    @rule(user=users)
    def get_user(self, user: str):
        self.step_taken()
        token = self._access_token(user)
        if token is not None:
            self.perform("GetUser", {"AccessToken": token})

    @rule(user=users)
    def admin_get_user(self, user: str):
        self.step_taken()
        self.perform("AdminGetUser", {"UserPoolId": self.pool_id, "Username": user})
