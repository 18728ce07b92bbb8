"""Choice-based sign-in: the USER_AUTH flow, SELECT_CHALLENGE, passwordless EMAIL_OTP / SMS_OTP as a
first factor, GetUserAuthFactors, and the feature plan (UserPoolTier) that gates them.

Facts: ``choice.*`` in the catalogue (docs/facts.md, "Choice-based sign-in"). ``auth`` hands the
USER_AUTH flow and the SELECT_CHALLENGE / EMAIL_OTP / SMS_OTP answers to this module; a password or
SRP chosen here goes back to ``auth`` (``_password_attempt``, ``_after_password``,
``_srp_challenge``), so everything that follows a password (NEW_PASSWORD_REQUIRED, devices, MFA)
is the same whichever flow asked for it.

Passkeys (WEB_AUTHN) are not modelled: a pool that allows them, a preference for them and an answer
choosing them are refused as unsupported (HTTP 501), never silently accepted.
"""

from __future__ import annotations

from typing import Any

from conformance.reference import ids
from conformance.reference.errors import CognitoError, invalid_parameter, user_not_found
from conformance.reference.service.common import ServiceBase, attribute_is_true
from conformance.reference.service.settable import unsupported_parameter
from conformance.reference.state import AppClient, Pool, User

#: facts:choice.first-factors: the factor a pool lists -> the challenges it offers a user.
FACTOR_CHALLENGES: dict[str, tuple[str, ...]] = {
    "PASSWORD": ("PASSWORD", "PASSWORD_SRP"),
    "EMAIL_OTP": ("EMAIL_OTP",),
    "SMS_OTP": ("SMS_OTP",),
}
#: The OTP challenges: (the attribute a code goes to, the medium, the answer's code parameter).
OTP_CHALLENGES: dict[str, tuple[str, str, str]] = {
    "EMAIL_OTP": ("email", "EMAIL", "EMAIL_OTP_CODE"),
    "SMS_OTP": ("phone_number", "SMS", "SMS_OTP_CODE"),
}
#: What the reference models of choice-based sign-in; any other first factor is refused (settable.py).
MODELLED_FIRST_FACTORS = frozenset(FACTOR_CHALLENGES)
DEFAULT_FIRST_FACTORS = ["PASSWORD"]


def _mask(medium: str, destination: str) -> str:
    """CODE_DELIVERY_DESTINATION as other code deliveries mask it (users.py, §8)."""
    if medium == "EMAIL":
        local, _, domain = destination.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    return "+*******" + destination[-4:]


def _passkeys_refused(operation: str, member: str) -> CognitoError:
    return unsupported_parameter(operation, member, "WEB_AUTHN (passkeys are not modelled)")


