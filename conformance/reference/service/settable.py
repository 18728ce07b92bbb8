"""Fail closed: what the reference models of each settable member of the pool and app-client operations.

The reference is an executable statement of what AWS does. A member it accepts and then ignores would
be a silent lie (a pool created with ``MfaConfiguration: "ON"`` that hands out tokens where AWS asks
for MFA_SETUP). So every member of CreateUserPool, UpdateUserPool, CreateUserPoolClient and
UpdateUserPoolClient is listed here, each one:

- ``modelled``: every value is stored and has its effect (or is only echoed because no API answer of
  the covered surface depends on it, e.g. a message template: the reference sends no messages);
- ``partial``: the values ``rule`` accepts are modelled, any other is refused;
- ``refused``: any value is refused.

A refusal is ``ReferenceUnsupportedParameter`` (HTTP 501, which harnesses read as "not implemented")
naming the operation and the member. A member missing from the table (a new member of the service
model) is refused too, and ``tests/reference/test_fail_closed.py`` enumerates the model's members so
that one cannot slip in unlisted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.reference.errors import CognitoError

MODELLED, PARTIAL, REFUSED = "modelled", "partial", "refused"

#: A partial member's rule: None when the value is modelled, else what of it is not.
Rule = Callable[[Any, dict[str, Any]], str | None]


@dataclass(frozen=True)
class Member:
    status: str
    why: str
    rule: Rule | None = None


def _modelled(why: str) -> Member:
    return Member(MODELLED, why)


def _refused(why: str) -> Member:
    return Member(REFUSED, why)


def _partial(why: str, rule: Rule) -> Member:
    return Member(PARTIAL, why, rule)


def _only(expected: Any) -> Rule:
    def rule(value: Any, _request: dict[str, Any]) -> str | None:
        return None if value == expected else repr(value)

    return rule


def _empty(value: Any, _request: dict[str, Any]) -> str | None:
    return None if not value else "a non-empty value"


def _false(value: Any, _request: dict[str, Any]) -> str | None:
    return None if value is False else f"{value!r}"


def _policies(value: Any, _request: dict[str, Any]) -> str | None:
    password = (value or {}).get("PasswordPolicy") or {}
    if password.get("PasswordHistorySize"):
        return "PasswordPolicy.PasswordHistorySize > 0 (password history is not kept)"
    factors = ((value or {}).get("SignInPolicy") or {}).get("AllowedFirstAuthFactors")
    if factors is None:
        return None
    # Choice-based sign-in (choice.py) models passwords and e-mail / SMS one-time codes. Passkeys
    # need a WebAuthn relying party the reference does not have; SOFTWARE_TOKEN "is not currently
    # supported as a first auth factor" and AWS's refusal of it is not known; a list without
    # PASSWORD (a pool where nobody signs in with a password) has effects nobody has recorded.
    unmodelled = [f for f in factors if f not in _FIRST_FACTORS]
    if unmodelled:
        return f"SignInPolicy.AllowedFirstAuthFactors {unmodelled!r} (passkeys and TOTP as a first factor are not modelled)"
    if "PASSWORD" not in factors:
        return f"SignInPolicy.AllowedFirstAuthFactors {factors!r} without PASSWORD"
    return None


#: The first factors the reference models (reference/service/choice.py FACTOR_CHALLENGES).
_FIRST_FACTORS = ("PASSWORD", "EMAIL_OTP", "SMS_OTP")


def _admin_create_user_config(value: Any, _request: dict[str, Any]) -> str | None:
    if (value or {}).get("AllowAdminCreateUserOnly"):
        return "AllowAdminCreateUserOnly true (SignUp is not refused)"
    return None


def _add_ons(value: Any, request: dict[str, Any]) -> str | None:
    mode = (value or {}).get("AdvancedSecurityMode", "OFF")
    # Below the PLUS plan AWS refuses AUDIT/ENFORCED (FeatureUnavailableInTierException), which the
    # reference does model; on PLUS it would run threat protection, which it does not.
    if mode != "OFF" and request.get("UserPoolTier") == "PLUS":
        return f"AdvancedSecurityMode {mode} (threat protection is not modelled)"
    if (value or {}).get("AdvancedSecurityAdditionalFlows"):
        return "AdvancedSecurityAdditionalFlows"
    return None


def _recovery(value: Any, _request: dict[str, Any]) -> str | None:
    # ForgotPassword follows the verified channels in priority order (service/signup.py). admin_only
    # stays refused: what ForgotPassword answers then is not known (facts:signup.recovery-admin-only).
    names = [m.get("Name") for m in sorted((value or {}).get("RecoveryMechanisms") or [], key=_priority)]
    if "admin_only" in names:
        return "RecoveryMechanisms admin_only (ForgotPassword's answer then is not known)"
    return None


def _verify_before_update(value: Any, request: dict[str, Any]) -> str | None:
    # facts:attributes.verify-before-update: the setting holds back a change until the new value is
    # verified, which needs a code; what AWS answers for an attribute the pool does not auto-verify
    # is not established, so only auto-verified attributes are modelled.
    listed = set((value or {}).get("AttributesRequireVerificationBeforeUpdate") or [])
    auto = set(request.get("AutoVerifiedAttributes") or [])
    if listed <= auto:
        return None
    return (
        f"AttributesRequireVerificationBeforeUpdate {sorted(listed - auto)!r} not in AutoVerifiedAttributes"
    )


def _mfa_configuration(value: Any, request: dict[str, Any]) -> str | None:
    # Software-token and e-mail MFA are turned on by SetUserPoolMfaConfig only, so a pool created with
    # MFA ON or OPTIONAL offers SMS, which needs an SmsConfiguration. Without one, what AWS does is not
    # known (UNVERIFIED). UpdateUserPool may find TOTP already on, so there it is modelled, and
    # service/mfa.py refuses a sign-in that would find no factor.
    if value == "OFF" or request.get("SmsConfiguration"):
        return None
    return f"{value!r} without SmsConfiguration (no MFA factor to offer)"


def _priority(mechanism: dict[str, Any]) -> int:
    return int(mechanism.get("Priority") or 0)


def _identity_providers(value: Any, _request: dict[str, Any]) -> str | None:
    return None if value in ([], ["COGNITO"]) else f"{value!r} (no federation)"


def _rotation(value: Any, _request: dict[str, Any]) -> str | None:
    # facts:tokens.rotation-grace: the grace period is modelled when given; what AWS does when an
    # ENABLED rotation leaves RetryGracePeriodSeconds out (a default of 0?) is UNVERIFIED.
    if (value or {}).get("Feature") == "ENABLED" and (value or {}).get("RetryGracePeriodSeconds") is None:
        return "Feature ENABLED without RetryGracePeriodSeconds (its default is not modelled)"
    return None


#: facts:tokens.validity-range: (lowest, highest) lifetime in seconds, whatever the unit.
LIFETIME_RANGE = {
    "AccessToken": (5 * 60, 86400),
    "IdToken": (5 * 60, 86400),
    "RefreshToken": (60 * 60, 10 * 365 * 86400),
}
#: facts:tokens.validity-units: the unit a value is in when TokenValidityUnits does not say.
DEFAULT_UNIT = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def check_token_lifetimes(request: dict[str, Any]) -> None:
    """Refuse a token lifetime outside AWS's range (facts:tokens.validity-range, -out-of-range).

    The range is stated in time (5 minutes to 1 day, 60 minutes to 10 years), so the check is on
    value x unit. RefreshTokenValidity 0 is not a lifetime: AWS stores the default 30 days
    (facts:tokens.refresh-validity-zero), so it passes. The message text is UNVERIFIED.
    """
    units = request.get("TokenValidityUnits") or {}
    for kind, (lowest, highest) in LIFETIME_RANGE.items():
        value = request.get(f"{kind}Validity")
        if value is None or (kind == "RefreshToken" and value == 0):
            continue
        unit = units.get(kind) or DEFAULT_UNIT[kind]
        seconds = int(value) * UNIT_SECONDS[unit]
        if not lowest <= seconds <= highest:
            raise CognitoError(
                "InvalidParameterException",
                f"{kind}Validity {value} {unit} is outside the allowed range.",
            )


_MESSAGE = "echoed; it shapes the text of a message, which the reference never sends and no API returns"
_NO_OAUTH = "the reference serves no OAuth endpoints (hosted UI, token endpoint)"

POOL_MEMBERS: dict[str, Member] = {
    "UserPoolId": _modelled("the pool to update"),
    "PoolName": _modelled("the pool's name"),
    "Policies": _partial(
        "the password policy (no password history); password and one-time-code first factors", _policies
    ),
    "DeletionProtection": _modelled("DeleteUserPool refuses an ACTIVE pool"),
    "LambdaConfig": _partial("no Lambda trigger is ever invoked", _empty),
    "AutoVerifiedAttributes": _modelled("SignUp's code delivery"),
    "AliasAttributes": _modelled("alias sign-in"),
    "UsernameAttributes": _modelled("email / phone_number as the user name"),
    "UsernameConfiguration": _modelled("case sensitivity of user names"),
    "Schema": _modelled("the pool's attributes"),
    "SmsVerificationMessage": _modelled(_MESSAGE),
    "EmailVerificationMessage": _modelled(_MESSAGE),
    "EmailVerificationSubject": _modelled(_MESSAGE),
    "VerificationMessageTemplate": _modelled(_MESSAGE),
    "SmsAuthenticationMessage": _modelled(_MESSAGE),
    "MfaConfiguration": _partial(
        "the second factor of a sign-in (service/mfa.py); ON or OPTIONAL need a factor the pool can send",
        _mfa_configuration,
    ),
    "UserAttributeUpdateSettings": _partial(
        "an e-mail or phone change waits for VerifyUserAttribute (service/attributes.py)",
        _verify_before_update,
    ),
    "DeviceConfiguration": _modelled("device tracking"),
    "EmailConfiguration": _modelled("echoed; it only says how mail leaves AWS, and no mail is sent"),
    "SmsConfiguration": _modelled("echoed; it only says how SMS leaves AWS, and no SMS is sent"),
    "UserPoolTags": _modelled("echoed"),
    "AdminCreateUserConfig": _partial("temporary passwords; SignUp stays open", _admin_create_user_config),
    "UserPoolAddOns": _partial("threat protection is not modelled", _add_ons),
    "AccountRecoverySetting": _partial(
        "where ForgotPassword sends its code: verified channels by priority, not admin_only", _recovery
    ),
    "UserPoolTier": _modelled(
        "the feature plan's checks: threat protection needs PLUS, choice-based sign-in ESSENTIALS (default)"
    ),
    "DcrConfiguration": _refused("dynamic client registration is not modelled"),
    "KeyConfiguration": _refused("signing keys are the reference's own"),
    "IssuerConfiguration": _refused("the issuer is the reference's own"),
    "AcrConfiguration": _refused("authentication context classes are not modelled"),
}

CLIENT_MEMBERS: dict[str, Member] = {
    "UserPoolId": _modelled("the client's pool"),
    "ClientId": _modelled("the client to update"),
    "ClientName": _modelled("the client's name"),
    "GenerateSecret": _modelled("the client secret and SECRET_HASH"),
    "ClientSecret": _modelled("a given client secret"),
    "RefreshTokenValidity": _modelled("token lifetimes"),
    "AccessTokenValidity": _modelled("token lifetimes"),
    "IdTokenValidity": _modelled("token lifetimes"),
    "TokenValidityUnits": _modelled("token lifetimes"),
    "AuthSessionValidity": _modelled("the lifetime of a challenge Session"),
    "ReadAttributes": _modelled(
        "echoed; a sign-in of a user with an attribute the client cannot read is refused as unsupported "
        "(the ID token would carry it)"
    ),
    "WriteAttributes": _modelled("the attributes UpdateUserAttributes and DeleteUserAttributes may write"),
    "ExplicitAuthFlows": _modelled("the flows a client accepts"),
    "SupportedIdentityProviders": _partial("only the pool's own users sign in", _identity_providers),
    "CallbackURLs": _partial(_NO_OAUTH, _empty),
    "LogoutURLs": _partial(_NO_OAUTH, _empty),
    "DefaultRedirectURI": _partial(_NO_OAUTH, _empty),
    "AllowedOAuthFlows": _partial(_NO_OAUTH, _empty),
    "AllowedOAuthScopes": _partial(_NO_OAUTH, _empty),
    "AllowedOAuthFlowsUserPoolClient": _partial(_NO_OAUTH, _false),
    "AnalyticsConfiguration": _refused("no analytics are sent"),
    "PreventUserExistenceErrors": _modelled("the answers for unknown users"),
    "EnableTokenRevocation": _modelled("RevokeToken refuses a client without revocation"),
    "EnablePropagateAdditionalUserContextData": _partial("threat protection is not modelled", _false),
    "RefreshTokenRotation": _partial(
        "GetTokensFromRefreshToken rotates the refresh token, with the given grace period", _rotation
    ),
    "PublishSecretsInAWSSecretsManager": _partial("no secret is published", _false),
}

#: operation -> member -> what the reference does with it.
SETTABLE: dict[str, dict[str, Member]] = {
    "CreateUserPool": {k: v for k, v in POOL_MEMBERS.items() if k != "UserPoolId"},
    "UpdateUserPool": {
        **{
            k: v
            for k, v in POOL_MEMBERS.items()
            if k not in ("AliasAttributes", "UsernameAttributes", "UsernameConfiguration", "Schema")
        },
        "MfaConfiguration": _modelled("the second factor of a sign-in (service/mfa.py)"),
    },
    "CreateUserPoolClient": {k: v for k, v in CLIENT_MEMBERS.items() if k != "ClientId"},
    "UpdateUserPoolClient": {
        k: v for k, v in CLIENT_MEMBERS.items() if k not in ("GenerateSecret", "ClientSecret")
    },
}


def unsupported_parameter(operation: str, member: str, detail: str = "") -> CognitoError:
    """The refusal of a member (or a value of it) the reference does not model."""
    what = f"{operation}.{member}" + (f" = {detail}" if detail else "")
    return CognitoError(
        "ReferenceUnsupportedParameter", f"The reference endpoint does not model {what}", status=501
    )


def refuse_unmodelled(operation: str, request: dict[str, Any]) -> None:
    """Raise :func:`unsupported_parameter` for the first member of ``request`` the reference does not model.

    A member set to null is not set (botocore never sends one; a raw client may).
    """
    table = SETTABLE[operation]
    for member, value in request.items():
        if value is None:
            continue
        entry = table.get(member)
        if entry is None:
            raise unsupported_parameter(operation, member)
        if entry.status == REFUSED:
            raise unsupported_parameter(operation, member)
        if entry.status == PARTIAL and entry.rule is not None:
            detail = entry.rule(value, request)
            if detail is not None:
                raise unsupported_parameter(operation, member, detail)
