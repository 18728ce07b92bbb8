"""The oracle's entry points: predict, step, observe, and self-description for reports.

``step(state, call) -> (prediction, next_state)`` is the pure model (Porcupine's ``Step``); the
next state holds placeholders where AWS generates values. ``observe(state, call, answer)`` is what
a machine calls after the endpoint answered: the same transition, fed with the answer, so the state
learns the ids, tokens, sessions and device keys the endpoint generated. When the answer
contradicts a firm prediction, the users at stake go out of sync and the oracle stops predicting
for them (a known divergence must not cascade into a hundred more).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from conformance.oracle import (
    attributes,
    auth,
    choice,
    clients,
    devices,
    groups,
    mfa,
    pools,
    signup,
    tokens,
    users,
)
from conformance.oracle.core import Transition
from conformance.oracle.model import Answer, Call, Prediction, State, Verdict, frozen, unknown

Operation = Callable[[State, Call], Transition]

#: operation name (as in the model) -> the function that encodes what AWS does, from the module of
#: the operation's area (conformance/areas.py): ``oracle/<area>.py`` or the ``oracle/<area>/`` package.
OPERATIONS: dict[str, Operation] = {
    "CreateUserPool": pools.create_user_pool,
    "DescribeUserPool": pools.describe_user_pool,
    "UpdateUserPool": pools.update_user_pool,
    "DeleteUserPool": pools.delete_user_pool,
    "ListUserPools": pools.list_user_pools,
    "CreateUserPoolClient": clients.create_user_pool_client,
    "DescribeUserPoolClient": clients.describe_user_pool_client,
    "UpdateUserPoolClient": clients.update_user_pool_client,
    "DeleteUserPoolClient": clients.delete_user_pool_client,
    "ListUserPoolClients": clients.list_user_pool_clients,
    "AdminCreateUser": users.admin_create_user,
    "AdminSetUserPassword": users.admin_set_user_password,
    "AdminGetUser": users.admin_get_user,
    "AdminDisableUser": users.admin_disable_user,
    "AdminEnableUser": users.admin_enable_user,
    "AdminDeleteUser": users.admin_delete_user,
    "ListUsers": users.list_users,
    "SignUp": signup.sign_up,
    "ConfirmSignUp": signup.confirm_sign_up,
    "AdminConfirmSignUp": signup.admin_confirm_sign_up,
    "ResendConfirmationCode": signup.resend_confirmation_code,
    "ForgotPassword": signup.forgot_password,
    "ConfirmForgotPassword": signup.confirm_forgot_password,
    "AdminResetUserPassword": signup.admin_reset_user_password,
    "ChangePassword": signup.change_password,
    "DeleteUser": signup.delete_user,
    "InitiateAuth": auth.initiate_auth,
    "AdminInitiateAuth": auth.admin_initiate_auth,
    "RespondToAuthChallenge": auth.respond_to_auth_challenge,
    "AdminRespondToAuthChallenge": auth.admin_respond_to_auth_challenge,
    "GetUser": tokens.get_user,
    "GlobalSignOut": tokens.global_sign_out,
    "AdminUserGlobalSignOut": tokens.admin_user_global_sign_out,
    "RevokeToken": tokens.revoke_token,
    "GetTokensFromRefreshToken": tokens.get_tokens_from_refresh_token,
    "ConfirmDevice": devices.confirm_device,
    "GetDevice": devices.get_device,
    "AdminGetDevice": devices.admin_get_device,
    "ListDevices": devices.list_devices,
    "AdminListDevices": devices.admin_list_devices,
    "UpdateDeviceStatus": devices.update_device_status,
    "AdminUpdateDeviceStatus": devices.admin_update_device_status,
    "ForgetDevice": devices.forget_device,
    "AdminForgetDevice": devices.admin_forget_device,
    "CreateGroup": groups.create_group,
    "GetGroup": groups.get_group,
    "ListGroups": groups.list_groups,
    "UpdateGroup": groups.update_group,
    "DeleteGroup": groups.delete_group,
    "AdminAddUserToGroup": groups.admin_add_user_to_group,
    "AdminRemoveUserFromGroup": groups.admin_remove_user_from_group,
    "ListUsersInGroup": groups.list_users_in_group,
    "AdminListGroupsForUser": groups.admin_list_groups_for_user,
    "AdminUpdateUserAttributes": attributes.admin_update_user_attributes,
    "AdminDeleteUserAttributes": attributes.admin_delete_user_attributes,
    "UpdateUserAttributes": attributes.update_user_attributes,
    "DeleteUserAttributes": attributes.delete_user_attributes,
    "GetUserAttributeVerificationCode": attributes.get_user_attribute_verification_code,
    "VerifyUserAttribute": attributes.verify_user_attribute,
    "AddCustomAttributes": attributes.add_custom_attributes,
    "SetUserPoolMfaConfig": mfa.set_user_pool_mfa_config,
    "GetUserPoolMfaConfig": mfa.get_user_pool_mfa_config,
    "AssociateSoftwareToken": mfa.associate_software_token,
    "VerifySoftwareToken": mfa.verify_software_token,
    "SetUserMFAPreference": mfa.set_user_mfa_preference,
    "AdminSetUserMFAPreference": mfa.admin_set_user_mfa_preference,
    "GetUserAuthFactors": choice.get_user_auth_factors,
}


def initial_state(region: str = "us-east-1") -> State:
    """The empty state: no pools, no users, nothing signed in."""
    return State(region=region)


def transition(state: State, call: Call) -> Transition:
    operation = OPERATIONS.get(call.operation)
    if operation is None:
        return Transition(unknown(f"{call.operation} is not modelled"), lambda _answer: state)
    return operation(state, call)


def predict(state: State, call: Call) -> Prediction:
    """What AWS answers to ``call`` in ``state``."""
    return transition(state, call).prediction


def step(state: State, call: Call) -> tuple[Prediction, State]:
    """The prediction and the state it implies (generated values are placeholders)."""
    state = replace(state, created=())
    result = transition(state, call)
    if result.prediction.verdict is Verdict.UNKNOWN:
        return result.prediction, state
    return result.prediction, result.then(None)


def agrees(prediction: Prediction, answer: Answer) -> bool:
    """Whether the answer has the predicted outcome (success, or the predicted error code)."""
    if prediction.verdict is Verdict.UNKNOWN:
        return True
    if prediction.verdict is Verdict.SUCCESS:
        return answer.ok
    return not answer.ok and answer.error_code == prediction.error_code


def observe(state: State, call: Call, answer: Answer) -> State:
    """The state after the endpoint answered ``call`` with ``answer`` (``state`` is the state before).

    The transition learns from the answer. When the answer contradicts a firm prediction the
    users at stake go out of sync; an UNVERIFIED prediction that the endpoint answered otherwise
    is not a contradiction (AWS may do either), so the state follows the answer.
    """
    cleared = replace(state, created=())
    result = transition(cleared, call)
    prediction = result.prediction
    if agrees(prediction, answer) or not prediction.confidence.is_hard:
        if answer.ok or prediction.verdict is Verdict.ERROR:
            return result.then(answer)
        return cleared
    return lose_track(cleared, result.users)


def lose_track(state: State, at_stake: tuple[tuple[str, str], ...]) -> State:
    """Stop predicting for these users: the endpoint and the model no longer agree on them."""
    if not at_stake:
        return state
    users = dict(state.users)
    for key in at_stake:
        if key in users:
            users[key] = replace(users[key], in_sync=False)
    return replace(state, users=frozen(users))


_HIDDEN_PARAMS = frozenset(
    {
        "Password",
        "TemporaryPassword",
        "ProposedPassword",
        "PreviousPassword",
        "AccessToken",
        "Session",
        "ClientSecret",
        "Token",
    }
)
_HIDDEN_AUTH = frozenset(
    {
        "PASSWORD",
        "NEW_PASSWORD",
        "SRP_A",
        "SECRET_HASH",
        "REFRESH_TOKEN",
        "PASSWORD_CLAIM_SIGNATURE",
        "PASSWORD_CLAIM_SECRET_BLOCK",
    }
)


def describe_call(call: Call) -> str:
    """``AdminDisableUser(UserPoolId='us-east-1_x', Username='u1')``, secrets shown as ``<hidden>``."""
    parts = []
    for key, value in call.params.items():
        if key in _HIDDEN_PARAMS:
            shown = "<hidden>"
        elif isinstance(value, dict) and key in ("AuthParameters", "ChallengeResponses"):
            shown = (
                "{"
                + ", ".join(f"{k}: {'<hidden>' if k in _HIDDEN_AUTH else repr(v)}" for k, v in value.items())
                + "}"
            )
        elif key == "DeviceSecretVerifierConfig":
            shown = "<hidden>"
        else:
            shown = repr(value)
        parts.append(f"{key}={shown}")
    suffix = ""
    if call.proof is not None:
        suffix = " [proof: forged]" if call.proof.forged else " [proof: computed]"
    return f"{call.operation}({', '.join(parts)}){suffix}"


def describe_state(state: State) -> str:
    """A few lines for a report: pools, clients, users, challenges, sign-ins, devices (no secrets)."""
    lines = []
    for pool in state.pools.values():
        tracking = "devices tracked" if pool.tracks_devices else "no device tracking"
        lines.append(f"pool {pool.pool_id} {pool.name!r} ({tracking})")
    for client in state.clients.values():
        flows = ",".join(client.explicit_auth_flows or ("<default>",))
        secret = " with secret" if client.secret else ""
        lines.append(f"client {client.client_id}{secret} flows {flows}")
    for user in state.users.values():
        if user.deleted:
            lines.append(f"user {user.username}: deleted")
            continue
        flags = [user.status, "enabled" if user.enabled else "disabled"]
        if not user.in_sync:
            flags.append("out of sync")
        if user.failed_attempts:
            flags.append(f"{user.failed_attempts} failed attempts")
        lines.append(f"user {user.username}: {', '.join(flags)}")
    for session in state.sessions.values():
        lines.append(
            f"{session.handle}: {session.challenge} for {session.username}{' (used)' if session.used else ''}"
        )
    for exchange in state.exchanges.values():
        used = " (used)" if exchange.used else ""
        lines.append(f"{exchange.handle}: PASSWORD_VERIFIER for {exchange.username}{used}")
    for sign_in in state.sign_ins.values():
        flags = []
        if sign_in.access_revoked:
            flags.append("access revoked")
        if sign_in.refresh_revoked:
            flags.append("refresh revoked")
        if sign_in.uncertain:
            flags.append("uncertain")
        shown = f" ({', '.join(flags)})" if flags else ""
        lines.append(f"{sign_in.handle}: tokens of {sign_in.username}{shown}")
    for device in state.devices.values():
        if device.forgotten:
            status = "forgotten"
        elif not device.confirmed:
            status = "not confirmed"
        else:
            status = "remembered" if device.remembered else "not remembered"
        lines.append(f"device {device.key} of {device.username}: {status}")
    return "\n".join(lines)
