"""Clocks for the reference endpoint.

Every expiry in the reference (sessions, tokens, codes, lockouts, pagination tokens, quota windows)
reads time from one :class:`Clock`, so a test can advance time instead of sleeping through a
three-minute session (docs/facts.md §3) or an hour-long access token (§5).
"""

from __future__ import annotations

import threading
import time


class Clock:
    """A source of the current time in epoch seconds."""

    def now(self) -> float:
        """The current time, in epoch seconds.

        Returns:
            Seconds since the Unix epoch, with sub-second precision.
        """
        raise NotImplementedError


class SystemClock(Clock):
    """The wall clock (``time.time``)."""

    def now(self) -> float:
        return time.time()


class ManualClock(Clock):
    """A clock that stands still until told to move.

    Args:
        start: the initial time in epoch seconds; defaults to the wall clock at creation.
    """

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward.

        Args:
            seconds: how far to move; must not be negative (time never runs backwards).

        Returns:
            The new current time.

        Raises:
            ValueError: if ``seconds`` is negative.
        """
        if seconds < 0:
            raise ValueError("a ManualClock only moves forward")
        with self._lock:
            self._now += float(seconds)
        return self.now()


class OffsetClock(ManualClock):
    """The wall clock plus an offset that only grows: time flows, and ``advance`` jumps ahead.

    Used by the server's ``--manual-clock`` mode, where a frozen clock would also freeze quota
    windows and lockouts for every other client of the server.
    """

    def __init__(self) -> None:
        super().__init__(start=0.0)

    def now(self) -> float:
        with self._lock:
            return time.time() + self._now
