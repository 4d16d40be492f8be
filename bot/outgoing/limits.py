"""How fast the bot may send in all, and the clocks the scheduler runs on.

`SendRate` is the seam for several instances (BOT_REDIS_URL): Telegram counts per token, so the
global rate must be shared by every process using it. `LocalRate` is the one-process version, in
memory; a Redis version implements the same two calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from typing import Protocol


class Clock(Protocol):
    def __call__(self) -> float:
        """Now, in seconds (any origin)."""
        ...

    async def sleep(self, seconds: float, wake: asyncio.Event) -> None:
        """Return after `seconds`, or as soon as `wake` is set."""
        ...


class MonotonicClock:
    def __call__(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float, wake: asyncio.Event) -> None:
        if not wake.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), seconds)


class SimulatedClock:
    """Time that passes only when the scheduler waits, at once: the tests and the in-process
    benchmark run every rate and pause for real, in no time and the same way every run. One
    sleeper per clock (a scheduler's worker): two would each move it. Callable, so flood control
    (bot/middlewares/throttle.py) can share it."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float, wake: asyncio.Event) -> None:
        await asyncio.sleep(0)  # whatever is ready runs first, and may bring new work
        if not wake.is_set():
            self.now += max(0.0, seconds)


class SendRate(Protocol):
    """The bot's global sending rate, shared by everything that sends with its token."""

    async def take(self) -> float:
        """Take one send now and return 0.0; or take nothing and return the seconds to wait."""
        ...

    async def pause(self, seconds: float) -> None:
        """Telegram answered 429: nobody sends for `seconds`."""
        ...


# Telegram's cap: "about 30 messages a second" (core.telegram.org/bots/faq). No setting of ours
# sends more than that in any WINDOW; a second and a little, because Telegram counts each request
# when it arrives, and the trip there varies (a local stand-in counting 30 in any second refused 2 of
# 1,200 sent at 30 a second with a margin of 5 ms, none with 20; but in a spike over HTTP,
# benchmarks/spike.py at BOT_SEND_RATE 30, the first request, on a new connection while the event
# loop was busy with 300 updates, arrived 21-26 ms late and the 31st drew a 429 in two runs of two;
# with 50 ms none in three, at 0.95 of the cap).
TELEGRAM_CAP = 30
WINDOW = 1.05


class LocalRate:
    """Sends spaced evenly at `rate` a second, a few at once after a quiet spell (`burst`), and
    never more than Telegram's cap (or `rate`, if higher) in any WINDOW: a bucket alone would let
    `burst + rate - 1` through in the second after a quiet one, over 30 when the rate is set
    close to it.

    Measured as GCRA (the generic cell rate algorithm: a token bucket kept as one time stamp).
    """

    def __init__(self, rate: float, *, burst: int = 3, clock: Clock | None = None) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate, self.burst = rate, burst
        self.clock = clock or MonotonicClock()
        self.interval = 1.0 / rate
        self.tolerance = (burst - 1) * self.interval
        self.due = -math.inf  # GCRA's theoretical arrival time of the next send
        self.paused_until = -math.inf
        # when the last TELEGRAM_CAP (or `rate`) sends went
        self.recent: deque[float] = deque(maxlen=max(TELEGRAM_CAP, math.ceil(rate)))

    async def take(self) -> float:
        now = self.clock()
        wait = max(self.paused_until - now, self.due - self.tolerance - now)
        if len(self.recent) == self.recent.maxlen:
            wait = max(wait, self.recent[0] + WINDOW - now)
        if wait > 0:
            return wait
        self.due = max(self.due, now) + self.interval
        self.recent.append(now)
        return 0.0

    async def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, self.clock() + seconds)
        # Afterwards start again gently, evenly spaced: no burst.
        self.due = max(self.due, self.paused_until + self.tolerance)


class GatedRate:
    """A SendRate that lets nothing through while closed: tests and benchmarks fill the queue
    with it and look at what waits."""

    def __init__(self, *, open: bool = False) -> None:
        self.open = asyncio.Event()
        if open:
            self.open.set()

    async def take(self) -> float:
        await self.open.wait()
        return 0.0

    async def pause(self, seconds: float) -> None:
        return None
