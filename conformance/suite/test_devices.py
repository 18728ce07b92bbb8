"""Remembered devices: tracking, confirm, get, list, status, forget, and signing in with a device (§2, §12.1).

Run a subset: ``pytest conformance/suite/test_devices.py -k forget --endpoint=reference``.
moto and cognito-local implement no device operation: there these tests end as unsupported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jwt
import pytest

from conformance.divergence import CheckKind
from conformance.facts import fact
from conformance.flows import (
    AppClient,
    DeviceSecret,
    TestUser,
    confirm_new_device,
    device_sign_in,
    new_device_secret,
    password_sign_in,
    srp_sign_in,
    tokens,
)

pytestmark = pytest.mark.kind("srp-devices")

ALWAYS = {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False}
OPT_IN = {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": True}

NEW_DEVICE_METADATA = fact("devices.new-device-metadata")
# The steps of a plain SRP sign-in, judged by their own facts when a device test needs one.
SRP_CHALLENGE = fact("auth.srp-challenge")
VERIFIER_RIGHT = fact("auth.verifier-right")
DEVICE_KEY_FORMAT = fact("devices.device-key-format")
GROUP_KEY_FORMAT = fact("devices.group-key-format")
TRACKING_OFF = fact("devices.tracking-off")
CONFIRMATION_NECESSARY = fact("devices.confirmation-necessary")
DEVICE_ATTRIBUTES = fact("devices.device-attributes")
ONLY_REMEMBERED_LISTED = fact("devices.only-remembered-listed")
STATUS_UPDATE = fact("devices.status-update")
DEVICE_GONE = fact("devices.device-gone")
UNKNOWN_KEY_UPDATE = fact("devices.unknown-key-update")
FORGOTTEN_SIGN_IN = fact("devices.forgotten-sign-in")
KEY_KEPT = fact("devices.key-kept")
DEVICE_KEY_CLAIM = fact("devices.device-key-claim")
DEVICE_CHALLENGE = fact("devices.device-challenge")
WRONG_DEVICE_PROOF = fact("devices.wrong-device-proof")
INVALID_DEVICE_KEY = fact("devices.invalid-device-key")
TRACKING_DISABLED = fact("devices.tracking-disabled")
TRACKING_DISABLED_TEXT = fact("devices.tracking-disabled-text")
PAGINATION = fact("devices.pagination")
REFRESH_WITH_DEVICE = fact("devices.refresh-with-device")
ADMIN_DEVICE_METADATA = fact("devices.admin-device-metadata")
PASSWORD_FLOW_METADATA = fact("devices.password-flow-metadata")
SIGN_IN_FACT = fact("auth.tokens-issued")


@dataclass
class Tracked:
    """A user signed in on a device-tracking pool, with the device confirmed."""

    client: AppClient
    user: TestUser
    access_token: str
    refresh_token: str
    device_key: str
    secret: DeviceSecret


def _signed_in(check, flow, note: str = "") -> bool:
    """Whether an SRP sign-in got through, each failing step recorded under the fact of that step.

    A device test signs in first; an endpoint whose SRP fails diverges from the sign-in's facts
    (the challenge, the proof), not from the device fact the test is about.
    """
    if flow.answer is None:
        return check.succeeded(flow.challenge, SRP_CHALLENGE, note=note)
    return check.succeeded(flow.answer, VERIFIER_RIGHT, note=note)


def _sign_in_new_device(cognito, check, client, user):
    """SRP sign-in without a device key; returns the AuthenticationResult, or None after recording why."""
    flow = srp_sign_in(cognito, client, user)
    answer = flow.answer or flow.challenge
    if not _signed_in(check, flow, note="USER_SRP_AUTH on a device-tracking pool"):
        return None
    result = tokens(answer)
    if result is None or not check.present(
        answer, "$.AuthenticationResult.NewDeviceMetadata", NEW_DEVICE_METADATA
    ):
        return None
    # What the caller goes on with (the access token, the device's keys) must have its JSON type.
    check.read(answer, "$.AuthenticationResult.AccessToken", str)
    check.read(answer, "$.AuthenticationResult.RefreshToken", str, default="")
    check.read(answer, "$.AuthenticationResult.NewDeviceMetadata", dict, items=str)
    return result


def _track(cognito, check, make_user_pool, make_app_client, make_user, config=ALWAYS, *, name="phone"):
    created = make_user_pool(DeviceConfiguration=config)
    if not check.succeeded(created, NEW_DEVICE_METADATA, note="creating a device-tracking pool"):
        pytest.skip("the endpoint could not create a device-tracking pool")
    pool_id = created.body["UserPool"]["Id"]
    client = make_app_client(pool_id)
    user = make_user(pool_id)
    result = _sign_in_new_device(cognito, check, client, user)
    if result is None:
        pytest.skip("no device metadata to go on with")
    confirmed, secret = confirm_new_device(
        cognito, result["AccessToken"], result["NewDeviceMetadata"], name=name
    )
    if not check.succeeded(confirmed, CONFIRMATION_NECESSARY):
        pytest.skip("ConfirmDevice failed")
    return Tracked(
        client,
        user,
        result["AccessToken"],
        result.get("RefreshToken", ""),
        result["NewDeviceMetadata"]["DeviceKey"],
        secret,
    ), confirmed


@pytest.fixture
def track(cognito, check, make_user_pool, make_app_client, make_user):
    """``track(config=ALWAYS) -> Tracked``: called in the test body, so that a divergence on the way is the
    test's failure (not a set-up error)."""
    return lambda config=ALWAYS: _track(cognito, check, make_user_pool, make_app_client, make_user, config)[0]


