"""Each hook carries exactly one behaviour: overriding it breaks that behaviour and nothing else.

This is the pattern the miniature wrong endpoints use. Every scenario below passes on the reference
and fails on the reference with one hook overridden, so each behaviour's check can fail.

Run: ``pytest tests/reference/test_hooks.py -q``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jwt
import pyotp
import pytest
from botocore.exceptions import ClientError
from reference_support import PASSWORD, in_process_client, sign_in

from conformance.crypto.srp import DeviceSrpClient, UserSrpClient, new_device_secret
from conformance.reference import HOOK_BEHAVIOURS, HOOKS, CognitoService, ReferenceApp
from conformance.reference.clock import ManualClock

WRONG = "Wr0ng-Password!"


def fails(call: Callable[[], Any]) -> bool:
    try:
        call()
    except ClientError:
        return True
    return False


class World:
    """A pool with a tracking-enabled client and a confirmed user, on one app."""

    def __init__(self, app: ReferenceApp) -> None:
        self.app = app
        self.cognito = cognito = in_process_client(app)
        self.pool_id = cognito.create_user_pool(
            PoolName="hooks", DeviceConfiguration={"DeviceOnlyRememberedOnUserPrompt": False}
        )["UserPool"]["Id"]
        self.client_id = cognito.create_user_pool_client(
            UserPoolId=self.pool_id,
            ClientName="c",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        for name in ("alice", "bob", "carl"):
            cognito.admin_create_user(UserPoolId=self.pool_id, Username=name, MessageAction="SUPPRESS")
            cognito.admin_set_user_password(
                UserPoolId=self.pool_id, Username=name, Password=PASSWORD, Permanent=True
            )

    def tokens(self, **extra: str) -> dict[str, Any]:
        return sign_in(self.cognito, self.client_id, **extra)["AuthenticationResult"]

    def srp(self, password: str, device_key: str | None = None) -> dict[str, Any]:
        srp = UserSrpClient(self.pool_id, password)
        params = {
            "USERNAME": "alice",
            "SRP_A": srp.srp_a_hex(),
            **({"DEVICE_KEY": device_key} if device_key else {}),
        }
        challenge = self.cognito.initiate_auth(
            ClientId=self.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params
        )
        answer = srp.answer_password_verifier(challenge["ChallengeParameters"])
        if device_key:
            answer["DEVICE_KEY"] = device_key
        return self.cognito.respond_to_auth_challenge(
            ClientId=self.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer
        )

    def remembered_device(self) -> tuple[Any, dict[str, Any]]:
        result = self.tokens()
        metadata = result["NewDeviceMetadata"]
        secret = new_device_secret(metadata["DeviceGroupKey"], metadata["DeviceKey"])
        self.cognito.confirm_device(
            AccessToken=result["AccessToken"],
            DeviceKey=secret.device_key,
            DeviceSecretVerifierConfig=secret.verifier_config(),
        )
        return secret, result


def wrong_password_refused(w: World) -> bool:
    return fails(lambda: w.tokens(PASSWORD=WRONG))


def srp_wrong_password_refused(w: World) -> bool:
    return fails(lambda: w.srp(WRONG))


def disabled_user_refused(w: World) -> bool:
    w.cognito.admin_disable_user(UserPoolId=w.pool_id, Username="alice")
    return fails(w.tokens)


def sign_out_revokes(w: World) -> bool:
    access = w.tokens()["AccessToken"]
    w.cognito.global_sign_out(AccessToken=access)
    return fails(lambda: w.cognito.get_user(AccessToken=access))


def forgotten_device_gone(w: World) -> bool:
    secret, result = w.remembered_device()
    w.cognito.forget_device(AccessToken=result["AccessToken"], DeviceKey=secret.device_key)
    return fails(lambda: w.cognito.get_device(AccessToken=result["AccessToken"], DeviceKey=secret.device_key))


def wrong_device_proof_refused(w: World) -> bool:
    secret, _ = w.remembered_device()
    challenge = w.srp(PASSWORD, device_key=secret.device_key)
    impostor = DeviceSrpClient(
        new_device_secret(secret.device_group_key, secret.device_key), username="alice"
    )
    verifier = w.cognito.respond_to_auth_challenge(
        ClientId=w.client_id,
        ChallengeName="DEVICE_SRP_AUTH",
        Session=challenge["Session"],
        ChallengeResponses=impostor.answer_device_srp_auth("alice"),
    )
    return fails(
        lambda: w.cognito.respond_to_auth_challenge(
            ClientId=w.client_id,
            ChallengeName="DEVICE_PASSWORD_VERIFIER",
            Session=verifier["Session"],
            ChallengeResponses=impostor.answer_device_password_verifier(verifier["ChallengeParameters"]),
        )
    )


def session_single_use(w: World) -> bool:
    w.cognito.admin_create_user(
        UserPoolId=w.pool_id, Username="temp", TemporaryPassword="Temp-0rary!", MessageAction="SUPPRESS"
    )
    session = sign_in(w.cognito, w.client_id, username="temp", password="Temp-0rary!")["Session"]

    def answer() -> Any:
        return w.cognito.respond_to_auth_challenge(
            ClientId=w.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=session,
            ChallengeResponses={"USERNAME": "temp", "NEW_PASSWORD": "N3w-Password!"},
        )

    answer()
    return fails(answer)


def _software_token(w: World) -> tuple[str, pyotp.TOTP, int]:
    """Software-token MFA OPTIONAL on the pool; alice's token associated: (access token, TOTP, step now)."""
    w.cognito.set_user_pool_mfa_config(
        UserPoolId=w.pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL"
    )
    access = w.tokens()["AccessToken"]
    totp = pyotp.TOTP(w.cognito.associate_software_token(AccessToken=access)["SecretCode"])
    return access, totp, int(w.app.clock.now() // totp.interval)


def totp_code_checked(w: World) -> bool:
    access, totp, step = _software_token(w)
    near = {totp.at((step + k) * totp.interval) for k in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(10) if f"{n:06d}" not in near)
    return fails(lambda: w.cognito.verify_software_token(AccessToken=access, UserCode=wrong))


def totp_code_single_use(w: World) -> bool:
    access, totp, step = _software_token(w)
    code = totp.at(step * totp.interval)
    w.cognito.verify_software_token(AccessToken=access, UserCode=code)
    w.cognito.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    challenge = sign_in(w.cognito, w.client_id)
    return fails(
        lambda: w.cognito.respond_to_auth_challenge(
            ClientId=w.client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": code},
        )
    )


def refresh_keeps_refresh_token(w: World) -> bool:
    secret, result = w.remembered_device()
    refreshed = w.cognito.initiate_auth(
        ClientId=w.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"], "DEVICE_KEY": secret.device_key},
    )
    return "RefreshToken" not in refreshed["AuthenticationResult"]


def filter_applied(w: World) -> bool:
    users = w.cognito.list_users(UserPoolId=w.pool_id, Filter='username = "bob"')["Users"]
    return [u["Username"] for u in users] == ["bob"]


def page_within_limit(w: World) -> bool:
    return len(w.cognito.list_users(UserPoolId=w.pool_id, Limit=2)["Users"]) <= 2


def access_token_has_client_id(w: World) -> bool:
    claims = jwt.decode(w.tokens()["AccessToken"], options={"verify_signature": False})
    return "client_id" in claims


def admin_get_user_has_status(w: World) -> bool:
    return "UserStatus" in w.cognito.admin_get_user(UserPoolId=w.pool_id, Username="bob")


def revoke_token_revokes(w: World) -> bool:
    result = w.tokens()
    w.cognito.revoke_token(Token=result["RefreshToken"], ClientId=w.client_id)
    return fails(lambda: w.cognito.get_user(AccessToken=result["AccessToken"]))


def access_token_lasts_as_configured(w: World) -> bool:
    client_id = w.cognito.create_user_pool_client(
        UserPoolId=w.pool_id,
        ClientName="short",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        AccessTokenValidity=10,
        TokenValidityUnits={"AccessToken": "minutes"},
    )["UserPoolClient"]["ClientId"]
    claims = jwt.decode(
        sign_in(w.cognito, client_id)["AuthenticationResult"]["AccessToken"],
        options={"verify_signature": False},
    )
    return claims["exp"] - claims["iat"] == 600


def rotation_hands_out_a_new_refresh_token(w: World) -> bool:
    # A pool without device tracking: a tracked sign-in's refresh needs its confirmed device key.
    pool_id = w.cognito.create_user_pool(PoolName="rotation")["UserPool"]["Id"]
    w.cognito.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS")
    w.cognito.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    client_id = w.cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="rotating",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0},
    )["UserPoolClient"]["ClientId"]
    old = sign_in(w.cognito, client_id)["AuthenticationResult"]["RefreshToken"]
    answer = w.cognito.get_tokens_from_refresh_token(RefreshToken=old, ClientId=client_id)
    return answer["AuthenticationResult"]["RefreshToken"] != old


