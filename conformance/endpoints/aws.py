"""Real AWS (``aws``): guarded by ``--aws-account``, signed with the standard boto3 credential chain."""

from __future__ import annotations

import time
from typing import Any

import boto3
from botocore.config import Config

from conformance.endpoints.base import DEFAULT_REGION, Endpoint, EndpointError, get_json


class AwsEndpoint(Endpoint):
    """Cognito in a real account. Every call costs money and leaves state: never from CI.

    One boto3 session (the standard credential chain: environment, profile, SSO, instance role...)
    is the only place credentials come from: the account check and every Cognito client use it, so
    the account that was checked is the account that is called.
    """

    retries_throttling = True
    waits_in_real_time = True
    uses_expectations = False
    local = False

    def __init__(self, spec: str = "aws", *, region: str = DEFAULT_REGION, aws_account: str) -> None:
        super().__init__(spec, kind="aws", label="aws", implementation="aws", region=region, version="live")
        #: the account the user says the credentials must belong to.
        self.aws_account = aws_account
        self._session: boto3.session.Session | None = None

    @classmethod
    def connect(cls, spec: str, arg: str, *, region: str, aws_account: str | None) -> AwsEndpoint:
        if arg:
            raise EndpointError(f"endpoint 'aws' takes no arguments (got {spec!r}); use --aws-region")
        if not aws_account:
            raise EndpointError(
                "endpoint 'aws' refuses to start without --aws-account=<12-digit id> (the account you mean to spend)"
            )
        if not (aws_account.isdigit() and len(aws_account) == 12):
            raise EndpointError(f"--aws-account must be a 12-digit account id (got {aws_account!r})")
        return cls(spec, region=region, aws_account=aws_account)

    def session(self) -> boto3.session.Session:
        # Made once: credentials resolved for the account check are the ones every client signs with.
        if self._session is None:
            self._session = boto3.session.Session(region_name=self.region)
        return self._session

    def start(self) -> None:
        sts = self.session().client(
            "sts", config=Config(connect_timeout=3, read_timeout=5, retries={"total_max_attempts": 1})
        )
        account = caller_account(sts)
        if account != self.aws_account:
            raise EndpointError(
                f"endpoint 'aws' refused: the credentials belong to account {account}, "
                f"not --aws-account={self.aws_account}"
            )

    def jwks(self, user_pool_id: str, issuer: str | None = None) -> dict[str, Any]:
        # docs/facts.md §5: the keys are at ``iss + /.well-known/jwks.json``.
        base = issuer or f"https://cognito-idp.{self.region}.amazonaws.com/{user_pool_id}"
        return get_json(base.rstrip("/") + "/.well-known/jwks.json")

    def let_time_pass(self, seconds: float) -> bool:
        # AWS's clock is nobody's to move, and its expiry is what the other endpoints are checked
        # against: worth the wait.
        time.sleep(seconds)
        return True

    def reproducer_prologue(self) -> str:
        # The reader's own credentials, from the same chain the run used.
        return f"client = boto3.client('cognito-idp', region_name={self.region!r})"


def caller_account(sts: Any) -> str:
    """The account of the credentials behind an STS client (one call); EndpointError when there are none."""
    try:
        return sts.get_caller_identity()["Account"]
    except Exception as error:  # noqa: BLE001 - any failure here means "not usable"
        raise EndpointError(
            f"endpoint 'aws' refused: no usable AWS credentials ({type(error).__name__})"
        ) from None
