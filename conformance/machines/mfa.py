"""MFA: software tokens and the second factor after the password, in any order of calls (facts ``mfa.*``).

Users of a pool with software-token MFA OPTIONAL sign in, associate and verify a software token,
turn it on or off and prefer it, and answer SOFTWARE_TOKEN_MFA with a fresh code or with one that was
used already. The machine is the users' authenticator app: it keeps each secret and computes codes
with pyotp at the endpoint's time (read once per user from AdminGetUser), so the oracle, which has
no clock, judges the codes by whether they were accepted before (facts:mfa.totp-reuse).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyotp
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, multiple, precondition, rule

from conformance import redact
from conformance.divergence import CheckKind
from conformance.flows import AppClient, new_password
from conformance.machines.base import CognitoMachine, MachineRun
from conformance.oracle import State


@dataclass
class Authenticator:
    """One user's authenticator: the secret being set up, the verified one, and the last step used."""

    skew: float = 0.0
    pending: str | None = None
    secret: str | None = None
    last_step: int = -1
    last_code: str | None = None

    def step_now(self) -> int:
        return int((time.time() + self.skew) // 30)

    @staticmethod
    def code(secret: str, step: int) -> str:
        value = pyotp.TOTP(secret).at(step * 30)
        redact.register(value)
        return value


class SoftwareTokenMfa(CognitoMachine):
    """Sign-ins of several users of an OPTIONAL pool while they set up, use and drop software tokens."""

    kind = CheckKind.SEMANTICS
    users = Bundle("users")

    def __init__(self, run: MachineRun, state: State, pool_id: str, client: AppClient) -> None:
        super().__init__(run, state)
        self.pool_id = pool_id
        self.client = client
        self.apps: dict[str, Authenticator] = {}

    @initialize(target=users)
    def set_user_pool_mfa_config(self):
        """Every example starts with software-token MFA OPTIONAL and one confirmed user."""
        self.perform(
            "SetUserPoolMfaConfig",
            {
                "UserPoolId": self.pool_id,
                "SoftwareTokenMfaConfiguration": {"Enabled": True},
                "MfaConfiguration": "OPTIONAL",
            },
        )
        return self.admin_create_user()

    @rule()
    def get_user_pool_mfa_config(self):
        self.step_taken()
        self.perform("GetUserPoolMfaConfig", {"UserPoolId": self.pool_id})

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
        got = self.perform("AdminGetUser", {"UserPoolId": self.pool_id, "Username": username})
        modified = (got.body or {}).get("UserLastModifiedDate") if isinstance(got.body, dict) else None
        # The endpoint's clock (a test of expiry may have moved the reference's ahead of this machine's).
        skew = float(modified) - time.time() if isinstance(modified, int | float) else 0.0
        self.apps[username] = Authenticator(skew=skew)
        return username

    @rule(user=users, admin=st.booleans())
    def initiate_auth(self, user: str, admin: bool):
        """A password sign-in: tokens, or SOFTWARE_TOKEN_MFA once the user's token is on (facts:mfa.challenge-choice)."""
        self.step_taken()
        known = self.state.user(self.pool_id, user)
        parameters = self.client.auth_parameters(user, PASSWORD=known.password if known else new_password())
        self.password_sign_in(self.client, parameters, admin=admin)

    @precondition(lambda self: any(h.startswith("signin") for h in self.state.sign_ins))
    @rule(data=st.data())
    def associate_software_token(self, data):
        """AssociateSoftwareToken with a sign-in's access token: a new secret to verify (facts:mfa.associate-token-or-session)."""
        self.step_taken()
        handle = data.draw(st.sampled_from(sorted(self.state.sign_ins)), label="sign_in")
        sign_in = self.state.sign_ins[handle]
        response = self.perform("AssociateSoftwareToken", {"AccessToken": sign_in.access_tokens[-1]})
        secret = (response.body or {}).get("SecretCode") if isinstance(response.body, dict) else None
        app = self.apps.get(sign_in.username)
        if response.ok and isinstance(secret, str) and app is not None:
            redact.register(secret)
            app.pending = secret

    @precondition(lambda self: any(h.startswith("signin") for h in self.state.sign_ins))
    @rule(data=st.data())
    def verify_software_token(self, data):
        """VerifySoftwareToken with the current code of the secret being set up (facts:mfa.verify-enables)."""
        self.step_taken()
        handle = data.draw(st.sampled_from(sorted(self.state.sign_ins)), label="sign_in")
        sign_in = self.state.sign_ins[handle]
        app = self.apps.get(sign_in.username)
        if app is None or app.pending is None:
            return
        step = max(app.step_now(), app.last_step)
        code = Authenticator.code(app.pending, step)
        response = self.perform(
            "VerifySoftwareToken", {"AccessToken": sign_in.access_tokens[-1], "UserCode": code}
        )
        if response.ok:
            app.secret, app.pending, app.last_step, app.last_code = app.pending, None, step, code

    @precondition(lambda self: any(h.startswith("signin") for h in self.state.sign_ins))
    @rule(data=st.data(), enabled=st.booleans(), preferred=st.booleans())
    def set_user_mfa_preference(self, data, enabled: bool, preferred: bool):
        """SetUserMFAPreference for the software token: refused until it is verified (facts:mfa.preference-unverified-token)."""
        self.step_taken()
        handle = data.draw(st.sampled_from(sorted(self.state.sign_ins)), label="sign_in")
        self.perform(
            "SetUserMFAPreference",
            {
                "AccessToken": self.state.sign_ins[handle].access_tokens[-1],
                "SoftwareTokenMfaSettings": {"Enabled": enabled, "PreferredMfa": enabled and preferred},
            },
        )

    @rule(user=users)
    def admin_set_user_mfa_preference(self, user: str):
        """AdminSetUserMFAPreference turning the software token off: MFA is no longer asked."""
        self.step_taken()
        self.perform(
            "AdminSetUserMFAPreference",
            {
                "UserPoolId": self.pool_id,
                "Username": user,
                "SoftwareTokenMfaSettings": {"Enabled": False, "PreferredMfa": False},
            },
        )

    @precondition(lambda self: any(s.challenge == "SOFTWARE_TOKEN_MFA" for s in self.state.sessions.values()))
    @rule(data=st.data(), reuse=st.booleans())
    def respond_to_auth_challenge(self, data, reuse: bool):
        """SOFTWARE_TOKEN_MFA answered with a fresh code, or with the last one used: ExpiredCodeException (facts:mfa.totp-reuse)."""
        self.step_taken()
        open_sessions = sorted(
            h for h, s in self.state.sessions.items() if s.challenge == "SOFTWARE_TOKEN_MFA"
        )
        handle = data.draw(st.sampled_from(open_sessions), label="session")
        session = self.state.sessions[handle]
        app = self.apps.get(session.username)
        if app is None or app.secret is None:
            return
        step = app.last_step + 1
        if reuse or app.last_code is None or step > app.step_now() + 1:
            # No fresh code yet (one step of drift is all the service takes): the used one is sent.
            code = app.last_code or Authenticator.code(app.secret, app.step_now())
        else:
            code = Authenticator.code(app.secret, step)
        answered = self.perform(
            "RespondToAuthChallenge" if not session.admin else "AdminRespondToAuthChallenge",
            {
                **({"UserPoolId": self.pool_id} if session.admin else {}),
                "ClientId": self.client.client_id,
                "ChallengeName": "SOFTWARE_TOKEN_MFA",
                "Session": session.token,
                "ChallengeResponses": {"USERNAME": session.username, "SOFTWARE_TOKEN_MFA_CODE": code},
            },
        )
        if answered.ok and code != app.last_code:
            app.last_step, app.last_code = step, code
