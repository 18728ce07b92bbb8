"""The reference endpoint: a faithful in-memory Cognito user pool for the covered surface.

It does what ``docs/facts.md`` says AWS does, over AWS's wire protocol, in-process
(``--endpoint=reference``) or as a server (``python -m conformance.reference --host 127.0.0.1
--port N``). See :mod:`conformance.reference.service` for the behaviour and its hooks.

A miniature wrong endpoint is the reference with one hook overridden::

    class AcceptsAnyPassword(CognitoService):
        def password_matches(self, user, password):
            return True

    class Broken(ReferenceApp):
        service_class = AcceptsAnyPassword

``HOOK_BEHAVIOURS`` names every hook and the one behaviour it carries.
"""

from __future__ import annotations

from conformance.reference.app import NAME, VERSION, ReferenceApp
from conformance.reference.clock import Clock, ManualClock, OffsetClock, SystemClock
from conformance.reference.service import HOOK_BEHAVIOURS, HOOKS, OPERATIONS, CognitoService

__all__ = [
    "HOOK_BEHAVIOURS",
    "HOOKS",
    "NAME",
    "OPERATIONS",
    "VERSION",
    "Clock",
    "CognitoService",
    "ManualClock",
    "OffsetClock",
    "ReferenceApp",
    "SystemClock",
    "create_app",
]


def create_app(
    *,
    region: str = "us-east-1",
    account_id: str = "123456789012",
    clock: Clock | None = None,
    quota: bool = False,
) -> ReferenceApp:
    """A fresh reference application.

    Args:
        region: the Region in pool ids, device keys, ARNs and ``iss``.
        account_id: the account in ARNs.
        clock: the time source; defaults to the wall clock. Pass a :class:`ManualClock` to advance
            time in tests.
        quota: enforce Cognito's per-category request rates (docs/facts.md §11).

    Returns:
        A WSGI application that also answers in-process through ``dispatch`` and ``get``.
    """
    return ReferenceApp(region=region, account_id=account_id, clock=clock, quota=quota)
