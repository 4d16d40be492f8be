"""A dict whose entries are forgotten `ttl` seconds after they were last written, holding at most
`maxsize`: the one expiry mechanism for what is kept per reader or chat in memory. The readers'
state (bot/fsm_storage.py) is read on every update and written on most; flood control's buckets
(bot/middlewares/throttle.py) on every update; the groups just left (bot/handlers/groups.py)
rarely.

It keeps the expiry of `cachetools.TTLCache`, which it replaced: an entry is valid while
`now < expires`, and a write expires what is due first. It differs at the cap: past `maxsize` the
entry written longest ago goes (`evict`), which is the next to expire anyway, where TTLCache
dropped the least recently read. A reader who only taps buttons that edit a screen is read, not
written, so at the cap they may be forgotten before one who wrote later; either way they are
forgotten `ttl` after their last write. It is a plain dict of `(expires, value)` in write order (a
write moves its key to the end), so the oldest is always first and every operation is a few dict
operations in C. TTLCache keeps a linked list and an OrderedDict beside its dict, in Python: 3% of
the bot's time per update under cProfile of benchmarks/run.py, and 1.3% with this.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TTLMap(Generic[K, V]):
    __slots__ = ("_items", "maxsize", "timer", "ttl")

    def __init__(
        self, maxsize: int, ttl: float, *, timer: Callable[[], float] = time.monotonic
    ) -> None:
        self.maxsize, self.ttl, self.timer = maxsize, ttl, timer
        self._items: dict[K, tuple[float, V]] = {}

    def held(self) -> int:
        """Entries in memory, the expired ones not yet dropped included."""
        return len(self._items)

    def get(self, key: K) -> V | None:
        item = self._items.get(key)
        if item is None or not self.timer() < item[0]:
            return None
        return item[1]

    def __getitem__(self, key: K) -> V:
        item = self._items.get(key)
        if item is None or not self.timer() < item[0]:
            raise KeyError(key)
        return item[1]

    def __setitem__(self, key: K, value: V) -> None:
        now = self.timer()
        self.expire(now)
        items = self._items
        items.pop(key, None)  # to the end of the line
        items[key] = (now + self.ttl, value)
        while len(items) > self.maxsize:
            self.evict()

    def pop(self, key: K) -> V | None:
        item = self._items.pop(key, None)
        return None if item is None else item[1]

    def expire(self, now: float | None = None) -> list[tuple[K, V]]:
        """Drop every entry whose time is up; return them."""
        items = self._items
        if not items:
            return []
        now = self.timer() if now is None else now
        first = next(iter(items.values()))
        if now < first[0]:
            return []  # the usual case: nothing is due
        expired = []
        for key, (expires, value) in items.items():
            if now < expires:
                break
            expired.append((key, value))
        for key, _ in expired:
            del items[key]
        return expired

    def evict(self) -> tuple[K, V]:
        """Drop the least recently written entry (the cap is reached); return it."""
        key = next(iter(self._items))
        return key, self._items.pop(key)[1]

    def clear(self) -> None:
        self._items.clear()
