"""Each operation of the oracle lives in the module of its API area (conformance/areas.py).

Run: ``pytest tests/oracle/test_oracle_areas.py -q``.
"""

from __future__ import annotations

import importlib

import pytest

from conformance.areas import OPERATION_AREA
from conformance.oracle.step import OPERATIONS


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_operation_is_implemented_in_the_module_of_its_area(operation):
    area = OPERATION_AREA.get(operation)
    assert area is not None, f"{operation} is modelled by the oracle but belongs to no area"
    home = f"conformance.oracle.{area}"
    importlib.import_module(home)
    function = OPERATIONS[operation]
    # A module ``oracle/<area>.py``, or any module of the package ``oracle/<area>/``.
    assert function.__module__ == home or function.__module__.startswith(f"{home}."), (
        f"{operation} ({area}) is implemented in {function.__module__}, not in {home}"
    )
