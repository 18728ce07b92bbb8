"""What a run against real AWS may spend, and what it spent: calls, user pools and monthly active users.

Cognito bills user pools per monthly active user (MAU), not per pool or call
(``facts:protocol.mau-billing``): a user counts once in the month after it is created or signs in.
A run is given caps (``--aws-max-calls``, ``--aws-max-pools``, ``--aws-max-mau``; the ``aws-budget``
profile's row in ``conformance/profiles.py`` sizes the first two). The meter counts every call the run
sends (clean-up and throttling retries included), every pool it creates and every distinct user it
creates or signs in; once a cap is reached, no new test starts (each is skipped, "budget: ..."),
while the tests in progress finish and clean up. The estimate prices the MAU at the Essentials rate
(``facts:protocol.mau-price``: a pool the API creates without ``UserPoolTier`` is Essentials).

The counts live in one file of the run's folder, locked while read and written, so that the caps
hold for the run as a whole when pytest-xdist splits it between workers, and the controller can
print what all of them spent.
"""

from __future__ import annotations

import fcntl
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from conformance.facts import fact

MAU_BILLING = fact("protocol.mau-billing")
MAU_PRICE = fact("protocol.mau-price")

#: US dollars per Essentials MAU in us-east-1 (``facts:protocol.mau-price``).
ESSENTIALS_MAU_USD = 0.015
#: MAU a month free for Lite and Essentials, per account (``facts:protocol.mau-price``).
FREE_TIER_MAU = 10_000
#: ``--aws-max-mau`` unless the run says otherwise: a night's run stays far inside the free tier.
DEFAULT_MAX_MAU = 25

#: Operations whose success makes a user active (``facts:protocol.mau-billing``): creation and sign-in.
_CREATES = frozenset({"AdminCreateUser", "SignUp"})
_SIGNS_IN = frozenset({"AdminInitiateAuth", "InitiateAuth"})


class _Answer(Protocol):
    """What the meter reads of a call (a :class:`conformance.calls.Response`)."""

    operation: str
    params: dict[str, Any]

    @property
    def ok(self) -> bool: ...

    @property
    def body(self) -> Any: ...

    @property
    def exchange(self) -> Any: ...


@dataclass(frozen=True)
class Caps:
    """The run's caps; None: no cap."""

    max_calls: int | None = None
    max_pools: int | None = None
    max_mau: int | None = None

    @classmethod
    def for_run(
        cls, calls: int | None, pools: int | None, mau: int | None, *, aws: bool, profile: Any
    ) -> Caps | None:
        """The caps of a run from ``--aws-max-calls/-pools/-mau``; None: no budget at all.

        Against real AWS (``aws``) a run always has one: what the options leave open comes from the
        Hypothesis profile's row (``max_calls``, ``max_pools``) and :data:`DEFAULT_MAX_MAU`. Elsewhere
        only the caps given apply (to try a budget locally).
        """
        for name, value in (("calls", calls), ("pools", pools), ("mau", mau)):
            if value is not None and value < 0:
                raise ValueError(f"--aws-max-{name}={value}: a count, 0 or more")
        if aws:
            return cls(
                calls if calls is not None else profile.max_calls,
                pools if pools is not None else profile.max_pools,
                mau if mau is not None else DEFAULT_MAX_MAU,
            )
        if calls is None and pools is None and mau is None:
            return None
        return cls(calls, pools, mau)

    def describe(self) -> str:
        def cap(value: int | None) -> str:
            return "no cap" if value is None else f"at most {value}"

        return f"calls {cap(self.max_calls)}, pools {cap(self.max_pools)}, MAU {cap(self.max_mau)}"


def estimated_cost(mau: int) -> float:
    """US dollars for ``mau`` Essentials MAU beyond the free tier: the run's own share, priced as if the
    account had no free tier left (the safe side)."""
    return round(mau * ESSENTIALS_MAU_USD, 4)


