"""moto's cognito-idp tests, from moto's source distribution on the package index.

The wheel that is installed has no tests; the sdist of the same version ships them. It is fetched with
pip's ordinary client (``pip download moto==<version> --no-binary :all: --no-deps``) into a cache
folder, once per version, and only the files the tests need are extracted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from importlib import metadata
from pathlib import Path

#: What the tests import from moto's ``tests`` package, besides the cognito-idp tests themselves,
#: and moto's pytest configuration (it declares the ``aws_verified`` marker).
_MEMBERS = ("pyproject.toml", "tests/__init__.py", "tests/conftest.py", "tests/markers.py")
_TESTS_DIR = "tests/test_cognitoidp/"


class PeerSourceError(Exception):
    """The source distribution could not be fetched or read."""


def moto_version() -> str:
    """The installed moto's version: the tests must be those of the moto the project pins."""
    return metadata.version("moto")


def default_cache() -> Path:
    """Where sdists and extracted tests are kept between runs (``$XDG_CACHE_HOME`` or ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cognito-conformance" / "peers"


def download_sdist(version: str, cache: Path, *, timeout: float = 300) -> Path:
    """The path of ``moto-<version>.tar.gz`` in ``cache``, downloaded with pip if it is not there yet."""
    downloads = cache / "sdist"
    found = sorted(downloads.glob(f"moto-{version}.tar.gz"))
    if found:
        return found[0]
    downloads.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        f"moto=={version}",
        "--no-binary",
        ":all:",
        "--no-deps",
        "--quiet",
        "--dest",
        str(downloads),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise PeerSourceError(f"pip download moto=={version} took over {timeout:.0f} s") from error
    found = sorted(downloads.glob(f"moto-{version}.tar.gz"))
    if done.returncode != 0 or not found:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise PeerSourceError(f"pip download moto=={version} failed: {tail[0]}")
    return found[0]


def extract_tests(sdist: Path, into: Path) -> Path:
    """Extract moto's cognito-idp tests (and what they import) from ``sdist`` under ``into``.

    Returns:
        The extracted tree's root (it holds ``tests/``), reused when already complete.
    """
    root = into / sdist.name.removesuffix(".tar.gz")
    marker = root / ".complete"
    if marker.is_file():
        return root
    with tarfile.open(sdist, "r:gz") as archive:
        prefix = root.name + "/"
        wanted = [
            member
            for member in archive.getmembers()
            if member.isfile()
            and member.name.startswith(prefix)
            and (
                member.name.removeprefix(prefix) in _MEMBERS
                or member.name.removeprefix(prefix).startswith(_TESTS_DIR)
            )
        ]
        if not any(m.name.endswith("test_cognitoidp.py") for m in wanted):
            raise PeerSourceError(f"{sdist.name} has no {_TESTS_DIR}test_cognitoidp.py")
        # The "data" filter refuses absolute paths, links out of the tree and device files: the
        # archive comes from the network.
        archive.extractall(into, members=wanted, filter="data")
    marker.write_text("", encoding="utf-8")
    return root


def fetch_tests(cache: Path | None = None, version: str | None = None) -> tuple[Path, str]:
    """moto's tests for ``version`` (default: the installed moto), fetched and extracted as needed.

    Returns:
        (the extracted tree's root, the version).
    """
    cache = cache or default_cache()
    version = version or moto_version()
    sdist = download_sdist(version, cache)
    return extract_tests(sdist, cache / "extracted"), version
