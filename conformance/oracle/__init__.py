"""A pure oracle of Amazon Cognito user pools: for a state and a call, what AWS answers, and why.

No boto3, no botocore, no pytest: frozen state (:mod:`conformance.oracle.model`), one small
function per operation that reads like the AWS documentation it encodes
in the module of its area (:mod:`conformance.areas`): :mod:`~conformance.oracle.pools`,
:mod:`~conformance.oracle.clients`, :mod:`~conformance.oracle.users`, :mod:`~conformance.oracle.auth`,
:mod:`~conformance.oracle.tokens`, :mod:`~conformance.oracle.devices`; each prediction carries the
docs/facts.md fact it rests on.

Use::

    state = initial_state("us-east-1")
    prediction, state = step(state, Call("DescribeUserPool", {"UserPoolId": pool_id}))
    # or, against an endpoint: predict, call, then learn the generated ids from its answer
    prediction = predict(state, call)
    state = observe(state, call, Answer(ok=True, body=response_body))
"""

from __future__ import annotations

from conformance.oracle.clients import known_client, live_client_names
from conformance.oracle.model import (
    Answer,
    Call,
    Expect,
    Prediction,
    Proof,
    Rule,
    State,
    Verdict,
)
from conformance.oracle.pools import known_pool, live_pool_ids
from conformance.oracle.step import (
    OPERATIONS,
    agrees,
    describe_call,
    describe_state,
    initial_state,
    observe,
    predict,
    step,
)

__all__ = [
    "OPERATIONS",
    "Answer",
    "Call",
    "Expect",
    "Prediction",
    "Proof",
    "Rule",
    "State",
    "Verdict",
    "agrees",
    "describe_call",
    "describe_state",
    "initial_state",
    "known_client",
    "known_pool",
    "live_client_names",
    "live_pool_ids",
    "observe",
    "predict",
    "step",
]
