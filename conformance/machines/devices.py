"""Remembered devices: confirm, read, list, update status, forget, and sign in with them (§2, §12.1)."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, precondition, rule

from conformance import redact
from conformance.crypto.srp import DeviceSecret, DeviceSrpClient, UserSrpClient, new_device_secret
from conformance.divergence import CheckKind
from conformance.flows import AppClient, new_password
from conformance.machines.base import CognitoMachine, MachineRun
from conformance.oracle import Proof, State
from conformance.oracle import facts as F
from conformance.oracle.devices import remembered_devices


class RememberedDevices(CognitoMachine):
    """Users of a device-tracking pool signing in with USER_SRP_AUTH and managing their devices."""

    kind = CheckKind.SRP_DEVICES
    users = Bundle("users")
    devices = Bundle("devices")

    def __init__(self, run: MachineRun, state: State, pool_id: str, client: AppClient) -> None:
        super().__init__(run, state)
        self.pool_id = pool_id
        self.client = client
        self.secrets: dict[str, DeviceSecret] = {}
        self.forgotten: set[str] = set()
        self.first_user: str | None = None

    def _first_user(self) -> str | None:
        if self.first_user is None:
            created = self.admin_create_user()
            self.first_user = created if isinstance(created, str) else ""
        return self.first_user or None

    @initialize(target=users)
    def admin_create_user_to_begin(self):
        """Every example starts with a confirmed user..."""
        user = self._first_user()
        return user if user else multiple()

    @initialize(target=devices)
    def initiate_auth_to_begin(self):
        """... who has signed in once, so that a new device key is there to confirm."""
        user = self._first_user()
        return self.initiate_auth(user, None) if user else multiple()

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
        return username

    # -- sign-in ----------------------------------------------------------------------------------

    def _respond(self, name: str, responses: dict, session: str | None, proof: Proof | None = None):
        hashed = self.client.secret_hash(responses["USERNAME"])
        if hashed:
            responses["SECRET_HASH"] = hashed
        params = {"ClientId": self.client.client_id, "ChallengeName": name, "ChallengeResponses": responses}
        if session:
            params["Session"] = session
        return self.perform("RespondToAuthChallenge", params, proof)

    @rule(target=devices, user=users, device=st.none() | devices)
    def initiate_auth(self, user: str, device: str | None):
        """USER_SRP_AUTH, with a remembered device's DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER when asked (§2)."""
        self.step_taken()
        known = self.state.user(self.pool_id, user)
        if known is None or self.skips("InitiateAuth:USER_SRP_AUTH"):
            return multiple()
        if device is not None and (device not in self.secrets and device not in self.forgotten):
            device = None  # a key never confirmed: its sign-in is UNVERIFIED, sign in without it
        srp = UserSrpClient(self.pool_id, known.password)
        parameters = self.client.auth_parameters(user, SRP_A=srp.srp_a_hex())
        if device:
            parameters["DEVICE_KEY"] = device
        self.annotate_srp_start(srp, self.client, self.pool_id, known.password, parameters)
        challenge = self.perform(
            "InitiateAuth",
            {"ClientId": self.client.client_id, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": parameters},
        )
        body = challenge.body if challenge.ok and isinstance(challenge.body, dict) else {}
        if body.get("ChallengeName") != "PASSWORD_VERIFIER":
            return multiple()
        try:
            responses = srp.answer_password_verifier(body.get("ChallengeParameters") or {})
        except ValueError:
            return multiple()
        redact.register(responses["PASSWORD_CLAIM_SIGNATURE"])
        if device:
            responses["DEVICE_KEY"] = device
        extra = {"DEVICE_KEY": device} if device else {}
        self.annotate_srp_answer(srp, self.client, body.get("ChallengeParameters") or {}, extra, None)
        answer = self._respond(
            "PASSWORD_VERIFIER", responses, body.get("Session"), Proof(password=known.password)
        )
        body = answer.body if answer.ok and isinstance(answer.body, dict) else {}
        if body.get("ChallengeName") == "DEVICE_SRP_AUTH" and device in self.secrets:
            device_srp = DeviceSrpClient(self.secrets[device], username=known.username)
            device_name = self.cognito.log.name(device_srp, "dsrp")
            secret_name = self.cognito.log.name(self.secrets[device], "dev")
            self.cognito.log.annotate(
                setup=[
                    (f"{device_name} = DeviceSrpClient({secret_name}, username={{0}})", (known.username,))
                ],
                params={
                    "ChallengeResponses": (f"{device_name}.answer_device_srp_auth({{0}})", (known.username,))
                },
            )
            step = self._respond("DEVICE_SRP_AUTH", device_srp.answer_device_srp_auth(), body.get("Session"))
            body = step.body if step.ok and isinstance(step.body, dict) else {}
            if body.get("ChallengeName") != "DEVICE_PASSWORD_VERIFIER":
                return multiple()
            try:
                responses = device_srp.answer_device_password_verifier(body.get("ChallengeParameters") or {})
            except ValueError:
                return multiple()
            redact.register(responses["PASSWORD_CLAIM_SIGNATURE"])
            verifier = self.secrets[device].verifier_config()["PasswordVerifier"]
            self.cognito.log.annotate(
                params={
                    "ChallengeResponses": (
                        f"{device_name}.answer_device_password_verifier({{r}}['ChallengeParameters'])",
                        (),
                    )
                }
            )
            self._respond(
                "DEVICE_PASSWORD_VERIFIER", responses, body.get("Session"), Proof(device_verifier=verifier)
            )
        return multiple(
            *[h for h in self.state.created if not h.startswith(("signin", "session", "challenge"))]
        )

    def _token_of(self, username: str) -> str | None:
        """The latest live access token of a user (device operations authorise with it)."""
        for sign_in in reversed(list(self.state.sign_ins.values())):
            if sign_in.username == username and not sign_in.access_revoked and not sign_in.uncertain:
                return sign_in.access_tokens[-1]
        return None

    # -- device operations ------------------------------------------------------------------------

    @rule(device=devices, own_sign_in=st.sampled_from([True, True, True, False]))
    def confirm_device(self, device: str, own_sign_in: bool):
        """ConfirmDevice with the token of the sign-in that got the key, or another one (§2, §12.1)."""
        self.step_taken()
        known = self.state.devices.get(device)
        if known is None or known.confirmed or known.forgotten:
            return
        sign_in = self.state.sign_ins.get(known.issued_to or "")
        if own_sign_in and sign_in is not None:
            token = sign_in.access_tokens[-1]
        else:
            others = [
                s
                for s in self.state.sign_ins.values()
                if s.handle != known.issued_to and not s.access_revoked
            ]
            if not others:
                return
            token = others[-1].access_tokens[-1]
        secret = new_device_secret(known.group_key, known.key)
        config = secret.verifier_config()
        redact.register(secret.password)
        redact.register(config["PasswordVerifier"], config["Salt"])
        variable = self.cognito.log.name(secret, "dev")
        self.cognito.log.annotate(
            setup=[(f"{variable} = new_device_secret({{0}}, {{1}})", (known.group_key, known.key))],
            params={"DeviceSecretVerifierConfig": (f"{variable}.verifier_config()", ())},
        )
        response = self.perform(
            "ConfirmDevice",
            {
                "AccessToken": token,
                "DeviceKey": device,
                "DeviceName": f"{self.prefix}-device",
                "DeviceSecretVerifierConfig": config,
            },
        )
        if response.ok:
            self.secrets[device] = secret

    @rule(device=devices, admin=st.booleans())
    def get_device(self, device: str, admin: bool):
        """GetDevice / AdminGetDevice: the remembered status; a forgotten key does not exist (§2)."""
        self.step_taken()
        known = self.state.devices.get(device)
        if known is None or not (known.confirmed or known.forgotten):
            return
        if admin:
            self.perform(
                "AdminGetDevice",
                {"UserPoolId": self.pool_id, "Username": known.username, "DeviceKey": device},
            )
            return
        token = self._token_of(known.username)
        if token is not None:
            self.perform("GetDevice", {"AccessToken": token, "DeviceKey": device})

    @rule(user=users, admin=st.booleans(), limit=st.integers(min_value=1, max_value=2))
    def list_devices(self, user: str, admin: bool, limit: int):
        """ListDevices / AdminListDevices to exhaustion: the remembered devices, each once (§12.1)."""
        self.step_taken()
        known = self.state.user(self.pool_id, user)
        if known is None or not known.in_sync:
            return
        if admin:
            listed = self.paginate(
                "AdminListDevices", {"UserPoolId": self.pool_id, "Username": user, "Limit": limit}, "Devices"
            )
            operation = "AdminListDevices"
        else:
            token = self._token_of(user)
            if token is None:
                return
            listed = self.paginate("ListDevices", {"AccessToken": token, "Limit": limit}, "Devices")
            operation = "ListDevices"
        if listed is None:
            return
        keys = [d.get("DeviceKey") for d in listed if isinstance(d, dict)]
        expected = remembered_devices(self.state, known)
        self.agree(
            len(keys) == len(set(keys)) and set(keys) == expected,
            operation=operation,
            check="pagination.union",
            path="$.Devices",
            expected=sorted(expected),
            actual=keys,
            fact=F.LIST_ONLY_REMEMBERED,
        )

    @rule(device=devices, remembered=st.booleans(), admin=st.booleans())
    def update_device_status(self, device: str, remembered: bool, admin: bool):
        """UpdateDeviceStatus / AdminUpdateDeviceStatus; a forgotten key does not exist (§12.1)."""
        self.step_taken()
        known = self.state.devices.get(device)
        if known is None or not (known.confirmed or known.forgotten):
            return
        status = "remembered" if remembered else "not_remembered"
        if admin:
            self.perform(
                "AdminUpdateDeviceStatus",
                {
                    "UserPoolId": self.pool_id,
                    "Username": known.username,
                    "DeviceKey": device,
                    "DeviceRememberedStatus": status,
                },
            )
            return
        token = self._token_of(known.username)
        if token is not None:
            self.perform(
                "UpdateDeviceStatus",
                {"AccessToken": token, "DeviceKey": device, "DeviceRememberedStatus": status},
            )

    @rule(device=devices, admin=st.booleans())
    def forget_device(self, device: str, admin: bool):
        """ForgetDevice / AdminForgetDevice: the device no longer signs in (§2)."""
        self.step_taken()
        known = self.state.devices.get(device)
        if known is None or not (known.confirmed or known.forgotten):
            return
        if admin:
            self.perform(
                "AdminForgetDevice",
                {"UserPoolId": self.pool_id, "Username": known.username, "DeviceKey": device},
            )
        else:
            token = self._token_of(known.username)
            if token is None:
                return
            self.perform("ForgetDevice", {"AccessToken": token, "DeviceKey": device})
        if self.state.devices[device].forgotten:
            self.forgotten.add(device)
            self.secrets.pop(device, None)

    @invariant()
    def forgotten_devices_are_never_remembered(self):
        """§2: after ForgetDevice the device is gone for good; the model never lists it again."""
        for key in self.forgotten:
            device = self.state.devices[key]
            assert device.forgotten, f"{key} came back"
