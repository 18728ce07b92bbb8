"""App clients: create, describe, update, delete, list (§9, §12.5)."""

from __future__ import annotations

from typing import Any

from conformance.reference import ids
from conformance.reference.errors import invalid_parameter
from conformance.reference.service.common import LEGACY_FLOWS, ServiceBase, aws_timestamp
from conformance.reference.service.settable import check_token_lifetimes, refuse_unmodelled
from conformance.reference.state import AppClient, Pool

#: CreateUserPoolClient members UpdateUserPoolClient can change (all reset when omitted, §9).
CLIENT_UPDATABLE = (
    "RefreshTokenValidity",
    "AccessTokenValidity",
    "IdTokenValidity",
    "TokenValidityUnits",
    "ReadAttributes",
    "WriteAttributes",
    "ExplicitAuthFlows",
    "SupportedIdentityProviders",
    "CallbackURLs",
    "LogoutURLs",
    "DefaultRedirectURI",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "AllowedOAuthFlowsUserPoolClient",
    "AnalyticsConfiguration",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "EnablePropagateAdditionalUserContextData",
    "AuthSessionValidity",
    "RefreshTokenRotation",
)


class ClientsMixin(ServiceBase):
    """The app-client operations."""

    OPERATIONS: tuple[str, ...] = (
        "CreateUserPoolClient",
        "DescribeUserPoolClient",
        "UpdateUserPoolClient",
        "DeleteUserPoolClient",
        "ListUserPoolClients",
    )

    def _client_settings(self, req: dict[str, Any]) -> dict[str, Any]:
        settings = {key: req[key] for key in CLIENT_UPDATABLE if key in req}
        flows = settings.get("ExplicitAuthFlows") or []
        if LEGACY_FLOWS.intersection(flows) and any(f.startswith("ALLOW_") for f in flows):
            # §4 [BC]: legacy and ALLOW_ values can't be mixed; the text is UNVERIFIED (§12.3).
            raise invalid_parameter("Legacy and ALLOW_ ExplicitAuthFlows values cannot be combined.")
        return settings

    def describe_client(self, pool: Pool, client: AppClient) -> dict[str, Any]:
        """The UserPoolClientType (§12.5, settled: what an API-created client returns)."""
        s = client.settings
        result: dict[str, Any] = {
            "UserPoolId": pool.pool_id,
            "ClientName": client.name,
            "ClientId": client.client_id,
        }
        if client.secret is not None:
            result["ClientSecret"] = client.secret
        result["LastModifiedDate"] = aws_timestamp(client.modified)
        result["CreationDate"] = aws_timestamp(client.created)
        result["RefreshTokenValidity"] = s.get("RefreshTokenValidity", 30)
        for key in (
            "AccessTokenValidity",
            "IdTokenValidity",
            "TokenValidityUnits",
            "ReadAttributes",
            "WriteAttributes",
            "ExplicitAuthFlows",
            "SupportedIdentityProviders",
            "CallbackURLs",
            "LogoutURLs",
            "DefaultRedirectURI",
            "AllowedOAuthFlows",
            "AllowedOAuthScopes",
        ):
            if s.get(key) is not None:
                result[key] = s[key]
        result["AllowedOAuthFlowsUserPoolClient"] = s.get("AllowedOAuthFlowsUserPoolClient", False)
        if "AnalyticsConfiguration" in s:
            result["AnalyticsConfiguration"] = s["AnalyticsConfiguration"]
        if "PreventUserExistenceErrors" in s:
            result["PreventUserExistenceErrors"] = s["PreventUserExistenceErrors"]
        result["EnableTokenRevocation"] = s.get("EnableTokenRevocation", True)
        result["EnablePropagateAdditionalUserContextData"] = s.get(
            "EnablePropagateAdditionalUserContextData", False
        )
        result["AuthSessionValidity"] = s.get("AuthSessionValidity", 3)
        if "RefreshTokenRotation" in s:
            # facts:tokens.rotation: a response member of DescribeUserPoolClient (echoed as sent).
            result["RefreshTokenRotation"] = s["RefreshTokenRotation"]
        return result

    def create_user_pool_client(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        refuse_unmodelled("CreateUserPoolClient", req)
        check_token_lifetimes(req)
        self.check_client_tier(pool, req)  # choice.py: ALLOW_USER_AUTH needs ESSENTIALS
        if req.get("GenerateSecret") and req.get("ClientSecret"):
            # §9 [BC]: "you can't give both"; text UNVERIFIED.
            raise invalid_parameter("ClientSecret cannot be set when GenerateSecret is true.")
        secret = req.get("ClientSecret") or (ids.client_secret() if req.get("GenerateSecret") else None)
        now = self.clock.now()
        client = AppClient(ids.client_id(), req["ClientName"], secret, now, now, self._client_settings(req))
        pool.clients[client.client_id] = client
        return {"UserPoolClient": self.describe_client(pool, client)}

    def describe_user_pool_client(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        return {"UserPoolClient": self.describe_client(pool, self.client_in_pool(pool, req["ClientId"]))}

    def update_user_pool_client(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        client = self.client_in_pool(pool, req["ClientId"])
        refuse_unmodelled("UpdateUserPoolClient", req)
        check_token_lifetimes(req)
        self.check_client_tier(pool, req)  # choice.py: ALLOW_USER_AUTH needs ESSENTIALS
        # §9 [DG authentication-flow]: omitted settings reset to their defaults.
        client.settings = self._client_settings(req)
        if req.get("ClientName"):
            client.name = req["ClientName"]
        client.modified = self.clock.now()
        return {"UserPoolClient": self.describe_client(pool, client)}

    def delete_user_pool_client(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        client = self.client_in_pool(pool, req["ClientId"])
        del pool.clients[client.client_id]
        return {}

    def list_user_pool_clients(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        clients = list(pool.clients.values())
        page, token = self._page(
            ("clients", pool.pool_id),
            clients,
            req.get("NextToken"),
            self.page_size(req.get("MaxResults"), 60),
        )
        result: dict[str, Any] = {
            "UserPoolClients": [
                {"ClientId": c.client_id, "UserPoolId": pool.pool_id, "ClientName": c.name} for c in page
            ]
        }
        if token:
            result["NextToken"] = token
        return result
