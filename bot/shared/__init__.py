"""What several instances behind one URL share through Redis (BOT_REDIS_URL), besides the readers'
state (`bot/fsm_storage.py`): flood control (`flood.py`), the global sending rate (`send_rate.py`),
the distinct readers of the day (`storage/shared_readers.py`), and the start-up check that the
Redis keeps nothing on disk (`persistence.py`).

Each part answers from this process alone while Redis is unreachable (logged once when it goes and
once when it is back, tried again every few seconds), as the readers' state does. Every key written
expires: a reader's within `BOT_STATE_TTL` (a flood bucket within seconds), the sending rate's
within seconds, the day's counting keys when the UTC day ends; none outlives a Redis restart,
which keeps nothing on disk.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.middlewares.throttle import FloodControl
    from bot.outgoing.limits import SendRate
    from storage.shared_readers import SharedReaders

log = logging.getLogger("bot.shared")

PROBE_INTERVAL = 5.0  # during an outage, Redis is tried again at most this often


def redis_errors() -> tuple[type[BaseException], ...]:
    """What a call to an unreachable, slow or refusing Redis raises."""
    import asyncio

    from redis.exceptions import RedisError

    return (RedisError, OSError, asyncio.TimeoutError)


class Outage:
    """Whether Redis answers `what` (a part of the bot), logged once when it stops and once when
    it is back; meanwhile the caller answers locally, trying Redis again every PROBE_INTERVAL."""

    def __init__(self, what: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.what, self.clock = what, clock
        self.since: float | None = None
        self.next_try = 0.0

    def skip(self) -> bool:
        return self.since is not None and self.clock() < self.next_try

    def failed(self, error: BaseException) -> None:
        now = self.clock()
        if self.since is None:
            self.since = now
            log.error(
                "Redis is unreachable (%s): %s in this instance alone until it is back",
                type(error).__name__,
                self.what,
            )
        self.next_try = now + PROBE_INTERVAL

    def worked(self) -> None:
        if self.since is not None:
            log.warning(
                "Redis is reachable again for %s, after %.0f s",
                self.what,
                self.clock() - self.since,
            )
            self.since = None


@dataclass
class Shared:
    """The parts several instances share; each None with one instance (memory only)."""

    throttle: FloodControl | None = None
    send_rate: SendRate | None = None
    readers: SharedReaders | None = None


def shared_parts(storage: Any, token: str, settings: Settings) -> Shared:
    """With the readers' state in Redis (`storage`, else None), flood control, the sending rate and
    the distinct readers go through the same Redis, under keys naming the bot (from its token)."""
    if storage is None:
        return Shared()
    from aiogram.utils.token import extract_bot_id

    from bot.shared.flood import RedisThrottle
    from bot.shared.send_rate import RedisRate
    from storage.shared_readers import SharedReaders

    bot_id = extract_bot_id(token)
    redis = storage.redis
    return Shared(
        throttle=RedisThrottle(redis, bot_id=bot_id),
        send_rate=RedisRate(redis, bot_id=bot_id, rate=settings.send_rate),
        readers=SharedReaders(redis, bot_id=bot_id),
    )
