"""User pools: create, describe, update, delete, list, and the pool settings (§9, §11.3, §12.7)."""

from __future__ import annotations

import json
from typing import Any

from conformance.reference import ids
from conformance.reference.errors import CognitoError, invalid_parameter
from conformance.reference.passwords import DEFAULT_POLICY
from conformance.reference.service.common import ServiceBase, aws_timestamp
from conformance.reference.service.settable import refuse_unmodelled
from conformance.reference.state import Pool

#: Default SchemaAttributes in AWS's order (§9 [CLI create-user-pool; 2024 describe adds identities]).
_STRING = {
    "AttributeDataType": "String",
    "DeveloperOnlyAttribute": False,
    "Mutable": True,
    "Required": False,
    "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"},
}
_BOOLEAN = {
    "AttributeDataType": "Boolean",
    "DeveloperOnlyAttribute": False,
    "Mutable": True,
    "Required": False,
}


def _default_schema() -> list[dict[str, Any]]:
    schema: list[dict[str, Any]] = [
        {
            "Name": "sub",
            "AttributeDataType": "String",
            "DeveloperOnlyAttribute": False,
            "Mutable": False,
            "Required": True,
            "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "2048"},
        }
    ]
    for name in (
        "name",
        "given_name",
        "family_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "email",
    ):
        schema.append({"Name": name, **json.loads(json.dumps(_STRING))})
    schema.append({"Name": "email_verified", **_BOOLEAN})
    schema.append({"Name": "gender", **json.loads(json.dumps(_STRING))})
    birthdate = {"Name": "birthdate", **json.loads(json.dumps(_STRING))}
    birthdate["StringAttributeConstraints"] = {"MinLength": "10", "MaxLength": "10"}
    schema.append(birthdate)
    for name in ("zoneinfo", "locale", "phone_number"):
        schema.append({"Name": name, **json.loads(json.dumps(_STRING))})
    schema.append({"Name": "phone_number_verified", **_BOOLEAN})
    schema.append({"Name": "address", **json.loads(json.dumps(_STRING))})
    schema.append(
        {
            "Name": "updated_at",
            "AttributeDataType": "Number",
            "DeveloperOnlyAttribute": False,
            "Mutable": True,
            "Required": False,
            "NumberAttributeConstraints": {"MinValue": "0"},
        }
    )
    schema.append(
        {
            "Name": "identities",
            "AttributeDataType": "String",
            "DeveloperOnlyAttribute": False,
            "Mutable": True,
            "Required": False,
            "StringAttributeConstraints": {},
        }
    )
    return schema


#: CreateUserPool members UpdateUserPool can change; UpdateUserPool resets every omitted one (§9).
POOL_UPDATABLE = (
    "Policies",
    "DeletionProtection",
    "LambdaConfig",
    "AutoVerifiedAttributes",
    "SmsVerificationMessage",
    "EmailVerificationMessage",
    "EmailVerificationSubject",
    "VerificationMessageTemplate",
    "SmsAuthenticationMessage",
    "UserAttributeUpdateSettings",
    "MfaConfiguration",
    "DeviceConfiguration",
    "EmailConfiguration",
    "SmsConfiguration",
    "UserPoolTags",
    "AdminCreateUserConfig",
    "UserPoolAddOns",
    "AccountRecoverySetting",
    "UserPoolTier",
)

#: Members fixed at creation.
POOL_FIXED = ("UsernameAttributes", "AliasAttributes", "UsernameConfiguration")


