"""The Cognito user-pools behaviour of the reference, one method per operation, one module per API area.

Every rule cites the docs/facts.md section it executes. Where the facts file says UNVERIFIED,
the comment says so and names the choice made.

The package follows the areas of :mod:`conformance.areas`: ``pools``, ``clients``, ``users``,
``signup``, ``auth``, ``tokens``, ``devices``, ``groups``, ``attributes``, ``mfa`` and ``choice``
each hold one mixin with that area's operations (its ``OPERATIONS``) and helpers; ``common`` holds
the state and the lookups every area uses; ``hooks`` holds the one-behaviour seams (``HOOKS``) the "miniature wrong endpoints" override. Each hook
carries exactly one behaviour, so a :class:`CognitoService` subclass that overrides one of them
breaks exactly that behaviour.
"""

from __future__ import annotations

import re

from conformance.reference.service.attributes import AttributesMixin
from conformance.reference.service.auth import AuthMixin
from conformance.reference.service.choice import ChoiceMixin
from conformance.reference.service.clients import ClientsMixin
from conformance.reference.service.devices import DevicesMixin
from conformance.reference.service.groups import GroupsMixin
from conformance.reference.service.hooks import HOOK_BEHAVIOURS, HOOKS, HooksMixin
from conformance.reference.service.mfa import MfaMixin
from conformance.reference.service.pools import PoolsMixin
from conformance.reference.service.signup import SignupMixin
from conformance.reference.service.tokens import TokensMixin
from conformance.reference.service.users import UsersMixin

__all__ = [
    "AREA_MIXINS",
    "HOOK_BEHAVIOURS",
    "HOOKS",
    "OPERATIONS",
    "CognitoService",
]

#: area (as in conformance.areas) -> the mixin implementing its operations.
AREA_MIXINS: dict[str, type] = {
    "pools": PoolsMixin,
    "clients": ClientsMixin,
    "users": UsersMixin,
    "signup": SignupMixin,
    "auth": AuthMixin,
    "tokens": TokensMixin,
    "devices": DevicesMixin,
    "groups": GroupsMixin,
    "attributes": AttributesMixin,
    "mfa": MfaMixin,
    "choice": ChoiceMixin,
}


def _method_name(operation: str) -> str:
    """``AdminGetUser`` -> ``admin_get_user``; an acronym is one word (``SetUserMFAPreference`` ->
    ``set_user_mfa_preference``)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", operation).lower()


#: Every wire operation the reference implements, in area order (each mixin declares its own).
_WIRE_NAMES: tuple[str, ...] = tuple(
    operation for mixin in AREA_MIXINS.values() for operation in vars(mixin)["OPERATIONS"]
)
#: Operations the reference implements: wire name -> method name.
OPERATIONS: dict[str, str] = {operation: _method_name(operation) for operation in _WIRE_NAMES}


class CognitoService(
    HooksMixin,
    PoolsMixin,
    ClientsMixin,
    UsersMixin,
    SignupMixin,
    AuthMixin,
    TokensMixin,
    DevicesMixin,
    GroupsMixin,
    AttributesMixin,
    MfaMixin,
    ChoiceMixin,
):
    """The behaviour of one reference endpoint: all state and every implemented operation.

    Args:
        region: the Region in ids, ARNs and ``iss``.
        account_id: the account in ARNs.
        clock: the time source for every expiry.
    """

    #: Every wire operation of every area (a mixin's own ``OPERATIONS`` names only its area's).
    OPERATIONS = _WIRE_NAMES
