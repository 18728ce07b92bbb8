"""What the tests of the ``aws`` path share: the environment that points boto3 at the AWS stand-in (as a
CI runner's would point it at AWS: endpoint overrides and credentials, nothing else), and a child pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conformance.reference.standin import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCOUNT, DEFAULT_SECRET_ACCESS_KEY

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = DEFAULT_ACCOUNT
#: A short service latency: these tests are about behaviour, not wall time.
LATENCY_MS = "5"


def aws_environment(
    url: str, *, secret: str = DEFAULT_SECRET_ACCESS_KEY, key: str = DEFAULT_ACCESS_KEY_ID
) -> dict:
    """This process's environment, with boto3 sent to the stand-in and nothing else of AWS's set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "CONFORMANCE_ENDPOINT"}
    env.update(
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=url,
        AWS_ENDPOINT_URL_STS=url,
        AWS_ACCESS_KEY_ID=key,
        AWS_SECRET_ACCESS_KEY=secret,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def pytest_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]


def run_pytest(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``pytest ARGS`` from the repository root in a child process, with ``env``."""
    return subprocess.run(
        pytest_command(*args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def pool_names(client) -> dict[str, str]:
    """Every pool of the account: id -> name."""
    pools, token = {}, None
    while True:
        page = client.list_user_pools(MaxResults=60, **({"NextToken": token} if token else {}))
        pools.update({p["Id"]: p["Name"] for p in page["UserPools"]})
        token = page.get("NextToken")
        if not token:
            return pools
