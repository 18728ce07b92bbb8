"""The reference server in a child process, for tests and benchmarks that need it over HTTP.

``python -m conformance.reference --host 127.0.0.1 --port 0`` binds a free loopback port and prints
the URL it listens on; :func:`served` starts it, yields that URL and stops the child by its own
handle (never by name: only the server this caller started).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def served(*options: str) -> Iterator[str]:
    """The reference server on a free loopback port with ``options`` (``--manual-clock``, ``--quota``);
    yields its URL once it listens.

    Raises:
        RuntimeError: the server did not start (its first line is not the URL).
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance.reference", "--host", "127.0.0.1", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        # The URL is printed once the socket is bound and listening: connections queue from then on.
        line = process.stdout.readline()
        url = line.strip().rsplit(" ", 1)[-1]
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the reference server did not start: {line!r}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
