"""The reference service keeps one module per API area: each operation lives in its area's module.

Run: ``pytest tests/reference/test_service_layout.py -q``.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest

import conformance.reference.service as service_package
from conformance.areas import AREAS, OPERATION_AREA
from conformance.reference.service import AREA_MIXINS, HOOKS, OPERATIONS, CognitoService
from conformance.reference.service.hooks import HooksMixin

MAX_MODULE_LINES = 700
PACKAGE = service_package.__name__


def _defining_module(method_name: str) -> str:
    """The module of the class in CognitoService's MRO that defines ``method_name``."""
    for cls in CognitoService.__mro__:
        if method_name in vars(cls):
            return cls.__module__
    raise AssertionError(f"no class of CognitoService defines {method_name}")


def _in_area(module: str, area: str) -> bool:
    base = f"{PACKAGE}.{area}"
    return module == base or module.startswith(f"{base}_")


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_each_operation_lives_in_its_areas_module(operation: str) -> None:
    area = OPERATION_AREA.get(operation)
    assert area is not None, f"{operation} is in no area of conformance/areas.py"
    module = _defining_module(OPERATIONS[operation])
    assert _in_area(module, area), f"{operation} is defined in {module}, not in {PACKAGE}.{area}"


def test_operations_are_the_areas_operations_declared_once() -> None:
    declared = [op for mixin in AREA_MIXINS.values() for op in vars(mixin)["OPERATIONS"]]
    assert len(declared) == len(set(declared)), "an operation is declared by two mixins"
    assert set(OPERATIONS) == set(OPERATION_AREA)
    assert set(AREA_MIXINS) == set(AREAS)
    for area, mixin in AREA_MIXINS.items():
        assert _in_area(mixin.__module__, area), mixin
        assert set(vars(mixin)["OPERATIONS"]) == set(AREAS[area][1]), area


def test_hooks_live_in_the_hooks_module() -> None:
    for name in HOOKS:
        assert name in vars(HooksMixin), name
        # No area mixin defines a hook too: the default would then depend on the mixins' order, and a
        # reader of the area would not see that the method is a seam.
        redefined = [mixin.__name__ for mixin in AREA_MIXINS.values() if name in vars(mixin)]
        assert not redefined, f"{name} is also defined in {redefined}"


def test_no_module_of_the_package_is_over_the_limit() -> None:
    folder = Path(service_package.__file__).parent
    modules = [info.name for info in pkgutil.iter_modules([str(folder)])]
    assert {"hooks", "common", *AREAS} <= set(modules)
    for name in modules:
        lines = (folder / f"{name}.py").read_text(encoding="utf-8").count("\n")
        assert lines <= MAX_MODULE_LINES, f"{name}.py has {lines} lines"
