"""The conformance suite: one module per API area, run by ``pytest`` from a checkout or, installed,
by ``pytest -p conformance --pyargs conformance.suite`` (a package so that ``--pyargs`` finds it)."""
