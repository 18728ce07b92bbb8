"""Hypothesis state machines that drive an endpoint and the oracle side by side.

One machine per area: :class:`~conformance.machines.users.UserLifecycle`,
:class:`~conformance.machines.auth.AuthenticationAndChallenges`,
:class:`~conformance.machines.devices.RememberedDevices`,
:class:`~conformance.machines.tokens.TokensAndRevocation`,
:class:`~conformance.machines.pools.PoolsAndClients` and :class:`~conformance.machines.mfa.SoftwareTokenMfa`. ``conformance/suite/test_machines.py`` runs
them; :data:`conformance.profiles.PROFILES` sizes a run per Hypothesis profile.
"""

from __future__ import annotations

from conformance.machines.base import CognitoMachine, MachineRun
from conformance.profiles import Budget

__all__ = ["Budget", "CognitoMachine", "MachineRun"]
