"""Schemas catch what they should: valid drawn messages pass, each kind of breakage is reported.

For every operation, request and response: Hypothesis draws messages from the schema (all optional
members present, so every constraint is reachable), the validator must accept them, and each
mutation of :data:`conformance.specs.mutations.MUTATION_KINDS` must be reported with its kind at
its JSON path. Run one operation with ``pytest tests/specs/test_mutations.py -k AdminGetUser``.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import specs
from conformance.specs.mutations import MUTATION_KINDS, mutate
from conformance.specs.strategies import request_strategy, response_strategy

SETTINGS = settings(
    max_examples=3, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
SIDES = {
    "request": (request_strategy, specs.validate_request, specs.request_schema),
    "response": (response_strategy, specs.validate_response, specs.response_schema),
}
#: kind -> operations/sides where it applied; filled by the tests, checked last.
APPLIED: Counter[str] = Counter()


def _check_side(operation: str, side: str, data: st.DataObject, all_members: bool) -> None:
    strategy, validate, schema_of = SIDES[side]
    body = data.draw(strategy(operation, all_members=all_members), label="valid body")
    assert validate(operation, body) == [], "a drawn valid body was rejected"
    schema = schema_of(operation)
    for kind in MUTATION_KINDS:
        mutation = mutate(body, schema, kind)
        if mutation is None:
            continue
        APPLIED[kind] += 1
        problems = validate(operation, mutation.body)
        assert problems, f"{operation} {side}: {mutation.what}: not reported"
        matching = [p for p in problems if p.kind == kind and p.path == mutation.path]
        assert matching, (
            f"{operation} {side}: {mutation.what}: expected {kind} at {mutation.path}, got {problems}"
        )


@pytest.mark.parametrize("operation", specs.operations())
@SETTINGS
@given(data=st.data())
def test_mutations_are_reported(operation: str, data: st.DataObject) -> None:
    for side in SIDES:
        _check_side(operation, side, data, all_members=True)


@pytest.mark.parametrize("operation", specs.operations())
@SETTINGS
@given(data=st.data())
def test_sparse_valid_bodies_pass(operation: str, data: st.DataObject) -> None:
    # Only required members: the other end of the generated range.
    for side in SIDES:
        strategy, validate, _ = SIDES[side]
        body = data.draw(strategy(operation), label=f"{side} body")
        assert validate(operation, body) == []


def test_every_mutation_kind_was_exercised() -> None:
    """Runs after the parametrized tests (file order); each kind must have applied many times."""
    if not APPLIED:
        pytest.skip("run with the whole module to count mutations")
    for kind in MUTATION_KINDS:
        assert APPLIED[kind] >= 20, f"{kind} applied only {APPLIED[kind]} times"