def _attribute(response, path: str, name: str):
    found = None
    container = response.body
    for key in re.findall(r"\.(\w+)", path):
        container = container.get(key, {}) if isinstance(container, dict) else {}
    for attribute in container.get("DeviceAttributes", []) if isinstance(container, dict) else []:
        if attribute.get("Name") == name:
            found = attribute.get("Value")
    return found


@pytest.mark.fact(NEW_DEVICE_METADATA)
def test_sign_in_on_a_tracking_pool_returns_new_device_metadata(
    cognito, check, make_user_pool, make_app_client, make_user, endpoint
):
    """§2: a sign-in without DEVICE_KEY on a device-tracking pool returns NewDeviceMetadata in AWS's formats."""
    created = make_user_pool(DeviceConfiguration=ALWAYS)
    if not check.succeeded(created, NEW_DEVICE_METADATA):
        return
    pool_id = created.body["UserPool"]["Id"]
    check.equal(
        cognito.describe_user_pool(UserPoolId=pool_id),
        "$.UserPool.DeviceConfiguration",
        ALWAYS,
        NEW_DEVICE_METADATA,
        check="echo",
    )
    client, user = make_app_client(pool_id), make_user(pool_id)
    flow = srp_sign_in(cognito, client, user)
    answer = flow.answer or flow.challenge
    if not _signed_in(check, flow):
        return
    metadata = "$.AuthenticationResult.NewDeviceMetadata"
    check.matches(
        answer, f"{metadata}.DeviceKey", rf"{re.escape(endpoint.region)}_[0-9a-f-]{{36}}", DEVICE_KEY_FORMAT
    )
    check.matches(answer, f"{metadata}.DeviceGroupKey", r"-[0-9A-Za-z]{8}", GROUP_KEY_FORMAT)


@pytest.mark.fact(TRACKING_OFF)
def test_pool_without_tracking_returns_no_device_metadata(
    cognito, check, user_pool, make_app_client, make_user
):
    """§2: device remembering is on only when DeviceConfiguration is set; otherwise no NewDeviceMetadata."""
    client, user = make_app_client(user_pool), make_user(user_pool)
    flow = srp_sign_in(cognito, client, user)
    answer = flow.answer or flow.challenge
    if _signed_in(check, flow):
        check.absent(answer, "$.AuthenticationResult.NewDeviceMetadata", TRACKING_OFF)


