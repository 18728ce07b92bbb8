"""Pacing calls under Cognito's request-rate quotas, for runs against real AWS.

Cognito pools its request rates per account and Region, by category of operation
(``facts:protocol.rate-quotas``), and caps any one operation of the ³ categories at 5 RPS for a
single user pool (``facts:protocol.rate-quota-per-pool``). A run that ignored them would meet
``TooManyRequestsException`` (``facts:protocol.throttled``), and so would every other user of the
account. The :class:`Pacer` spaces the run's calls so that each category's bucket, and each
per-pool bucket, fills at a share of the default rate (``--aws-rate-share``, 0.5 by default: the
account keeps half for whoever else uses it).

Each bucket is a file in a folder of the run, locked while it is read and written, so that every
process of the run (pytest-xdist's workers, the controller) draws from the same buckets: four workers
are paced as one client. A bucket holds one token at most (no burst), so no one-second window ever
holds more than the paced rate plus one call: within the quota whenever the share is at most a half.

The state is a "virtual schedule": taking a token from an empty bucket reserves the next free slot
and the caller sleeps until then, outside the lock, so that waiting callers are served in order.
"""

from __future__ import annotations

import fcntl
import json
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from conformance.facts import fact

RATE_QUOTAS = fact("protocol.rate-quotas")
PER_POOL_QUOTA = fact("protocol.rate-quota-per-pool")

#: The share of each default rate a paced run uses, unless the run says otherwise (``--aws-rate-share``).
DEFAULT_RATE_SHARE = 0.5

#: category -> (default requests per second, the operations of this project's list in it), as
#: ``facts:protocol.rate-quotas`` states them (tests/nightly/test_pacing.py keeps the two equal).
CATEGORIES: Mapping[str, tuple[int, frozenset[str]]] = MappingProxyType(
    {
        "UserAuthentication": (
            120,
            frozenset(
                {
                    "InitiateAuth",
                    "AdminInitiateAuth",
                    "RespondToAuthChallenge",
                    "AdminRespondToAuthChallenge",
                    "GetTokensFromRefreshToken",
                }
            ),
        ),
        "UserCreation": (50, frozenset({"SignUp", "ConfirmSignUp", "AdminCreateUser", "AdminConfirmSignUp"})),
        "UserAccountRecovery": (
            30,
            frozenset(
                {
                    "ChangePassword",
                    "AdminSetUserPassword",
                    "AdminResetUserPassword",
                    "ForgotPassword",
                    "ConfirmForgotPassword",
                }
            ),
        ),
        # GetUserAuthFactors is unlisted in the quotas table; UserRead like AdminGetUserAuthFactors.
        "UserRead": (120, frozenset({"AdminGetUser", "GetUser", "GetUserAuthFactors"})),
        "UserUpdate": (
            25,
            frozenset(
                {
                    "AdminDeleteUser",
                    "AdminDisableUser",
                    "AdminEnableUser",
                    "AdminUserGlobalSignOut",
                    "GlobalSignOut",
                    "AdminUpdateUserAttributes",
                    "UpdateUserAttributes",
                    "AdminDeleteUserAttributes",
                    "DeleteUserAttributes",
                    "VerifyUserAttribute",
                    "DeleteUser",
                    "AdminAddUserToGroup",
                    "AdminRemoveUserFromGroup",
                }
            ),
        ),
        "UserToken": (120, frozenset({"RevokeToken"})),
        "UserResourceRead": (
            50,
            frozenset(
                {
                    "AdminGetDevice",
                    "AdminListDevices",
                    "GetDevice",
                    "ListDevices",
                    "ResendConfirmationCode",
                    "AdminListGroupsForUser",
                    "GetUserAttributeVerificationCode",
                }
            ),
        ),
        "UserResourceUpdate": (
            25,
            frozenset(
                {
                    "ConfirmDevice",
                    "ForgetDevice",
                    "AdminForgetDevice",
                    "UpdateDeviceStatus",
                    "AdminUpdateDeviceStatus",
                    "SetUserMFAPreference",
                    "AdminSetUserMFAPreference",
                    "AssociateSoftwareToken",
                    "VerifySoftwareToken",
                }
            ),
        ),
        "UserList": (30, frozenset({"ListUsers", "ListUsersInGroup"})),
        "UserPoolRead": (15, frozenset({"DescribeUserPool", "ListUserPools"})),
        "UserPoolUpdate": (15, frozenset({"CreateUserPool", "UpdateUserPool", "DeleteUserPool"})),
        "UserPoolResourceRead": (
            20,
            frozenset({"ListTagsForResource", "GetUserPoolMfaConfig", "GetGroup", "ListGroups"}),
        ),
        "UserPoolResourceUpdate": (
            15,
            frozenset(
                {
                    "TagResource",
                    "UntagResource",
                    "SetUserPoolMfaConfig",
                    "CreateGroup",
                    "UpdateGroup",
                    "DeleteGroup",
                    "AddCustomAttributes",
                }
            ),
        ),
        "UserPoolClientRead": (15, frozenset({"DescribeUserPoolClient", "ListUserPoolClients"})),
        "UserPoolClientUpdate": (
            15,
            frozenset({"CreateUserPoolClient", "UpdateUserPoolClient", "DeleteUserPoolClient"}),
        ),
    }
)
#: The ³ categories: any one operation in them is also capped per user pool.
PER_POOL_CATEGORIES = frozenset(
    {"UserPoolResourceRead", "UserPoolResourceUpdate", "UserPoolClientRead", "UserPoolClientUpdate"}
)
PER_POOL_RPS = 5
#: The rate an operation outside the table is paced at: the lowest of any category that holds
#: operations like ours, since its real category is not known (an unlisted operation is UNVERIFIED).
UNLISTED_RPS = 15

