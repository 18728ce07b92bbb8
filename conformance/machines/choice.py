"""Choice-based sign-in: USER_AUTH with and without PREFERRED_CHALLENGE, and the SELECT_CHALLENGE answer.

One app client with ALLOW_USER_AUTH only, in a password-only pool: the oracle
(``conformance/oracle/auth/choice.py``) predicts the choice between PASSWORD and PASSWORD_SRP, a
password given right or wrong, through InitiateAuth and AdminInitiateAuth, and that a SELECT_CHALLENGE
session answers once (facts ``choice.*``, ``auth.session-twice``); GetUserAuthFactors with the access
token of a sign-in lists the password, the one factor of a password-only pool.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, multiple, precondition, rule

from conformance.flows import AppClient, new_password
from conformance.machines.base import CognitoMachine, MachineRun
from conformance.oracle import State


class ChoiceSignIn(CognitoMachine):
    """Users signing in through USER_AUTH: a preferred password, or a choice answered with one."""

    users = Bundle("users")
    sessions = Bundle("sessions")

    def __init__(self, run: MachineRun, state: State, pool_id: str, client: AppClient) -> None:
        super().__init__(run, state)
        self.pool_id = pool_id
        self.client = client

    @initialize(target=users)
    def admin_create_user_to_begin(self):
        """Every example starts with a confirmed user, so that USER_AUTH has someone to sign in."""
        return self.admin_create_user(True)

    @precondition(lambda self: self.can_create_user())
    @rule(target=users, confirmed=st.booleans())
    def admin_create_user(self, confirmed: bool):
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
        if confirmed:
            self.perform(
                "AdminSetUserPassword",
                {
                    "UserPoolId": self.pool_id,
                    "Username": username,
                    "Password": new_password(),
                    "Permanent": True,
                },
            )
        return username

    @rule(user=users)
    def admin_disable_user(self, user: str):
        self.step_taken()
        self.perform("AdminDisableUser", {"UserPoolId": self.pool_id, "Username": user})

    @rule(user=users)
    def admin_enable_user(self, user: str):
        self.step_taken()
        self.perform("AdminEnableUser", {"UserPoolId": self.pool_id, "Username": user})

    def _password(self, user: str, right: bool) -> str:
        known = self.state.user(self.pool_id, user)
        if known is not None and known.failed_attempts >= 3:
            right = True  # stay clear of the lockout (§3): its timing is not the oracle's to see
        return known.password if known is not None and right else new_password()

    def _sessions(self) -> list[str]:
        return [h for h in self.state.created if h.startswith("session")]

    @rule(
        target=sessions,
        user=users,
        prefer_password=st.booleans(),
        right_password=st.booleans(),
        admin=st.booleans(),
    )
    def initiate_auth_user_auth(self, user: str, prefer_password: bool, right_password: bool, admin: bool):
        """USER_AUTH: with PREFERRED_CHALLENGE PASSWORD, tokens (or a challenge after the password);
        without, SELECT_CHALLENGE offering PASSWORD and PASSWORD_SRP."""
        self.step_taken()
        extra = {"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": self._password(user, right_password)}
        parameters = self.client.auth_parameters(user, **(extra if prefer_password else {}))
        self.annotate_hash(self.client, "AuthParameters", parameters)
        params = {"ClientId": self.client.client_id, "AuthFlow": "USER_AUTH", "AuthParameters": parameters}
        if admin:
            params["UserPoolId"] = self.pool_id
        self.perform("AdminInitiateAuth" if admin else "InitiateAuth", params)
        return multiple(*self._sessions())

    @rule(target=sessions, handle=sessions, right_password=st.booleans())
    def respond_to_auth_challenge_select_challenge(self, handle: str, right_password: bool):
        """SELECT_CHALLENGE answered PASSWORD; a session answers once (a replayed one is refused)."""
        self.step_taken()
        session = self.state.sessions.get(handle)
        if session is None or session.challenge != "SELECT_CHALLENGE":
            return multiple()
        responses = self.client.auth_parameters(
            session.username, ANSWER="PASSWORD", PASSWORD=self._password(session.username, right_password)
        )
        self.annotate_hash(self.client, "ChallengeResponses", responses)
        params = {
            "ClientId": self.client.client_id,
            "ChallengeName": "SELECT_CHALLENGE",
            "ChallengeResponses": responses,
            "Session": session.token,
        }
        if session.admin:
            params["UserPoolId"] = self.pool_id
        self.perform("AdminRespondToAuthChallenge" if session.admin else "RespondToAuthChallenge", params)
        return multiple(*self._sessions())

    @rule(user=users, earlier=st.booleans())
    def get_user_auth_factors(self, user: str, earlier: bool):
        """GetUserAuthFactors with the user's access token: the user and PASSWORD, its one factor in a
        password-only pool (facts:choice.auth-factors). The token is that of an earlier sign-in when
        asked and there is one (AdminDisableUser may have revoked it since: refused), else of a sign-in
        made here with USER_AUTH and the preferred password."""
        self.step_taken()
        tokens = sorted(
            (h, s) for h, s in self.state.sign_ins.items() if s.pool_id == self.pool_id and s.username == user
        )
        if not (earlier and tokens):
            extra = {"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": self._password(user, True)}
            parameters = self.client.auth_parameters(user, **extra)
            self.annotate_hash(self.client, "AuthParameters", parameters)
            signed_in = self.perform(
                "InitiateAuth",
                {"ClientId": self.client.client_id, "AuthFlow": "USER_AUTH", "AuthParameters": parameters},
            )
            made = [h for h in self.state.created if h in self.state.sign_ins]
            if not signed_in.ok or not made:
                return  # no tokens (a disabled or unconfirmed user): the sign-in's own checks judged it
            tokens = [(made[-1], self.state.sign_ins[made[-1]])]
        _, sign_in = tokens[-1]
        self.perform("GetUserAuthFactors", {"AccessToken": sign_in.access_tokens[-1]})