class ChoiceMixin(ServiceBase):
    """USER_AUTH and its challenges, GetUserAuthFactors, and the feature plan's checks."""

    OPERATIONS: tuple[str, ...] = ("GetUserAuthFactors",)

    # ------------------------------------------------------------------ feature plan

    @staticmethod
    def first_factors(settings: dict[str, Any]) -> list[str]:
        """The pool's SignInPolicy.AllowedFirstAuthFactors (facts:choice.first-factors)."""
        policy = (settings.get("Policies") or {}).get("SignInPolicy") or {}
        return list(policy.get("AllowedFirstAuthFactors") or DEFAULT_FIRST_FACTORS)

    def check_pool_tier(self, settings: dict[str, Any]) -> None:
        """facts:choice.lite-refuses-choice: a LITE pool keeps password-only sign-in
        (facts:choice.lite-password-policy). The text is UNVERIFIED."""
        tier = settings.get("UserPoolTier", "ESSENTIALS")
        if self.choice_needs_essentials(tier) and set(self.first_factors(settings)) - {"PASSWORD"}:
            raise CognitoError(
                "FeatureUnavailableInTierException",
                "Passwordless first factors require the Essentials feature plan or higher.",
            )

    def check_client_tier(self, pool: Pool, request: dict[str, Any]) -> None:
        """facts:choice.lite-refuses-choice: no ALLOW_USER_AUTH client in a LITE pool (text UNVERIFIED)."""
        tier = pool.settings.get("UserPoolTier", "ESSENTIALS")
        if self.choice_needs_essentials(tier) and "ALLOW_USER_AUTH" in (
            request.get("ExplicitAuthFlows") or []
        ):
            raise CognitoError(
                "FeatureUnavailableInTierException",
                "ALLOW_USER_AUTH requires the Essentials feature plan or higher.",
            )

    def check_tier_change(self, pool: Pool, settings: dict[str, Any]) -> None:
        """An UpdateUserPool to LITE while a client has ALLOW_USER_AUTH: AWS asks that active features
        be turned off first, but its answer (TierChangeNotAllowedException?) is not known, so the
        reference refuses the request as unsupported rather than guess."""
        tier = settings.get("UserPoolTier", "ESSENTIALS")
        if self.choice_needs_essentials(tier) and any(
            "ALLOW_USER_AUTH" in (client.settings.get("ExplicitAuthFlows") or [])
            for client in pool.clients.values()
        ):
            raise unsupported_parameter(
                "UpdateUserPool", "UserPoolTier", f"{tier} while an app client has ALLOW_USER_AUTH"
            )

    # ------------------------------------------------------------------ USER_AUTH

    def available_challenges(self, pool: Pool, user: User) -> list[str]:
        """facts:choice.available-challenges (UNVERIFIED): what the pool allows and the user can do."""
        offered: list[str] = []
        for factor in self.first_factors(pool.settings):
            if factor == "PASSWORD" and user.password is not None:
                offered += FACTOR_CHALLENGES["PASSWORD"]
            elif factor in OTP_CHALLENGES:
                attribute = OTP_CHALLENGES[factor][0]
                if user.attributes.get(attribute) and attribute_is_true(
                    user.attributes.get(f"{attribute}_verified")
                ):
                    offered.append(factor)
        return offered

    def _user_auth(
        self, pool: Pool, client: AppClient, params: dict[str, Any], admin: bool, operation: str
    ) -> dict[str, Any]:
        """InitiateAuth / AdminInitiateAuth USER_AUTH (facts:choice.user-auth-select, choice.preferred-challenge)."""
        username = self._require(params, "USERNAME")
        preferred = params.get("PREFERRED_CHALLENGE")
        if preferred == "WEB_AUTHN":
            raise _passkeys_refused(operation, "AuthParameters.PREFERRED_CHALLENGE")
        user = self.find_user(pool, username)
        self.check_secret_hash(client, params.get("SECRET_HASH"), [username, user.username if user else None])
        if user is None:
            if self._prevents_existence_errors(client):
                # AWS's answer for an unknown user here (a simulated choice?) is not known.
                raise unsupported_parameter(
                    operation, "AuthParameters.USERNAME", "an unknown user with PreventUserExistenceErrors"
                )
            raise user_not_found()
        self._check_status(client, user)
        available = self.available_challenges(pool, user)
        if preferred in available:
            return self._start_challenge(pool, client, user, str(preferred), params, admin)
        # facts:choice.preferred-unavailable (UNVERIFIED): no preference, or one the user cannot use.
        session = self._new_session(
            "SELECT_CHALLENGE", pool, client, user, admin, device_key=params.get("DEVICE_KEY")
        )
        return {
            "ChallengeName": "SELECT_CHALLENGE",
            "Session": session,
            "ChallengeParameters": {},
            "AvailableChallenges": available,
        }

    def _start_challenge(
        self, pool: Pool, client: AppClient, user: User, challenge: str, params: dict[str, Any], admin: bool
    ) -> dict[str, Any]:
        """The chosen first factor, from a preference (AuthParameters) or an ANSWER (ChallengeResponses)."""
        device_key = params.get("DEVICE_KEY")
        if challenge == "PASSWORD":
            password = self._require(params, "PASSWORD")
            self._password_attempt(user, self.password_matches(user, password))
            return self._after_password(pool, client, user, device_key, admin)
        if challenge == "PASSWORD_SRP":
            # UNVERIFIED: whether AWS adds a Session to this PASSWORD_VERIFIER; the answer needs none (§12.2).
            return self._srp_challenge(pool, client, user, self._require(params, "SRP_A"), admin)
        attribute, medium, _ = OTP_CHALLENGES[challenge]
        code = ids.confirmation_code()  # the length of a passwordless code is UNVERIFIED
        delivery = {
            "Destination": _mask(medium, user.attributes[attribute]),
            "DeliveryMedium": medium,
            "AttributeName": attribute,
        }
        self.deliver_code(pool, user, "otp", code, delivery)
        session = self._new_session(
            challenge, pool, client, user, admin, device_key=device_key, otp_code=code
        )
        # facts:choice.otp-challenge: the medium and the masked destination.
        return {
            "ChallengeName": challenge,
            "Session": session,
            "ChallengeParameters": {
                "CODE_DELIVERY_DELIVERY_MEDIUM": medium,
                "CODE_DELIVERY_DESTINATION": delivery["Destination"],
            },
        }

    # ------------------------------------------------------------------ challenge answers

    def _answer_select_challenge(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], token: str | None, admin: bool
    ) -> dict[str, Any]:
        """facts:choice.select-answer: ANSWER is one of the AvailableChallenges; the session is spent."""
        session = self._session(token, "SELECT_CHALLENGE", pool, client)
        user = self._session_user(pool, client, session, responses)
        answer = self._require(responses, "ANSWER")
        if answer == "WEB_AUTHN":
            raise _passkeys_refused(
                "AdminRespondToAuthChallenge" if admin else "RespondToAuthChallenge",
                "ChallengeResponses.ANSWER",
            )
        if answer not in self.available_challenges(pool, user):
            # facts:choice.answer-unavailable (UNVERIFIED error and text).
            raise invalid_parameter(f"The challenge {answer} is not available for the user.")
        self.ensure_enabled(user)
        self.consume_session(session)
        params = {**responses, "DEVICE_KEY": responses.get("DEVICE_KEY") or session.device_key}
        return self._start_challenge(pool, client, user, answer, params, admin)

    def _answer_email_otp(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], token: str | None, admin: bool
    ) -> dict[str, Any]:
        return self._answer_otp("EMAIL_OTP", pool, client, responses, token, admin)

    def _answer_sms_otp(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], token: str | None, admin: bool
    ) -> dict[str, Any]:
        return self._answer_otp("SMS_OTP", pool, client, responses, token, admin)

    def _answer_otp(
        self,
        challenge: str,
        pool: Pool,
        client: AppClient,
        responses: dict[str, Any],
        token: str | None,
        admin: bool,
    ) -> dict[str, Any]:
        """facts:choice.otp-answer, choice.otp-wrong-code: the delivered code completes the sign-in once."""
        session = self._session(token, challenge, pool, client)
        user = self._session_user(pool, client, session, responses)
        code = self._require(responses, OTP_CHALLENGES[challenge][2])
        if session.otp_code is None or code != session.otp_code:
            # facts:choice.otp-wrong-code: no lockout was seen; the session stays usable.
            raise CognitoError("CodeMismatchException", "Invalid code or auth state for the user.")
        self.ensure_enabled(user)
        if user.status == "FORCE_CHANGE_PASSWORD":
            # Whether AWS then asks for a new password, or lets a one-time code replace it, is not known.
            raise unsupported_parameter(
                "AdminRespondToAuthChallenge" if admin else "RespondToAuthChallenge",
                "ChallengeName",
                f"{challenge} for a user in FORCE_CHANGE_PASSWORD",
            )
        self.spend_otp(session)
        return self._finish_sign_in(pool, client, user, session.device_key, admin)

    def choice_handlers(self) -> dict[str, Any]:
        """The challenge answers this module serves, for ``auth``'s dispatch."""
        return {
            "SELECT_CHALLENGE": self._answer_select_challenge,
            "EMAIL_OTP": self._answer_email_otp,
            "SMS_OTP": self._answer_sms_otp,
        }

    # ------------------------------------------------------------------ GetUserAuthFactors

    def get_user_auth_factors(self, req: dict[str, Any]) -> dict[str, Any]:
        """facts:choice.auth-factors; the list's content is facts:choice.auth-factors-content (UNVERIFIED).

        No MFA member is answered: the reference's users have no MFA configured, and AdminGetUser
        omits those members then (§8).
        """
        pool, user, _, _ = self.access_context(req["AccessToken"])
        factors = ["PASSWORD"] if user.password is not None else []
        factors += [c for c in self.available_challenges(pool, user) if c in OTP_CHALLENGES]
        return {"Username": user.username, "ConfiguredUserAuthFactors": factors}
