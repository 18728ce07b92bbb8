"""Authentication and challenges: every flow, every answer, right and wrong (§1, §3, §4, §7, §8, §12.2, §12.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, precondition, rule

from conformance import redact
from conformance.crypto.srp import UserSrpClient
from conformance.flows import AppClient, new_password
from conformance.machines.base import CognitoMachine, MachineRun
from conformance.oracle import Proof, State
from conformance.oracle.model import SrpExchange

#: What an SRP answer may get wrong on purpose (§1, §12.2).
TAMPERS = ("none", "forged-signature", "wrong-weekday", "malformed-timestamp")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _wrong_weekday_timestamp() -> str:
    """Today's TIMESTAMP with another weekday: readable, not canonical (§12.2, settled: a bad proof)."""
    now = datetime.now(UTC)
    wrong = _DAYS[(now.weekday() + 1) % 7]
    return f"{wrong} {_MONTHS[now.month - 1]} {now.day} {now:%H:%M:%S} UTC {now.year}"


@dataclass
class PendingSrp:
    """What the client keeps between USER_SRP_AUTH and its PASSWORD_VERIFIER answer."""

    client: AppClient
    srp: UserSrpClient
    password: str
    parameters: dict
    typed_username: str


class AuthenticationAndChallenges(CognitoMachine):
    """Sign-ins through three app clients: public, secret with PreventUserExistenceErrors, SRP-only."""

    users = Bundle("users")
    sessions = Bundle("sessions")
    tokens = Bundle("tokens")

    def __init__(
        self, run: MachineRun, state: State, pool_id: str, clients: tuple[AppClient, AppClient, AppClient]
    ) -> None:
        super().__init__(run, state)
        self.pool_id = pool_id
        self.clients = clients
        self.pending: dict[str, PendingSrp] = {}
        self.used_sessions: set[str] = set()

    # -- users ---------------------------------------------------------------------------------

    @initialize(target=users)
    def admin_create_user_to_begin(self):
        """Every example starts with a confirmed user, so that the sign-in rules have someone to sign in."""
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

    # -- sign-in ----------------------------------------------------------------------------------

    def _password(self, user: str, right: bool) -> str:
        known = self.state.user(self.pool_id, user)
        if known is not None and known.failed_attempts >= 3:
            right = True  # stay clear of the lockout (§3): its timing is not the oracle's to see
        return known.password if known is not None and right else new_password()

    def _record(self, response) -> list[str]:
        """The sessions and challenges this step handed out (for the bundles)."""
        return [h for h in self.state.created if h.startswith(("session", "challenge"))]

    @rule(
        target=sessions,
        user=users,
        client_number=st.integers(min_value=0, max_value=2),
        right_password=st.booleans(),
        send_secret_hash=st.booleans(),
        admin=st.booleans(),
    )
    def initiate_auth(
        self, user: str, client_number: int, right_password: bool, send_secret_hash: bool, admin: bool
    ):
        """USER_SRP_AUTH: PASSWORD_VERIFIER comes back with no Session (§1, §12.2)."""
        self.step_taken()
        if self.skips(f"{'AdminInitiateAuth' if admin else 'InitiateAuth'}:USER_SRP_AUTH"):
            return multiple()
        client = self.clients[client_number]
        password = self._password(user, right_password)
        srp = UserSrpClient(self.pool_id, password)
        parameters = client.auth_parameters(user, SRP_A=srp.srp_a_hex())
        if not send_secret_hash:
            parameters.pop("SECRET_HASH", None)
        params = {"ClientId": client.client_id, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": parameters}
        if admin:
            params["UserPoolId"] = self.pool_id
        self.annotate_srp_start(srp, client, self.pool_id, password, parameters)
        response = self.perform("AdminInitiateAuth" if admin else "InitiateAuth", params)
        handles = self._record(response)
        for handle in handles:
            if handle.startswith("challenge"):
                self.pending[handle] = PendingSrp(
                    client, srp, password, dict(response.body.get("ChallengeParameters") or {}), user
                )
        return multiple(*handles)

    @rule(
        target=sessions,
        user=users,
        client_number=st.integers(min_value=0, max_value=2),
        right_password=st.booleans(),
        admin=st.booleans(),
    )
    def initiate_auth_with_password(self, user: str, client_number: int, right_password: bool, admin: bool):
        """USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH; the SRP-only client refuses both (§4)."""
        self.step_taken()
        client = self.clients[client_number]
        parameters = client.auth_parameters(user, PASSWORD=self._password(user, right_password))
        self.annotate_hash(client, "AuthParameters", parameters)
        response = self.password_sign_in(client, parameters, admin=admin)
        return multiple(*self._record(response))

    @rule(client_number=st.integers(min_value=0, max_value=2), srp=st.booleans())
    def initiate_auth_for_an_unknown_user(self, client_number: int, srp: bool):
        """LEGACY: UserNotFoundException; PreventUserExistenceErrors: NotAuthorized or a simulated challenge (§1, §7)."""
        self.step_taken()
        client = self.clients[client_number]
        username = f"{self.prefix}-nobody"
        if srp and self.skips("InitiateAuth:USER_SRP_AUTH"):
            return
        if srp:
            password = new_password()
            srp_client = UserSrpClient(self.pool_id, password)
            parameters = client.auth_parameters(username, SRP_A=srp_client.srp_a_hex())
            self.annotate_srp_start(srp_client, client, self.pool_id, password, parameters)
            response = self.perform(
                "InitiateAuth",
                {"ClientId": client.client_id, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": parameters},
            )
            for handle in self._record(response):
                if handle.startswith("challenge"):
                    body = response.body or {}
                    self.pending[handle] = PendingSrp(
                        client, srp_client, password, dict(body.get("ChallengeParameters") or {}), username
                    )
                    self._answer_password_verifier(handle, "none")
            return
        parameters = client.auth_parameters(username, PASSWORD=new_password())
        self.annotate_hash(client, "AuthParameters", parameters)
        self.perform(
            "InitiateAuth",
            {"ClientId": client.client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": parameters},
        )

    @rule(user=users, flow=st.sampled_from(["CUSTOM_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"]))
    def initiate_auth_with_a_flow_not_enabled(self, user: str, flow: str):
        """A flow the client does not enable, or one of the other operation (§4, §12.3)."""
        self.step_taken()
        client = self.clients[2] if flow == "USER_PASSWORD_AUTH" else self.clients[0]
        parameters = client.auth_parameters(user, PASSWORD=new_password())
        self.annotate_hash(client, "AuthParameters", parameters)
        self.perform(
            "InitiateAuth", {"ClientId": client.client_id, "AuthFlow": flow, "AuthParameters": parameters}
        )

    # -- answers ----------------------------------------------------------------------------------

    def _answer_password_verifier(self, handle: str, tamper: str) -> list[str]:
        pending = self.pending[handle]
        exchange: SrpExchange | None = self.state.exchanges.get(handle)
        timestamp = None
        if tamper == "wrong-weekday":
            timestamp = _wrong_weekday_timestamp()
        elif tamper == "malformed-timestamp":
            timestamp = "2026-01-01T00:00:00+05:30"
        try:
            responses = pending.srp.answer_password_verifier(pending.parameters, timestamp=timestamp)
        except ValueError:
            return []  # the challenge lacked a parameter: its check already recorded that
        forged = tamper == "forged-signature"
        if forged:
            signature = responses["PASSWORD_CLAIM_SIGNATURE"]
            responses["PASSWORD_CLAIM_SIGNATURE"] = ("A" if signature[0] != "A" else "B") + signature[1:]
        redact.register(responses["PASSWORD_CLAIM_SIGNATURE"])
        hashed = pending.client.secret_hash(responses["USERNAME"])
        if hashed:
            responses["SECRET_HASH"] = hashed
        if not forged:
            # A forged signature is printed as not shown; every other answer the script recomputes.
            self.annotate_srp_answer(pending.srp, pending.client, pending.parameters, {}, timestamp)
        admin = exchange.admin if exchange is not None else False
        params = {
            "ClientId": pending.client.client_id,
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeResponses": responses,
        }
        if admin:
            params["UserPoolId"] = self.pool_id
        response = self.perform(
            "AdminRespondToAuthChallenge" if admin else "RespondToAuthChallenge",
            params,
            Proof(password=pending.password, forged=forged),
        )
        return self._record(response)

    @rule(target=sessions, challenge=sessions, tamper=st.sampled_from(TAMPERS))
    def respond_to_auth_challenge(self, challenge: str, tamper: str):
        """Answer PASSWORD_VERIFIER (maybe wrongly) or NEW_PASSWORD_REQUIRED; a session answers once (§1, §3)."""
        self.step_taken()
        if challenge in self.pending:
            exchange = self.state.exchanges.get(challenge)
            if exchange is None or exchange.used:
                return multiple()  # a SECRET_BLOCK answered twice: AWS's answer is UNVERIFIED
            return multiple(*self._answer_password_verifier(challenge, tamper))
        session = self.state.sessions.get(challenge)
        if session is None or session.challenge != "NEW_PASSWORD_REQUIRED":
            return multiple()
        client = next(c for c in self.clients if c.client_id == session.client_id)
        responses = client.auth_parameters(session.username, NEW_PASSWORD=new_password())
        params = {
            "ClientId": client.client_id,
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "ChallengeResponses": responses,
            "Session": session.token,
        }
        if session.admin:
            params["UserPoolId"] = self.pool_id
        self.annotate_hash(client, "ChallengeResponses", responses)
        response = self.perform(
            "AdminRespondToAuthChallenge" if session.admin else "RespondToAuthChallenge", params
        )
        return multiple(*self._record(response))

    @precondition(lambda self: any(s.refresh_token for s in self.state.sign_ins.values()))
    @rule(data=st.data())
    def initiate_auth_with_the_refresh_token(self, data):
        """REFRESH_TOKEN_AUTH: new ID and access tokens, no new refresh token (§4)."""
        self.step_taken()
        handles = sorted(h for h, s in self.state.sign_ins.items() if s.refresh_token)
        sign_in = self.state.sign_ins[data.draw(st.sampled_from(handles), label="sign_in")]
        client = next(c for c in self.clients if c.client_id == sign_in.client_id)
        parameters = {"REFRESH_TOKEN": sign_in.refresh_token}
        hashed = client.secret_hash(sign_in.username)
        if hashed:
            parameters["SECRET_HASH"] = hashed
            template, values = client.hash_expression(sign_in.username, first=1)
            rest = {"REFRESH_TOKEN": sign_in.refresh_token}
            self.cognito.log.annotate(params={"AuthParameters": (f"dict({{0}}{template})", (rest, *values))})
        self.perform(
            "InitiateAuth",
            {"ClientId": client.client_id, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": parameters},
        )

    @invariant()
    def answered_sessions_stay_used(self):
        """§3: a session answers once; once the model has seen it used, it never becomes usable again."""
        for handle, session in self.state.sessions.items():
            if session.used:
                self.used_sessions.add(handle)
        for handle in self.used_sessions:
            assert self.state.sessions[handle].used, f"{handle} became usable again"
