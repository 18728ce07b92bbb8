"""What every area of the reference service shares: the state, the lookups, paging, wire helpers.

A helper lives in the module of the area it is about (a pool's password policy in ``pools``, token
issuing in ``tokens``) even when other areas call it through ``self``; this module holds only what
belongs to no single area. Every area mixin derives from :class:`ServiceBase`, so the state and
these lookups are there for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from conformance.reference import ids
from conformance.reference.clock import Clock
from conformance.reference.errors import client_not_found, invalid_parameter, pool_not_found, user_not_found
from conformance.reference.outbox import Outbox
from conformance.reference.state import (
    AppClient,
    AuthSession,
    PageCursor,
    Pool,
    SrpExchange,
    TokenFamily,
    User,
)

#: The scope of every access token, required by the token-authorised operations (§5).
SCOPE = "aws.cognito.signin.user.admin"
#: The pre-``ALLOW_`` ExplicitAuthFlows values (§4): client settings refuse mixing them with
#: ``ALLOW_`` values, and the flow rules read them.
LEGACY_FLOWS = {"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"}


def attribute_is_true(value: str | None) -> bool:
    """Whether a Boolean attribute's string value (``email_verified``, ``phone_number_verified``) is true.

    AWS takes "true" in any case (facts:users.verified-flag-any-case): a user created with
    ``email_verified="True"`` has a verified e-mail for code delivery, alias sign-in and the ID token.
    Every place that reads a verification flag asks this, so none of them compares exact strings.
    """
    return value is not None and value.lower() == "true"


def aws_timestamp(value: float) -> float:
    """Epoch seconds with a millisecond fraction, as AWS writes timestamps (§10)."""
    return round(value, 3)


def attributes_list(attributes: dict[str, str], names: Iterable[str] | None = None) -> list[dict[str, str]]:
    """``[{"Name", "Value"}]`` for ``attributes``, only ``names`` when given (UserType, GetUser)."""
    wanted = attributes if names is None else {n: attributes[n] for n in names if n in attributes}
    return [{"Name": k, "Value": v} for k, v in wanted.items()]


class ServiceBase:
    """The state of one reference endpoint and the lookups every area uses.

    Args:
        region: the Region in ids, ARNs and ``iss``.
        account_id: the account in ARNs.
        clock: the time source for every expiry.
    """

    def __init__(self, *, region: str, account_id: str, clock: Clock) -> None:
        self.region = region
        self.account_id = account_id
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        """Forget every pool, session and token."""
        self.pools: dict[str, Pool] = {}
        self.sessions: dict[str, AuthSession] = {}
        self.srp_exchanges: dict[str, SrpExchange] = {}
        self.families: dict[str, TokenFamily] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.cursors: dict[str, PageCursor] = {}
        #: the source IP of the current request (device ``last_ip_used``, §2).
        self.source_ip = "127.0.0.1"
        #: every e-mail and SMS the reference would have sent (reference/outbox.py).
        self.outbox = Outbox()

    def deliver_code(self, pool: Pool, user: User, purpose: str, code: str, delivery: dict[str, Any]) -> None:
        """Put in the outbox the message that ``delivery`` (a ``CodeDeliveryDetails``) announces, sent
        to the unmasked value of the attribute it names; an empty ``delivery`` sends nothing, as AWS
        sends no code when it reports no delivery."""
        if not delivery:
            return
        attribute = delivery.get("AttributeName")
        self.outbox.deliver(
            user_pool_id=pool.pool_id,
            username=user.username,
            channel=delivery.get("DeliveryMedium", "EMAIL"),
            destination=user.attributes.get(attribute or "", delivery.get("Destination", "")),
            purpose=purpose,
            code=code,
            sent_at=self.clock.now(),
            attribute=attribute,
        )

    def issuer(self, pool_id: str) -> str:
        """``iss`` in the AWS form (§5)."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{pool_id}"

    def pool(self, pool_id: str) -> Pool:
        found = self.pools.get(pool_id)
        if found is None:
            raise pool_not_found(pool_id)
        return found

    def client_in_pool(self, pool: Pool, client_id: str) -> AppClient:
        found = pool.clients.get(client_id)
        if found is None:
            raise client_not_found(client_id)
        return found

    def client_anywhere(self, client_id: str) -> tuple[Pool, AppClient]:
        for pool in self.pools.values():
            found = pool.clients.get(client_id)
            if found is not None:
                return pool, found
        raise client_not_found(client_id)

    def find_user(self, pool: Pool, name: str | None) -> User | None:
        """The user a username, alias or sub names (§8: "Admin and user ops accept the username or any
        alias; otherwise the sub")."""
        if not name:
            return None
        case_sensitive = pool.fixed.get("UsernameConfiguration", {}).get("CaseSensitive", True)
        found = pool.users.get(name)
        if found is not None:
            return found
        if not case_sensitive:
            lowered = name.lower()
            for user in pool.users.values():
                if user.username.lower() == lowered:
                    return user
        username_attrs = pool.fixed.get("UsernameAttributes") or []
        alias_attrs = pool.fixed.get("AliasAttributes") or []
        for user in pool.users.values():
            if user.sub == name:
                return user
            for attr in username_attrs:
                if user.attributes.get(attr) is not None and user.attributes[attr].lower() == name.lower():
                    return user
            for attr in alias_attrs:
                value = user.attributes.get(attr)
                verified = attr == "preferred_username" or attribute_is_true(
                    user.attributes.get(f"{attr}_verified")
                )
                if value is not None and verified and value.lower() == name.lower():
                    return user
        return None

    def admin_user(self, pool: Pool, name: str) -> User:
        user = self.find_user(pool, name)
        if user is None:
            raise user_not_found()
        return user

    def _page(
        self, scope: tuple[Any, ...], items: list[Any], token: str | None, size: int
    ) -> tuple[list[Any], str | None]:
        """One page of ``items`` and the token of the next (opaque, server side, 1 hour: §9)."""
        now = self.clock.now()
        offset = 0
        if token:
            cursor = self.cursors.pop(token, None)
            if cursor is None or cursor.scope != scope or cursor.expires < now:
                # UNVERIFIED text; AWS expires tokens after an hour (§9 [DG]).
                raise invalid_parameter("Invalid pagination token.")
            offset = cursor.offset
        page = items[offset : offset + size]
        next_token = None
        if offset + size < len(items):
            next_token = ids.pagination_token()
            self.cursors[next_token] = PageCursor(scope, offset + size, now + 3600)
        return page, next_token

    @staticmethod
    def _require(params: dict[str, Any], name: str) -> str:
        value = params.get(name)
        if not value:
            # The service's wording for a missing auth parameter (UNVERIFIED in the facts file).
            raise invalid_parameter(f"Missing required parameter {name}")
        return str(value)

    def _prevents_existence_errors(self, client: AppClient) -> bool:
        # §7 [BC]: LEGACY is the API default.
        return client.settings.get("PreventUserExistenceErrors") == "ENABLED"