@pytest.mark.fact(CONFIRMATION_NECESSARY)
@pytest.mark.parametrize(("config", "necessary"), [(ALWAYS, False), (OPT_IN, True)], ids=["always", "opt-in"])
def test_confirm_device_says_whether_the_user_must_confirm(
    cognito, check, make_user_pool, make_app_client, make_user, config, necessary
):
    """§2: UserConfirmationNecessary is false when the pool always remembers, true when users opt in."""
    _, confirmed = _track(cognito, check, make_user_pool, make_app_client, make_user, config)
    check.equal(confirmed, "$.UserConfirmationNecessary", necessary, CONFIRMATION_NECESSARY)


@pytest.mark.fact(DEVICE_ATTRIBUTES)
@pytest.mark.parametrize(
    ("config", "status"), [(ALWAYS, "remembered"), (OPT_IN, "not_remembered")], ids=["always", "opt-in"]
)
def test_get_device_and_admin_get_device_describe_the_confirmed_device(
    cognito, check, make_user_pool, make_app_client, make_user, config, status
):
    """§2: GetDevice and AdminGetDevice return the key, its name and its remembered status."""
    device, _ = _track(cognito, check, make_user_pool, make_app_client, make_user, config, name="my phone")
    own = cognito.get_device(AccessToken=device.access_token, DeviceKey=device.device_key)
    admin = cognito.admin_get_device(
        UserPoolId=device.client.pool_id, Username=device.user.username, DeviceKey=device.device_key
    )
    for response in (own, admin):
        if not check.succeeded(response, DEVICE_ATTRIBUTES):
            continue
        check.equal(response, "$.Device.DeviceKey", device.device_key, DEVICE_ATTRIBUTES, check="echo")
        for name, expected in (("dev:device_remembered_status", status), ("device_name", "my phone")):
            actual = _attribute(response, "$.Device", name)
            check.that(
                actual == expected,
                operation=response.operation,
                check=f"device.attribute.{name}",
                path=f"$.Device.DeviceAttributes[{name}]",
                expected=expected,
                actual=actual,
                fact=DEVICE_ATTRIBUTES,
                evidence=response.exchange,
            )
        check.present(response, "$.Device.DeviceCreateDate", DEVICE_ATTRIBUTES)
        check.present(response, "$.Device.DeviceLastModifiedDate", DEVICE_ATTRIBUTES)


def _listed_keys(check, response) -> list[str]:
    if not response.ok:
        return []
    return [d.get("DeviceKey") for d in check.read(response, "$.Devices", list, default=[], items=dict)]


@pytest.mark.fact(ONLY_REMEMBERED_LISTED)
def test_list_devices_lists_only_remembered_devices(
    cognito, check, make_user_pool, make_app_client, make_user
):
    """§12.1: in an opt-in pool ListDevices is empty until UpdateDeviceStatus(remembered), then lists the device."""
    device, _ = _track(cognito, check, make_user_pool, make_app_client, make_user, OPT_IN)
    pool, username = device.client.pool_id, device.user.username
    before = cognito.list_devices(AccessToken=device.access_token, Limit=60)
    admin_before = cognito.admin_list_devices(UserPoolId=pool, Username=username, Limit=60)
    for response in (before, admin_before):
        if check.succeeded(response, ONLY_REMEMBERED_LISTED):
            check.equal(response, "$.Devices", [], ONLY_REMEMBERED_LISTED, check="list.only-remembered")
    updated = cognito.update_device_status(
        AccessToken=device.access_token, DeviceKey=device.device_key, DeviceRememberedStatus="remembered"
    )
    if not check.succeeded(updated, STATUS_UPDATE):
        return
    after = cognito.list_devices(AccessToken=device.access_token, Limit=60)
    admin_after = cognito.admin_list_devices(UserPoolId=pool, Username=username, Limit=60)
    for response in (after, admin_after):
        if check.succeeded(response, ONLY_REMEMBERED_LISTED):
            check.that(
                _listed_keys(check, response) == [device.device_key],
                operation=response.operation,
                check="list.remembered-listed",
                path="$.Devices[*].DeviceKey",
                expected=[device.device_key],
                actual=_listed_keys(check, response),
                fact=ONLY_REMEMBERED_LISTED,
                evidence=response.exchange,
            )


