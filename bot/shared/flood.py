"""Flood control across instances: the reader's token bucket (`bot/middlewares/throttle.py`: a burst
of 5, then 1 a second) kept in Redis, taken in one round trip (a Lua script runs atomically).

The bucket is kept as GCRA's one time stamp (when the bucket would be full again, in Redis's own
clock, so the instances' clocks need not agree), under `flood:<bot id>:<user id>`, and expires
exactly when it is full again: a few seconds at most, never a reader kept longer. While Redis is
unreachable each instance keeps the same bucket in memory (`Throttle`), logged once.
"""

from __future__ import annotations

from typing import Any

from bot.middlewares.throttle import Throttle
from bot.shared import Outage, redis_errors

# KEYS[1]: the reader's bucket. ARGV: the interval between updates and the burst's tolerance, in
# microseconds. Returns 1 if the update may run (and takes it), 0 if not.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local due = tonumber(redis.call('GET', KEYS[1])) or now
if due < now then due = now end
if due - now > tolerance then return 0 end
due = due + interval
redis.call('SET', KEYS[1], string.format('%.0f', due), 'PX', math.ceil((due - now) / 1000))
return 1
"""


class RedisThrottle:
    """`FloodControl` shared by every instance on one Redis, with the same rate and burst as the
    in-memory `Throttle` it falls back to."""

    def __init__(
        self, redis: Any, *, bot_id: int, rate: float = 1.0, burst: int = 5, enabled: bool = True
    ) -> None:
        self.local = Throttle(rate=rate, burst=burst, enabled=enabled)
        self.enabled = enabled
        self.prefix = f"flood:{bot_id}:"
        self.interval = round(1_000_000 / rate)
        self.tolerance = (burst - 1) * self.interval
        self._take = redis.register_script(_TAKE)
        self.outage = Outage("flood control counts")
        self._errors = redis_errors()
        self.dropped = 0

    async def check(self, user_id: int) -> bool:
        if not self.enabled:
            return True
        allowed = None
        if not self.outage.skip():
            try:
                allowed = bool(
                    await self._take(
                        keys=[f"{self.prefix}{user_id}"], args=[self.interval, self.tolerance]
                    )
                )
            except self._errors as error:
                self.outage.failed(error)
            else:
                self.outage.worked()
        if allowed is None:
            allowed = self.local.allow(user_id)
        if not allowed:
            self.dropped += 1
        return allowed