_CATEGORY_OF = {operation: name for name, (_, operations) in CATEGORIES.items() for operation in operations}
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def category_of(operation: str, params: Mapping[str, Any]) -> str:
    """The quota category a call counts toward; ``Unlisted`` for an operation outside the table.

    An answer to NEW_PASSWORD_REQUIRED counts toward UserAccountRecovery (``facts:protocol.rate-quotas``).
    """
    if (
        operation.endswith("RespondToAuthChallenge")
        and params.get("ChallengeName") == "NEW_PASSWORD_REQUIRED"
    ):
        return "UserAccountRecovery"
    return _CATEGORY_OF.get(operation, "Unlisted")


def rate_of(category: str) -> int:
    return CATEGORIES[category][0] if category in CATEGORIES else UNLISTED_RPS


class Pacer:
    """Token buckets per quota category and Region (and per pool for the ³ categories), shared by
    every process that opens the same ``directory``.

    Args:
        directory: the run's pacing folder (every worker of the run names the same one).
        region: the Region whose quotas the calls count toward.
        share: the share of each default rate to use, in (0, 1].
        clock, sleep: the time source and the wait (tests pass their own); the clock must be the
            same for every process sharing the buckets, so it is wall time, not a monotonic clock.
    """

    def __init__(
        self,
        directory: Path,
        region: str,
        share: float = DEFAULT_RATE_SHARE,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 0.0 < share <= 1.0:
            raise ValueError(f"--aws-rate-share={share}: a share greater than 0 and at most 1")
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.region = region
        self.share = share
        self._clock = clock
        self._sleep = sleep
        #: this process's calls paced, and the seconds it spent waiting for a slot.
        self.calls = 0
        self.waited_s = 0.0

    def buckets(self, operation: str, params: Mapping[str, Any]) -> list[tuple[str, float]]:
        """The (bucket, paced rate) pairs a call draws one token from."""
        category = category_of(operation, params)
        buckets = [(f"{self.region}.{category}", rate_of(category) * self.share)]
        pool = params.get("UserPoolId")
        if category in PER_POOL_CATEGORIES and isinstance(pool, str) and pool:
            buckets.append((f"{self.region}.{category}.{operation}.{pool}", PER_POOL_RPS * self.share))
        return buckets

    def __call__(self, operation: str, params: Mapping[str, Any]) -> float:
        """Wait for this call's slot in every bucket it draws from; returns the seconds waited."""
        wait = max(self._reserve(name, rate) for name, rate in self.buckets(operation, params))
        self.calls += 1
        if wait > 0:
            self.waited_s += wait
            self._sleep(wait)
        return wait

    def _reserve(self, name: str, rate: float) -> float:
        """Take one token from bucket ``name`` (refilled at ``rate`` per second, holding one at most);
        returns how long the caller must wait for it."""
        path = self.directory / f"{_UNSAFE.sub('_', name)}.bucket"
        with open(path, "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                text = handle.read()
                state = json.loads(text) if text.strip() else {}
                now = self._clock()
                # ``next``: when the next token is free. Idle time refills at most one token (no burst).
                slot = max(float(state.get("next", 0.0)), now)
                state["next"] = slot + 1.0 / rate
                handle.seek(0)
                handle.truncate()
                handle.write(json.dumps(state))
                handle.flush()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return slot - now

    def describe(self) -> str:
        return (
            f"paced at {self.share:.0%} of Cognito's default request rates in {self.region}, "
            f"per category and per pool, shared by every worker ({RATE_QUOTAS.id})"
        )