def confirmed_device_found(w: World) -> bool:
    secret, result = w.remembered_device()
    return not fails(
        lambda: w.cognito.get_device(AccessToken=result["AccessToken"], DeviceKey=secret.device_key)
    )


def id_token_has_aud(w: World) -> bool:
    return "aud" in jwt.decode(w.tokens()["IdToken"], options={"verify_signature": False})


def secret_hash_required(w: World) -> bool:
    client_id = w.cognito.create_user_pool_client(
        UserPoolId=w.pool_id,
        ClientName="secret",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return fails(lambda: sign_in(w.cognito, client_id))


def disabled_flow_refused(w: World) -> bool:
    client_id = w.cognito.create_user_pool_client(UserPoolId=w.pool_id, ClientName="default")[
        "UserPoolClient"
    ]["ClientId"]
    return fails(lambda: sign_in(w.cognito, client_id))


def _reset_by_code(w: World, password: str) -> str:
    """A user with a verified e-mail resets their password with the code ForgotPassword delivered;
    the code, for a second use."""
    w.cognito.admin_create_user(
        UserPoolId=w.pool_id,
        Username="dora",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "d@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    w.cognito.admin_set_user_password(
        UserPoolId=w.pool_id, Username="dora", Password=PASSWORD, Permanent=True
    )
    w.cognito.forgot_password(ClientId=w.client_id, Username="dora")
    code = w.app.outbox_messages(w.pool_id, "dora")[-1]["code"]
    w.cognito.confirm_forgot_password(
        ClientId=w.client_id, Username="dora", ConfirmationCode=code, Password=password
    )
    return code


def reset_code_single_use(w: World) -> bool:
    code = _reset_by_code(w, "New-Passw0rd!")
    return fails(
        lambda: w.cognito.confirm_forgot_password(
            ClientId=w.client_id, Username="dora", ConfirmationCode=code, Password="Other-Passw0rd!"
        )
    )


def lite_pool_refuses_email_otp(w: World) -> bool:
    return fails(
        lambda: w.cognito.create_user_pool(
            PoolName="lite",
            UserPoolTier="LITE",
            Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
        )
    )


def reset_replaces_password(w: World) -> bool:
    _reset_by_code(w, "New-Passw0rd!")
    old = lambda: sign_in(w.cognito, w.client_id, "dora")  # noqa: E731
    new = lambda: sign_in(w.cognito, w.client_id, "dora", "New-Passw0rd!")  # noqa: E731
    return fails(old) and not fails(new)


def email_otp_single_use(w: World) -> bool:
    pool_id = w.cognito.create_user_pool(
        PoolName="otp", Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
    )["UserPool"]["Id"]
    client_id = w.cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="choice", ExplicitAuthFlows=["ALLOW_USER_AUTH"]
    )["UserPoolClient"]["ClientId"]
    email = [{"Name": "email", "Value": "otp@example.com"}, {"Name": "email_verified", "Value": "true"}]
    w.cognito.admin_create_user(
        UserPoolId=pool_id, Username="olga", MessageAction="SUPPRESS", UserAttributes=email
    )
    w.cognito.admin_set_user_password(UserPoolId=pool_id, Username="olga", Password=PASSWORD, Permanent=True)
    challenge = w.cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "olga", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
    )
    code = w.app.outbox_messages(pool_id, "olga")[-1]["code"]
    answer = {
        "ClientId": client_id,
        "ChallengeName": "EMAIL_OTP",
        "Session": challenge["Session"],
        "ChallengeResponses": {"USERNAME": "olga", "EMAIL_OTP_CODE": code},
    }
    w.cognito.respond_to_auth_challenge(**answer)
    return fails(lambda: w.cognito.respond_to_auth_challenge(**answer))


