"""Delete the user pools runs of this harness left in an AWS account, and nothing else.

Usage: ``python -m conformance.janitor --aws-account ID [--older-than 2h] [--dry-run]
[--aws-region R] [--aws-profile P]``.

A run deletes its pools at each test's end, at its own end and on SIGINT/SIGTERM; a run killed
outright (SIGKILL, a lost CI runner, a second signal) leaves them. The janitor finds them by the
UserPoolTags every harness pool carries (conformance/lifecycle.py ``pool_tags``), never by name: a
pool without the harness's run tag is never touched, whatever it is called. Only pools older than
``--older-than`` (their created-at tag) are deleted, so that a janitor started while a run is in
progress leaves that run's pools alone. It reaches the account exactly as a run does (the ``aws``
endpoint: the standard credential chain, refused unless the credentials belong to ``--aws-account``).

Exit codes: 0 done (or nothing to do), 1 some pools could not be deleted, 4 a usage or credential
error (one line).
"""

from __future__ import annotations

import argparse
import re
import sys
import time

from botocore.exceptions import BotoCoreError, ClientError

from conformance.endpoints import EndpointError, parse
from conformance.lifecycle import HarnessPool, harness_pools, housekeeping

#: The default threshold: longer than any run (the run budget is 30 minutes by default) with room.
DEFAULT_OLDER_THAN = "2h"
EXIT_USAGE = 4
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """``90``, ``90s``, ``30m``, ``2h``, ``1d`` -> seconds; ValueError otherwise."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"not a duration: {text!r} (say 90s, 30m, 2h or 1d)")
    return float(match[1]) * _UNIT_SECONDS[match[2]]


def sweep(client: object, older_than: float, *, dry_run: bool, now: float | None = None) -> tuple[list, list]:
    """Delete (or, dry, list) the harness pools older than ``older_than`` seconds.

    Returns (the pools deleted or that would be, the pools that could not be deleted with why).
    """
    now = time.time() if now is None else now
    done: list[HarnessPool] = []
    failed: list[tuple[HarnessPool, str]] = []
    for pool in harness_pools(client):
        if pool.age(now) < older_than:
            continue
        if dry_run:
            done.append(pool)
            continue
        try:
            housekeeping(client, "delete_user_pool", UserPoolId=pool.pool_id)
            done.append(pool)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code"))
            if code == "ResourceNotFoundException":
                continue  # deleted meanwhile: by its own run's end
            failed.append((pool, code))
        except BotoCoreError as error:
            failed.append((pool, type(error).__name__))
    return done, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m conformance.janitor", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--aws-account", required=True, help="the 12-digit account the credentials must belong to"
    )
    parser.add_argument(
        "--older-than",
        default=DEFAULT_OLDER_THAN,
        help=f"only pools created longer ago than this: 90s, 30m, 2h, 1d (default {DEFAULT_OLDER_THAN})",
    )
    parser.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")
    parser.add_argument("--aws-region", default=None, help="the Region (default: the credential chain's)")
    parser.add_argument("--aws-profile", default=None, help="a named profile of the shared AWS config files")
    args = parser.parse_args(argv)
    try:
        older_than = parse_duration(args.older_than)
        endpoint = parse(
            "aws",
            region=args.aws_region,
            aws_account=args.aws_account,
            aws_profile=args.aws_profile,
            region_from_chain=not args.aws_region,
        )
        endpoint.start()
        client = endpoint.make_client()
        done, failed = sweep(client, older_than, dry_run=args.dry_run)
    except (ValueError, EndpointError) as error:
        print(f"janitor: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (ClientError, BotoCoreError) as error:
        print(f"janitor: cannot list the account's user pools ({type(error).__name__})", file=sys.stderr)
        return EXIT_USAGE
    verb = "would delete" if args.dry_run else "deleted"
    for pool in done:
        print(f"{verb} {pool.pool_id} {pool.name} (run {pool.run_id}, {pool.age() / 60:.0f} min old)")
    for pool, why in failed:
        print(f"could not delete {pool.pool_id} {pool.name} (run {pool.run_id}): {why}")
    print(
        f"janitor: {verb} {len(done)} harness pools older than {args.older_than} in account "
        f"{args.aws_account} ({endpoint.region}); {len(failed)} failed"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
