"""Real AWS (``aws``): guarded by ``--aws-account``, signed with the standard boto3 credential chain."""

from __future__ import annotations

import os
import time
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

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
    guards_account = True

    def __init__(
        self,
        spec: str = "aws",
        *,
        region: str = DEFAULT_REGION,
        aws_account: str,
        aws_profile: str | None = None,
    ) -> None:
        super().__init__(spec, kind="aws", label="aws", implementation="aws", region=region, version="live")
        #: the account the user says the credentials must belong to.
        self.aws_account = aws_account
        #: the named profile of the shared config files (``--aws-profile``), else the chain's own choice.
        self.aws_profile = aws_profile
        self._session: boto3.session.Session | None = None
        self._cognito_url: str | None = None

    @classmethod
    def connect(
        cls,
        spec: str,
        arg: str,
        *,
        region: str,
        aws_account: str | None,
        aws_profile: str | None = None,
        region_from_chain: bool = False,
    ) -> AwsEndpoint:
        """The endpoint, its session made now: a profile that does not exist is a usage error at once.

        ``region_from_chain``: no ``--aws-region`` was given, so the Region is the chain's (the
        profile's ``region``, ``$AWS_DEFAULT_REGION``), then ``$AWS_REGION``, then ``region``.
        """
        if arg:
            raise EndpointError(f"endpoint 'aws' takes no arguments (got {spec!r}); use --aws-region")
        if not aws_account:
            raise EndpointError(
                "endpoint 'aws' refuses to start without --aws-account=<12-digit id> (the account you mean to spend)"
            )
        if not (aws_account.isdigit() and len(aws_account) == 12):
            raise EndpointError(f"--aws-account must be a 12-digit account id (got {aws_account!r})")
        endpoint = cls(spec, region=region, aws_account=aws_account, aws_profile=aws_profile)
        try:
            if region_from_chain:
                chosen = boto3.session.Session(profile_name=aws_profile).region_name
                endpoint.region = chosen or os.environ.get("AWS_REGION") or region
            endpoint.session()
        except BotoCoreError as error:  # ProfileNotFound, a config file that does not parse...
            raise EndpointError(f"endpoint 'aws' refused: {_one_line(error)}") from None
        return endpoint

    def session(self) -> boto3.session.Session:
        # Made once: credentials resolved for the account check are the ones every client signs with.
        if self._session is None:
            self._session = boto3.session.Session(profile_name=self.aws_profile, region_name=self.region)
        return self._session

    def start(self) -> None:
        """Refuse to start unless the chain's credentials work and belong to ``--aws-account``.

        Any failure (no credentials, an expired or unknown key, a wrong secret, another account) is
        one line, and the run stops with exit code 4 before any test.
        """
        sts = self.session().client(
            "sts", config=Config(connect_timeout=3, read_timeout=5, retries={"total_max_attempts": 1})
        )
        account = caller_account(sts)
        if account != self.aws_account:
            raise EndpointError(
                f"endpoint 'aws' refused: the credentials belong to account {account}, "
                f"not --aws-account={self.aws_account}"
            )

    def cognito_url(self) -> str:
        """Where boto3 sends this session's Cognito calls: AWS's regional endpoint, or the override of
        boto3's configuration (``AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER``, a profile's ``services``)."""
        if self._cognito_url is None:
            self._cognito_url = str(self.session().client("cognito-idp").meta.endpoint_url).rstrip("/")
        return self._cognito_url

    def jwks(self, user_pool_id: str, issuer: str | None = None) -> dict[str, Any]:
        # docs/facts.md §5: the keys are at ``iss + /.well-known/jwks.json``. The issuer names AWS's
        # regional endpoint; when boto3's configuration sends Cognito calls elsewhere, the key set is
        # fetched from there too, as every other call of the run is.
        regional = f"https://cognito-idp.{self.region}.amazonaws.com"
        base = (issuer or f"{regional}/{user_pool_id}").rstrip("/")
        target = self.cognito_url()
        if target != regional and base.startswith(regional + "/"):
            base = target + base[len(regional) :]
        return get_json(base + "/.well-known/jwks.json")

    def let_time_pass(self, seconds: float) -> bool:
        # AWS's clock is nobody's to move, and its expiry is what the other endpoints are checked
        # against: worth the wait.
        time.sleep(seconds)
        return True

    def reproducer_prologue(self) -> str:
        # The reader's own credentials, from the same chain the run used (and its profile, if named).
        if self.aws_profile:
            return (
                f"client = boto3.session.Session(profile_name={self.aws_profile!r})"
                f".client('cognito-idp', region_name={self.region!r})"
            )
        return f"client = boto3.client('cognito-idp', region_name={self.region!r})"


def caller_account(sts: Any) -> str:
    """The account of the credentials behind an STS client (one call); EndpointError when there are none.

    The error names what AWS (or the chain) said, never the credentials: ``InvalidClientTokenId`` for
    an unknown key, ``SignatureDoesNotMatch`` for a wrong secret, ``NoCredentialsError`` for none.
    """
    try:
        return sts.get_caller_identity()["Account"]
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code") or "ClientError")
        raise EndpointError(
            f"endpoint 'aws' refused: no usable AWS credentials (ClientError): AWS answered {code}"
        ) from None
    except Exception as error:  # noqa: BLE001 - any failure here means "not usable"
        raise EndpointError(
            f"endpoint 'aws' refused: no usable AWS credentials ({type(error).__name__})"
        ) from None


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())
