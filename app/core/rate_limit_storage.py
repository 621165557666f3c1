"""In-process rate-limit counters (`RATELIMIT_STORAGE_URI=local://`, the default) for one process.

Why not limits' own `memory://`: its MemoryStorage starts a new threading.Timer
(a new OS thread) whenever the previous one has finished, 10 ms after it began,
to sweep expired keys. Under a steady stream of survey POSTs that is a thread
start every second or third request; profiling the survey POST (issue 14) put
those starts, and the waits for them, at about a quarter of the request's time.

Here expired counters are dropped lazily: a read ignores an expired counter, and
a write sweeps the whole table at most once a second. Same fixed-window semantics
as MemoryStorage (the window starts at the first hit and a counter is gone once it
expires), which is what Flask-Limiter's default strategy, "fixed-window", uses.
The moving- and sliding-window strategies are not supported: use Redis for those.

Counters are per process, as with `memory://`: with several gunicorn workers or
hosts the limit applies per process; use `redis://` there (README).
"""
from __future__ import annotations

import threading
import time

from limits.storage import Storage

SWEEP_EVERY = 1.0  # seconds between full sweeps of expired counters


class LocalStorage(Storage):
    STORAGE_SCHEME = ["local"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self._lock = threading.Lock()
        self._counters: dict[str, list[float]] = {}  # key -> [count, expires at (time.time())]
        self._next_sweep = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return ValueError

    def _sweep(self, now: float) -> None:
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_EVERY
            for key in [k for k, (_count, until) in self._counters.items() if until <= now]:
                del self._counters[key]

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            self._sweep(now)
            counter = self._counters.get(key)
            if counter is None or counter[1] <= now:
                counter = self._counters[key] = [0, now + expiry]
            counter[0] += amount
            return int(counter[0])

    def get(self, key: str) -> int:
        counter = self._counters.get(key)
        return int(counter[0]) if counter is not None and counter[1] > time.time() else 0

    def get_expiry(self, key: str) -> float:
        counter = self._counters.get(key)
        return counter[1] if counter is not None else time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int:
        with self._lock:
            count = len(self._counters)
            self._counters.clear()
        return count

    def clear(self, key: str) -> None:
        with self._lock:
            self._counters.pop(key, None)
