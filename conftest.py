"""Repository-level pytest configuration: what this checkout's own tests need.

The conformance plugin arrives through the ``pytest11`` entry point of the installed package
(``pip install -e .``), with its fixtures and Hypothesis profiles. The project's own tests
(``pytest tests``) also drive the suite through pytest's ``pytester``, which only they need.
"""

pytest_plugins = ("pytester",)
