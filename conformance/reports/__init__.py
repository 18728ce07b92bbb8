"""Reports built from a run's records (conformance.records): the matrix page, the history, summaries, Allure.

Public API (the plugin and CI call these):

- :func:`append_run` ``(run_dir, history) -> dict``: append a run's compact summary to the history file.
- :func:`summary_line` ``(run_dir) -> str``: one line of JSON summing up a run; :func:`write_summary`
  also writes it to ``run_dir/summary.json``.
- :func:`build_matrix` ``(inputs, out, history=None) -> Path``: write the static matrix page.
- :func:`load_runs` ``(inputs) -> list[Run]``: read runs back from folders or files (re-exported from
  :mod:`conformance.records`, which owns the format).
- ``conformance.reports.allure``: ``show_outcome``, ``show_test``, ``label_test``, ``attach_exchange``,
  ``write_environment``, ``generate_report``.
- ``conformance.reports.terminal``: the plugin's end-of-run summary (``run_summary``, ``summary_table``).
- ``conformance.reports.coverage``: which seed operations a run's results exercised.
"""

from __future__ import annotations

from conformance.records import Run, load_run, load_runs
from conformance.reports.history import append_run, read_history, summarize_run, summary_line, write_summary
from conformance.reports.matrix import build_matrix

__all__ = [
    "Run",
    "append_run",
    "build_matrix",
    "load_run",
    "load_runs",
    "read_history",
    "summarize_run",
    "summary_line",
    "write_summary",
]
