"""Fixtures of the tests of the ``aws`` path: one AWS stand-in per module, and boto3 pointed at it.

Run: ``pytest tests/aws -q``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import boto3
import pytest
from aws_support import LATENCY_MS, aws_environment

from conformance.reference.child import served


@pytest.fixture(scope="module")
def stand_in() -> Iterator[str]:
    """A fresh stand-in (its own pools) for the module; its URL."""
    with served("--aws-stand-in", "--latency-ms", LATENCY_MS) as url:
        yield url


@pytest.fixture
def aws_env(stand_in: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The stand-in's environment, in this process too (for boto3 sessions the test makes)."""
    env = aws_environment(stand_in)
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def cognito(aws_env: dict):
    """A boto3 client of the stand-in's account, as an operator would use against AWS."""
    return boto3.session.Session().client("cognito-idp")
