"""The peer suite: moto's own AWS-verified cognito-idp tests, run unmocked against any endpoint.

The reference and the oracle were written from the same facts, so the main suite passing on the
reference cannot show a mistake the two share. moto's maintainers mark some of their tests
``aws_verified``: they ran them against real AWS, and with ``MOTO_TEST_ALLOW_AWS_REQUEST=true`` they
run unmocked with plain boto3, so ``AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`` points them at any
endpoint. They are evidence from outside this project.

``python -m conformance.peers run --endpoint URL --out DIR`` downloads moto's source distribution for
the installed (pinned) moto version (``pip download``, cached), extracts ``tests/test_cognitoidp/``,
runs the in-scope tests (:mod:`conformance.peers.scope`) in a subprocess pytest, and writes
``DIR/peers.json`` (:mod:`conformance.peers.results`): one record per test, judged against the
endpoint's expected peer failures (``conformance/peers/expectations/<implementation>.toml``).

No pytest import here: the tests run in a child process and are read back from its JUnit XML.
"""

from __future__ import annotations

from conformance.peers.expectations import ExpectedFailure, PeerExpectationsError, load_expected_failures
from conformance.peers.results import PEERS_FILE, PeerRun, PeerTest, find_peer_runs, judge, load_peer_run
from conformance.peers.runner import run_peer_suite
from conformance.peers.scope import OUT_OF_SCOPE, TEST_MODULE, selection

__all__ = [
    "OUT_OF_SCOPE",
    "PEERS_FILE",
    "TEST_MODULE",
    "ExpectedFailure",
    "PeerExpectationsError",
    "PeerRun",
    "PeerTest",
    "find_peer_runs",
    "judge",
    "load_expected_failures",
    "load_peer_run",
    "run_peer_suite",
    "selection",
]
