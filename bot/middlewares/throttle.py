"""Flood control: a token bucket per reader, in memory, checked before anything else runs (by
`bot.outgoing.Door`, before the reader's updates wait for one another).

A reader may send `burst` updates at once and then `rate` a second. What goes over is dropped
before any filter or handler, so nothing is answered twice as often as Telegram allows and nothing
is counted; a button pressed too fast is still answered (the phone stops its spinner), without
work. Other readers have their own buckets and are not slowed.

Memory stays bounded: a bucket left alone for `burst / rate` seconds is full again, which is the
same as having none, so it expires (the same `TTLMap` as the readers' state, bot/ttl_map.py, with
the same clock). `max_readers` caps the table even under a flood from many accounts (the least recent go
first).

`FloodControl` is what `Door` asks: this in-memory `Throttle` for one instance, or
`bot.shared.flood.RedisThrottle` (the same bucket in Redis) for several behind one URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from bot.ttl_map import TTLMap


class FloodControl(Protocol):
    async def check(self, user_id: int) -> bool:
        """Whether this reader's update may run now (taking one from their bucket if so)."""
        ...


class _Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens, self.stamp = tokens, stamp


class Throttle:
    def __init__(
        self,
        *,
        rate: float = 1.0,
        burst: int = 5,
        max_readers: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
        enabled: bool = True,
    ) -> None:
        self.enabled = enabled  # off in tests that play a whole conversation in a millisecond
        self.rate, self.burst, self.max_readers, self.clock = rate, burst, max_readers, clock
        self.refill_time = burst / rate  # an idle bucket is full again after this long
        self._buckets: TTLMap[int, _Bucket] = TTLMap(max_readers, self.refill_time, timer=clock)
        self.dropped = 0  # how many updates were dropped, for tests and benchmarks

    def size(self) -> int:  # not __len__: an empty table must not be falsy (`throttle or ...`)
        return self._buckets.held()  # held in memory, not yet swept included

    def allow(self, user_id: int) -> bool:
        now = self.clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = _Bucket(float(self.burst), now)
        else:
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
        self._buckets[user_id] = bucket  # expires once refilled; drops whatever has refilled
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return True
        return False

    async def check(self, user_id: int) -> bool:
        """Whether this reader's update may run (counted in `dropped` if not)."""
        return self.check_now(user_id)

    def check_now(self, user_id: int) -> bool:
        if not self.enabled or self.allow(user_id):
            return True
        self.dropped += 1
        return False
