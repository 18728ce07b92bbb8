"""Remembered devices: ConfirmDevice, Get/List/UpdateStatus/Forget and their admin twins (docs/facts.md §2, §12.1)."""

from __future__ import annotations

from dataclasses import replace

from conformance.expect import (
    at_most_items,
    attributes,
    equal,
    present,
    subset_items,
)
from conformance.facts import Fact, fact
from conformance.oracle import facts
from conformance.oracle.core import Transition, pool_or_refusal, refuse, unchanged, user_not_found
from conformance.oracle.model import (
    Call,
    Device,
    Pool,
    Prediction,
    State,
    User,
    fails,
    put,
    succeeds,
    unknown,
)
from conformance.oracle.tokens import authorize

REMEMBERED = "remembered"


def _tracking_refusal(pool: Pool) -> Prediction | None:
    if pool.tracks_devices:
        return None
    # §12.1 (likely): the exception; its text is still UNVERIFIED.
    return fails(
        "InvalidUserPoolConfigurationException",
        None,
        facts.TRACKING_OFF,
        "the pool does not track devices",
        message_fact=facts.TRACKING_OFF_TEXT,
    )


def _by_token(state: State, call: Call) -> tuple[Pool, User] | Prediction:
    found = authorize(state, call.param("AccessToken"))
    if isinstance(found, Prediction):
        return found
    sign_in, user = found
    if sign_in.after_sign_out:
        return unknown("tokens of a sign-in right after a sign-out (§6, UNVERIFIED)")
    pool = state.pools[user.pool_id]
    return _tracking_refusal(pool) or (pool, user)


def _by_name(state: State, call: Call) -> tuple[Pool, User] | Prediction:
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return pool
    user = state.user(pool.pool_id, call.param("Username"))
    if user is None:
        return user_not_found()
    if not user.in_sync:
        return unknown("the model lost track of this user")
    return _tracking_refusal(pool) or (pool, user)


def _device_of(
    state: State, user: User, key: str | None, fact: Fact = facts.DEVICE_DOES_NOT_EXIST
) -> Device | Prediction:
    """The user's confirmed device, or the documented refusal (§2, §12.1: "Device does not exist.")."""
    device = state.devices.get(key or "")
    missing = fails("ResourceNotFoundException", "Device does not exist.", fact, "no such device")
    if device is None or device.forgotten:
        return missing
    if device.username != user.username or device.pool_id != user.pool_id:
        return replace(missing, fact=facts.DEVICE_OF_ANOTHER_USER, message_fact=facts.DEVICE_OF_ANOTHER_USER)
    if not device.confirmed:
        return unknown("a device key that was issued but never confirmed (UNVERIFIED)")
    return device


def confirm_device(state: State, call: Call) -> Transition:
    """ConfirmDevice: remember the device now, or after the user's opt-in (§2 [BC ConfirmDeviceResponse])."""
    found = _by_token(state, call)
    if isinstance(found, Prediction):
        return refuse(state, found)
    pool, user = found
    sign_in = state.sign_in_by_access_token(call.param("AccessToken"))
    device = state.devices.get(call.param("DeviceKey") or "")
    if device is None or sign_in is None or device.issued_to != sign_in.handle:
        return refuse(
            state,
            fails(
                "InvalidParameterException",
                "Invalid device key given.",
                facts.CONFIRM_DEVICE_WRONG_KEY,
                "the key was not issued to this token's sign-in",
            ),
            user,
        )
    if device.confirmed or device.forgotten:
        return refuse(
            state, unknown("confirming a device twice (DeviceKeyExistsException text UNVERIFIED)"), user
        )
    prompt = pool.remembers_only_on_prompt
    config = call.param("DeviceSecretVerifierConfig") or {}
    confirmed = replace(
        device,
        confirmed=True,
        remembered=not prompt,
        name=call.param("DeviceName"),
        verifier=config.get("PasswordVerifier"),
    )
    return Transition(
        succeeds(
            facts.CONFIRM_DEVICE,
            "the device is confirmed",
            equal("$.UserConfirmationNecessary", prompt, facts.CONFIRM_DEVICE, "confirmation-necessary"),
        ),
        lambda _answer: replace(state, devices=put(state.devices, device.key, confirmed)),
        ((user.pool_id, user.username),),
    )


