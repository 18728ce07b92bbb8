"""Which of moto's tests the peer suite runs, and why the others are left out.

In scope: the tests in moto's ``tests/test_cognitoidp/test_cognitoidp.py`` marked
``@pytest.mark.aws_verified``: their maintainers ran them against real AWS (us-west-2), so what they
assert is what AWS did. Every other moto test asserts what moto does (a mock's behaviour is never
evidence of AWS), so none of them is run.

Out of scope by default, each named in :data:`OUT_OF_SCOPE` with its reason: the AWS-verified tests
whose set-up needs other AWS services. They create an IAM role for an SMS configuration
(``with_mfa=...``) and, when run unmocked, sleep 10 seconds for IAM to settle and wait up to 30 more
for a fresh TOTP code: about 40 seconds each, beyond the CI step's budget, and the IAM calls need an
IAM endpoint. ``--iam-endpoint URL`` (a moto server) brings them in.
"""

from __future__ import annotations

#: The module of moto's source distribution that holds the cognito-idp tests.
TEST_MODULE = "tests/test_cognitoidp/test_cognitoidp.py"

#: The marker moto puts on tests run against AWS.
MARKER = "aws_verified"

_NEEDS_IAM = (
    "needs IAM (an SMS role for MfaConfiguration) and waits ~40 s unmocked (IAM settling, a fresh TOTP "
    "code); in scope with --iam-endpoint"
)

#: AWS-verified tests left out unless their other services are given, with the reason.
OUT_OF_SCOPE: dict[str, str] = {
    "test_user_authentication_flow_mfa_on": _NEEDS_IAM,
    "test_user_authentication_flow_mfa_optional": _NEEDS_IAM,
    "test_initiate_mfa_auth_USER_PASSWORD_AUTH_with_FORCE_CHANGE_PASSWORD_status": _NEEDS_IAM,
}


def selection(*, with_iam: bool) -> tuple[list[str], dict[str, str]]:
    """The pytest arguments that select the in-scope tests, and the tests left out with their reasons.

    Args:
        with_iam: an IAM endpoint is given, so the tests that need one are in scope.
    """
    left_out = {} if with_iam else dict(OUT_OF_SCOPE)
    args = [TEST_MODULE, "-m", MARKER]
    for name in sorted(left_out):
        args += ["--deselect", f"{TEST_MODULE}::{name}"]
    return args, left_out
