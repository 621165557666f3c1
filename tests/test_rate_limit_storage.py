"""The default rate-limit storage (local://, app/core/rate_limit_storage.py): the same fixed-window
counting as limits' memory://, without a timer thread per expiry."""
from __future__ import annotations

import threading

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app.core import rate_limit_storage
from app.extensions import limiter


@pytest.fixture()
def clock(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(rate_limit_storage.time, "time", lambda: now[0])
    return now


def test_the_app_uses_it_by_default(app):
    assert app.config["RATELIMIT_STORAGE_URI"] == "local://"
    assert isinstance(limiter.storage, rate_limit_storage.LocalStorage)


def test_a_fixed_window_refuses_past_the_limit_until_it_expires(clock):
    storage = storage_from_string("local://")
    limits = FixedWindowRateLimiter(storage)
    item = parse("3 per minute")
    assert [limits.hit(item, "10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert limits.hit(item, "10.0.0.2")  # another client has its own counter
    clock[0] += 59
    assert not limits.hit(item, "10.0.0.1")
    stats = limits.get_window_stats(item, "10.0.0.1")
    assert stats.remaining == 0 and stats.reset_time == pytest.approx(clock[0] - 59 + 60, abs=1)
    clock[0] += 2  # the window that began at the first hit is over
    assert limits.test(item, "10.0.0.1")
    assert [limits.hit(item, "10.0.0.1") for _ in range(4)] == [True, True, True, False]


def test_expired_counters_are_swept_without_a_thread(clock):
    threads = threading.active_count()
    storage = rate_limit_storage.LocalStorage()
    for n in range(100):
        storage.incr(f"k{n}", 10)
    clock[0] += 11
    storage.incr("fresh", 10)
    assert list(storage._counters) == ["fresh"]
    assert threading.active_count() == threads


def test_reset_and_clear(clock):
    storage = rate_limit_storage.LocalStorage()
    assert storage.incr("a", 60) == 1 and storage.incr("a", 60, amount=2) == 3 and storage.incr("b", 60) == 1
    storage.clear("a")
    assert storage.get("a") == 0 and storage.get("b") == 1
    assert storage.reset() == 1 and storage.get("b") == 0
    assert storage.check()
