"""Which seed operations a run exercised, and by what kind of check (the issue's "Done when").

Computed from the run's ``reports/results.jsonl`` (one line per test, operation and check kind):

- **schema**: the operation's exchange was validated against specs/ (every call gets that check;
  its results carry kind ``shape``);
- **scenario**: a scenario test (any suite test outside ``test_machines.py``) of a kind other than
  ``errors`` (semantics, tokens, SRP and devices) judged it: its successes;
- **errors**: a scenario test of kind ``errors`` (one written to provoke a refusal AWS documents)
  judged it: its refusals were checked, not only its successes;
- **machine**: a stateful machine (``test_machines.py``) called it.

An operation is covered (``complete``) only when all four judged it: its answers' shape, its
successes (scenario), its errors and its behaviour in any order (machine). The errors way is read
from the results lines' kind, which is the test's: a call an errors test makes on its way to the
refusal (a sign-in before an altered token is sent) counts for that operation too, so the errors
way may over-count an operation that only such tests call on their way (the suite gives every seed
operation an errors test of its own: ``pytest --endpoint=reference`` lists none without one).

An operation counts as exercised only by results that ran (pass, divergence or known divergence);
unsupported and harness-error outcomes do not count. Nothing is printed: the plugin renders it. The
run-level set-up record (``setup::<Operation>``) counts as schema coverage only: the fixtures'
calls are schema-checked, but no scenario or machine asked about them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.records import RESULTS_FILE, is_setup_test_id, read_jsonl

MACHINE_MODULE = "test_machines.py"
RAN = frozenset({"pass", "divergence", "expected-divergence"})
_PROTOCOL_KINDS = frozenset({"wire", "shape"})
#: The results-line kind of a test written to provoke a refusal.
ERRORS_KIND = "errors"
#: The ways an operation is judged, in the order reports list them.
WAYS = ("schema", "scenario", "errors", "machine")


@dataclass(frozen=True)
class OperationCoverage:
    """How one seed operation was exercised."""

    operation: str
    schema: bool = False
    scenario: bool = False
    errors: bool = False
    machine: bool = False
    #: test ids that exercised it, per way (for a drill-down).
    tests: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Schema, scenario, errors and machine checks all exercised it: successes and errors judged."""
        return self.schema and self.scenario and self.errors and self.machine

    def missing(self) -> tuple[str, ...]:
        return tuple(way for way in WAYS if not getattr(self, way))


@dataclass(frozen=True)
class Coverage:
    """The seed surface's coverage in one run."""

    operations: tuple[OperationCoverage, ...]

    @property
    def complete(self) -> bool:
        return all(op.complete for op in self.operations)

    def incomplete(self) -> tuple[OperationCoverage, ...]:
        return tuple(op for op in self.operations if not op.complete)

    def counts(self) -> dict[str, int]:
        """How many seed operations each way exercised, and how many all of them did."""
        return {
            "operations": len(self.operations),
            **{way: sum(getattr(op, way) for op in self.operations) for way in WAYS},
            "complete": sum(op.complete for op in self.operations),
        }


def _module(test_id: str) -> str:
    return test_id.partition("::")[0].rsplit("/", 1)[-1]


def coverage_from_results(results: Iterable[Mapping[str, Any]], seed_operations: Iterable[str]) -> Coverage:
    """Coverage of ``seed_operations`` by the result records of one run (``results.jsonl`` lines)."""
    ways: dict[str, dict[str, set[str]]] = {op: {way: set() for way in WAYS} for op in seed_operations}
    for record in results:
        operation = record.get("operation")
        if operation not in ways or record.get("outcome") not in RAN:
            continue
        test_id = str(record.get("test_id", ""))
        kind = record.get("kind")
        if kind == "shape":
            ways[operation]["schema"].add(test_id)
        if is_setup_test_id(test_id):
            continue
        if _module(test_id) == MACHINE_MODULE:
            ways[operation]["machine"].add(test_id)
        elif kind == ERRORS_KIND:
            ways[operation]["errors"].add(test_id)
        elif kind not in _PROTOCOL_KINDS:
            ways[operation]["scenario"].add(test_id)
    return Coverage(
        tuple(
            OperationCoverage(
                operation=op,
                schema=bool(found["schema"]),
                scenario=bool(found["scenario"]),
                errors=bool(found["errors"]),
                machine=bool(found["machine"]),
                tests={way: tuple(sorted(ids)) for way, ids in found.items()},
            )
            for op, found in ways.items()
        )
    )


def coverage_of_run(
    reports_dir: Path | str = "reports", seed_operations: Iterable[str] | None = None
) -> Coverage:
    """Coverage of the seed operations (``conformance.specs.seed_operations()`` by default) in a run's reports."""
    if seed_operations is None:
        from conformance.specs import seed_operations as seed

        seed_operations = seed()
    path = Path(reports_dir) / RESULTS_FILE
    return coverage_from_results(read_jsonl(path) if path.is_file() else [], seed_operations)


@dataclass(frozen=True)
class AreaCoverage:
    """How the operations of one API area (conformance/areas.py) were exercised in one run."""

    area: str
    title: str
    coverage: Coverage

    def counts(self) -> dict[str, int]:
        return self.coverage.counts()


def coverage_by_area(results: Iterable[Mapping[str, Any]]) -> tuple[AreaCoverage, ...]:
    """Every area's operations, each judged as :func:`coverage_from_results` judges the seed surface.

    The issue that added the areas beyond the seed asks that each area's operations show as exercised
    by schema, scenario and machine checks; one pass over the results serves every area.
    """
    from conformance.areas import AREAS

    every = [operation for _, operations in AREAS.values() for operation in operations]
    by_operation = {op.operation: op for op in coverage_from_results(results, every).operations}
    return tuple(
        AreaCoverage(area, title, Coverage(tuple(by_operation[op] for op in operations)))
        for area, (title, operations) in AREAS.items()
    )