class PoolsMixin(ServiceBase):
    """The user-pool operations; ``_password_policy`` is the pool's policy other areas check against."""

    OPERATIONS: tuple[str, ...] = (
        "CreateUserPool",
        "DescribeUserPool",
        "UpdateUserPool",
        "DeleteUserPool",
        "ListUserPools",
    )

    def _password_policy(self, settings: dict[str, Any]) -> dict[str, Any]:
        given = (settings.get("Policies") or {}).get("PasswordPolicy")
        if given is None:
            return dict(DEFAULT_POLICY)
        policy = {
            "MinimumLength": given.get("MinimumLength", 8),
            "RequireUppercase": given.get("RequireUppercase", False),
            "RequireLowercase": given.get("RequireLowercase", False),
            "RequireNumbers": given.get("RequireNumbers", False),
            "RequireSymbols": given.get("RequireSymbols", False),
        }
        if "PasswordHistorySize" in given:
            policy["PasswordHistorySize"] = given["PasswordHistorySize"]
        # §8 [BC]: TemporaryPasswordValidityDays defaults to 7, and 0 means the default.
        policy["TemporaryPasswordValidityDays"] = given.get("TemporaryPasswordValidityDays") or 7
        return policy

    def _pool_settings(self, request: dict[str, Any]) -> dict[str, Any]:
        settings = {key: request[key] for key in POOL_UPDATABLE if key in request}
        self._check_explicit_pool_settings(settings)
        return settings

    def _check_explicit_pool_settings(self, settings: dict[str, Any]) -> None:
        self.check_pool_tier(settings)  # choice.py: passwordless first factors need ESSENTIALS
        tier = settings.get("UserPoolTier", "ESSENTIALS")
        mode = (settings.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode", "OFF")
        if mode in ("AUDIT", "ENFORCED") and tier != "PLUS":
            # §11.3 [DG plans]: advanced security needs PLUS. Exception text UNVERIFIED.
            raise CognitoError(
                "FeatureUnavailableInTierException", "Threat protection requires the Plus feature plan."
            )

    def _build_schema(self, request_schema: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        schema = _default_schema()
        by_name = {attr["Name"]: attr for attr in schema}
        for attr in request_schema or []:
            name = attr.get("Name", "")
            if name in by_name:
                by_name[name].update({k: v for k, v in attr.items() if k != "Name"})
                continue
            if attr.get("Required"):
                # §7 [ISS trek10inc/serverless-cognito-manager#4].
                raise invalid_parameter("Required custom attributes are not supported currently.")
            data_type = attr.get("AttributeDataType", "String")
            entry: dict[str, Any] = {
                "Name": ("dev:custom:" if attr.get("DeveloperOnlyAttribute") else "custom:") + name,
                "AttributeDataType": data_type,
                "DeveloperOnlyAttribute": bool(attr.get("DeveloperOnlyAttribute", False)),
                "Mutable": attr.get("Mutable", True),
                "Required": False,
            }
            if data_type == "String":
                entry["StringAttributeConstraints"] = attr.get("StringAttributeConstraints", {})
            elif data_type == "Number":
                entry["NumberAttributeConstraints"] = attr.get("NumberAttributeConstraints", {})
            schema.append(entry)
            by_name[name] = entry
        return schema

    def describe_pool(self, pool: Pool) -> dict[str, Any]:
        """The UserPoolType of DescribeUserPool / CreateUserPool (§9, §12.7 defaults)."""
        s = pool.settings
        admin_config = {"AllowAdminCreateUserOnly": False, "UnusedAccountValidityDays": 7}
        admin_config.update(s.get("AdminCreateUserConfig") or {})
        description: dict[str, Any] = {
            "Id": pool.pool_id,
            "Name": pool.name,
            "Policies": {
                "PasswordPolicy": self._password_policy(s),
                "SignInPolicy": (s.get("Policies") or {}).get(
                    "SignInPolicy", {"AllowedFirstAuthFactors": ["PASSWORD"]}
                ),
            },
            # §11.3 [DG delprot]: off by default through the API.
            "DeletionProtection": s.get("DeletionProtection", "INACTIVE"),
            "LambdaConfig": s.get("LambdaConfig", {}),
            "LastModifiedDate": aws_timestamp(pool.modified),
            "CreationDate": aws_timestamp(pool.created),
            "SchemaAttributes": pool.schema,
        }
        for key in ("AutoVerifiedAttributes", "AliasAttributes", "UsernameAttributes"):
            value = s.get(key, pool.fixed.get(key))
            if value:
                description[key] = value
        for key in (
            "SmsVerificationMessage",
            "EmailVerificationMessage",
            "EmailVerificationSubject",
            "SmsAuthenticationMessage",
            "SmsConfiguration",
            "UserPoolTags",
            "UserPoolAddOns",
        ):
            if key in s:
                description[key] = s[key]
        description["VerificationMessageTemplate"] = s.get(
            "VerificationMessageTemplate", {"DefaultEmailOption": "CONFIRM_WITH_CODE"}
        )
        description["UserAttributeUpdateSettings"] = s.get(
            "UserAttributeUpdateSettings", {"AttributesRequireVerificationBeforeUpdate": []}
        )
        description["MfaConfiguration"] = s.get("MfaConfiguration", "OFF")
        if s.get("DeviceConfiguration") is not None:
            # §2: DescribeUserPool returns null for DeviceConfiguration unless remembering is on.
            description["DeviceConfiguration"] = {
                "ChallengeRequiredOnNewDevice": s["DeviceConfiguration"].get(
                    "ChallengeRequiredOnNewDevice", False
                ),
                "DeviceOnlyRememberedOnUserPrompt": s["DeviceConfiguration"].get(
                    "DeviceOnlyRememberedOnUserPrompt", False
                ),
            }
        description["EstimatedNumberOfUsers"] = len(pool.users)
        description["EmailConfiguration"] = s.get(
            "EmailConfiguration", {"EmailSendingAccount": "COGNITO_DEFAULT"}
        )
        if "UsernameConfiguration" in pool.fixed:
            description["UsernameConfiguration"] = pool.fixed["UsernameConfiguration"]
        description["AdminCreateUserConfig"] = admin_config
        description["Arn"] = pool.arn
        description["AccountRecoverySetting"] = s.get(
            "AccountRecoverySetting",
            {
                "RecoveryMechanisms": [
                    {"Priority": 1, "Name": "verified_email"},
                    {"Priority": 2, "Name": "verified_phone_number"},
                ]
            },
        )
        description["UserPoolTier"] = s.get("UserPoolTier", "ESSENTIALS")
        return description

    def create_user_pool(self, req: dict[str, Any]) -> dict[str, Any]:
        refuse_unmodelled("CreateUserPool", req)
        if req.get("UsernameAttributes") and req.get("AliasAttributes"):
            # UNVERIFIED text; the model docs say the two are exclusive.
            raise invalid_parameter(
                "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool."
            )
        now = self.clock.now()
        pool_id = ids.user_pool_id(self.region)
        pool = Pool(
            pool_id=pool_id,
            name=req["PoolName"],
            arn=f"arn:aws:cognito-idp:{self.region}:{self.account_id}:userpool/{pool_id}",
            created=now,
            modified=now,
            settings=self._pool_settings(req),
            fixed={k: req[k] for k in POOL_FIXED if k in req},
            schema=self._build_schema(req.get("Schema")),
        )
        self.pools[pool_id] = pool
        return {"UserPool": self.describe_pool(pool)}

    def describe_user_pool(self, req: dict[str, Any]) -> dict[str, Any]:
        return {"UserPool": self.describe_pool(self.pool(req["UserPoolId"]))}

    def update_user_pool(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        refuse_unmodelled("UpdateUserPool", req)
        self.check_tier_change(pool, req)  # choice.py: no LITE pool under an ALLOW_USER_AUTH client
        # §9 [3P:67291308035]: "It resets every parameter you omit".
        pool.settings = self._pool_settings(req)
        if req.get("PoolName"):
            pool.name = req["PoolName"]
        pool.modified = self.clock.now()
        return {}

    def delete_user_pool(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        if pool.settings.get("DeletionProtection") == "ACTIVE":
            # §9, §11.3: InvalidParameterException; the text is UNVERIFIED.
            raise invalid_parameter(
                "The user pool cannot be deleted because deletion protection is activated."
            )
        del self.pools[pool.pool_id]
        self.outbox.forget_pool(pool.pool_id)
        return {}

    def list_user_pools(self, req: dict[str, Any]) -> dict[str, Any]:
        pools = list(self.pools.values())
        page, token = self._page(
            ("pools",), pools, req.get("NextToken"), self.page_size(req["MaxResults"], 60)
        )
        result: dict[str, Any] = {
            "UserPools": [
                {
                    "Id": p.pool_id,
                    "Name": p.name,
                    "LambdaConfig": p.settings.get("LambdaConfig", {}),
                    "LastModifiedDate": aws_timestamp(p.modified),
                    "CreationDate": aws_timestamp(p.created),
                }
                for p in page
            ]
        }
        if token:
            result["NextToken"] = token
        return result
