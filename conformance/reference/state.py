"""The reference's in-memory state: pools, app clients, users, devices, sessions and token families."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from conformance.reference.tokens import PoolKeys


@dataclass
class Device:
    """A tracked device (docs/facts.md §2)."""

    key: str
    group_key: str
    created: float
    modified: float
    #: set by ConfirmDevice; an unconfirmed device exists only as NewDeviceMetadata handed out.
    confirmed: bool = False
    #: ``remembered`` / ``not_remembered`` (UpdateDeviceStatus); only meaningful once confirmed.
    remembered: bool = False
    name: str | None = None
    last_authenticated: float | None = None
    last_ip: str | None = None
    verifier: int | None = None
    salt: bytes | None = None


@dataclass
class User:
    """A user of a pool (docs/facts.md §8)."""

    username: str
    sub: str
    attributes: dict[str, str]
    status: str
    created: float
    modified: float
    enabled: bool = True
    password: str | None = None
    temporary_password_expires: float | None = None
    confirmation_code: str | None = None
    confirmation_code_expires: float = 0.0
    reset_code: str | None = None
    reset_code_expires: float = 0.0
    failed_attempts: int = 0
    locked_until: float = 0.0
    last_failure: float = 0.0
    device_group_key: str | None = None
    devices: dict[str, Device] = field(default_factory=dict)
    #: (password, salt, verifier): the SRP verifier is derived once per password (§1).
    srp_verifier: tuple[str, bytes, int] | None = None
    #: origin_jti of every sign-in, for GlobalSignOut and AdminDisableUser (§6).
    families: list[str] = field(default_factory=list)
    #: email / phone_number values waiting for VerifyUserAttribute in a pool whose
    #: AttributesRequireVerificationBeforeUpdate names them (facts:attributes.verify-before-update).
    pending_attributes: dict[str, str] = field(default_factory=dict)
    #: attribute -> (code, expiry) of the verification codes sent for it (service/attributes.py).
    attribute_codes: dict[str, tuple[str, float]] = field(default_factory=dict)
    #: when ResendConfirmationCode was asked in the last hour (facts:signup.resend-limit).
    resend_requests: list[float] = field(default_factory=list)
    #: the user's MFA (reference/service/mfa.py): the factors they turned on (``SMS_MFA``,
    #: ``SOFTWARE_TOKEN_MFA``, ``EMAIL_OTP``) and the preferred one, as AdminGetUser lists them.
    mfa_enabled: list[str] = field(default_factory=list)
    mfa_preferred: str | None = None
    #: the verified TOTP secret and its friendly name; ``totp_pending`` is associated, not verified.
    totp_secret: str | None = None
    totp_name: str | None = None
    totp_pending: str | None = None
    #: the TOTP time step of the last code accepted: a code answers once (facts:mfa.totp-reuse).
    totp_last_step: int = -1


@dataclass
class AppClient:
    """An app client; ``settings`` holds what DescribeUserPoolClient returns beyond ids and dates."""

    client_id: str
    name: str
    secret: str | None
    created: float
    modified: float
    settings: dict[str, Any]


@dataclass
class Pool:
    """A user pool; ``settings`` holds the updatable CreateUserPool/UpdateUserPool members as sent."""

    pool_id: str
    name: str
    arn: str
    created: float
    modified: float
    settings: dict[str, Any]
    fixed: dict[str, Any]
    schema: list[dict[str, Any]]
    clients: dict[str, AppClient] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    #: SetUserPoolMfaConfig's factor settings beyond MfaConfiguration (which lives in ``settings``,
    #: being a CreateUserPool/UpdateUserPool member too): ``SoftwareTokenMfaConfiguration``,
    #: ``SmsMfaConfiguration``, ``EmailMfaConfiguration`` as last set (reference/service/mfa.py).
    mfa: dict[str, Any] = field(default_factory=dict)
    keys: PoolKeys = field(default_factory=PoolKeys)
    #: seeds the simulated SRP answers for unknown users (§1: "the same salt and an internal user
    #: ID in UUID format for the same user name and user pool combination").
    simulation_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))


@dataclass
class AuthSession:
    """Server state behind a Session string (docs/facts.md §3)."""

    challenge: str
    pool_id: str
    client_id: str
    username: str
    created: float
    expires: float
    admin: bool
    used: bool = False
    device_key: str | None = None
    #: the SrpServer of a DEVICE_PASSWORD_VERIFIER step and the SRP_A it answered.
    srp_server: Any = None
    srp_a: str | None = None
    secret_block: str | None = None
    #: an MFA step (reference/service/mfa.py): the code sent by SMS or e-mail, the factors a
    #: SELECT_MFA_TYPE offers, and for MFA_SETUP whether a software token was verified in it.
    code: str | None = None
    choices: tuple[str, ...] = ()
    totp_verified: bool = False
    #: the one-time code an EMAIL_OTP / SMS_OTP first-factor challenge sent (reference/service/choice.py).
    otp_code: str | None = None


@dataclass
class SrpExchange:
    """Server state behind a PASSWORD_VERIFIER SECRET_BLOCK (no Session: §1, §12.2)."""

    pool_id: str
    client_id: str
    username: str
    user_id_for_srp: str
    srp_a: str
    server: Any
    created: float
    expires: float
    admin: bool
    simulated: bool = False
    used: bool = False


@dataclass
class TokenFamily:
    """One sign-in: its refresh token and the access tokens minted from it share ``origin_jti`` (§5)."""

    origin_jti: str
    pool_id: str
    client_id: str
    username: str
    sub: str
    auth_time: int
    refresh_token: str
    refresh_expires: float
    device_key: str | None = None
    refresh_revoked: bool = False
    access_revoked: bool = False


@dataclass
class PageCursor:
    """Where a ListUsers / ListDevices / ListUserPools page chain continues."""

    scope: tuple[Any, ...]
    offset: int
    expires: float