def drop_aud(self: Any, *args: Any) -> dict[str, Any]:
    claims = CognitoService.id_token_claims(self, *args)
    del claims["aud"]
    return claims


def drop_client_id(self: Any, *args: Any) -> dict[str, Any]:
    claims = CognitoService.access_token_claims(self, *args)
    del claims["client_id"]
    return claims


def drop_user_status(self: Any, operation: str, result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "UserStatus"}


def sub_is_immutable(w: World) -> bool:
    return fails(
        lambda: w.cognito.admin_update_user_attributes(
            UserPoolId=w.pool_id,
            Username="alice",
            UserAttributes=[{"Name": "sub", "Value": "00000000-0000-4000-8000-000000000000"}],
        )
    )


def changed_email_is_unverified(w: World) -> bool:
    def set_email(value: str, verified: str | None = None) -> None:
        given = [{"Name": "email", "Value": value}]
        if verified:
            given.append({"Name": "email_verified", "Value": verified})
        w.cognito.admin_update_user_attributes(UserPoolId=w.pool_id, Username="alice", UserAttributes=given)

    set_email("alice@example.com", "true")
    set_email("alice.new@example.com")
    got = w.cognito.admin_get_user(UserPoolId=w.pool_id, Username="alice")
    return {a["Name"]: a["Value"] for a in got["UserAttributes"]}.get("email_verified") == "false"


