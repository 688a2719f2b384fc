"""Slowing down password guessing: after `LIMIT` failed sign-ins from one address, or for one
name, within `WINDOW` seconds, further attempts are refused for a while (doubling each time, up
to `MAX_LOCK`), the right password included. Kept in the server's memory: a restart forgets,
which an attacker cannot use to go faster than the lock (a restart is the operator's act)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

LIMIT = 5
WINDOW = 15 * 60.0
FIRST_LOCK, MAX_LOCK = 60.0, 15 * 60.0


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0
    locks: int = 0


class Throttle:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> float:
        """Seconds until these keys may try again (0: now)."""
        now = self.clock()
        with self._lock:
            until = [self._records[k].locked_until for k in keys if k in self._records]
        return max([u - now for u in until] + [0.0])

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                record = self._records.setdefault(key, _Record())
                record.failures = [t for t in record.failures if now - t < WINDOW] + [now]
                if len(record.failures) >= LIMIT:
                    record.locks += 1
                    record.locked_until = now + min(MAX_LOCK, FIRST_LOCK * 2 ** (record.locks - 1))
                    record.failures = []
            if len(self._records) > 10_000:  # forget quiet keys: memory stays bounded under a spray
                self._records = {k: r for k, r in self._records.items() if r.locked_until > now or r.failures}

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._records.pop(key, None)
