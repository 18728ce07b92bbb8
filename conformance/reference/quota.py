"""Opt-in request-rate quotas: TooManyRequestsException past Cognito's per-category rates (§11).

docs/facts.md §11.1: each category has one pooled rate per account and Region, across all
pools; categories marked ³ also cap any single operation at 5 RPS per user pool; answers to
NEW_PASSWORD_REQUIRED count toward UserAccountRecovery; other challenge answers first use a separate
allowance of 3 x the UserAuthentication rate and only the excess counts against that rate.
§11.2: HTTP 400 ``TooManyRequestsException`` "Rate exceeded" (the exact text is 3P).
Not modelled: the fixed per-user rates (10/s read and write) and the per-user-per-hour limits,
whose error is UNVERIFIED.
"""

from __future__ import annotations

import collections
import threading
from typing import Any

from conformance.reference.clock import Clock
from conformance.reference.errors import CognitoError

#: category -> (requests per second, operations) [DG quotas], for the operations the reference serves.
CATEGORIES: dict[str, tuple[int, tuple[str, ...]]] = {
    "UserAuthentication": (
        120,
        (
            "InitiateAuth",
            "AdminInitiateAuth",
            "RespondToAuthChallenge",
            "AdminRespondToAuthChallenge",
            "GetTokensFromRefreshToken",
        ),
    ),
    "UserCreation": (50, ("SignUp", "ConfirmSignUp", "AdminCreateUser", "AdminConfirmSignUp")),
    "UserAccountRecovery": (
        30,
        (
            "ChangePassword",
            "AdminSetUserPassword",
            "AdminResetUserPassword",
            "ForgotPassword",
            "ConfirmForgotPassword",
        ),
    ),
    # GetUserAuthFactors is not in the quotas table (§11.1: UNVERIFIED); it reads one user as its
    # admin twin AdminGetUserAuthFactors does, which is listed in UserRead.
    "UserRead": (120, ("AdminGetUser", "GetUser", "GetUserAuthFactors")),
    "UserUpdate": (
        25,
        (
            "AdminDeleteUser",
            "AdminDisableUser",
            "AdminEnableUser",
            "AdminUserGlobalSignOut",
            "GlobalSignOut",
            "AdminAddUserToGroup",
            "AdminRemoveUserFromGroup",
            "AdminUpdateUserAttributes",
            "AdminDeleteUserAttributes",
            "UpdateUserAttributes",
            "DeleteUserAttributes",
            "VerifyUserAttribute",
            "DeleteUser",
        ),
    ),
    "UserToken": (120, ("RevokeToken",)),
    "UserResourceRead": (
        50,
        (
            "AdminGetDevice",
            "AdminListDevices",
            "GetDevice",
            "ListDevices",
            "ResendConfirmationCode",
            "AdminListGroupsForUser",
            "GetUserAttributeVerificationCode",
        ),
    ),
    "UserResourceUpdate": (
        25,
        (
            "ConfirmDevice",
            "ForgetDevice",
            "AdminForgetDevice",
            "UpdateDeviceStatus",
            "AdminUpdateDeviceStatus",
            "SetUserMFAPreference",
            "AdminSetUserMFAPreference",
            "AssociateSoftwareToken",
            "VerifySoftwareToken",
        ),
    ),
    "UserList": (30, ("ListUsers", "ListUsersInGroup")),
    "UserPoolRead": (15, ("DescribeUserPool", "ListUserPools")),
    "UserPoolUpdate": (15, ("CreateUserPool", "UpdateUserPool", "DeleteUserPool")),
    "UserPoolResourceRead": (20, ("GetGroup", "ListGroups", "GetUserPoolMfaConfig")),
    "UserPoolResourceUpdate": (
        15,
        ("CreateGroup", "UpdateGroup", "DeleteGroup", "AddCustomAttributes", "SetUserPoolMfaConfig"),
    ),
    "UserPoolClientRead": (15, ("DescribeUserPoolClient", "ListUserPoolClients")),
    "UserPoolClientUpdate": (15, ("CreateUserPoolClient", "UpdateUserPoolClient", "DeleteUserPoolClient")),
}
#: ³ categories: any one operation is also capped at 5 RPS for a single user pool.
PER_POOL_CATEGORIES = frozenset(
    {"UserPoolClientRead", "UserPoolClientUpdate", "UserPoolResourceRead", "UserPoolResourceUpdate"}
)
PER_POOL_RPS = 5
CHALLENGE_ALLOWANCE_FACTOR = 3
CATEGORY_OF = {op: name for name, (_, ops) in CATEGORIES.items() for op in ops}


class QuotaLimiter:
    """Sliding one-second windows per category (and per pool for ³ categories).

    Args:
        clock: the time source (a ManualClock makes the windows deterministic in tests).
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._windows: dict[tuple[Any, ...], collections.deque[float]] = collections.defaultdict(
            collections.deque
        )
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()

    def _take(self, key: tuple[Any, ...], rate: int, now: float) -> bool:
        window = self._windows[key]
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= rate:
            return False
        window.append(now)
        return True

    @staticmethod
    def category(operation: str, body: dict[str, Any]) -> str | None:
        """The quota category a call counts toward (None for operations outside the table)."""
        if (
            operation in ("RespondToAuthChallenge", "AdminRespondToAuthChallenge")
            and body.get("ChallengeName") == "NEW_PASSWORD_REQUIRED"
        ):
            return "UserAccountRecovery"
        return CATEGORY_OF.get(operation)

    def admit(self, operation: str, body: dict[str, Any]) -> None:
        """Count one call, or refuse it.

        Raises:
            CognitoError: TooManyRequestsException "Rate exceeded" when a rate is exceeded.
        """
        category = self.category(operation, body)
        if category is None:
            return
        rate = CATEGORIES[category][0]
        now = self.clock.now()
        with self._lock:
            if category in PER_POOL_CATEGORIES:
                pool_key = ("pool", category, operation, str(body.get("UserPoolId")))
                if not self._take(pool_key, PER_POOL_RPS, now):
                    raise CognitoError("TooManyRequestsException", "Rate exceeded")
            if category == "UserAuthentication" and operation.endswith("RespondToAuthChallenge"):
                allowance = CATEGORIES["UserAuthentication"][0] * CHALLENGE_ALLOWANCE_FACTOR
                if self._take(("challenge-allowance",), allowance, now):
                    return
            if not self._take(("category", category), rate, now):
                raise CognitoError("TooManyRequestsException", "Rate exceeded")
