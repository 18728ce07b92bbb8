"""Sign-in: InitiateAuth flows, user SRP (§1), lockout, sessions and challenge answers (§2-§4).

A completed sign-in ends in ``tokens`` (``_tokens``); a new device comes from ``devices``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable
from typing import Any

from conformance.crypto.srp import (
    REJECTION_REASONS,
    SrpRejected,
    SrpServer,
    compute_verifier,
    parse_srp_a,
    pool_name,
)
from conformance.reference.errors import (
    INCORRECT_CREDENTIALS,
    CognitoError,
    device_not_found,
    invalid_parameter,
    not_authorized,
    user_not_found,
)
from conformance.reference.passwords import check_password
from conformance.reference.service.common import ServiceBase
from conformance.reference.state import AppClient, AuthSession, Pool, SrpExchange, User
from conformance.reference.tokens import new_secret_block, new_session

#: The AuthFlow values InitiateAuth and AdminInitiateAuth accept (§4); a flow outside its
#: operation's set is refused before the client's ExplicitAuthFlows are consulted.
USER_FLOW_OPS = {
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "USER_PASSWORD_AUTH",
    "USER_AUTH",
}
ADMIN_FLOW_OPS = {
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
}


class AuthMixin(ServiceBase):
    """The sign-in operations and the challenges they issue and answer."""

    OPERATIONS: tuple[str, ...] = (
        "InitiateAuth",
        "AdminInitiateAuth",
        "RespondToAuthChallenge",
        "AdminRespondToAuthChallenge",
    )

    # ------------------------------------------------------------------ sign-in

    def initiate_auth(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.client_anywhere(req["ClientId"])
        return self._initiate(pool, client, req, admin=False)

    def admin_initiate_auth(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        return self._initiate(pool, self.client_in_pool(pool, req["ClientId"]), req, admin=True)

    def _initiate(self, pool: Pool, client: AppClient, req: dict[str, Any], *, admin: bool) -> dict[str, Any]:
        flow = req["AuthFlow"]
        if flow not in (ADMIN_FLOW_OPS if admin else USER_FLOW_OPS):
            # §4: the error for a valid flow on the wrong operation is UNVERIFIED; moto's text.
            raise invalid_parameter("Initiate Auth method not supported")
        message = self.flow_error(client, flow)
        if message is not None:
            raise invalid_parameter(message)
        params = req.get("AuthParameters") or {}
        if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
            return self._refresh(pool, client, params)
        if flow == "CUSTOM_AUTH":
            # §12.3 (settled): the reference has no Lambda triggers.
            raise invalid_parameter("Custom auth lambda trigger is not configured for the user pool.")
        if flow == "USER_AUTH":
            # Choice-based sign-in: reference/service/choice.py.
            return self._user_auth(
                pool, client, params, admin, "AdminInitiateAuth" if admin else "InitiateAuth"
            )
        username = self._require(params, "USERNAME")
        srp_a = self._require(params, "SRP_A") if flow == "USER_SRP_AUTH" else None
        password = self._require(params, "PASSWORD") if srp_a is None else None
        user = self.find_user(pool, username)
        self.check_secret_hash(client, params.get("SECRET_HASH"), [username, user.username if user else None])
        if user is None:
            if self._prevents_existence_errors(client):
                if srp_a is not None:
                    return self._simulated_srp_challenge(pool, client, username, srp_a, admin)
                raise not_authorized(INCORRECT_CREDENTIALS)
            raise user_not_found()
        self._check_status(client, user)
        if srp_a is not None:
            return self._srp_challenge(pool, client, user, srp_a, admin)
        self._password_attempt(user, self.password_matches(user, password or ""))
        return self._after_password(pool, client, user, params.get("DEVICE_KEY"), admin)

    def _check_status(self, client: AppClient, user: User) -> None:
        """Status errors, in the precedence unconfirmed, disabled, reset required (§7, §8).

        An UNCONFIRMED user gets UserNotConfirmedException even with a wrong password (§7, AWS
        staff). Raising these before the SRP challenge (not at the verifier step) is UNVERIFIED.
        """
        if user.status == "UNCONFIRMED":
            raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
        self.ensure_enabled(user)
        if user.status == "RESET_REQUIRED":
            if self._prevents_existence_errors(client):
                raise not_authorized(INCORRECT_CREDENTIALS)  # §7 [DG managing-errors]
            raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")

    def _password_attempt(self, user: User, correct: bool) -> None:
        """Apply the lockout rule (§3 [DG]): after 5 failures, 2^(n-5) s, up to ~15 minutes; the
        count resets after 15 minutes without a failure."""
        now = self.clock.now()
        if user.locked_until > now:
            raise not_authorized("Password attempts exceeded")
        if correct:
            user.failed_attempts = 0
            return
        if now - user.last_failure > 900:
            user.failed_attempts = 0
        user.failed_attempts += 1
        user.last_failure = now
        if user.failed_attempts >= 5:
            user.locked_until = now + min(2 ** (user.failed_attempts - 5), 900)
        raise not_authorized(INCORRECT_CREDENTIALS)

    def _after_password(
        self, pool: Pool, client: AppClient, user: User, device_key: str | None, admin: bool
    ) -> dict[str, Any]:
        if user.status == "FORCE_CHANGE_PASSWORD":
            if (
                user.temporary_password_expires is not None
                and user.temporary_password_expires < self.clock.now()
            ):
                # §8: the text is UNVERIFIED.
                raise not_authorized("Temporary password has expired and must be reset by an administrator.")
            return self._new_password_challenge(pool, client, user, device_key, admin)
        return self._finish_sign_in(pool, client, user, device_key, admin)

    def _new_session(
        self, challenge: str, pool: Pool, client: AppClient, user: User, admin: bool, **extra: Any
    ) -> str:
        token = new_session()
        now = self.clock.now()
        # §3: AuthSessionValidity minutes (3..15), 3 by default.
        lifetime = 60 * int(client.settings.get("AuthSessionValidity", 3))
        self.sessions[token] = AuthSession(
            challenge, pool.pool_id, client.client_id, user.username, now, now + lifetime, admin, **extra
        )
        return token

    def _new_password_challenge(
        self, pool: Pool, client: AppClient, user: User, device_key: str | None, admin: bool
    ) -> dict[str, Any]:
        required = [
            f"userAttributes.{a['Name']}"
            for a in pool.schema
            if a.get("Required") and a["Name"] != "sub" and a["Name"] not in user.attributes
        ]
        session = self._new_session("NEW_PASSWORD_REQUIRED", pool, client, user, admin, device_key=device_key)
        # §3: both are JSON-encoded strings inside the string map; captures had no sub in userAttributes.
        return {
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": session,
            "ChallengeParameters": {
                "USER_ID_FOR_SRP": user.username,
                "requiredAttributes": json.dumps(required, separators=(",", ":")),
                "userAttributes": json.dumps(user.attributes, separators=(",", ":")),
            },
        }

    def _finish_sign_in(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        device_key: str | None,
        admin: bool,
        *,
        mfa_done: bool = False,
    ) -> dict[str, Any]:
        """The second factor (mfa.py), device tracking after the password step (§2, §12.1), then tokens."""
        challenge = None if mfa_done else self.mfa_challenge(pool, client, user, device_key, admin)
        if challenge is not None:
            return challenge
        if pool.settings.get("DeviceConfiguration") is None:
            return self._tokens(pool, client, user, device_key=None, new_device=None)
        if device_key:
            device = self.find_device(user, device_key)
            if device is None:
                # §2, §12.1 (settled): a forgotten or unknown key fails here; clients retry without it.
                raise device_not_found()
            if device.remembered and device.verifier is not None:
                # §12.1 (settled for remembered devices): DEVICE_SRP_AUTH follows. Its parameters are
                # still UNVERIFIED ({} or {"USERNAME"}); the reference sends {}.
                session = self._new_session(
                    "DEVICE_SRP_AUTH", pool, client, user, admin, device_key=device.key
                )
                return {"ChallengeName": "DEVICE_SRP_AUTH", "Session": session, "ChallengeParameters": {}}
            # A confirmed but not remembered device signs in without device SRP (§12.1: "still
            # UNVERIFIED" whether Cognito issues DEVICE_SRP_AUTH here), keeping its key.
            device.last_authenticated = self.clock.now()
            device.last_ip = self.source_ip
            return self._tokens(pool, client, user, device_key=device.key, new_device=None)
        device = self._new_device(user)
        return self._tokens(pool, client, user, device_key=device.key, new_device=device)

    # ------------------------------------------------------------------ SRP (§1)

    @staticmethod
    def _srp_salt() -> bytes:
        # A first byte in 1..0x7f makes the hex, Cognito's padHex of the integer and the raw bytes
        # agree, whichever of them a client feeds into x (§1 padHex).
        return bytes([secrets.randbelow(0x7F) + 1]) + secrets.token_bytes(15)

    def _user_verifier(self, pool: Pool, user: User) -> tuple[bytes, int]:
        cached = user.srp_verifier
        if cached is None or cached[0] != user.password:
            salt = self._srp_salt()
            verifier = compute_verifier(pool_name(pool.pool_id), user.username, user.password or "", salt)
            cached = user.srp_verifier = (user.password or "", salt, verifier)
        return cached[1], cached[2]

    def _srp_server(self, verifier: int, srp_a: str) -> Any:
        try:
            parse_srp_a(srp_a)
        except SrpRejected as rejected:
            raise self._srp_error(rejected) from None
        return SrpServer(verifier)

    @staticmethod
    def _srp_error(rejected: Any) -> CognitoError:
        info = REJECTION_REASONS.get(rejected.reason, {})
        # bad-srp-a: AWS's text is UNVERIFIED (§1); the reference names the parameter.
        return CognitoError(
            info.get("error", "NotAuthorizedException"), info.get("message") or "Invalid SRP_A value."
        )

    def _srp_challenge(
        self, pool: Pool, client: AppClient, user: User, srp_a: str, admin: bool
    ) -> dict[str, Any]:
        salt, verifier = self._user_verifier(pool, user)
        return self._password_verifier(
            pool, client, user.username, user.username, salt, verifier, srp_a, admin, simulated=False
        )

    def _simulated_srp_challenge(
        self, pool: Pool, client: AppClient, username: str, srp_a: str, admin: bool
    ) -> dict[str, Any]:
        """§1 [DG managing-errors]: "the same salt and an internal user ID in UUID format for the same
        user name and user pool combination", then NotAuthorizedException at the verifier step."""
        seed = hmac.new(pool.simulation_secret, username.encode(), hashlib.sha256).digest()
        salt = bytes([seed[0] % 0x7F + 1]) + seed[1:16]
        user_id = str(uuid.UUID(bytes=seed[16:32], version=4))
        verifier = compute_verifier(pool_name(pool.pool_id), user_id, secrets.token_hex(16), salt)
        return self._password_verifier(
            pool, client, user_id, user_id, salt, verifier, srp_a, admin, simulated=True
        )

    def _password_verifier(
        self,
        pool: Pool,
        client: AppClient,
        username: str,
        user_id: str,
        salt: bytes,
        verifier: int,
        srp_a: str,
        admin: bool,
        *,
        simulated: bool,
    ) -> dict[str, Any]:
        server = self._srp_server(verifier, srp_a)
        block = new_secret_block()
        now = self.clock.now()
        # §1: "respond to this challenge within a few seconds"; the window is not documented, the
        # reference allows the app client's session validity.
        lifetime = 60 * int(client.settings.get("AuthSessionValidity", 3))
        self.srp_exchanges[block] = SrpExchange(
            pool.pool_id,
            client.client_id,
            username,
            user_id,
            srp_a,
            server,
            now,
            now + lifetime,
            admin,
            simulated=simulated,
        )
        # §1, §12.2 (likely): no Session; USERNAME and USER_ID_FOR_SRP are the internal username.
        return {
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": {
                "SALT": salt.hex(),
                "SECRET_BLOCK": block,
                "SRP_B": server.srp_b_hex(),
                "USERNAME": user_id,
                "USER_ID_FOR_SRP": user_id,
            },
        }

    # ------------------------------------------------------------------ challenge answers (§3)

    def respond_to_auth_challenge(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.client_anywhere(req["ClientId"])
        return self._respond(pool, client, req, admin=False)

    def admin_respond_to_auth_challenge(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        return self._respond(pool, self.client_in_pool(pool, req["ClientId"]), req, admin=True)

    def _respond(self, pool: Pool, client: AppClient, req: dict[str, Any], *, admin: bool) -> dict[str, Any]:
        name = req["ChallengeName"]
        responses = req.get("ChallengeResponses") or {}
        handlers: dict[str, Callable[..., dict[str, Any]]] = {
            "PASSWORD_VERIFIER": self._answer_password_verifier,
            "NEW_PASSWORD_REQUIRED": self._answer_new_password,
            "DEVICE_SRP_AUTH": self._answer_device_srp_auth,
            "DEVICE_PASSWORD_VERIFIER": self._answer_device_password_verifier,
            # SELECT_CHALLENGE and the first-factor EMAIL_OTP / SMS_OTP: reference/service/choice.py.
            **self.choice_handlers(),
        }
        handler = handlers.get(name) or self.mfa_answer_handlers().get(name)
        if name == "EMAIL_OTP":
            # AWS names both the passwordless first factor (choice.py) and e-mail MFA after a password
            # (mfa.py) EMAIL_OTP: the session that asked says which one is being answered.
            asked = self.sessions.get(req.get("Session") or "")
            if asked is None or asked.otp_code is None:
                handler = self.mfa_answer_handlers().get(name) or handler
        if handler is None:
            if name == "ADMIN_NO_SRP_AUTH" and not admin:
                # §3 [BC]: "You can't respond to an ADMIN_NO_SRP_AUTH challenge with this operation." (text UNVERIFIED)
                raise invalid_parameter(
                    "ADMIN_NO_SRP_AUTH challenge cannot be answered with RespondToAuthChallenge."
                )
            # The reference never issues other challenges, so no session can be valid for them.
            raise not_authorized("Invalid session for the user.")
        return handler(pool, client, responses, req.get("Session"), admin)

    def _session(self, token: str | None, challenge: str, pool: Pool, client: AppClient) -> AuthSession:
        """The live session behind ``token`` (§3 texts, settled in §12.4)."""
        session = self.sessions.get(token or "")
        if (
            session is None
            or session.pool_id != pool.pool_id
            or session.client_id != client.client_id
            or session.challenge != challenge
        ):
            raise not_authorized("Invalid session for the user.")
        if session.used:
            raise not_authorized("Invalid session for the user, session can only be used once.")
        if session.expires <= self.clock.now():
            raise not_authorized("Invalid session for the user, session is expired.")
        return session

    def _session_user(
        self, pool: Pool, client: AppClient, session: AuthSession, responses: dict[str, Any]
    ) -> User:
        typed = self._require(responses, "USERNAME")
        user = pool.users.get(session.username)
        if user is None or self.find_user(pool, typed) is not user:
            raise not_authorized("Invalid session for the user.")
        # §1: every challenge answer carries SECRET_HASH for a secret client; §12.2: over either name.
        self.check_secret_hash(client, responses.get("SECRET_HASH"), [typed, user.username])
        return user

    def _answer_password_verifier(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], _session: str | None, admin: bool
    ) -> dict[str, Any]:
        # §1, §12.2 (likely): no Session is needed; the state travels in SECRET_BLOCK.
        for name in ("USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"):
            self._require(responses, name)
        exchange = self.srp_exchanges.get(responses["PASSWORD_CLAIM_SECRET_BLOCK"])
        if exchange is None or exchange.pool_id != pool.pool_id or exchange.client_id != client.client_id:
            raise not_authorized(INCORRECT_CREDENTIALS)
        user = pool.users.get(exchange.username)
        typed = responses["USERNAME"]
        self.check_secret_hash(client, responses.get("SECRET_HASH"), [typed, exchange.user_id_for_srp])
        # UNVERIFIED: a SECRET_BLOCK answers once, within the session validity.
        if exchange.used or exchange.expires <= self.clock.now():
            raise not_authorized(INCORRECT_CREDENTIALS)
        exchange.used = True
        if exchange.simulated or user is None or self.find_user(pool, typed) is not user:
            raise not_authorized(INCORRECT_CREDENTIALS)
        if user.locked_until > self.clock.now():
            raise not_authorized("Password attempts exceeded")
        try:
            self.verify_password_claim(exchange, responses, pool)
        except SrpRejected as rejected:
            if rejected.reason == "wrong-password-or-signature":
                self._password_attempt(user, False)
            raise self._srp_error(rejected) from None
        self._password_attempt(user, True)
        self._check_status(client, user)
        return self._after_password(pool, client, user, responses.get("DEVICE_KEY"), admin)

    def _answer_new_password(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], token: str | None, admin: bool
    ) -> dict[str, Any]:
        session = self._session(token, "NEW_PASSWORD_REQUIRED", pool, client)
        user = self._session_user(pool, client, session, responses)
        new_password = self._require(responses, "NEW_PASSWORD")
        check_password(new_password, self._password_policy(pool.settings), replacing=True)
        updates = self._checked_attributes(
            pool,
            [
                {"Name": key[len("userAttributes.") :], "Value": value}
                for key, value in responses.items()
                if key.startswith("userAttributes.")
            ],
        )
        missing = [
            a["Name"]
            for a in pool.schema
            if a.get("Required")
            and a["Name"] != "sub"
            and a["Name"] not in user.attributes
            and a["Name"] not in updates
        ]
        if missing:
            # UNVERIFIED text.
            raise invalid_parameter(f"Invalid attributes given, {missing[0]} is missing")
        self.ensure_enabled(user)
        self.consume_session(session)
        user.attributes.update(updates)
        # §8 (verified, MOTO-V): the answer makes the user CONFIRMED; the temporary password may be reused.
        self._set_password(pool, user, new_password, temporary=False)
        user.status = "CONFIRMED"
        user.modified = self.clock.now()
        return self._finish_sign_in(pool, client, user, session.device_key, admin)

    def _answer_device_srp_auth(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], token: str | None, admin: bool
    ) -> dict[str, Any]:
        session = self._session(token, "DEVICE_SRP_AUTH", pool, client)
        user = self._session_user(pool, client, session, responses)
        device_key = self._require(responses, "DEVICE_KEY")
        srp_a = self._require(responses, "SRP_A")
        device = self.find_device(user, device_key)
        if (
            device is None
            or device.key != session.device_key
            or device.verifier is None
            or device.salt is None
        ):
            raise device_not_found()
        server = self._srp_server(device.verifier, srp_a)
        self.consume_session(session)
        block = new_secret_block()
        next_session = self._new_session(
            "DEVICE_PASSWORD_VERIFIER",
            pool,
            client,
            user,
            admin,
            device_key=device.key,
            srp_server=server,
            srp_a=srp_a,
            secret_block=block,
        )
        # §12.1 (settled): at least SRP_B, SALT (hex), SECRET_BLOCK, USERNAME and DEVICE_KEY.
        return {
            "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
            "Session": next_session,
            "ChallengeParameters": {
                "DEVICE_KEY": device.key,
                "SALT": device.salt.hex(),
                "SECRET_BLOCK": block,
                "SRP_B": server.srp_b_hex(),
                "USERNAME": user.username,
            },
        }

    def _answer_device_password_verifier(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], token: str | None, admin: bool
    ) -> dict[str, Any]:
        session = self._session(token, "DEVICE_PASSWORD_VERIFIER", pool, client)
        user = self._session_user(pool, client, session, responses)
        for name in ("DEVICE_KEY", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"):
            self._require(responses, name)
        device = self.find_device(user, responses["DEVICE_KEY"])
        if device is None or device.key != session.device_key:
            raise device_not_found()
        if responses["PASSWORD_CLAIM_SECRET_BLOCK"] != session.secret_block:
            raise not_authorized(INCORRECT_CREDENTIALS)
        try:
            self.verify_device_claim(session, device, responses)
        except SrpRejected as rejected:
            # §12.1 (likely): a wrong device proof is "Incorrect username or password."
            raise self._srp_error(rejected) from None
        self.consume_session(session)
        self.ensure_enabled(user)
        device.last_authenticated = float(int(self.clock.now()))
        device.last_ip = self.source_ip
        return self._tokens(pool, client, user, device_key=device.key, new_device=None)
