"""Known divergences per implementation: data with a reason, never loosened asserts.

``conformance/expectations/<implementation>.toml`` (``moto``, ``cognito-local``, ...) lists what that
implementation is known to do differently from AWS, each entry with a reason a reader can verify (the
AWS fact and its source, and what the implementation does instead). One file serves every transport of
an implementation: moto in-process and moto server share ``moto.toml``; an entry that holds for one
transport only says so with ``only = "moto-server"``.

The file has two layers, after botocore's protocol-test ignore list (general first, then cases) and
localstack-snapshot's ``skip_snapshot_verify(paths=...)``:

1. ``[[everywhere]]``: properties of the implementation that hold for every call, whatever the test
   (the wire form, the shape of answers, identifier formats). Keyed by check and path, with the
   operations they were seen on (``["*"]``: any)::

       [[everywhere]]
       check = "wire.content-type"
       path = "headers.Content-Type"
       operations = ["AdminInitiateAuth", "DescribeUserPool"]
       reason = "moto answers with application/json; AWS: application/x-amz-json-1.1 (facts:protocol.wire-content-type)"

2. ``[[divergence]]``: behaviour, per test and divergence key::

       [[divergence]]
       test = "test_pools.py::test_describe_user_pool_returns_documented_defaults"
       key = "DescribeUserPool default $.UserPool.UserPoolTier"
       reason = "..."

A reason says what AWS does, citing the catalogue fact of the step that diverged (``facts:<id>``: the
fact in the divergence's ``Source`` line, which is not always the test's own), and what the
implementation does instead. The loader refuses a reason that cites no catalogue fact, and a
placeholder ("TODO", "known", "explored; no record in the last run"). A stateful machine's keys carry
the values it compared (``AdminInitiateAuth error.code $.__type expected NotAuthorizedException
returned UserNotFoundException``, :func:`conformance.machines.base.qualified`), so one entry names one
difference.

A run passes when what it observes equals the file: an unexpected divergence fails its test, and an
expected one that no longer happens fails too (the file must be updated). A per-test entry vanishes
when its test ran without it; an ``[[everywhere]]`` entry vanishes when a complete run (nothing
deselected) called its operations and never met it. ``--update-expectations`` rewrites the file from
the run, putting implementation-wide findings in the first layer and keeping the reasons already
written; a new entry gets an empty reason, which the loader refuses, so no entry lands without one.
The ``aws`` endpoint never reads a file: AWS is the reference.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from conformance.divergence import Divergence, divergence_key
from conformance.facts import catalogue
from conformance.records import read_jsonl

#: The packaged files, found through importlib.resources so that an installed wheel carries them. A
#: path on disk (pip always installs as files), because ``--update-expectations`` rewrites them.
EXPECTATIONS_DIR = Path(str(resources.files("conformance").joinpath("expectations")))

#: Checks whose divergences are properties of the implementation rather than of one test's behaviour:
#: the wire form of every answer, the shape of answers against the model, identifier formats.
_WIDE_PREFIXES = ("wire.", "schema.")
_WIDE_CHECKS = frozenset({"format"})
ANY_OPERATION = "*"


class ExpectationsError(Exception):
    """The expectations file is malformed (shown as a usage error)."""


#: How a reason cites the AWS fact of the step that diverged: ``facts:<id>`` (docs/facts.md).
FACT_CITATION = re.compile(r"facts:([a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*)")
#: Reasons that say nothing a reader could check: a placeholder left by a tool or a person.
_PLACEHOLDER = re.compile(r"^\W*(todo|tbd|fixme|xxx|known|explored\b.*|n/?a|-+|\?+)\W*$", re.IGNORECASE)


def cited_facts(reason: str) -> list[str]:
    """The catalogue ids a reason cites (``facts:<id>``), in order."""
    return FACT_CITATION.findall(reason)


def reason_problem(reason: str) -> str | None:
    """Why ``reason`` cannot stand as an expectation's reason, or None when it can.

    A reason says what AWS does, citing the fact of the step that diverged (``facts:<id>``, an id of
    the catalogue), and what the implementation does instead; a placeholder ("TODO", "known",
    "explored; no record in the last run") says neither.
    """
    text = reason.strip()
    if _PLACEHOLDER.match(text) or text.lower().startswith(("todo", "explored; no record")):
        return f"the reason {text!r} is a placeholder; write what AWS does (facts:<id>) and what the implementation does"
    ids = cited_facts(text)
    if not ids:
        return f"the reason {text!r} cites no fact; cite the fact of the step that diverged as facts:<id>"
    known = catalogue()
    if unknown := [i for i in ids if i not in known]:
        return f"the reason cites facts not in the catalogue: {', '.join(unknown)}"
    return None


def normalize_test_id(nodeid: str) -> str:
    """``conformance/suite/test_x.py::test_y[p]`` -> ``test_x.py::test_y[p]`` (independent of rootdir)."""
    path, sep, rest = nodeid.partition("::")
    return path.rsplit("/", 1)[-1] + sep + rest


def is_implementation_wide(check: str) -> bool:
    """Whether a check's divergences belong in the ``[[everywhere]]`` layer."""
    return check.startswith(_WIDE_PREFIXES) or check in _WIDE_CHECKS


