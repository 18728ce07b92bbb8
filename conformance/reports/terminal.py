"""The end-of-run terminal summary: views of the run's result lines (conformance.records).

The plugin writes these lines under its ``conformance: <endpoint>`` section; nothing here prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from conformance.divergence import Outcome
from conformance.records import setup_test_id
from conformance.reports import history
from conformance.reports.coverage import coverage_by_area, coverage_from_results

if TYPE_CHECKING:
    from conformance.outcomes import SetupOutcome
    from conformance.session import RunSession

_COLUMNS = (
    ("pass", Outcome.PASS),
    ("divergent", Outcome.DIVERGENCE),
    ("known", Outcome.EXPECTED_DIVERGENCE),
    ("unsupported", Outcome.UNSUPPORTED),
    ("harness", Outcome.HARNESS_ERROR),
)


def per_operation(results: Iterable[Mapping[str, Any]]) -> dict[str, Counter[str]]:
    """Outcome counts per operation over result lines."""
    counts: dict[str, Counter[str]] = {}
    for record in results:
        counts.setdefault(str(record.get("operation") or "-"), Counter())[str(record.get("outcome"))] += 1
    return counts


def summary_table(per_op: Mapping[str, Counter[str]]) -> list[str]:
    """The terminal summary: per operation, pass / divergent / known / unsupported / harness errors."""
    width = max([len("operation")] + [len(op) for op in per_op])
    header = f"{'operation':<{width}}  " + "  ".join(f"{name:>11}" for name, _ in _COLUMNS)
    lines = [header, "-" * len(header)]
    totals: Counter[str] = Counter()
    for operation in sorted(per_op):
        counts = per_op[operation]
        totals.update(counts)
        lines.append(
            f"{operation:<{width}}  " + "  ".join(f"{counts.get(str(o), 0):>11}" for _, o in _COLUMNS)
        )
    lines.append("-" * len(header))
    lines.append(f"{'total':<{width}}  " + "  ".join(f"{totals.get(str(o), 0):>11}" for _, o in _COLUMNS))
    return lines


def counts_line(results: Iterable[Mapping[str, Any]], soft: int) -> str:
    counts = Counter(str(r.get("outcome")) for r in results)
    return (
        f"checks: {counts.get('pass', 0)} pass, {counts.get('divergence', 0)} divergent, "
        f"{counts.get('expected-divergence', 0)} known, {counts.get('unsupported', 0)} unsupported, "
        f"{counts.get('harness-error', 0)} harness errors; {soft} divergences on UNVERIFIED facts "
        "(reported, not failing)"
    )


def setup_lines(setup: SetupOutcome) -> list[str]:
    """The set-up record, once: per operation, how many calls and what diverged; then what fails the run."""
    if not setup.operations:
        return []
    lines = ["set-up calls (the fixtures' pools, clients, users; checked once for the run, not per test):"]
    for operation, entry in sorted(setup.operations.items()):
        verdict = setup.verdicts.get(operation)
        parts = [f"{entry.calls} calls"]
        if verdict is not None:
            if verdict.unexpected:
                parts.append(f"{len(verdict.unexpected)} unexpected")
            if verdict.known:
                parts.append(f"{len(verdict.known)} known")
            if verdict.soft:
                parts.append(f"{len(verdict.soft)} on UNVERIFIED facts")
            if verdict.vanished:
                parts.append(f"{len(verdict.vanished)} listed but not seen")
        lines.append(f"  {setup_test_id(operation)}: " + ", ".join(parts))
        for key in sorted(entry.divergences):
            lines.append(f"    {key}")
    if setup.failed:
        lines.append("FAILED: a set-up divergence the expectations do not list (this fails the run once):")
        lines.extend(setup.failure.splitlines())
    return lines


def seed_coverage_lines(results: Iterable[Mapping[str, Any]], seed_operations: Iterable[str]) -> list[str]:
    """The 2016-07-28 surface: which of its 24 operations schema, scenario, errors and machine checks
    exercised (an operation is covered only when its refusals were judged as well as its successes)."""
    coverage = coverage_from_results(results, seed_operations)
    counts = coverage.counts()
    if not (counts["schema"] or counts["scenario"] or counts["machine"]):
        return []
    lines = [
        f"seed surface (2016-07-28 release, {counts['operations']} operations): schema {counts['schema']}, "
        f"scenario {counts['scenario']}, errors {counts['errors']}, machine {counts['machine']}; "
        f"all four: {counts['complete']}"
    ]
    for operation in coverage.incomplete():
        lines.append(f"  {operation.operation}: not exercised by {', '.join(operation.missing())} checks")
    return lines


def area_coverage_lines(results: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per API area (conformance/areas.py): how many of its operations schema, scenario,
    errors and machine checks exercised, and which ways each incomplete operation lacks."""
    areas = coverage_by_area(results)
    if not any(a.counts()["schema"] or a.counts()["scenario"] or a.counts()["machine"] for a in areas):
        return []
    lines = ["areas (operations exercised by schema / scenario / errors / machine checks; all four):"]
    for area in areas:
        counts = area.counts()
        line = (
            f"  {area.title} ({counts['operations']}): {counts['schema']} / {counts['scenario']} / "
            f"{counts['errors']} / {counts['machine']}; all four {counts['complete']}"
        )
        missing = [f"{op.operation} ({', '.join(op.missing())})" for op in area.coverage.incomplete()]
        lines.append(line + (f"; lacking: {'; '.join(missing)}" if missing else ""))
    return lines


def run_summary(run: RunSession, seed_operations: Iterable[str]) -> list[str]:
    """The whole ``conformance: <endpoint>`` section, from the run's result lines and set-up record."""
    results = run.record.results if run.record is not None else []
    lines = summary_table(per_operation(results))
    lines.append(counts_line(results, run.soft))
    lines.append(f"reports: {run.reports_dir}/results.jsonl, divergences.jsonl, run.json")
    lines += setup_lines(run.setup)
    lines += seed_coverage_lines(results, seed_operations)
    lines += area_coverage_lines(results)
    lines.append(history.summary_line(run.reports_dir))
    return lines + run.notices
