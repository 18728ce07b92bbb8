"""The Hypothesis profiles of a run, in one table: Hypothesis's settings and the machines' sizes.

A profile (``--hypothesis-profile=NAME``) sizes a run twice: the Hypothesis settings every
property test gets (registered with Hypothesis by :func:`register`), and what each stateful
machine of ``conformance/suite/test_machines.py`` runs: its examples, steps per example, the users
an example may create, and how long shrinking may go on once a machine found a failure. One
table keeps the two in step.

This module may import Hypothesis, never pytest.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis.database import (
    DirectoryBasedExampleDatabase,
    ExampleDatabase,
    GitHubArtifactDatabase,
    MultiplexedDatabase,
    ReadOnlyDatabase,
)


@dataclass(frozen=True)
class Budget:
    """How much an example may spend: the users it may create (the ``aws-budget`` profile bounds them).

    Calls are bounded by the profile's examples and steps: a step makes at most a handful of calls
    (a sign-in with device challenges four, a listing one per page), so ``aws-budget`` makes a few
    hundred calls per machine at most and creates at most ``max_users`` users per example.
    """

    max_users: int = 4


@dataclass(frozen=True)
class Profile:
    """One row of the table.

    Attributes:
        hypothesis: the keyword arguments of ``settings.register_profile`` for this profile.
        examples: examples per machine (the machines run fewer than property tests: each example
            makes real calls).
        steps: steps per machine example (``stateful_step_count``).
        budget: what one machine example may spend.
        shrink_seconds: once a machine found a failing example, how long Hypothesis may go on
            shrinking it; after that every new example ends before it makes a call, so the
            run ends with the smallest failure found so far and says shrinking was cut short.
        max_calls, max_pools: the whole run's caps on calls sent and user pools created against
            real AWS, unless ``--aws-max-calls`` / ``--aws-max-pools`` say otherwise
            (conformance/budget.py); None: no cap.
    """

    hypothesis: Mapping[str, Any]
    examples: int
    steps: int
    budget: Budget
    shrink_seconds: float
    max_calls: int | None = None
    max_pools: int | None = None


def _frozen(**hypothesis: Any) -> Mapping[str, Any]:
    return MappingProxyType(hypothesis)


# Shrinking a machine's failure can take minutes against a server (242 s for one break where the
# clean run took 20 s); 30 s of shrinking brings the reproducer within a minute on a small machine
# (benchmarks/bench_shrinking.py measures it). A nightly run has time to shrink further.
PROFILES: Mapping[str, Profile] = MappingProxyType(
    {
        "ci": Profile(
            _frozen(
                max_examples=50,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
            examples=12,
            steps=25,
            budget=Budget(max_users=3),
            shrink_seconds=30.0,
        ),
        "dev": Profile(
            _frozen(max_examples=100, deadline=None),
            examples=25,
            steps=25,
            budget=Budget(max_users=4),
            shrink_seconds=30.0,
        ),
        "nightly": Profile(
            _frozen(max_examples=1000, deadline=None),
            examples=200,
            steps=40,
            budget=Budget(max_users=6),
            shrink_seconds=120.0,
        ),
        # Not derandomized: each night explores anew, and what it finds is kept (example_database:
        # the nightly workflow uploads it, pull-request runs replay it).
        "aws-budget": Profile(
            _frozen(
                max_examples=4,
                stateful_step_count=10,
                derandomize=False,
                database=None,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
            examples=4,
            steps=10,
            budget=Budget(max_users=2),
            shrink_seconds=30.0,
            # A whole-suite run (under ci, against the reference) sends 2,868 calls, creates 192 pools
            # and makes 314 users active; under --aws-max-mau's default of 25 a night runs a part of
            # it. The caps leave room for throttling retries and clean-up, not for a runaway loop.
            max_calls=4000,
            max_pools=400,
        ),
    }
)

#: the profile a run uses when none is named.
DEFAULT_PROFILE = "ci"
#: the machine sizes for a Hypothesis profile this table does not hold (one a user registered).
FALLBACK_PROFILE = "dev"


#: A folder where runs keep the examples Hypothesis found (the nightly workflow uploads it as the
#: artifact :data:`EXAMPLES_ARTIFACT`).
EXAMPLES_DIR_ENV = "CONFORMANCE_EXAMPLES_DIR"
#: ``owner/repo``: runs also replay the examples of that repository's latest nightly artifact, read-only
#: (pull-request runs: a counterexample found at night is tried first).
EXAMPLES_FROM_GITHUB_ENV = "CONFORMANCE_EXAMPLES_FROM_GITHUB"
EXAMPLES_ARTIFACT = "hypothesis-example-db"


def example_database(environ: Mapping[str, str] | None = None) -> ExampleDatabase | None:
    """The example database the environment asks for, or None (then the table's own applies).

    A derandomized profile never uses one (Hypothesis: derandomize implies no database), so only the
    randomized profiles (``dev``, ``nightly``, ``aws-budget``) take it.
    """
    env = os.environ if environ is None else environ
    local = env.get(EXAMPLES_DIR_ENV)
    remote = env.get(EXAMPLES_FROM_GITHUB_ENV, "")
    if not local and not remote:
        return None
    databases: list[ExampleDatabase] = [DirectoryBasedExampleDatabase(local or ".hypothesis/examples")]
    owner, _, repo = remote.partition("/")
    if owner and repo:
        databases.append(
            ReadOnlyDatabase(GitHubArtifactDatabase(owner, repo, artifact_name=EXAMPLES_ARTIFACT))
        )
    return databases[0] if len(databases) == 1 else MultiplexedDatabase(*databases)


def _no_local_constants() -> Any:
    return _EMPTY_CONSTANTS


def ignore_project_constants() -> None:
    """Stop Hypothesis drawing the literals of the project's own modules into generated data.

    Why: Hypothesis (6.131 and later) collects the string and number constants of every loaded
    module it deems local (an editable install of this project is) and mixes them into draws
    (``hypothesis.internal.conjecture.providers._get_local_constants``). A derandomized machine then
    explored differently whenever a docstring, an import or the order of the test modules changed,
    so the ``ci`` profile's promise, the same exploration on every run, held for one source tree
    only. The suite's inputs come from its strategies; the project's literals add nothing to them.
    There is no public setting for this, so the private hook is replaced where it exists and left
    alone in a Hypothesis that has none.
    """
    global _EMPTY_CONSTANTS
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a Hypothesis without the provider module
        return
    if not hasattr(providers, "_get_local_constants") or not hasattr(providers, "Constants"):
        return
    if _EMPTY_CONSTANTS is None:
        _EMPTY_CONSTANTS = providers.Constants()
    providers._get_local_constants = _no_local_constants


_EMPTY_CONSTANTS: Any = None


def register() -> None:
    """Register every profile of the table with Hypothesis (loading one is the caller's choice)."""
    ignore_project_constants()
    database = example_database()
    for name, profile in PROFILES.items():
        chosen = dict(profile.hypothesis)
        if database is not None and not chosen.get("derandomize"):
            chosen["database"] = database
        settings.register_profile(name, **chosen)


def profile(name: str | None) -> Profile:
    """The row of ``name``: :data:`DEFAULT_PROFILE` for None, :data:`FALLBACK_PROFILE` for one not in the table."""
    return PROFILES.get(name or DEFAULT_PROFILE) or PROFILES[FALLBACK_PROFILE]


def machine_settings(chosen: Profile) -> settings:
    """The Hypothesis settings of one machine run: the loaded profile's, sized by ``chosen``.

    Health checks are off (a machine's examples are slow by nature, and draw from the endpoint's
    answers) and no blob is printed: the reproducer is the boto3 script of the call log.
    """
    ignore_project_constants()
    return settings(
        settings(),
        max_examples=chosen.examples,
        stateful_step_count=chosen.steps,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
