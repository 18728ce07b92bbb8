"""Look at a page as a user would: Debian's headless Chromium, driven from the command line.

Used by the browser tests (CI installs ``chromium``) and to take the README's screenshot. Two
Chromium switches give all we need without a DevTools client: ``--dump-dom`` prints the DOM after
the page's scripts ran, and ``--enable-logging=stderr`` prints every console message (errors,
uncaught exceptions, failed loads) as an ``INFO:CONSOLE`` line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

#: Switches from the issue: headless, no sandbox (CI containers run as root), and nothing that
#: phones home, so a run is the same offline.
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)

_CONSOLE = re.compile(r"CONSOLE[^\]]*\]\s*(?P<message>.*)")


def find_chromium() -> str | None:
    """The Chromium executable (``$CHROMIUM``, else ``chromium`` or ``chromium-browser`` on PATH)."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        # Named explicitly but absent is "no Chromium", not a fall back to another one.
        return shutil.which(explicit)
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageLoad:
    """What Chromium saw when loading a page.

    Attributes:
        dom: the serialised DOM after scripts ran.
        console: every console message (the page's own logs, errors and uncaught exceptions).
    """

    dom: str
    console: list[str]


def _run(binary: str, extra: list[str], url: str, timeout: float) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def load_page(url: str, *, chromium: str | None = None, timeout: float = 60, wait_ms: int = 0) -> PageLoad:
    """Load ``url`` in headless Chromium and return its DOM and console messages.

    Args:
        url: the page, e.g. ``Path(...).as_uri()``.
        chromium: the executable (default: :func:`find_chromium`).
        timeout: seconds before Chromium is killed.
        wait_ms: virtual time to let the page's asynchronous work finish (a single-page app such
            as Allure's report renders after load); 0 dumps right after the load event.

    Raises:
        FileNotFoundError: no Chromium is installed.
        RuntimeError: Chromium exited with an error.
    """
    binary = chromium or find_chromium()
    if binary is None:
        raise FileNotFoundError("chromium not found (Debian: apt-get install -y chromium)")
    extra = ["--enable-logging=stderr", "--v=0", "--dump-dom"]
    if wait_ms:
        extra.append(f"--virtual-time-budget={wait_ms}")
    done = _run(binary, extra, url, timeout)
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
    console = [m.group("message") for m in map(_CONSOLE.search, done.stderr.splitlines()) if m]
    return PageLoad(dom=done.stdout, console=console)


def screenshot(
    url: str,
    out: Path,
    *,
    width: int = 1280,
    height: int = 1000,
    chromium: str | None = None,
    wait_ms: int = 0,
) -> Path:
    """Save a PNG of ``url`` as rendered at ``width`` x ``height`` (``wait_ms`` as in :func:`load_page`)."""
    binary = chromium or find_chromium()
    if binary is None:
        raise FileNotFoundError("chromium not found (Debian: apt-get install -y chromium)")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    extra = [f"--window-size={width},{height}", f"--screenshot={out}"]
    if wait_ms:
        extra.append(f"--virtual-time-budget={wait_ms}")
    done = _run(binary, extra, url, 120)
    if done.returncode != 0 or not out.is_file():
        raise RuntimeError(f"chromium wrote no screenshot ({done.returncode}): {done.stderr[-2000:]}")
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.links.append((tag, values[name] or ""))


def broken_links(html: str, base: Path | None = None) -> list[str]:
    """Links in ``html`` that do not resolve offline: a missing ``#anchor``, a missing local file,
    or anything fetched from the network (the page must need no server and no CDN).

    Args:
        html: the page (or its dumped DOM).
        base: the page's folder, to resolve relative file links; None rejects them.

    Returns:
        One description per broken link, empty when every link resolves.
    """
    parser = _Links()
    parser.feed(html)
    broken = []
    for tag, link in parser.links:
        if link.startswith("#"):
            if link[1:] and link[1:] not in parser.ids:
                broken.append(f"<{tag}> {link}: no element with that id")
        elif re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I) or link.startswith("//"):
            if not link.startswith(("data:", "mailto:")):
                broken.append(f"<{tag}> {link}: leaves the page (needs a network or a server)")
        else:
            path = link.split("#", 1)[0]
            if base is None or not (base / path).exists():
                broken.append(f"<{tag}> {link}: no such file next to the page")
    return broken
