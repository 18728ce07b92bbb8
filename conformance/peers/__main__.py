"""``python -m conformance.peers run --endpoint URL --out DIR``: moto's AWS-verified tests against URL.

Exit codes: 0 every result as expected, 1 an unexpected failure or a vanished expected one, 3 the peer
suite could not run (no sdist, pytest could not collect, a time-out), 4 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance.peers.expectations import PeerExpectationsError
from conformance.peers.runner import run_peer_suite

EXIT = {"pass": 0, "fail": 1, "error": 3}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.peers", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the in-scope peer tests against one endpoint")
    run.add_argument("--endpoint", required=True, help="the cognito-idp endpoint's URL")
    run.add_argument("--out", required=True, type=Path, help="folder for peers.json and the logs")
    run.add_argument(
        "--iam-endpoint", help="URL serving IAM and STS (a moto server): runs the tests that need them too"
    )
    run.add_argument("--cache", type=Path, help="where moto's sdist is kept (default ~/.cache/...)")
    run.add_argument("--expectations", type=Path, help="expected failures (default: the implementation's)")
    run.add_argument("--timeout", type=float, default=300, help="seconds for the whole peer run")
    args = parser.parse_args(argv)
    if not args.endpoint.startswith(("http://", "https://")):
        print(f"--endpoint must be a URL, not {args.endpoint!r}", file=sys.stderr)
        return 4
    try:
        result = run_peer_suite(
            args.endpoint,
            args.out,
            iam_endpoint=args.iam_endpoint,
            cache=args.cache,
            expectations=args.expectations,
            timeout=args.timeout,
        )
    except PeerExpectationsError as error:
        print(f"peer expectations: {error}", file=sys.stderr)
        return 4
    counts = result.counts()
    print(
        f"peer suite ({result.label}, moto {result.moto_version or '?'} AWS-verified tests): "
        f"{result.status}: {sum(counts.values())} run, {counts['pass']} pass, {counts['known']} known, "
        f"{counts['unexpected']} unexpected, {counts['vanished']} vanished, {counts['skipped']} skipped "
        f"in {result.seconds:.1f} s"
    )
    for test in result.tests:
        line = f"  {test.verdict:<10} {test.name}"
        if test.reason:
            line += f": {test.reason}"
        print(line)
    for name in result.vanished:
        print(f"  vanished   {name}: expected to fail, but the run did not have it")
    print(f"  {result.status_reason} -> {args.out / 'peers.json'}")
    return EXIT[result.status]


if __name__ == "__main__":
    sys.exit(main())