def _get(state: State, found: tuple[Pool, User] | Prediction, key: str | None) -> Transition:
    if isinstance(found, Prediction):
        return refuse(state, found)
    _, user = found
    device = _device_of(state, user, key)
    if isinstance(device, Prediction):
        return refuse(state, device, user)
    wanted: dict[str, str | None] = {
        "device_status": "valid",
        "dev:device_remembered_status": REMEMBERED if device.remembered else "not_remembered",
    }
    if device.name is not None:
        wanted["device_name"] = device.name
    return Transition(
        succeeds(
            facts.DEVICE_ATTRIBUTES,
            "the device is described",
            equal("$.Device.DeviceKey", device.key, facts.DEVICE_ATTRIBUTES, "echo"),
            attributes("$.Device.DeviceAttributes", wanted, facts.DEVICE_ATTRIBUTES),
            present("$.Device.DeviceCreateDate", facts.DEVICE_ATTRIBUTES),
        ),
        unchanged(state),
        ((user.pool_id, user.username),),
    )


def get_device(state: State, call: Call) -> Transition:
    """GetDevice: one of the caller's devices, with its remembered status (§2 [CLI get-device])."""
    return _get(state, _by_token(state, call), call.param("DeviceKey"))


def admin_get_device(state: State, call: Call) -> Transition:
    """AdminGetDevice: the same for a named user (§2 [CLI admin-get-device])."""
    return _get(state, _by_name(state, call), call.param("DeviceKey"))


def remembered_devices(state: State, user: User) -> frozenset[str]:
    """The keys a complete ListDevices listing returns: remembered devices only (§12.1, settled)."""
    return frozenset(
        d.key
        for d in state.devices.values()
        if d.pool_id == user.pool_id
        and d.username == user.username
        and d.confirmed
        and d.remembered
        and not d.forgotten
    )


def _list(state: State, found: tuple[Pool, User] | Prediction, call: Call) -> Transition:
    if isinstance(found, Prediction):
        return refuse(state, found)
    _, user = found
    expects = [
        present("$.Devices", facts.LIST_ONLY_REMEMBERED),
        subset_items("$.Devices", "DeviceKey", remembered_devices(state, user), facts.LIST_ONLY_REMEMBERED),
    ]
    limit = call.param("Limit")
    if isinstance(limit, int) and limit > 0:
        expects.append(at_most_items("$.Devices", limit, fact("devices.list-page-limit")))
    return Transition(
        succeeds(facts.LIST_ONLY_REMEMBERED, "a page of the remembered devices", *expects),
        unchanged(state),
        ((user.pool_id, user.username),),
    )


def list_devices(state: State, call: Call) -> Transition:
    """ListDevices: the caller's remembered devices, a page at a time (§2, §12.1)."""
    return _list(state, _by_token(state, call), call)


def admin_list_devices(state: State, call: Call) -> Transition:
    """AdminListDevices: the same for a named user (§2, §12.1)."""
    return _list(state, _by_name(state, call), call)


def _update(state: State, found: tuple[Pool, User] | Prediction, call: Call) -> Transition:
    if isinstance(found, Prediction):
        return refuse(state, found)
    _, user = found
    device = _device_of(state, user, call.param("DeviceKey"), facts.DEVICE_DOES_NOT_EXIST)
    if isinstance(device, Prediction):
        return refuse(state, device, user)
    updated = replace(device, remembered=call.param("DeviceRememberedStatus") == REMEMBERED)
    return Transition(
        succeeds(
            facts.UPDATE_DEVICE_STATUS,
            "the remembered status changes",
            equal("$", {}, facts.UPDATE_DEVICE_STATUS, "empty"),
        ),
        lambda _answer: replace(state, devices=put(state.devices, device.key, updated)),
        ((user.pool_id, user.username),),
    )


def update_device_status(state: State, call: Call) -> Transition:
    """UpdateDeviceStatus: remembered or not_remembered, without deleting the device (§2 [BC])."""
    return _update(state, _by_token(state, call), call)


def admin_update_device_status(state: State, call: Call) -> Transition:
    """AdminUpdateDeviceStatus: the same for a named user (§12.1 [repost: AdminUpdateDeviceStatus])."""
    return _update(state, _by_name(state, call), call)


def _forget(state: State, found: tuple[Pool, User] | Prediction, call: Call) -> Transition:
    if isinstance(found, Prediction):
        return refuse(state, found)
    _, user = found
    device = _device_of(state, user, call.param("DeviceKey"))
    if isinstance(device, Prediction):
        return refuse(state, device, user)
    return Transition(
        succeeds(
            facts.FORGET_DEVICE, "the device is forgotten", equal("$", {}, facts.FORGET_DEVICE, "empty")
        ),
        lambda _answer: replace(
            state, devices=put(state.devices, device.key, replace(device, forgotten=True))
        ),
        ((user.pool_id, user.username),),
    )


def forget_device(state: State, call: Call) -> Transition:
    """ForgetDevice: the device can no longer sign in (§2 [BC])."""
    return _forget(state, _by_token(state, call), call)


def admin_forget_device(state: State, call: Call) -> Transition:
    """AdminForgetDevice: the device can no longer sign in (§2 [BC AdminForgetDevice])."""
    return _forget(state, _by_name(state, call), call)
