"""Schemas catch what they should: valid drawn messages pass, each kind of breakage is reported.

For every operation, request and response: Hypothesis draws messages from the schema (all optional
members present, so every constraint is reachable), the validator must accept them, and each
mutation of :data:`conformance.specs.mutations.MUTATION_KINDS` must be reported with its kind at
its JSON path. Run one operation with ``pytest tests/specs/test_mutations.py -k AdminGetUser``.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conformance import specs
from conformance.specs.mutations import MUTATION_KINDS, mutate
from conformance.specs.strategies import request_strategy, response_strategy

SETTINGS = settings(
    max_examples=3, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
SIDES = {"request": request_strategy, "response": response_strategy}
#: kind -> operations/sides where it applied; filled by the tests, checked last.
APPLIED: Counter[str] = Counter()
COVERED: set[str] = set()


def _check_side(operation: str, side: str, data: st.DataObject, all_members: bool) -> list[str]:
    strategy = SIDES[side]
    # Looked up on each call so a test can swap in a deliberately blind validator.
    validate = getattr(specs, f"validate_{side}")
    schema_of = getattr(specs, f"{side}_schema")
    body = data.draw(strategy(operation, all_members=all_members), label="valid body")
    assert validate(operation, body) == [], "a drawn valid body was rejected"
    schema = schema_of(operation)
    applied = []
    for kind in MUTATION_KINDS:
        mutation = mutate(body, schema, kind)
        if mutation is None:
            continue
        applied.append(kind)
        problems = validate(operation, mutation.body)
        assert problems, f"{operation} {side}: {mutation.what}: not reported"
        matching = [p for p in problems if p.kind == kind and p.path == mutation.path]
        assert matching, (
            f"{operation} {side}: {mutation.what}: expected {kind} at {mutation.path}, got {problems}"
        )
    return applied


@pytest.mark.parametrize("operation", specs.operations())
@SETTINGS
@given(data=st.data())
def test_mutations_are_reported(operation: str, data: st.DataObject) -> None:
    for side in SIDES:
        APPLIED.update(_check_side(operation, side, data, all_members=True))
    COVERED.add(operation)


@pytest.mark.parametrize("operation", specs.operations())
@SETTINGS
@given(data=st.data())
def test_sparse_valid_bodies_pass(operation: str, data: st.DataObject) -> None:
    # Only required members: the other end of the generated range.
    for side in SIDES:
        validate = getattr(specs, f"validate_{side}")
        body = data.draw(SIDES[side](operation), label=f"{side} body")
        assert validate(operation, body) == []


@pytest.mark.parametrize("blind_to", MUTATION_KINDS)
def test_a_validator_blind_to_one_kind_fails_these_tests(blind_to: str, monkeypatch) -> None:
    real = specs.validate_response

    def blind(operation: str, body: object) -> list:
        return [p for p in real(operation, body) if p.kind != blind_to]

    monkeypatch.setattr(specs, "validate_response", blind)

    # One draw, no shrinking: the point is only that the failure is raised.
    @settings(SETTINGS, max_examples=1, phases=[Phase.generate])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        _check_side("DescribeUserPool", "response", data, all_members=True)

    with pytest.raises(AssertionError, match=f"expected {blind_to} at|not reported"):
        check()


def test_every_mutation_kind_was_exercised() -> None:
    """Runs after the parametrized tests (file order); each kind must have applied many times."""
    if COVERED != set(specs.operations()):
        pytest.skip("counts need test_mutations_are_reported for every operation (run the whole module)")
    for kind in MUTATION_KINDS:
        assert APPLIED[kind] >= 20, f"{kind} applied only {APPLIED[kind]} times"