class Meter:
    """Counts what the run spends in ``directory/budget.json``, shared by every process of the run."""

    def __init__(self, directory: Path, caps: Caps) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "budget.json"
        self.caps = caps

    def _update(self, change: Any = None) -> dict[str, Any]:
        with open(self.path, "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                text = handle.read()
                state = json.loads(text) if text.strip() else {}
                for key, empty in (
                    ("calls", 0),
                    ("retries", 0),
                    ("pools", 0),
                    ("users", []),
                    ("clients", {}),
                ):
                    state.setdefault(key, empty)
                if change is not None:
                    change(state)
                    handle.seek(0)
                    handle.truncate()
                    handle.write(json.dumps(state, sort_keys=True))
                    handle.flush()
                return state
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def __call__(self, response: _Answer) -> None:
        """Count one call (after its answer, retries included)."""
        exchange = response.exchange
        retries = int(getattr(exchange, "retries", 0) or 0)
        body = response.body if isinstance(response.body, dict) else {}
        params = response.params

        def change(state: dict[str, Any]) -> None:
            state["calls"] += 1 + retries
            state["retries"] += retries
            if not response.ok:
                return
            if response.operation == "CreateUserPool":
                state["pools"] += 1
            elif response.operation == "CreateUserPoolClient":
                client = body.get("UserPoolClient")
                if isinstance(client, dict) and client.get("ClientId"):
                    state["clients"][str(client["ClientId"])] = str(client.get("UserPoolId", ""))
            user = _active_user(response.operation, params, state["clients"])
            if user is not None and user not in state["users"]:
                state["users"].append(user)

        self._update(change)

    def figures(self) -> dict[str, Any]:
        """What the run spent so far: calls (retries included), throttling retries, pools, MAU, cost."""
        state = self._update()
        mau = len(state["users"])
        return {
            "calls": state["calls"],
            "throttle_retries": state["retries"],
            "pools": state["pools"],
            "mau": mau,
            "estimated_cost_usd": estimated_cost(mau),
        }

    def exhausted(self) -> str:
        """Why no new test may start ("" while every cap holds)."""
        spent = self.figures()
        for name, value, cap in (
            ("calls", spent["calls"], self.caps.max_calls),
            ("pools", spent["pools"], self.caps.max_pools),
            ("MAU", spent["mau"], self.caps.max_mau),
        ):
            if cap is not None and value >= cap:
                return f"budget: {name} cap reached ({value} of {cap})"
        return ""

    def plan(self) -> str:
        """The run's plan, stated at its start."""
        most = self.caps.max_mau
        cost = f"; at most ${estimated_cost(most):.2f} of MAU" if most is not None else ""
        return f"budget: {self.caps.describe()}{cost} ({MAU_BILLING.id})"

    def summary(self) -> str:
        spent = self.figures()
        return (
            f"budget: {spent['calls']} calls ({spent['throttle_retries']} throttling retries), "
            f"{spent['pools']} pools, {spent['mau']} MAU; estimated cost ${spent['estimated_cost_usd']:.2f} "
            f"at ${ESSENTIALS_MAU_USD}/MAU (Essentials), $0 within the free tier of {FREE_TIER_MAU:,} MAU "
            f"a month ({MAU_PRICE.id})"
        )


def _active_user(operation: str, params: dict[str, Any], clients: dict[str, str]) -> str | None:
    """``pool/username`` of the user a successful call made active, or None.

    Calls by client id are filed under the client's pool where the run created that client, so that a
    user created by an administrator and later signed in counts once.
    """
    if operation in _CREATES:
        username = params.get("Username")
    elif operation in _SIGNS_IN:
        auth = params.get("AuthParameters")
        username = auth.get("USERNAME") if isinstance(auth, dict) else None
    else:
        return None
    if not isinstance(username, str):
        return None
    pool = params.get("UserPoolId") or clients.get(
        str(params.get("ClientId")), f"client:{params.get('ClientId')}"
    )
    return f"{pool}/{username}"
