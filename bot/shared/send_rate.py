"""The bot's global sending rate, shared by every instance through Redis: a `SendRate`
(`bot/outgoing/limits.py`) that behaves as `LocalRate` does, for all the instances together.

One round trip per send (a Lua script, atomic in Redis, on Redis's clock): the rate as GCRA's one
time stamp, the last sends of the window (never over Telegram's cap in any WINDOW, together), and a
pause after a 429 that every instance honours. The keys (`send:<bot id>:...`) name no chat and
expire within seconds. The per-chat rate (1 a second) stays in each instance: a reader's updates
run one at a time across instances (events isolation), and a handler holds that lock while its
messages wait to be sent, so one chat's messages go through one instance at a time. While Redis is
unreachable each instance paces itself alone (`LocalRate`), logged once.
"""

from __future__ import annotations

import math
from typing import Any

from bot.outgoing.limits import TELEGRAM_CAP, WINDOW, Clock, LocalRate
from bot.shared import Outage, redis_errors

# KEYS: the next send's due time, the recent sends, the pause. ARGV (microseconds but the cap):
# interval, tolerance, cap, window. Returns 0 (one send taken) or the microseconds to wait.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local cap, window = tonumber(ARGV[3]), tonumber(ARGV[4])
local wait = (tonumber(redis.call('GET', KEYS[3])) or 0) - now
local due = tonumber(redis.call('GET', KEYS[1])) or now
if due < now then due = now end
wait = math.max(wait, due - tolerance - now)
if wait <= 0 and redis.call('LLEN', KEYS[2]) >= cap then
  wait = tonumber(redis.call('LINDEX', KEYS[2], 0)) + window - now
end
if wait > 0 then return math.ceil(wait) end
due = due + interval
redis.call('SET', KEYS[1], string.format('%.0f', due), 'PX', math.ceil((due - now) / 1000) + 1)
redis.call('RPUSH', KEYS[2], string.format('%.0f', now))
redis.call('LTRIM', KEYS[2], -cap, -1)
redis.call('PEXPIRE', KEYS[2], math.ceil(window / 1000) + 1)
return 0
"""

# KEYS[1]: the pause. ARGV[1]: its length in microseconds. Nobody sends until it is over.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_ = now + tonumber(ARGV[1])
local before = tonumber(redis.call('GET', KEYS[1])) or 0
if before > until_ then until_ = before end
redis.call('SET', KEYS[1], string.format('%.0f', until_), 'PX', math.ceil((until_ - now) / 1000) + 1)
return 1
"""


class RedisRate:
    """`SendRate` for all the instances on one Redis together; `LocalRate` while it is gone."""

    def __init__(
        self, redis: Any, *, bot_id: int, rate: float, burst: int = 3, clock: Clock | None = None
    ) -> None:
        self.local = LocalRate(rate, burst=burst, clock=clock)
        self.interval = round(1_000_000 / rate)
        self.tolerance = (burst - 1) * self.interval
        self.cap = max(TELEGRAM_CAP, math.ceil(rate))
        self.window = round(WINDOW * 1_000_000)
        prefix = f"send:{bot_id}:"
        self.keys = [prefix + "due", prefix + "recent", prefix + "paused"]
        self._take = redis.register_script(_TAKE)
        self._pause = redis.register_script(_PAUSE)
        self.outage = Outage("the sending rate is kept")
        self._errors = redis_errors()

    async def take(self) -> float:
        if not self.outage.skip():
            try:
                wait = await self._take(
                    keys=self.keys, args=[self.interval, self.tolerance, self.cap, self.window]
                )
            except self._errors as error:
                self.outage.failed(error)
            else:
                self.outage.worked()
                return int(wait) / 1_000_000
        return await self.local.take()

    async def pause(self, seconds: float) -> None:
        await self.local.pause(seconds)  # this instance pauses whatever Redis says
        if not self.outage.skip():
            try:
                await self._pause(keys=self.keys[2:], args=[math.ceil(seconds * 1_000_000)])
            except self._errors as error:
                self.outage.failed(error)