@pytest.mark.fact(STATUS_UPDATE)
def test_update_device_status_changes_the_remembered_status(cognito, check, track):
    """§2: UpdateDeviceStatus / AdminUpdateDeviceStatus set dev:device_remembered_status."""
    tracked = track()
    steps = [
        (
            "not_remembered",
            lambda s: cognito.update_device_status(
                AccessToken=tracked.access_token, DeviceKey=tracked.device_key, DeviceRememberedStatus=s
            ),
        ),
        (
            "remembered",
            lambda s: cognito.admin_update_device_status(
                UserPoolId=tracked.client.pool_id,
                Username=tracked.user.username,
                DeviceKey=tracked.device_key,
                DeviceRememberedStatus=s,
            ),
        ),
    ]
    for status, update in steps:
        if not check.succeeded(update(status), STATUS_UPDATE):
            return
        described = cognito.get_device(AccessToken=tracked.access_token, DeviceKey=tracked.device_key)
        if check.succeeded(described, STATUS_UPDATE):
            actual = _attribute(described, "$.Device", "dev:device_remembered_status")
            check.that(
                actual == status,
                operation="GetDevice",
                check="device.status-updated",
                path="$.Device.DeviceAttributes[dev:device_remembered_status]",
                expected=status,
                actual=actual,
                fact=STATUS_UPDATE,
                evidence=described.exchange,
            )


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_KEY_UPDATE)
def test_forgotten_device_does_not_exist(cognito, check, track):
    """§2, §12.1: after ForgetDevice, GetDevice and UpdateDeviceStatus give ResourceNotFoundException."""
    tracked = track()
    forgotten = cognito.forget_device(AccessToken=tracked.access_token, DeviceKey=tracked.device_key)
    if not check.succeeded(forgotten, DEVICE_GONE):
        return
    check.equal(forgotten, "$", {}, DEVICE_GONE, check="empty-output")
    described = cognito.get_device(AccessToken=tracked.access_token, DeviceKey=tracked.device_key)
    check.error(described, "ResourceNotFoundException", DEVICE_GONE, message="Device does not exist.")
    updated = cognito.update_device_status(
        AccessToken=tracked.access_token, DeviceKey=tracked.device_key, DeviceRememberedStatus="remembered"
    )
    check.error(updated, "ResourceNotFoundException", UNKNOWN_KEY_UPDATE, message="Device does not exist.")


@pytest.mark.kind("errors")
@pytest.mark.fact(DEVICE_GONE)
def test_admin_forget_device_removes_it_from_admin_list_devices(cognito, check, track):
    """§12.1: a device forgotten with AdminForgetDevice vanishes from AdminListDevices and cannot be updated."""
    tracked = track()
    pool, username = tracked.client.pool_id, tracked.user.username
    forgotten = cognito.admin_forget_device(UserPoolId=pool, Username=username, DeviceKey=tracked.device_key)
    if not check.succeeded(forgotten, DEVICE_GONE):
        return
    listed = cognito.admin_list_devices(UserPoolId=pool, Username=username, Limit=60)
    if check.succeeded(listed, DEVICE_GONE):
        check.that(
            tracked.device_key not in _listed_keys(check, listed),
            operation="AdminListDevices",
            check="list.forgotten-absent",
            path="$.Devices[*].DeviceKey",
            expected="without the forgotten key",
            actual=_listed_keys(check, listed),
            fact=DEVICE_GONE,
            evidence=listed.exchange,
        )
    updated = cognito.admin_update_device_status(
        UserPoolId=pool, Username=username, DeviceKey=tracked.device_key, DeviceRememberedStatus="remembered"
    )
    check.error(updated, "ResourceNotFoundException", UNKNOWN_KEY_UPDATE, message="Device does not exist.")


