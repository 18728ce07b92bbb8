"""Devices: the device a sign-in creates, ConfirmDevice, reading, listing, updating, forgetting (§2)."""

from __future__ import annotations

import base64
from typing import Any

from conformance.reference import ids
from conformance.reference.errors import CognitoError, device_not_found, invalid_parameter, user_not_found
from conformance.reference.service.common import ServiceBase, aws_timestamp
from conformance.reference.state import Device, Pool, User


class DevicesMixin(ServiceBase):
    """The device operations; ``_new_device`` is the device a sign-in on a tracking pool creates."""

    OPERATIONS: tuple[str, ...] = (
        "ConfirmDevice",
        "GetDevice",
        "AdminGetDevice",
        "ListDevices",
        "AdminListDevices",
        "UpdateDeviceStatus",
        "AdminUpdateDeviceStatus",
        "ForgetDevice",
        "AdminForgetDevice",
    )

    def _new_device(self, user: User) -> Device:
        if user.device_group_key is None:
            # UNVERIFIED: one device group per user.
            user.device_group_key = ids.device_group_key()
        now = self.clock.now()
        device = Device(
            key=ids.device_key(self.region),
            group_key=user.device_group_key,
            created=now,
            modified=now,
            last_authenticated=float(int(now)),
            last_ip=self.source_ip,
        )
        user.devices[device.key] = device
        return device

    @staticmethod
    def _require_tracking(pool: Pool) -> None:
        if pool.settings.get("DeviceConfiguration") is None:
            # §12.1 (likely) the exception type; the text is still UNVERIFIED.
            raise CognitoError("InvalidUserPoolConfigurationException", "Device tracking is not enabled.")

    def device_record(self, pool: Pool, user: User, device: Device, *, detailed: bool) -> dict[str, Any]:
        """A DeviceType: ListDevices attributes, plus the ``dev:`` ones for (Admin)GetDevice (§2 [CLI])."""
        attributes = [{"Name": "device_status", "Value": "valid"}]
        if device.name is not None:
            attributes.append({"Name": "device_name", "Value": device.name})
        if detailed:
            owner = f"{user.username}.{pool.pool_id}"
            attributes += [
                {
                    "Name": "dev:device_arn",
                    "Value": f"arn:aws:cognito-idp:{self.region}:{self.account_id}:owner/{owner}/device/{device.key}",
                },
                {"Name": "dev:device_owner", "Value": owner},
                {
                    "Name": "dev:device_remembered_status",
                    "Value": "remembered" if device.remembered else "not_remembered",
                },
                {"Name": "dev:device_sdk", "Value": "aws-sdk"},
            ]
        if device.last_ip is not None:
            attributes.append({"Name": "last_ip_used", "Value": device.last_ip})
        record: dict[str, Any] = {
            "DeviceKey": device.key,
            "DeviceAttributes": attributes,
            "DeviceCreateDate": aws_timestamp(device.created),
            "DeviceLastModifiedDate": aws_timestamp(device.modified),
        }
        if device.last_authenticated is not None:
            # §2 [CLI]: whole seconds.
            record["DeviceLastAuthenticatedDate"] = float(int(device.last_authenticated))
        return record

    def _token_user(self, token: str) -> tuple[Pool, User, dict[str, Any]]:
        pool, user, claims, _ = self.access_context(token)
        self._require_tracking(pool)
        return pool, user, claims

    def _admin_device_user(
        self, req: dict[str, Any], *, declares_user_not_found: bool = True
    ) -> tuple[Pool, User]:
        pool = self.pool(req["UserPoolId"])
        user = self.find_user(pool, req["Username"])
        if user is None:
            if declares_user_not_found:
                raise user_not_found()
            # AdminGetDevice and AdminListDevices declare no UserNotFoundException [BC]; the reference
            # answers ResourceNotFoundException with the same text (UNVERIFIED).
            raise CognitoError("ResourceNotFoundException", "User does not exist.")
        self._require_tracking(pool)
        return pool, user

    def _existing_device(self, user: User, device_key: str) -> Device:
        device = self.find_device(user, device_key)
        if device is None:
            raise device_not_found()
        return device

    def confirm_device(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user, claims = self._token_user(req["AccessToken"])
        device = user.devices.get(req["DeviceKey"])
        if device is None or claims.get("device_key") != device.key:
            # §12.1 (likely): a key not issued to this token's sign-in.
            raise invalid_parameter("Invalid device key given.")
        if device.confirmed:
            # §7 [BC] lists DeviceKeyExistsException; the text is UNVERIFIED.
            raise CognitoError("DeviceKeyExistsException", "Device key already exists.")
        config = req.get("DeviceSecretVerifierConfig") or {}
        try:
            # §2: both are standard base64 of the raw bytes.
            verifier = int.from_bytes(base64.b64decode(config["PasswordVerifier"], validate=True), "big")
            salt = base64.b64decode(config["Salt"], validate=True)
        except (KeyError, ValueError):
            # UNVERIFIED text: the reference needs a verifier to run device SRP later.
            raise invalid_parameter("Invalid device secret verifier config.") from None
        if verifier <= 0 or not salt:
            raise invalid_parameter("Invalid device secret verifier config.")
        prompt = bool(pool.settings["DeviceConfiguration"].get("DeviceOnlyRememberedOnUserPrompt", False))
        now = self.clock.now()
        device.confirmed = True
        device.remembered = not prompt  # §2 [BC DeviceConfigurationType]
        device.verifier, device.salt = verifier, salt
        device.name = req.get("DeviceName")
        device.modified = now
        # §2 [BC ConfirmDeviceResponse]: true when the user must opt in.
        return {"UserConfirmationNecessary": prompt}

    def get_device(self, req: dict[str, Any]) -> dict[str, Any]:
        # The model makes AccessToken optional; without one no device owner is known (text UNVERIFIED).
        pool, user, _ = self._token_user(req.get("AccessToken") or "")
        return {
            "Device": self.device_record(
                pool, user, self._existing_device(user, req["DeviceKey"]), detailed=True
            )
        }

    def admin_get_device(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user = self._admin_device_user(req, declares_user_not_found=False)
        return {
            "Device": self.device_record(
                pool, user, self._existing_device(user, req["DeviceKey"]), detailed=True
            )
        }

    def _list_devices(self, pool: Pool, user: User, req: dict[str, Any]) -> dict[str, Any]:
        # §12.1 (settled): only remembered devices are listed.
        devices = [d for d in user.devices.values() if self.find_device(user, d.key) is d and d.remembered]
        # Default Limit and Limit=0 are still UNVERIFIED; AWS clients always send 60 (§12.1).
        size = self.page_size(req.get("Limit"), 60)
        page, token = self._page(
            ("devices", pool.pool_id, user.username), devices, req.get("PaginationToken"), size
        )
        result: dict[str, Any] = {
            "Devices": [self.device_record(pool, user, d, detailed=False) for d in page]
        }
        if token:
            result["PaginationToken"] = token
        return result

    def list_devices(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user, _ = self._token_user(req["AccessToken"])
        return self._list_devices(pool, user, req)

    def admin_list_devices(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user = self._admin_device_user(req, declares_user_not_found=False)
        return self._list_devices(pool, user, req)

    def _update_status(self, user: User, req: dict[str, Any]) -> dict[str, Any]:
        # §12.1 (settled): an unknown or forgotten key is "Device does not exist."
        device = self._existing_device(user, req["DeviceKey"])
        device.remembered = req.get("DeviceRememberedStatus") == "remembered"
        device.modified = self.clock.now()
        return {}

    def update_device_status(self, req: dict[str, Any]) -> dict[str, Any]:
        _, user, _ = self._token_user(req["AccessToken"])
        return self._update_status(user, req)

    def admin_update_device_status(self, req: dict[str, Any]) -> dict[str, Any]:
        _, user = self._admin_device_user(req)
        return self._update_status(user, req)

    def forget_device(self, req: dict[str, Any]) -> dict[str, Any]:
        user: User | None
        if req.get("AccessToken"):
            _, user, _ = self._token_user(req["AccessToken"])
        else:
            # §2 [BC ForgetDeviceRequest]: AccessToken is optional; the key alone names the device.
            user = next(
                (u for p in self.pools.values() for u in p.users.values() if req["DeviceKey"] in u.devices),
                None,
            )
            if user is None:
                raise device_not_found()
        self.forget_device_record(user, self._existing_device(user, req["DeviceKey"]))
        return {}

    def admin_forget_device(self, req: dict[str, Any]) -> dict[str, Any]:
        _, user = self._admin_device_user(req)
        self.forget_device_record(user, self._existing_device(user, req["DeviceKey"]))
        return {}
