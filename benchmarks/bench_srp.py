"""Time one full SRP computation on each side, as the issue's closing note asks.

* client: ``UserSrpClient`` (draws a, computes A) + ``answer_password_verifier`` (u, x, S, HKDF,
  PASSWORD_CLAIM_SIGNATURE);
* server: ``SrpServer`` (draws b, computes B) + ``verify`` of a genuine answer;
* for comparison: the client with the pure-Python ``pow()`` backend, and pycognito's AWSSRP
  (A + ``process_challenge``) when pycognito is installed.

Usage::

    python benchmarks/bench_srp.py [--runs 200] [--check] [--json]

``--check`` exits 1 when the client or server median exceeds the 5 ms budget of the issue.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conformance.crypto import bignum, srp  # noqa: E402

POOL_ID = "us-east-1_BenchPool"
USERNAME = "8f1c2e4a-0b1d-4e5f-9a6b-7c8d9e0f1a2b"
PASSWORD = "Correct-Horse-Battery-9"
SALT = bytes.fromhex("5d2a9e7c41b3f08e6a1c2d3e4f506172")
SECRET_BLOCK = base64.b64encode(bytes(range(256)) * 4).decode("ascii")
TIMESTAMP = "Sun Feb 4 11:08:36 UTC 2018"
BUDGET_MS = 5.0


def _time(action: Callable[[int], object], runs: int) -> list[float]:
    action(0)  # warm-up: imports, caches, OpenSSL's first BN_CTX
    samples = []
    for index in range(runs):
        started = time.perf_counter()
        action(index)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 3),
        "min_ms": round(ordered[0], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="timed repetitions per measurement")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if a median exceeds {BUDGET_MS} ms")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()

    name = srp.pool_name(POOL_ID)
    verifier = srp.compute_verifier(name, USERNAME, PASSWORD, SALT)
    server = srp.SrpServer(verifier)
    challenge = {
        "USER_ID_FOR_SRP": USERNAME,
        "USERNAME": USERNAME,
        "SRP_B": server.srp_b_hex(),
        "SALT": SALT.hex(),
        "SECRET_BLOCK": SECRET_BLOCK,
    }

    def client_run(_: int) -> object:
        client = srp.UserSrpClient(POOL_ID, PASSWORD)
        return client.srp_a_hex(), client.answer_password_verifier(challenge, timestamp=TIMESTAMP)

    # The server measurement needs a genuine answer for each run's own b; those are made untimed.
    secret_bs = [1 + index * 7919 + 2**255 for index in range(options.runs + 1)]
    answers = []
    for b in secret_bs:
        own = dict(challenge, SRP_B=srp.SrpServer(verifier, b=b).srp_b_hex())
        client = srp.UserSrpClient(POOL_ID, PASSWORD)
        answers.append((client.srp_a_hex(), client.answer_password_verifier(own, timestamp=TIMESTAMP)))
    secret_block = srp.decode_secret_block(SECRET_BLOCK)

    def server_run(index: int) -> object:
        srp_a, answer = answers[index]
        instance = srp.SrpServer(verifier, b=secret_bs[index])
        instance.srp_b_hex()
        instance.verify(
            srp_a_hex=srp_a,
            pool_name=name,
            username=USERNAME,
            secret_block=secret_block,
            timestamp=answer["TIMESTAMP"],
            signature_b64=answer["PASSWORD_CLAIM_SIGNATURE"],
        )
        return None

    results: dict[str, object] = {"backend": bignum.BACKEND, "runs": options.runs}
    results["client A + signature"] = _summary(_time(client_run, options.runs))
    results["server B + verify"] = _summary(_time(server_run, options.runs))
    slow_runs = max(10, options.runs // 10)
    with bignum.using_backend("python"):
        results["client A + signature, python pow()"] = _summary(_time(client_run, slow_runs))
        results["server B + verify, python pow()"] = _summary(_time(server_run, slow_runs))
    try:
        from pycognito.aws_srp import AWSSRP
    except ImportError:
        results["pycognito AWSSRP A + signature"] = "pycognito not installed"
    else:

        def pycognito_run(_: int) -> object:
            # client=object(): AWSSRP only needs a non-None client to skip creating a boto3 one.
            helper = AWSSRP(USERNAME, PASSWORD, POOL_ID, "client", client=object())
            return helper.process_challenge(challenge, {"USERNAME": USERNAME})

        results["pycognito AWSSRP A + signature"] = _summary(_time(pycognito_run, slow_runs))

    if options.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"SRP benchmark: modexp backend {results['backend']}, {options.runs} runs (medians in ms)")
        for label, figures in results.items():
            if isinstance(figures, dict):
                print(f"  {label:<40} median {figures['median_ms']:>7.3f}  p90 {figures['p90_ms']:>7.3f}")
            elif label not in ("backend", "runs"):
                print(f"  {label:<40} {figures}")
    over = [
        label
        for label in ("client A + signature", "server B + verify")
        if results[label]["median_ms"] > BUDGET_MS  # type: ignore[index]
    ]
    if options.check and over:
        print(f"over the {BUDGET_MS} ms budget: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