def split_key(key: str) -> tuple[str, str, str]:
    """``"Operation check path"`` -> its three parts (see :func:`conformance.divergence.divergence_key`)."""
    operation, _, rest = key.partition(" ")
    check, _, path = rest.partition(" ")
    return operation, check, path


@dataclass(frozen=True)
class WideEntry:
    """An ``[[everywhere]]`` entry: a check at a path, on some operations (or any), with its reason."""

    check: str
    path: str
    operations: frozenset[str]
    reason: str
    only: str | None = None

    def covers(self, operation: str, check: str, path: str) -> bool:
        return (
            check == self.check
            and path == self.path
            and (ANY_OPERATION in self.operations or operation in self.operations)
        )

    @property
    def label(self) -> str:
        operations = ", ".join(sorted(self.operations))
        return f"everywhere: {self.check} {self.path} on {operations}"


@dataclass
class TestExpectations:
    """What one test may show on this endpoint: its own keys, and the implementation-wide entries.

    ``key in expected`` answers for a divergence key (``"Operation check path"``) or a
    :class:`Divergence`, through either layer.
    """

    __test__ = False  # a value, not a pytest test class

    keys: dict[str, str] = field(default_factory=dict)
    wide: tuple[WideEntry, ...] = ()

    def reason_for(self, divergence: Divergence | str) -> str | None:
        key = divergence if isinstance(divergence, str) else divergence.key()
        if key in self.keys:
            return self.keys[key]
        entry = self.wide_entry(key)
        return entry.reason if entry is not None else None

    def wide_entry(self, key: str) -> WideEntry | None:
        operation, check, path = split_key(key)
        return next((e for e in self.wide if e.covers(operation, check, path)), None)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Divergence | str):
            return self.reason_for(item) is not None
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def items(self) -> Iterable[tuple[str, str]]:
        return self.keys.items()