def attribute_code_in_outbox(w: World) -> bool:
    w.cognito.admin_update_user_attributes(
        UserPoolId=w.pool_id,
        Username="alice",
        UserAttributes=[{"Name": "email", "Value": "alice@example.com"}],
    )
    w.cognito.get_user_attribute_verification_code(
        AccessToken=w.tokens()["AccessToken"], AttributeName="email"
    )
    sent = w.app.outbox_messages(w.pool_id, "alice")
    return any(m["purpose"] == "attribute-verification" for m in sent)


BREAKS: dict[str, tuple[Callable[[World], bool], Callable[..., Any]]] = {
    "password_matches": (wrong_password_refused, lambda self, user, password: True),
    "verify_password_claim": (srp_wrong_password_refused, lambda self, *args: None),
    "ensure_enabled": (disabled_user_refused, lambda self, user: None),
    "global_sign_out_user": (sign_out_revokes, lambda self, user: None),
    "forget_device_record": (forgotten_device_gone, lambda self, user, device: None),
    "verify_device_claim": (wrong_device_proof_refused, lambda self, *args: None),
    "consume_session": (session_single_use, lambda self, session: None),
    "refresh_issues_refresh_token": (refresh_keeps_refresh_token, lambda self: True),
    "filter_users": (filter_applied, lambda self, users, user_filter: users),
    "page_size": (page_within_limit, lambda self, limit, default: (limit or default) + 1),
    "access_token_claims": (access_token_has_client_id, drop_client_id),
    "shape_result": (admin_get_user_has_status, drop_user_status),
    "revoke_families": (revoke_token_revokes, lambda self, families, **_: None),
    "find_device": (confirmed_device_found, lambda self, user, device_key: None),
    "id_token_claims": (id_token_has_aud, drop_aud),
    "check_secret_hash": (secret_hash_required, lambda self, *args, **kwargs: None),
    "flow_error": (disabled_flow_refused, lambda self, client, flow: None),
    "token_lifetime": (access_token_lasts_as_configured, lambda self, client, kind, value, unit: 3600),
    "rotated_refresh_token": (rotation_hands_out_a_new_refresh_token, lambda self, submitted: submitted),
    "attribute_is_mutable": (sub_is_immutable, lambda self, entry: True),
    "verified_after_change": (changed_email_is_unverified, lambda self, attribute, marked: "true"),
    "send_attribute_code": (attribute_code_in_outbox, lambda self, *args: None),
    "spend_code": (reset_code_single_use, lambda self, user, purpose: None),
    "set_recovered_password": (reset_replaces_password, lambda self, pool, user, password: None),
    "choice_needs_essentials": (lite_pool_refuses_email_otp, lambda self, tier: False),
    "spend_otp": (email_otp_single_use, lambda self, session: None),
    "totp_step": (totp_code_checked, lambda self, secret, code: int(self.clock.now() // 30)),
    "totp_code_fresh": (totp_code_single_use, lambda self, user, step: True),
}


def test_every_hook_has_a_breaking_scenario() -> None:
    assert set(BREAKS) == set(HOOK_BEHAVIOURS)


@pytest.mark.parametrize("hook", sorted(BREAKS))
def test_one_hook_breaks_one_behaviour(hook: str) -> None:
    scenario, replacement = BREAKS[hook]
    assert scenario(World(ReferenceApp(clock=ManualClock()))), (
        f"the reference itself fails {scenario.__name__}"
    )
    broken_service = type(f"Broken_{hook}", (CognitoService,), {hook: replacement})
    broken_app = type(f"BrokenApp_{hook}", (ReferenceApp,), {"service_class": broken_service})
    assert not scenario(World(broken_app(clock=ManualClock()))), (
        f"overriding {hook} did not break {scenario.__name__}"
    )


def test_error_response_is_the_error_wire_hook() -> None:
    """A miniature answering the wrong error code overrides ReferenceApp.error_response."""

    class WrongCode(ReferenceApp):
        def error_response(self, error: Any) -> tuple[int, dict[str, str], bytes]:
            error.code = "InternalErrorException" if error.code == "ResourceNotFoundException" else error.code
            return super().error_response(error)

    for app, expected in (
        (ReferenceApp(), "ResourceNotFoundException"),
        (WrongCode(), "InternalErrorException"),
    ):
        with pytest.raises(ClientError) as caught:
            in_process_client(app).describe_user_pool(UserPoolId="us-east-1_missing00")
        assert caught.value.response["Error"]["Code"] == expected


def test_hooks_exist_on_the_service() -> None:
    for name in HOOKS:
        assert callable(getattr(CognitoService, name)), name


def test_overriding_one_hook_breaks_one_behaviour(clock: ManualClock) -> None:
    """The miniature pattern: subclass the service, override one hook, set ``service_class``."""

    class AcceptsAnyPassword(CognitoService):
        def password_matches(self, user: Any, password: str) -> bool:
            return True

    class BrokenApp(ReferenceApp):
        service_class = AcceptsAnyPassword

    cognito = in_process_client(BrokenApp(clock=clock))
    pool_id = cognito.create_user_pool(PoolName="broken")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    assert "AuthenticationResult" in sign_in(cognito, client_id, password="Wr0ng-Password!")
