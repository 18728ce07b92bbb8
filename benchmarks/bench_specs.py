"""How long validating one typical response takes (goal: median <= 0.2 ms).

Run from the repo root: ``python benchmarks/bench_specs.py [--rounds N]``. Prints, for a typical
DescribeUserPool and AdminGetUser response (shaped like the CLI's raw JSON in docs/facts.md
§9-§10), the median and 95th percentile of:

* ``validate_response`` as the harness calls it (fast check first, jsonschema only on failure);
* jsonschema alone on the same compiled schema (``iter_errors``), to show what the fast path saves;
* ``validate_response`` on a body with one extra key (the slow, reporting path).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance import specs  # noqa: E402

DESCRIBE_USER_POOL = {
    "UserPool": {
        "Id": "us-west-2_aBcDeFgHi",
        "Name": "conformance-pool",
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "TemporaryPasswordValidityDays": 7,
            },
            "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]},
        },
        "DeletionProtection": "INACTIVE",
        "LambdaConfig": {},
        "LastModifiedDate": 1715100742.123,
        "CreationDate": 1715100742.123,
        "SchemaAttributes": [
            {
                "Name": name,
                "AttributeDataType": "String",
                "DeveloperOnlyAttribute": False,
                "Mutable": name != "sub",
                "Required": name == "sub",
                "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"},
            }
            for name in ("sub", "name", "given_name", "family_name", "email", "phone_number")
        ]
        + [
            {
                "Name": "email_verified",
                "AttributeDataType": "Boolean",
                "DeveloperOnlyAttribute": False,
                "Mutable": True,
                "Required": False,
            },
            {
                "Name": "updated_at",
                "AttributeDataType": "Number",
                "DeveloperOnlyAttribute": False,
                "Mutable": True,
                "Required": False,
                "NumberAttributeConstraints": {"MinValue": "0"},
            },
        ],
        "AutoVerifiedAttributes": ["email"],
        "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"},
        "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": []},
        "MfaConfiguration": "OFF",
        "EstimatedNumberOfUsers": 3,
        "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"},
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False, "UnusedAccountValidityDays": 7},
        "Arn": "arn:aws:cognito-idp:us-west-2:123456789012:userpool/us-west-2_aBcDeFgHi",
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [
                {"Priority": 1, "Name": "verified_email"},
                {"Priority": 2, "Name": "verified_phone_number"},
            ]
        },
        "UserPoolTier": "ESSENTIALS",
    }
}
ADMIN_GET_USER = {
    "Username": "alice",
    "UserAttributes": [
        {"Name": "sub", "Value": "8f0c5e34-1111-4222-8333-944455556666"},
        {"Name": "email", "Value": "alice@example.com"},
        {"Name": "email_verified", "Value": "true"},
    ],
    "UserCreateDate": 1548099495.428,
    "UserLastModifiedDate": 1548099495.428,
    "Enabled": True,
    "UserStatus": "CONFIRMED",
}


def _time(call: Callable[[], object], rounds: int) -> tuple[float, float]:
    call()  # load and compile once, as a run does
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.95)] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5000)
    args = parser.parse_args()
    assert specs.validate_response("DescribeUserPool", DESCRIBE_USER_POOL) == []
    assert specs.validate_response("AdminGetUser", ADMIN_GET_USER) == []
    worst = 0.0
    print(f"{'case':52} {'median ms':>10} {'p95 ms':>8}")
    for operation, body in (("DescribeUserPool", DESCRIBE_USER_POOL), ("AdminGetUser", ADMIN_GET_USER)):
        compiled = specs.compiled_schema(operation, "response")
        extra = copy.deepcopy(body)
        extra["UnexpectedKey"] = 1
        cases = [
            (f"{operation}: validate_response", lambda o=operation, b=body: specs.validate_response(o, b)),
            (
                f"{operation}: jsonschema iter_errors alone",
                lambda b=body, c=compiled: list(c.validator.iter_errors(b)),
            ),
            (
                f"{operation}: validate_response, one extra key",
                lambda o=operation, b=extra: specs.validate_response(o, b),
            ),
        ]
        for name, call in cases:
            median, p95 = _time(call, args.rounds)
            print(f"{name:52} {median:10.4f} {p95:8.4f}")
            if name.endswith("validate_response"):
                worst = max(worst, median)
    goal = 0.2
    print(
        f"typical response, worst median: {worst:.4f} ms (goal <= {goal} ms): {'OK' if worst <= goal else 'SLOW'}"
    )
    return 0 if worst <= goal else 1


if __name__ == "__main__":
    sys.exit(main())
