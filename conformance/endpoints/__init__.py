"""Endpoints: what ``--endpoint`` names, how it is started, reached and stopped.

An endpoint string is a small language, after bowtie's connectables: ``KIND[:ARGUMENTS]``, or a URL.
:data:`CONNECTORS` is the one registry of kinds (docs/endpoints.md is generated from it): each kind
is one :class:`~conformance.endpoints.base.Endpoint` subclass in its own module, and one entry here.
Imports go one way: this module names the kind modules, which import only
:mod:`conformance.endpoints.base`. A kind's module is imported when that kind is first named, as
entry points are, so that a run loads only the transport it uses. The in-process reference costs
~0.2 s to import, and a moto run that merely imports it explores differently: in-process moto's
derandomized stateful machines then reach other paths (observed on
``test_authentication_and_challenges_machine``; the cause is not understood yet).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, overload

from conformance.endpoints.base import DEFAULT_CALL_TIMEOUT, DEFAULT_REGION, Endpoint, EndpointError
from conformance.endpoints.url import identify

__all__ = [
    "CONNECTORS",
    "DEFAULT_CALL_TIMEOUT",
    "DEFAULT_REGION",
    "KINDS",
    "Connector",
    "Endpoint",
    "EndpointError",
    "docs_table",
    "help_text",
    "identify",
    "parse",
]

#: (spec, the text after ``KIND:``, region=..., aws_account=...) -> an endpoint, not started yet.
Connect = Callable[..., Endpoint]


@dataclass(frozen=True)
class Connector:
    #: how the kind is named in lists of kinds (error messages).
    name: str
    #: the full syntax, with its options.
    syntax: str
    #: what answers, in one line.
    description: str
    #: the constructor, or where it lives (``"module:Class.method"``), imported when first used.
    target: Connect | str

    def connect(
        self, spec: str, arg: str, *, region: str, aws_account: str | None, **options: object
    ) -> Endpoint:
        target: Any = self.target
        if isinstance(target, str):
            module, _, attributes = target.partition(":")
            target = reduce(getattr, attributes.split("."), importlib.import_module(module))
        # ``options``: settings only one kind takes (aws: its profile), passed only when given.
        return target(spec, arg, region=region, aws_account=aws_account, **options)


#: Every kind, by the word before the colon (``url``: any spec with ``://``). Adding a kind is one
#: module with an Endpoint subclass, and one entry here.
CONNECTORS: dict[str, Connector] = {
    "moto": Connector(
        "moto",
        "moto",
        "moto's `mock_aws` in this process (the default)",
        "conformance.endpoints.moto:MotoEndpoint.connect",
    ),
    "moto-server": Connector(
        "moto-server",
        "moto-server[:port=N]",
        "a moto server the harness starts on 127.0.0.1 (any free port unless `port=N`) and stops at the end",
        "conformance.endpoints.moto:MotoServerEndpoint.connect",
    ),
    "reference": Connector(
        "reference",
        "reference[:miniature=NAME]",
        "this project's executable spec of AWS, in-process; with `miniature=NAME`, one behaviour broken",
        "conformance.endpoints.reference:ReferenceEndpoint.connect",
    ),
    "url": Connector(
        "http(s)://HOST:PORT",
        "http(s)://HOST:PORT",
        "any running emulator (cognito-local, a moto server, a reference server...), identified from its "
        "health route",
        "conformance.endpoints.url:UrlEndpoint.connect",
    ),
    "aws": Connector(
        "aws",
        "aws",
        "real AWS with the standard boto3 credentials; refuses unless they belong to `--aws-account`",
        "conformance.endpoints.aws:AwsEndpoint.connect",
    ),
    "replay": Connector(
        "replay:DIR",
        "replay:DIR",
        "the answers recorded with `--record=DIR`, test by test, judged again offline (docs/recordings.md)",
        "conformance.endpoints.replay:ReplayEndpoint.connect",
    ),
    "miniature": Connector(
        "miniature:NAME",
        "miniature:NAME",
        "short for `reference:miniature=NAME`: a deliberately wrong endpoint, proof that a check can fail",
        "conformance.endpoints.reference:ReferenceEndpoint.connect_miniature",
    ),
}


class _Kinds(Sequence[str]):
    """The kinds' names, read from :data:`CONNECTORS` on each use, so that a kind registered later
    (a plugin's, a test's) is listed too."""

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return tuple(connector.name for connector in CONNECTORS.values())[index]

    def __len__(self) -> int:
        return len(CONNECTORS)

    def __iter__(self) -> Iterator[str]:
        return (connector.name for connector in CONNECTORS.values())

    def __repr__(self) -> str:
        return repr(tuple(self))


#: The kinds as users name them: ``moto``, ``moto-server``, ``reference``, ``http(s)://HOST:PORT``...
KINDS: Sequence[str] = _Kinds()


def parse(
    spec: str, *, region: str | None = None, aws_account: str | None = None, **options: object
) -> Endpoint:
    """Resolve an endpoint string; raises :class:`EndpointError` with one clear line.

    ``options`` go to the kind's constructor as they are (``aws``: ``aws_profile``,
    ``region_from_chain``); a kind that takes none is given none.
    """
    spec = (spec or "").strip()
    known = ", ".join(KINDS)
    if not spec:
        raise EndpointError(f"empty endpoint; known kinds: {known}")
    kind, _, arg = ("url", "", spec) if "://" in spec else spec.partition(":")
    connector = CONNECTORS.get(kind)
    if connector is None:
        raise EndpointError(f"unknown endpoint kind {kind!r}; known kinds: {known}")
    return connector.connect(spec, arg, region=region or DEFAULT_REGION, aws_account=aws_account, **options)


def help_text() -> str:
    """The ``--endpoint`` help: every kind's syntax and what answers."""
    kinds = "; ".join(f"{c.syntax} - {c.description.replace('`', '')}" for c in CONNECTORS.values())
    return f"endpoint to check, one of: {kinds}."


def docs_table() -> str:
    """The Markdown table of kinds in docs/endpoints.md (a test keeps the two equal)."""
    rows = [
        "| `--endpoint=` | What answers |",
        "| --- | --- |",
        *(f"| `{c.syntax}` | {c.description} |" for c in CONNECTORS.values()),
    ]
    return "\n".join(rows) + "\n"
