"""The fast yes/no checker agrees with jsonschema on every verdict.

Validation runs :func:`conformance.specs.validation.compile_accepts` first and asks jsonschema
for details only when it says no, so the two must never disagree: if the fast check accepted
something jsonschema rejects, a divergence would be lost. Checked on valid, mutated and randomly
perturbed messages for every operation.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import specs
from conformance.specs.mutations import MUTATION_KINDS, mutate
from conformance.specs.strategies import request_strategy, response_strategy
from conformance.specs.validation import compile_accepts, inline_refs

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 70) | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner, max_size=2),
    max_leaves=4,
)


def _perturb(body: object, data: st.DataObject) -> object:
    """Replace one random value anywhere in the message with a random JSON value."""
    if isinstance(body, dict) and body and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(body)))
        return {**body, key: _perturb(body[key], data)}
    if isinstance(body, list) and body and data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(body) - 1))
        return [*body[:index], _perturb(body[index], data), *body[index + 1 :]]
    return data.draw(JSON_VALUES)


@pytest.mark.parametrize("operation", specs.operations())
@settings(
    max_examples=4, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@given(data=st.data())
def test_fast_check_agrees_with_jsonschema(operation: str, data: st.DataObject) -> None:
    for side, strategy in (
        ("request", request_strategy(operation, all_members=data.draw(st.booleans()))),
        ("response", response_strategy(operation, all_members=True)),
    ):
        schema = specs.request_schema(operation) if side == "request" else specs.response_schema(operation)
        compiled = specs.compiled_schema(operation, side)
        body = data.draw(strategy)
        candidates = [body, _perturb(body, data)]
        candidates += [m.body for kind in MUTATION_KINDS if (m := mutate(body, schema, kind))]
        for candidate in candidates:
            assert compiled.accepts(candidate) == compiled.validator.is_valid(candidate), candidate


def test_fast_check_rejects_what_it_must() -> None:
    accepts = compile_accepts(inline_refs(specs.response_schema("AdminGetUser")))
    assert accepts({"Username": "a"})
    assert not accepts({"Username": "a", "Enabled": 1})
    assert not accepts({"Username": "a", "Unknown": 1})
    assert not accepts({"Username": "a", "UserStatus": "NAPPING"})
    assert not accepts({})
    assert not accepts([])
