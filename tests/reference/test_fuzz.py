"""Schema-valid random requests never crash the reference, and every answer matches specs/.

Bodies come from the specs engineer's Hypothesis strategies; ids are swapped for live ones half the
time so the draws reach past "does not exist".

Run: ``pytest tests/reference/test_fuzz.py -q``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_support import PASSWORD, in_process_client, spec_problems

from conformance.reference import OPERATIONS, create_app
from conformance.reference.clock import ManualClock
from conformance.specs.strategies import request_strategy

APP = create_app(clock=ManualClock(start=1_760_000_000.0))
_cognito = in_process_client(APP)
LIVE: dict[str, str] = {
    "UserPoolId": _cognito.create_user_pool(PoolName="fuzz", DeviceConfiguration={})["UserPool"]["Id"],
}
LIVE["ClientId"] = _cognito.create_user_pool_client(
    UserPoolId=LIVE["UserPoolId"],
    ClientName="c",
    ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    ],
)["UserPoolClient"]["ClientId"]
_cognito.admin_create_user(UserPoolId=LIVE["UserPoolId"], Username="fuzz-user", MessageAction="SUPPRESS")
_cognito.admin_set_user_password(
    UserPoolId=LIVE["UserPoolId"], Username="fuzz-user", Password=PASSWORD, Permanent=True
)
_tokens = _cognito.initiate_auth(
    ClientId=LIVE["ClientId"],
    AuthFlow="USER_PASSWORD_AUTH",
    AuthParameters={"USERNAME": "fuzz-user", "PASSWORD": PASSWORD},
)["AuthenticationResult"]
LIVE["AccessToken"] = _tokens["AccessToken"]
LIVE["Username"] = "fuzz-user"
LIVE["DeviceKey"] = _tokens["NewDeviceMetadata"]["DeviceKey"]
# Operations that would wipe the live fixtures for every later draw.
_SPARED = {
    "DeleteUserPool",
    "DeleteUserPoolClient",
    "AdminDeleteUser",
    "GlobalSignOut",
    "AdminUserGlobalSignOut",
    "AdminDisableUser",
    "ForgetDevice",
    "AdminForgetDevice",
    "UpdateUserPoolClient",
    "RevokeToken",
    "AdminResetUserPassword",
    "AdminSetUserPassword",
    "ChangePassword",
    "UpdateUserPool",
}


@pytest.mark.slow
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_requests_get_modelled_answers(operation: str, data: Any) -> None:
    body = data.draw(request_strategy(operation), label="body")
    if operation not in _SPARED:
        for member, value in LIVE.items():
            if member in body and data.draw(st.booleans(), label=f"live {member}"):
                body[member] = value
    status, _, payload = APP.dispatch(
        f"AWSCognitoIdentityProviderService.{operation}", json.dumps(body).encode(), {}
    )
    if status == 501:
        # Fail closed (conformance/reference/service/settable.py): a member the reference does not
        # model is refused as unsupported, an answer outside AWS's errors by design.
        assert json.loads(payload)["__type"] == "ReferenceUnsupportedParameter", payload
        return
    assert status in (200, 400), payload
    assert not spec_problems(operation, status, payload)
