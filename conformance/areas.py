"""The API areas: one list that names the rooms of the reference, the oracle, the machines and the suite.

An operation lives under the same area name everywhere: ``reference/service/<area>.py``,
``oracle/<area>.py`` (or ``oracle/<area>/``), ``machines/<area>.py`` and
``suite/test_<area>*.py``. Reports group by these areas too. The grouping follows the sections of
the Cognito API reference's action list, with sign-in split from the token lifecycle because the
two are tested apart (a token is judged by every operation that takes one).

This module is plain data at the bottom of the house: it imports nothing of the project.
"""

from __future__ import annotations

#: area -> (title shown in reports, the operations it holds).
AREAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pools": (
        "User pools",
        ("CreateUserPool", "DescribeUserPool", "UpdateUserPool", "DeleteUserPool", "ListUserPools"),
    ),
    "clients": (
        "App clients",
        (
            "CreateUserPoolClient",
            "DescribeUserPoolClient",
            "UpdateUserPoolClient",
            "DeleteUserPoolClient",
            "ListUserPoolClients",
        ),
    ),
    "users": (
        "Users",
        (
            "AdminCreateUser",
            "AdminSetUserPassword",
            "AdminGetUser",
            "AdminEnableUser",
            "AdminDisableUser",
            "AdminDeleteUser",
            "ListUsers",
        ),
    ),
    "signup": (
        "Sign-up and password recovery",
        (
            "SignUp",
            "ConfirmSignUp",
            "AdminConfirmSignUp",
            "ResendConfirmationCode",
            "ForgotPassword",
            "ConfirmForgotPassword",
            "ChangePassword",
            "AdminResetUserPassword",
            "DeleteUser",
        ),
    ),
    "auth": (
        "Sign-in and challenges",
        ("InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge"),
    ),
    "tokens": (
        "Tokens and sign-out",
        ("GetUser", "GlobalSignOut", "AdminUserGlobalSignOut", "RevokeToken", "GetTokensFromRefreshToken"),
    ),
    "devices": (
        "Devices",
        (
            "ConfirmDevice",
            "GetDevice",
            "AdminGetDevice",
            "ListDevices",
            "AdminListDevices",
            "UpdateDeviceStatus",
            "AdminUpdateDeviceStatus",
            "ForgetDevice",
            "AdminForgetDevice",
        ),
    ),
    "groups": (
        "Groups",
        (
            "CreateGroup",
            "GetGroup",
            "ListGroups",
            "UpdateGroup",
            "DeleteGroup",
            "AdminAddUserToGroup",
            "AdminRemoveUserFromGroup",
            "AdminListGroupsForUser",
            "ListUsersInGroup",
        ),
    ),
    "attributes": (
        "Attributes and verification",
        (
            "AdminUpdateUserAttributes",
            "UpdateUserAttributes",
            "AdminDeleteUserAttributes",
            "DeleteUserAttributes",
            "GetUserAttributeVerificationCode",
            "VerifyUserAttribute",
            "AddCustomAttributes",
        ),
    ),
    "mfa": (
        "MFA",
        (
            "SetUserPoolMfaConfig",
            "GetUserPoolMfaConfig",
            "AssociateSoftwareToken",
            "VerifySoftwareToken",
            "SetUserMFAPreference",
            "AdminSetUserMFAPreference",
        ),
    ),
    "choice": ("Choice-based sign-in", ("GetUserAuthFactors",)),
}

#: operation -> area, for every operation an area holds.
OPERATION_AREA: dict[str, str] = {
    operation: area for area, (_, operations) in AREAS.items() for operation in operations
}


def area_of(operation: str) -> str | None:
    """The area an operation belongs to, or None for an operation outside the covered surface."""
    return OPERATION_AREA.get(operation)


def area_of_module(module: str) -> str | None:
    """The area a suite module tests, from its name: ``conformance.suite.test_auth_admin`` -> ``auth``;
    None for a module of several areas (the stateful machines)."""
    head = module.rsplit(".", 1)[-1].removeprefix("test_").split("_", 1)[0]
    return head if head in AREAS else None


def title_of(area: str) -> str:
    """The human title of an area (``"devices"`` -> ``"Devices"``)."""
    return AREAS[area][0]