@pytest.mark.kind("errors")
@pytest.mark.fact(FORGOTTEN_SIGN_IN)
def test_sign_in_with_a_forgotten_device_key_is_resource_not_found(cognito, check, track):
    """§12.1: signing in with a forgotten DEVICE_KEY fails at the PASSWORD_VERIFIER answer: "Device does not exist."."""
    tracked = track()
    forgotten = cognito.forget_device(AccessToken=tracked.access_token, DeviceKey=tracked.device_key)
    if not check.succeeded(forgotten, DEVICE_GONE):
        return
    flow = srp_sign_in(cognito, tracked.client, tracked.user, device_key=tracked.device_key)
    if not check.succeeded(
        flow.challenge, FORGOTTEN_SIGN_IN, note="USER_SRP_AUTH with the forgotten DEVICE_KEY"
    ):
        return
    if flow.answer is not None:
        check.error(
            flow.answer, "ResourceNotFoundException", FORGOTTEN_SIGN_IN, message="Device does not exist."
        )


@pytest.mark.fact(KEY_KEPT)
def test_sign_in_with_a_remembered_device_keeps_its_key(cognito, check, track):
    """§12.1: a sign-in that sends a remembered DEVICE_KEY gets no new device; the access token names the device."""
    tracked = track()
    sign_in = device_sign_in(cognito, tracked.client, tracked.user, tracked.secret)
    last = sign_in.last
    check.that(
        "DEVICE_SRP_AUTH" in sign_in.challenges(),
        operation=last.operation,
        check="device.challenge-issued",
        path="$.ChallengeName",
        expected="DEVICE_SRP_AUTH after PASSWORD_VERIFIER",
        actual=sign_in.challenges(),
        fact=DEVICE_CHALLENGE,
        kind=CheckKind.SRP_DEVICES,
        evidence=last.exchange,
    )
    if not check.succeeded(last, KEY_KEPT) or sign_in.result is None:
        return
    check.absent(last, "$.AuthenticationResult.NewDeviceMetadata", KEY_KEPT)
    claims = jwt.decode(
        check.read(last, "$.AuthenticationResult.AccessToken", str), options={"verify_signature": False}
    )
    check.that(
        claims.get("device_key") == tracked.device_key,
        operation=last.operation,
        check="token.device_key",
        path="$.AuthenticationResult.AccessToken#device_key",
        expected=tracked.device_key,
        actual=claims.get("device_key", "<absent>"),
        fact=DEVICE_KEY_CLAIM,
        kind=CheckKind.TOKENS,
        evidence=last.exchange,
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(WRONG_DEVICE_PROOF)
def test_wrong_device_proof_is_not_authorized(cognito, check, track):
    """§12.1: DEVICE_PASSWORD_VERIFIER signed with another device password: "Incorrect username or password."."""
    tracked = track()
    impostor = new_device_secret(tracked.secret.device_group_key, tracked.device_key)
    sign_in = device_sign_in(
        cognito, tracked.client, tracked.user, tracked.secret, device_secret_override=impostor
    )
    if "DEVICE_PASSWORD_VERIFIER" not in sign_in.challenges():
        pytest.skip(
            "the endpoint asked for no device proof (whether AWS does without MFA is UNVERIFIED, §12.1)"
        )
    check.error(
        sign_in.last, "NotAuthorizedException", WRONG_DEVICE_PROOF, message="Incorrect username or password."
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_KEY_UPDATE)
def test_another_users_device_does_not_exist_for_them(cognito, check, track, make_user):
    """§12.1: a device key unknown to the caller (another user's) gives ResourceNotFoundException."""
    tracked = track()
    other = make_user(tracked.client.pool_id)
    flow = srp_sign_in(cognito, tracked.client, other)
    result = tokens(flow.answer)
    if result is None:
        _signed_in(check, flow, note="signing in the second user")
        return
    updated = cognito.update_device_status(
        AccessToken=check.read(flow.answer, "$.AuthenticationResult.AccessToken", str),
        DeviceKey=tracked.device_key,
        DeviceRememberedStatus="not_remembered",
    )
    check.error(updated, "ResourceNotFoundException", UNKNOWN_KEY_UPDATE, message="Device does not exist.")


@pytest.mark.kind("errors")
@pytest.mark.fact(INVALID_DEVICE_KEY)
def test_confirm_device_with_an_unknown_key_is_invalid(cognito, check, track, endpoint):
    """§2, §12.1: ConfirmDevice with a key not issued to this sign-in: "Invalid device key given."."""
    tracked = track()
    key = f"{endpoint.region}_00000000-0000-4000-8000-000000000000"
    secret = new_device_secret(tracked.secret.device_group_key, key)
    confirmed = cognito.confirm_device(
        AccessToken=tracked.access_token,
        DeviceKey=key,
        DeviceName="ghost",
        DeviceSecretVerifierConfig=secret.verifier_config(),
    )
    check.error(
        confirmed, "InvalidParameterException", INVALID_DEVICE_KEY, message="Invalid device key given."
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(TRACKING_DISABLED)
def test_list_devices_on_a_pool_without_tracking_is_a_configuration_error(
    cognito, check, user_pool, make_app_client, make_user
):
    """§12.1: device operations on a pool without device tracking: InvalidUserPoolConfigurationException."""
    client, user = make_app_client(user_pool), make_user(user_pool)
    flow = srp_sign_in(cognito, client, user)
    result = tokens(flow.answer)
    if result is None:
        _signed_in(check, flow)
        return
    listed = cognito.list_devices(
        AccessToken=check.read(flow.answer, "$.AuthenticationResult.AccessToken", str), Limit=60
    )
    check.error(
        listed,
        "InvalidUserPoolConfigurationException",
        TRACKING_DISABLED,
        message="Device tracking is not enabled.",
        message_fact=TRACKING_DISABLED_TEXT,
    )


@pytest.mark.fact(PAGINATION)
def test_list_devices_pages_with_limit(cognito, check, track):
    """§2: ListDevices with Limit=1 pages through every remembered device once, each page within Limit."""
    tracked = track()
    second = srp_sign_in(cognito, tracked.client, tracked.user)  # no DEVICE_KEY: a second device
    result = tokens(second.answer)
    if result is None or "NewDeviceMetadata" not in result:
        _signed_in(check, second, note="signing in on a second device")
        return
    check.read(second.answer, "$.AuthenticationResult.AccessToken", str)
    check.read(second.answer, "$.AuthenticationResult.NewDeviceMetadata", dict, items=str)
    confirmed, _ = confirm_new_device(
        cognito, result["AccessToken"], result["NewDeviceMetadata"], name="tablet"
    )
    if not check.succeeded(confirmed, PAGINATION):
        return
    wanted = {tracked.device_key, result["NewDeviceMetadata"]["DeviceKey"]}
    seen: list[str] = []
    token = None
    for _ in range(10):
        page = cognito.list_devices(
            AccessToken=tracked.access_token, Limit=1, **({"PaginationToken": token} if token else {})
        )
        if not check.succeeded(page, PAGINATION):
            return
        keys = _listed_keys(check, page)
        check.that(
            len(keys) <= 1,
            operation="ListDevices",
            check="pagination.page-size",
            path="$.Devices",
            expected="at most Limit (1) devices",
            actual=len(keys),
            fact=PAGINATION,
            evidence=page.exchange,
        )
        seen.extend(keys)
        token = check.read(page, "$.PaginationToken", str, default=None)
        if not token:
            break
    check.that(
        sorted(seen) == sorted(wanted),
        operation="ListDevices",
        check="pagination.complete",
        path="$.Devices[*].DeviceKey",
        expected=sorted(wanted),
        actual=sorted(seen),
        fact=PAGINATION,
    )


@pytest.mark.kind("semantics")
@pytest.mark.fact(REFRESH_WITH_DEVICE)
def test_refresh_with_the_confirmed_device_key_succeeds(cognito, check, track):
    """§2: with device remembering on, REFRESH_TOKEN_AUTH with the confirmed DEVICE_KEY returns new tokens."""
    tracked = track()
    parameters = {"REFRESH_TOKEN": tracked.refresh_token, "DEVICE_KEY": tracked.device_key}
    refreshed = cognito.initiate_auth(
        ClientId=tracked.client.client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=parameters
    )
    if check.succeeded(refreshed, REFRESH_WITH_DEVICE):
        check.present(refreshed, "$.AuthenticationResult.AccessToken", REFRESH_WITH_DEVICE)


# --- device tracking without SRP ----------------------------------------------------------------------
# An endpoint whose SRP fails never reaches the device checks above; a password sign-in on a
# device-tracking pool returns NewDeviceMetadata too (§2: any sign-in without DEVICE_KEY), so the
# device behaviour is judged on its own.


@pytest.mark.parametrize("admin", [False, True], ids=["user-password", "admin-user-password"])
@pytest.mark.fact(PASSWORD_FLOW_METADATA)
def test_password_sign_in_on_a_tracking_pool_returns_new_device_metadata(
    cognito, check, make_user_pool, make_app_client, make_user, endpoint, admin
):
    """§2: USER_PASSWORD_AUTH on a device-tracking pool returns NewDeviceMetadata (AdminInitiateAuth:
    UNVERIFIED, the guide says admin flows do not track devices), and the device can be confirmed."""
    created = make_user_pool(DeviceConfiguration=ALWAYS)
    if not check.succeeded(created, PASSWORD_FLOW_METADATA, note="creating a device-tracking pool"):
        return
    pool_id = created.body["UserPool"]["Id"]
    client = make_app_client(
        pool_id, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )
    user = make_user(pool_id)
    answer = password_sign_in(cognito, client, user, admin=admin)
    fact_ = ADMIN_DEVICE_METADATA if admin else PASSWORD_FLOW_METADATA
    if not check.succeeded(answer, SIGN_IN_FACT):
        return
    metadata = "$.AuthenticationResult.NewDeviceMetadata"
    if not check.present(answer, metadata, fact_):
        return
    check.matches(
        answer, f"{metadata}.DeviceKey", rf"{re.escape(endpoint.region)}_[0-9a-f-]{{36}}", DEVICE_KEY_FORMAT
    )
    check.matches(answer, f"{metadata}.DeviceGroupKey", r"-[0-9A-Za-z]{8}", GROUP_KEY_FORMAT)
    result = tokens(answer) or {}
    new_device = result.get("NewDeviceMetadata")
    if not isinstance(new_device, dict) or not result.get("AccessToken"):
        return
    confirmed, _ = confirm_new_device(cognito, result["AccessToken"], new_device, name="password-phone")
    if check.succeeded(confirmed, CONFIRMATION_NECESSARY):
        check.equal(confirmed, "$.UserConfirmationNecessary", False, CONFIRMATION_NECESSARY)


FORGET_DEVICE = fact("devices.forget-device")


@pytest.mark.parametrize("admin", [False, True], ids=["forget-device", "admin-forget-device"])
@pytest.mark.fact(FORGET_DEVICE)
def test_forget_device_answers_nothing(cognito, check, track, admin):
    """§2: ForgetDevice and AdminForgetDevice of a confirmed device succeed with an empty answer."""
    tracked = track()
    if admin:
        forgotten = cognito.admin_forget_device(
            UserPoolId=tracked.client.pool_id, Username=tracked.user.username, DeviceKey=tracked.device_key
        )
    else:
        forgotten = cognito.forget_device(AccessToken=tracked.access_token, DeviceKey=tracked.device_key)
    if check.succeeded(forgotten, FORGET_DEVICE):
        check.equal(forgotten, "$", {}, FORGET_DEVICE, check="empty-output")


@pytest.mark.kind("errors")
@pytest.mark.parametrize("admin", [False, True], ids=["get-device", "admin-get-device"])
@pytest.mark.fact(UNKNOWN_KEY_UPDATE)
def test_get_device_of_unknown_key_is_not_found(cognito, check, track, endpoint, admin):
    """§12.1: GetDevice and AdminGetDevice of a key never issued give ResourceNotFoundException
    "Device does not exist."."""
    tracked = track()
    unknown = f"{endpoint.region}_00000000-0000-4000-8000-000000000000"
    if admin:
        described = cognito.admin_get_device(
            UserPoolId=tracked.client.pool_id, Username=tracked.user.username, DeviceKey=unknown
        )
    else:
        described = cognito.get_device(AccessToken=tracked.access_token, DeviceKey=unknown)
    check.error(described, "ResourceNotFoundException", UNKNOWN_KEY_UPDATE, message="Device does not exist.")