@dataclass
class Expectations:
    """The known divergences of one implementation: the wide layer and the per-test entries.

    Attributes:
        path: the file (None: no file applies).
        entries: test id -> divergence key -> reason (the per-test layer).
        wide: the ``[[everywhere]]`` layer.
        transport: the endpoint's transport label (``moto``, ``moto-server``...): entries marked
            ``only`` for another transport do not apply.
    """

    path: Path | None
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    wide: list[WideEntry] = field(default_factory=list)
    transport: str | None = None
    #: per-test entries restricted to one transport: (test, key) -> transport.
    only: dict[tuple[str, str], str] = field(default_factory=dict)
    #: wide entries met in this run, and the operations this run called (for vanished wide entries).
    _wide_met: set[WideEntry] = field(default_factory=set, repr=False)
    _operations_called: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def for_endpoint(
        cls,
        implementation: str,
        override: str | None = None,
        *,
        transport: str | None = None,
        updating: bool = False,
    ) -> Expectations:
        """The file of an implementation (``moto``, ``cognito-local``, ``reference``...).

        While updating, entries without a reason are accepted: the rewrite keeps them for a human to fill.
        """
        if override:
            path = Path(override)
            if not path.is_file():
                if updating:
                    return cls(path, transport=transport)
                raise ExpectationsError(f"expectations file {override} does not exist")
            return cls.load(path, allow_missing_reasons=updating, transport=transport)
        path = EXPECTATIONS_DIR / f"{implementation.replace(':', '-')}.toml"
        if path.is_file():
            return cls.load(path, allow_missing_reasons=updating, transport=transport)
        return cls(path, transport=transport)

    @classmethod
    def load(
        cls, path: Path, *, allow_missing_reasons: bool = False, transport: str | None = None
    ) -> Expectations:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ExpectationsError(f"cannot read expectations file {path}: {error}") from None

        def reason_of(item: dict, where: str) -> str:
            reason = item.get("reason")
            if not isinstance(reason, str) or (not reason.strip() and not allow_missing_reasons):
                raise ExpectationsError(
                    f"{path}: {where} has no reason; write why this implementation differs from AWS"
                )
            if reason.strip() and (problem := reason_problem(reason)) and not allow_missing_reasons:
                raise ExpectationsError(f"{path}: {where}: {problem}")
            return reason.strip()

        expectations = cls(path, transport=transport)
        for number, item in enumerate(data.get("everywhere", []), start=1):
            check, where, operations = item.get("check"), item.get("path"), item.get("operations")
            if not (isinstance(check, str) and isinstance(where, str) and check and where):
                raise ExpectationsError(f"{path}: everywhere entry {number} needs 'check' and 'path'")
            if not (
                isinstance(operations, list) and operations and all(isinstance(o, str) for o in operations)
            ):
                raise ExpectationsError(
                    f"{path}: everywhere entry {number} ({check} {where}) needs 'operations' (a list, or [\"*\"])"
                )
            only = item.get("only")
            expectations.wide.append(
                WideEntry(
                    check,
                    where,
                    frozenset(operations),
                    reason_of(item, f"everywhere entry {number} ({check} {where})"),
                    only,
                )
            )
        for number, item in enumerate(data.get("divergence", []), start=1):
            test, key = item.get("test"), item.get("key")
            if not (isinstance(test, str) and isinstance(key, str) and test and key):
                raise ExpectationsError(f"{path}: entry {number} needs 'test' and 'key'")
            expectations.entries.setdefault(test, {})[key] = reason_of(
                item, f"entry {number} ({test} / {key})"
            )
            if item.get("only"):
                expectations.only[(test, key)] = str(item["only"])
        return expectations

    # -- reading ---------------------------------------------------------------------------------

    def _applies(self, only: str | None) -> bool:
        return only is None or self.transport is None or only == self.transport

    def for_test(self, test_id: str) -> TestExpectations:
        keys = {
            key: reason
            for key, reason in self.entries.get(test_id, {}).items()
            if self._applies(self.only.get((test_id, key)))
        }
        return TestExpectations(keys, tuple(e for e in self.wide if self._applies(e.only)))

    def tests(self) -> set[str]:
        return set(self.entries)

    def count(self) -> int:
        """How many entries the file holds, both layers."""
        return len(self.wide) + sum(len(keys) for keys in self.entries.values())

    # -- judging ---------------------------------------------------------------------------------

    def judge(self, test_id: str, observed: list[Divergence], operations: Iterable[str] = ()) -> TestVerdict:
        """Weigh one test's divergences against its entries and the wide layer; remembers what the
        wide layer met and which operations ran, for :meth:`vanished_wide` at the end of the run."""
        expected = self.for_test(test_id)
        self._operations_called.update(operations)
        for divergence in observed:
            self._operations_called.add(divergence.operation)
            if divergence.key() not in expected.keys:
                entry = expected.wide_entry(divergence.key())
                if entry is not None:
                    self._wide_met.add(entry)
        return judge(observed, expected)

    def vanished_wide(self) -> list[WideEntry]:
        """Wide entries whose operations this run called without meeting them (judge complete runs only)."""
        return [
            entry
            for entry in self.wide
            if self._applies(entry.only)
            and entry not in self._wide_met
            and (
                (ANY_OPERATION in entry.operations and self._operations_called)
                or entry.operations & self._operations_called
            )
        ]

    # -- writing ---------------------------------------------------------------------------------

    def write(self, observed: dict[str, list[Divergence]], *, keep: set[str], header: str) -> Path:
        """Rewrite the file from a run.

        Divergences of implementation-wide checks go to the ``[[everywhere]]`` layer (one entry per
        check and path, with every operation seen, keeping the reasons already written); the rest go
        per test.

        Args:
            observed: test id -> the hard divergences it showed in this run.
            keep: test ids that did not run this time; their entries stay as they are.
            header: comment lines for the top of the file.
        """
        assert self.path is not None
        rows: dict[str, dict[str, str]] = {test: dict(self.entries.get(test, {})) for test in keep}
        # Wide entries stay unless this run called their operations without meeting them (vanished).
        vanished = set(self.vanished_wide())
        wide: dict[tuple[str, str], tuple[set[str], str, str | None]] = {
            (entry.check, entry.path): (set(entry.operations), entry.reason, entry.only)
            for entry in self.wide
            if entry not in vanished
        }
        for test, divergences in observed.items():
            known = self.for_test(test)
            per_test: dict[str, str] = {}
            for divergence in divergences:
                key = divergence.key()
                if is_implementation_wide(divergence.check) and key not in known.keys:
                    slot = (divergence.check, split_key(key)[2])
                    entry = known.wide_entry(key)
                    operations, reason, only = wide.get(slot, (set(), "", None))
                    operations.add(divergence.operation)
                    wide[slot] = (operations, reason or (entry.reason if entry else ""), only)
                else:
                    per_test[key] = known.keys.get(key, "")
            rows[test] = per_test
        lines = [f"# {line}".rstrip() for line in header.splitlines()] + [""]
        for (check, where), (operations, reason, only) in sorted(wide.items()):
            lines += [
                "[[everywhere]]",
                f"check = {_toml_str(check)}",
                f"path = {_toml_str(where)}",
                "operations = [" + ", ".join(_toml_str(o) for o in sorted(operations)) + "]",
                f"reason = {_toml_str(reason)}",
            ]
            if only:
                lines.append(f"only = {_toml_str(only)}")
            lines.append("")
        for test in sorted(rows):
            for key, reason in sorted(rows[test].items()):
                lines += ["[[divergence]]", f"test = {_toml_str(test)}", f"key = {_toml_str(key)}"]
                lines.append(f"reason = {_toml_str(reason)}")
                only = self.only.get((test, key))
                if only:
                    lines.append(f"only = {_toml_str(only)}")
                lines.append("")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("\n".join(lines), encoding="utf-8")
        return self.path


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


