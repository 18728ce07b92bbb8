"""Sign-up and password recovery: SignUp, the confirmation and reset codes (ResendConfirmationCode too), AdminResetUserPassword,
ChangePassword and DeleteUser; the oracle predicts each user's status and which password signs in.

Codes are read from the endpoint's outbox (``Endpoint.delivered_messages``). Where there is none
(moto, cognito-local, AWS) a rule that wants the delivered code sends one it made up, and says so
to the oracle (``Proof.delivered_code``), which then predicts CodeMismatchException.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, multiple, precondition, rule

from conformance.flows import AppClient, new_password
from conformance.machines.base import CognitoMachine, MachineRun
from conformance.oracle import Proof, State


def other_code(code: str | None) -> str:
    """A six-digit code that is not ``code``."""
    return "123456" if code != "123456" else "654321"


class SignUpAndRecovery(CognitoMachine):
    """Users who sign up, confirm, forget, reset and change their passwords, in any order."""

    users = Bundle("users")

    def __init__(self, run: MachineRun, state: State, pool_id: str, client: AppClient, endpoint: Any) -> None:
        super().__init__(run, state)
        self.pool_id = pool_id
        self.client = client
        self.endpoint = endpoint
        #: the passwords each user had before the current one, newest last.
        self.former: dict[str, list[str]] = {}

    def _delivered(self, user: str, purpose: str) -> str | None:
        """The newest ``purpose`` code the endpoint's outbox holds for ``user``, or None."""
        messages = self.endpoint.delivered_messages(self.pool_id, user) or []
        codes = [m.get("code") for m in messages if isinstance(m, dict) and m.get("purpose") == purpose]
        return str(codes[-1]) if codes and codes[-1] else None

    def _code(self, user: str, purpose: str, delivered: bool) -> tuple[str, Proof]:
        """The delivered code when asked and readable, else one that surely is not it."""
        sent = self._delivered(user, purpose)
        if delivered and sent is not None:
            return sent, Proof(delivered_code=True)
        return other_code(sent), Proof(delivered_code=False)

    def _password(self, user: str) -> str:
        known = self.state.user(self.pool_id, user)
        return known.password if known is not None else new_password()

    @initialize(target=users)
    def sign_up_to_begin(self):
        """Every example starts with a signed-up user, so the code rules have someone to act on."""
        return self.sign_up()

    @precondition(lambda self: self.can_create_user())
    @rule(target=users)
    def sign_up(self):
        self.step_taken()
        username = self.new_username()
        self.created_users.append((self.pool_id, username))
        signed_up = self.perform(
            "SignUp",
            {
                "ClientId": self.client.client_id,
                "Username": username,
                "Password": new_password(),
                "UserAttributes": [{"Name": "email", "Value": f"{username}@example.com"}],
            },
        )
        return username if signed_up.ok else multiple()

    @rule(user=users)
    def confirm_sign_up(self, user: str):
        """ConfirmSignUp with the delivered code (a made-up one where the outbox cannot be read)."""
        self.step_taken()
        code, proof = self._code(user, "sign-up", True)
        self.perform(
            "ConfirmSignUp",
            {"ClientId": self.client.client_id, "Username": user, "ConfirmationCode": code},
            proof,
        )

    @rule(user=users, purpose=st.sampled_from(["sign-up", "password-reset"]))
    def confirm_with_a_wrong_code(self, user: str, purpose: str):
        """ConfirmSignUp or ConfirmForgotPassword with a code that surely was not sent."""
        self.step_taken()
        code, proof = self._code(user, purpose, False)
        params = {"ClientId": self.client.client_id, "Username": user, "ConfirmationCode": code}
        if purpose == "sign-up":
            self.perform("ConfirmSignUp", params, proof)
        else:
            self.perform("ConfirmForgotPassword", {**params, "Password": new_password()}, proof)

    @rule(user=users)
    def resend_confirmation_code(self, user: str):
        self.step_taken()
        self.perform("ResendConfirmationCode", {"ClientId": self.client.client_id, "Username": user})

    @rule(user=users)
    def admin_confirm_sign_up(self, user: str):
        self.step_taken()
        self.perform("AdminConfirmSignUp", {"UserPoolId": self.pool_id, "Username": user})

    @rule(user=users)
    def forgot_password(self, user: str):
        self.step_taken()
        self.perform("ForgotPassword", {"ClientId": self.client.client_id, "Username": user})

    @rule(user=users)
    def confirm_forgot_password(self, user: str):
        """ConfirmForgotPassword with the delivered code (a made-up one where the outbox cannot be read)."""
        self.step_taken()
        code, proof = self._code(user, "password-reset", True)
        old, password = self._password(user), new_password()
        answered = self.perform(
            "ConfirmForgotPassword",
            {
                "ClientId": self.client.client_id,
                "Username": user,
                "ConfirmationCode": code,
                "Password": password,
            },
            proof,
        )
        if answered.ok:
            self.former.setdefault(user, []).append(old)

    @rule(user=users)
    def admin_reset_user_password(self, user: str):
        self.step_taken()
        self.perform("AdminResetUserPassword", {"UserPoolId": self.pool_id, "Username": user})

    @rule(user=users, which=st.sampled_from(["current", "current", "former", "other"]))
    def initiate_auth(self, user: str, which: str):
        """A password sign-in with the current password, a former one, or one never set: the oracle
        predicts which signs in for the user's status (§7, §8)."""
        self.step_taken()
        known = self.state.user(self.pool_id, user)
        if known is not None and known.failed_attempts >= 3:
            which = "current"  # stay clear of the lockout (§3), whose timing the oracle can't see
        former = [p for p in self.former.get(user, []) if known is None or p != known.password]
        password = {
            "current": self._password(user),
            "former": former[-1] if former else new_password(),
            "other": new_password(),
        }[which]
        self.password_sign_in(self.client, self.client.auth_parameters(user, PASSWORD=password), admin=False)

    def _access_token(self, user: str) -> str | None:
        signed_in = self.password_sign_in(
            self.client, self.client.auth_parameters(user, PASSWORD=self._password(user)), admin=False
        )
        body = signed_in.body if signed_in.ok and isinstance(signed_in.body, dict) else {}
        result = body.get("AuthenticationResult")
        token = result.get("AccessToken") if isinstance(result, dict) else None
        if not isinstance(token, str) or self.state.sign_in_by_access_token(token) is None:
            # A sign-in the oracle did not predict (a user it lost track of): it cannot judge the token.
            return None
        return token

    @rule(user=users, right_previous=st.booleans())
    def change_password(self, user: str, right_previous: bool):
        self.step_taken()
        token = self._access_token(user)
        if token is None:
            return
        previous = self._password(user) if right_previous else new_password()
        proposed = new_password()
        changed = self.perform(
            "ChangePassword",
            {"AccessToken": token, "PreviousPassword": previous, "ProposedPassword": proposed},
        )
        if changed.ok:
            self.former.setdefault(user, []).append(previous)

    @rule(user=users)
    def delete_user(self, user: str):
        self.step_taken()
        token = self._access_token(user)
        if token is not None:
            self.perform("DeleteUser", {"AccessToken": token})
