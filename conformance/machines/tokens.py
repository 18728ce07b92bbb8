"""Tokens and revocation: refresh (InitiateAuth, GetTokensFromRefreshToken), GlobalSignOut,
AdminUserGlobalSignOut, RevokeToken and AdminDisableUser (§4, §6, §12.4)."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, precondition, rule

from conformance.divergence import CheckKind
from conformance.flows import AppClient, new_password
from conformance.machines.base import CognitoMachine, MachineRun
from conformance.oracle import State


class TokensAndRevocation(CognitoMachine):
    """Sign-ins of several users; every earlier token of a signed-out user is refused, others' work."""

    kind = CheckKind.TOKENS
    users = Bundle("users")
    tokens = Bundle("tokens")

    def __init__(self, run: MachineRun, state: State, pool_id: str, client: AppClient) -> None:
        super().__init__(run, state)
        self.pool_id = pool_id
        self.client = client
        self.revoked: set[str] = set()

    @initialize(target=users)
    def admin_create_user_to_begin(self):
        """Every example starts with a confirmed user, so that the sign-in rules have someone to sign in."""
        return self.admin_create_user()

    @initialize()
    def global_sign_out_of_a_user_apart(self):
        """Every example signs in a user of its own, refreshes and signs them out (§4, §6).

        So GetTokensFromRefreshToken and GlobalSignOut are judged in every example, whatever the
        rules draw, and the rules' users (signed in later) must be untouched by that sign-out.
        """
        apart = self.admin_create_user()
        if not isinstance(apart, str):
            return
        known = self.state.user(self.pool_id, apart)
        parameters = self.client.auth_parameters(apart, PASSWORD=known.password if known else new_password())
        signed_in = self.password_sign_in(self.client, parameters, admin=False)
        handles = [h for h in self.state.created if h.startswith("signin")]
        body = signed_in.body if isinstance(signed_in.body, dict) else {}
        result = body.get("AuthenticationResult")
        if not signed_in.ok or not handles or not isinstance(result, dict):
            return
        if not all(isinstance(result.get(k), str) for k in ("AccessToken", "RefreshToken")):
            return  # a wrongly typed answer: reported where it was read, nothing to go on with
        self.get_tokens_from_refresh_token(handles[-1])
        self.global_sign_out(handles[-1], latest=True)
        self.get_user(handles[-1], latest=False)

    @precondition(lambda self: self.can_create_user())
    @rule(target=users)
    def admin_create_user(self):
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
            },
        )
        if not created.ok:
            return multiple()
        self.perform(
            "AdminSetUserPassword",
            {"UserPoolId": self.pool_id, "Username": username, "Password": new_password(), "Permanent": True},
        )
        return username

    @rule(target=tokens, user=users, admin=st.booleans())
    def initiate_auth(self, user: str, admin: bool):
        """A password sign-in: one more family of tokens (§5)."""
        self.step_taken()
        known = self.state.user(self.pool_id, user)
        parameters = self.client.auth_parameters(user, PASSWORD=known.password if known else new_password())
        self.password_sign_in(self.client, parameters, admin=admin)
        return multiple(*[h for h in self.state.created if h.startswith("signin")])

    @rule(sign_in=tokens)
    def initiate_auth_with_the_refresh_token(self, sign_in: str):
        """REFRESH_TOKEN_AUTH: refused once revoked or the user disabled (§4, §6, §12.4)."""
        self.step_taken()
        tokens = self.state.sign_ins[sign_in]
        self.perform(
            "InitiateAuth",
            {
                "ClientId": self.client.client_id,
                "AuthFlow": "REFRESH_TOKEN_AUTH",
                "AuthParameters": {"REFRESH_TOKEN": tokens.refresh_token},
            },
        )

    @rule(sign_in=tokens)
    def get_tokens_from_refresh_token(self, sign_in: str):
        """GetTokensFromRefreshToken: what Amplify refreshes with; stopped by every revocation (facts:tokens.get-tokens-*)."""
        self.step_taken()
        tokens = self.state.sign_ins[sign_in]
        if not isinstance(tokens.refresh_token, str):
            return  # a wrongly typed answer gave no refresh token: reported where it was read
        self.perform(
            "GetTokensFromRefreshToken",
            {"ClientId": self.client.client_id, "RefreshToken": tokens.refresh_token},
        )

    @rule(sign_in=tokens, access_token=st.booleans())
    def revoke_token(self, sign_in: str, access_token: bool):
        """RevokeToken: that sign-in's refresh and access tokens only; an access token is not revocable (§6)."""
        self.step_taken()
        tokens = self.state.sign_ins[sign_in]
        token = tokens.access_tokens[-1] if access_token else tokens.refresh_token
        if not isinstance(token, str):
            return  # a wrongly typed answer gave no token: reported where it was read
        self.perform("RevokeToken", {"ClientId": self.client.client_id, "Token": token})
        self._note_revocations()

    @rule(sign_in=tokens, latest=st.booleans())
    def get_user(self, sign_in: str, latest: bool):
        """An access token works until its user signs out, is disabled or deleted (§6, §7)."""
        self.step_taken()
        tokens = self.state.sign_ins[sign_in]
        token = tokens.access_tokens[-1] if latest else tokens.access_tokens[0]
        self.perform("GetUser", {"AccessToken": token})

    @rule(sign_in=tokens, latest=st.booleans())
    def global_sign_out(self, sign_in: str, latest: bool):
        """GlobalSignOut revokes every access and refresh token of the user, not of others (§6)."""
        self.step_taken()
        if self.skips("GlobalSignOut"):
            return
        tokens = self.state.sign_ins[sign_in]
        token = tokens.access_tokens[-1] if latest else tokens.access_tokens[0]
        self.perform("GlobalSignOut", {"AccessToken": token})
        self._note_revocations()

    @rule(user=users)
    def admin_user_global_sign_out(self, user: str):
        self.step_taken()
        if self.skips("AdminUserGlobalSignOut"):
            return
        self.perform("AdminUserGlobalSignOut", {"UserPoolId": self.pool_id, "Username": user})
        self._note_revocations()

    @rule(user=users)
    def admin_disable_user(self, user: str):
        self.step_taken()
        self.perform("AdminDisableUser", {"UserPoolId": self.pool_id, "Username": user})
        self._note_revocations()

    @rule(user=users)
    def admin_enable_user(self, user: str):
        self.step_taken()
        self.perform("AdminEnableUser", {"UserPoolId": self.pool_id, "Username": user})

    @rule(user=users)
    def admin_delete_user(self, user: str):
        self.step_taken()
        self.perform("AdminDeleteUser", {"UserPoolId": self.pool_id, "Username": user})

    def _note_revocations(self) -> None:
        self.revoked |= {h for h, s in self.state.sign_ins.items() if s.access_revoked}

    @invariant()
    def revoked_tokens_stay_revoked(self):
        """§6: revocation is permanent; nothing the model does brings a revoked token back."""
        for handle in self.revoked:
            assert self.state.sign_ins[handle].access_revoked, f"{handle} came back to life"