@dataclass
class TestVerdict:
    """A test's divergences weighed against its expectations."""

    __test__ = False  # a value, not a pytest test class

    #: hard divergences the file does not list: they fail the test.
    unexpected: list[Divergence] = field(default_factory=list)
    #: divergences the file lists, with its reason.
    known: list[tuple[Divergence, str]] = field(default_factory=list)
    #: listed keys that did not happen: they fail the test (update the file).
    vanished: list[tuple[str, str]] = field(default_factory=list)
    #: divergences on UNVERIFIED facts that the file does not list: reported, never failing.
    soft: list[Divergence] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.unexpected or self.vanished)


def judge(
    observed: list[Divergence],
    expected: TestExpectations | dict[str, str],
    *,
    use_expectations: bool = True,
) -> TestVerdict:
    """Weigh one test's observed divergences against the expected ones.

    ``expected`` is a test's :class:`TestExpectations` (or a plain ``key -> reason`` dict). Only the
    test's own keys can vanish here; wide entries vanish per run (:meth:`Expectations.vanished_wide`).
    """
    verdict = TestVerdict()
    if not use_expectations:
        expected = TestExpectations()
    elif isinstance(expected, dict):
        expected = TestExpectations(dict(expected))
    seen: set[str] = set()
    for divergence in observed:
        key = divergence.key()
        seen.add(key)
        reason = expected.reason_for(key)
        if reason is not None:
            verdict.known.append((divergence, reason))
        elif divergence.confidence.is_hard:
            verdict.unexpected.append(divergence)
        else:
            verdict.soft.append(divergence)
    verdict.vanished = [(key, reason) for key, reason in expected.keys.items() if key not in seen]
    return verdict


def draft_reasons(path: Path, divergences: list[dict], endpoint_version: str) -> int:
    """Fill empty reasons in ``path`` with what a run observed, for a maintainer to review.

    The draft states the observation and the fact it contradicts, both checkable:
    ``<endpoint> returns <actual> at <path>; AWS: <expected> (<source>)``. Returns how many were drafted.
    Reasons drafted this way say *what* differs; a reviewer adds *why* (an upstream issue, the line of
    the implementation that does it) before committing.
    """
    expectations = Expectations.load(path, allow_missing_reasons=True)
    observed = {(d["test_id"], divergence_key(d["operation"], d["check"], d["path"])): d for d in divergences}
    by_check = {divergence_key("", d["check"], d["path"]).strip(): d for d in divergences}

    def draft(record: dict) -> str:
        actual, expected = _short(record.get("actual")), _short(record.get("expected"))
        return f"{endpoint_version} returns {actual} at {record['path']}; AWS: {expected} ({record.get('source', '')})"

    drafted = 0
    for test, entries in expectations.entries.items():
        for key, reason in entries.items():
            record = observed.get((test, key))
            if reason or record is None:
                continue
            entries[key] = draft(record)
            drafted += 1
    for number, entry in enumerate(expectations.wide):
        record = by_check.get(f"{entry.check} {entry.path}")
        if entry.reason or record is None:
            continue
        expectations.wide[number] = WideEntry(
            entry.check, entry.path, entry.operations, draft(record), entry.only
        )
        drafted += 1
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    expectations.write(
        {},
        keep=expectations.tests(),
        header="\n".join(line.removeprefix("# ") for line in header.splitlines()),
    )
    return drafted


def _short(value: object, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    """``python -m conformance.expectations draft FILE --from DIVERGENCES.jsonl --version TEXT``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m conformance.expectations")
    sub = parser.add_subparsers(dest="command", required=True)
    draft = sub.add_parser("draft", help="fill empty reasons from a run's divergences, for review")
    draft.add_argument("file", type=Path)
    draft.add_argument("--from", dest="source", type=Path, required=True)
    draft.add_argument(
        "--version", required=True, help="how the endpoint is named in the reasons, e.g. 'moto 5.2.5'"
    )
    args = parser.parse_args(argv)
    count = draft_reasons(args.file, read_jsonl(args.source), args.version)
    print(f"{args.file}: drafted {count} reasons; review each before committing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
