"""Where the readers' state lives, and how long: memory that forgets on time, or Redis.

aiogram's MemoryStorage keeps every reader forever (and creates a record on a mere read). The bot's
`TTLMemoryStorage` instead:

- forgets a conversation `ttl` seconds after it was last written (every update writes: the ids of
  incoming messages are remembered for /erase), like RedisStorage with state_ttl/data_ttl;
- keeps the records in a `TTLMap` (bot/ttl_map.py), ordered by expiry: every write moves its
  record to the back, every read and write drops whatever has expired in front, and a timer sweeps
  every `sweep_interval` seconds even when nobody writes or reads. So every reader is forgotten
  within `ttl` plus one sweep interval;
- holds at most `maxsize` conversations: beyond that the one written longest ago (the next to
  expire anyway) is forgotten early (it gets a fresh conversation), and that is logged once;
- keeps a record small: a __slots__ object holding the state name and the data as compact JSON
  (which also makes memory behave like Redis: data that Redis could not store fails here too).

With Redis (several instances), `redis_storage` wraps aiogram's RedisStorage so that an outage is
logged once and readers still get answers, each as a fresh conversation, until Redis is back.

Events isolation: the updates of one reader are handled one at a time (`ReaderIsolation` in
memory, aiogram's RedisEventIsolation with Redis), so that an update arriving while /erase deletes
cannot be remembered and then wiped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, Callable, Mapping
from typing import Any

import orjson
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot.shared import Outage
from bot.ttl_map import TTLMap

log = logging.getLogger("bot.state")

# A reader's data is read on every update and written on most: compact JSON, by orjson. The data
# grows with the ids of their messages kept for /erase (up to 500): with 100 of them, the standard
# library took 28 µs to encode and 31 to decode, orjson 4 and 9; the same bytes. Redis keeps it
# the same way (`redis_storage`), so what one storage refuses the other refuses too.
_decode = orjson.loads


def _encode(data: Any) -> bytes:
    # orjson's bytes keep the buffer they were written in, 4 KB (tracemalloc: 4,098 bytes a
    # reader instead of 487): a copy of the exact size is kept instead, for 0.4 µs.
    return bytes(memoryview(orjson.dumps(data)))


def _encode_text(data: Any) -> str:
    return orjson.dumps(data).decode()


SWEEP_INTERVAL = 60.0  # seconds between sweeps when nobody writes
# About 400 bytes per idle conversation, the map's bookkeeping included (benchmarks/run.py: 387 B
# at 10,000 readers, 380 B at 100,000; 440 and 494 B in cachetools' TTLCache): 100,000
# conversations stay near 40 MB.
MAX_CONVERSATIONS = 100_000


class _Record:
    __slots__ = ("data", "state")

    def __init__(self) -> None:
        self.state: str | None = None
        self.data: bytes | None = None  # compact JSON; None when there is none


def _compact(key: StorageKey) -> tuple[Any, ...]:
    # A tuple costs far less than the StorageKey dataclass each update brings along.
    return (
        key.bot_id,
        key.chat_id,
        key.user_id,
        key.thread_id,
        key.business_connection_id,
        key.destiny,
    )


class _Conversations(TTLMap[tuple[Any, ...], _Record]):
    """The records, saying once when their cap forces them to forget readers early."""

    __slots__ = ("evicted",)

    def __init__(self, maxsize: int, ttl: float, *, timer: Callable[[], float]) -> None:
        super().__init__(maxsize, ttl, timer=timer)
        self.evicted = 0

    def evict(self) -> tuple[tuple[Any, ...], _Record]:
        item = super().evict()
        self.evicted += 1
        if self.evicted == 1:
            log.warning(
                "the readers' state is at its cap of %d conversations: the least recently written "
                "are forgotten early (they get a fresh conversation)",
                self.maxsize,
            )
        return item


class TTLMemoryStorage(BaseStorage):
    """Memory FSM storage whose records expire `ttl` seconds after their last write."""

    def __init__(
        self,
        ttl: float,
        *,
        maxsize: int = MAX_CONVERSATIONS,
        clock: Callable[[], float] = time.monotonic,
        sweep_interval: float = SWEEP_INTERVAL,
    ) -> None:
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self.ttl = ttl
        self.sweep_interval = sweep_interval
        self._records = _Conversations(maxsize, ttl, timer=clock)
        self._sweeper: asyncio.Task[None] | None = None

    def size(self) -> int:  # not __len__: an empty storage must not be falsy (`storage or ...`)
        """Records held in memory, the expired ones not yet swept included."""
        return self._records.held()

    def sweep(self) -> int:
        """Drop every expired record now; return how many went."""
        return len(self._records.expire())

    async def start(self) -> None:
        """Start the timer that sweeps when nobody writes (the dispatcher's start-up calls it)."""
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.create_task(self._sweep_forever(), name="fsm-sweep")

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_interval)
            self.sweep()

    def _read(self, key: StorageKey) -> _Record | None:
        records = self._records
        records.expire()  # reads sweep too (nothing to do, in O(1), most of the time)
        try:
            return records[_compact(key)]
        except KeyError:  # never written, or expired (swept or not)
            return None

    def _write(self, key: StorageKey, change: Callable[[_Record], None]) -> None:
        compact = _compact(key)
        try:
            record = self._records[compact]
        except KeyError:
            record = _Record()
        change(record)
        if record.state is None and record.data is None:
            self._records.pop(compact)  # nothing left to remember: keep nothing
        else:
            self._records[compact] = record  # to the back of the line, `ttl` from now

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name = state.state if isinstance(state, State) else state

        def change(record: _Record) -> None:
            record.state = name

        self._write(key, change)

    async def get_state(self, key: StorageKey) -> str | None:
        record = self._read(key)
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(
                f"Data must be a dict or dict-like object, got {type(data).__name__}"
            )
        # Fails, like Redis, on what JSON cannot hold.
        encoded = _encode(data) if data else None

        def change(record: _Record) -> None:
            record.data = encoded

        self._write(key, change)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = self._read(key)
        if record is None or record.data is None:
            return {}
        data: dict[str, Any] = _decode(record.data)  # a fresh dict: nothing to copy
        return data

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        self._records.clear()


class ReaderIsolation(SimpleEventIsolation):
    """aiogram's in-memory events isolation (one lock per reader), minus its leak: a reader's lock
    is dropped as soon as no update of theirs holds or awaits it, so no reader is kept in memory
    beyond their updates (aiogram's keeps every key it ever saw)."""

    def __init__(self) -> None:
        super().__init__()
        self._users: dict[StorageKey, int] = {}  # updates holding or awaiting each lock

    def size(self) -> int:
        return len(self._locks)

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with self._locks[key]:
                yield
        finally:
            left = self._users.pop(key) - 1
            if left:
                self._users[key] = left
            else:
                del self._locks[key]


# -- Redis --------------------------------------------------------------------------------------
REDIS_TIMEOUT = 2.0  # seconds to connect or to answer, before the call counts as failed
# How long a reader's lock lives in Redis if its holder dies (aiogram's default): the other
# instances wait at most this long for it. Never longer than BOT_STATE_TTL (at least 60 s).
LOCK_TIMEOUT = 60.0


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError, OSError, asyncio.TimeoutError)


class RedisFallbackStorage(BaseStorage):
    """aiogram's RedisStorage, answering "nothing stored" while Redis is unreachable: the reader
    gets a fresh conversation, not silence. What is written meanwhile is not kept."""

    def __init__(
        self,
        redis_storage: Any,
        *,
        clock: Callable[[], float] = time.monotonic,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        self.redis_storage = redis_storage
        self.lock_timeout = lock_timeout
        self.outage = Outage("readers get a fresh conversation", clock)
        self._errors = _redis_errors()

    @property
    def redis(self) -> Any:
        return self.redis_storage.redis

    async def _call(self, method: str, *args: Any, fallback: Any = None) -> Any:
        if self.outage.skip():
            return fallback
        try:
            result = await getattr(self.redis_storage, method)(*args)
        except self._errors as error:
            self.outage.failed(error)
            return fallback
        self.outage.worked()
        return result

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._call("set_state", key, state)

    async def get_state(self, key: StorageKey) -> str | None:
        return await self._call("get_state", key)  # type: ignore[no-any-return]  # RedisStorage's own answer, by name

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._call("set_data", key, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return await self._call("get_data", key, fallback={})  # type: ignore[no-any-return]  # RedisStorage's own answer, by name

    async def ping(self) -> None:
        """Raise if Redis cannot be reached now (the start-up check)."""
        await asyncio.wait_for(self.redis.ping(), REDIS_TIMEOUT * 2)

    def create_isolation(self) -> BaseEventIsolation:
        isolation = self.redis_storage.create_isolation(lock_kwargs={"timeout": self.lock_timeout})
        return _RedisFallbackIsolation(isolation, self.outage)

    async def close(self) -> None:
        await self.redis_storage.close()


class _RedisFallbackIsolation(BaseEventIsolation):
    """aiogram's RedisEventIsolation (one lock per reader across every instance); while Redis is
    unreachable, a lock in this process instead."""

    def __init__(self, isolation: BaseEventIsolation, outage: Outage) -> None:
        self.isolation, self.outage = isolation, outage
        self.local = ReaderIsolation()
        self._errors = _redis_errors()

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        async with contextlib.AsyncExitStack() as stack:
            held = False
            if not self.outage.skip():
                try:
                    await stack.enter_async_context(self._quiet(self.isolation.lock(key)))
                    held = True
                    self.outage.worked()
                except self._errors as error:
                    self.outage.failed(error)
            if not held:
                await stack.enter_async_context(self.local.lock(key))
            yield

    @contextlib.asynccontextmanager
    async def _quiet(self, lock: Any) -> AsyncGenerator[None, None]:
        """Redis's lock, whose release may fail (Redis gone, or the lock expired) without harm."""
        from redis.exceptions import LockError

        await lock.__aenter__()
        try:
            yield
        finally:
            try:
                await lock.__aexit__(None, None, None)
            except LockError:
                pass  # held longer than the lock's timeout: nothing left to release
            except self._errors as error:
                self.outage.failed(error)

    async def close(self) -> None:
        await self.isolation.close()
        await self.local.close()


def redis_storage(url: str, ttl: int) -> RedisFallbackStorage:
    """For several instances: aiogram's RedisStorage, with the same time-to-live on state, data and
    a reader's lock (at most `ttl`), and keys that name the bot and the destiny
    (`fsm:<bot id>:<chat id>:<user id>:<destiny>:state`): two bots sharing one Redis never mix.

    Needs the optional `redis` package (`pip install 'hochu-zhit-bot[redis]'`)."""
    from bot.config import ConfigError

    try:
        from aiogram.fsm.storage.base import DefaultKeyBuilder
        from aiogram.fsm.storage.redis import RedisStorage
    except ImportError:
        raise ConfigError(
            "BOT_REDIS_URL is set but the redis package is not installed: "
            "pip install 'hochu-zhit-bot[redis]'"
        ) from None
    try:
        storage = RedisStorage.from_url(
            url,
            # A dead Redis must not keep a reader waiting: fail fast, answer from nothing.
            connection_kwargs={
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
            },
            state_ttl=ttl,
            data_ttl=ttl,
            json_dumps=_encode_text,
            json_loads=_decode,
            # fsm:<bot id>:<chat>:<user>:<destiny>:...: two bots sharing a Redis never share a key.
            key_builder=DefaultKeyBuilder(with_bot_id=True, with_destiny=True),
        )
    except ValueError as error:
        raise ConfigError(f"BOT_REDIS_URL is not valid ({error})") from None
    return RedisFallbackStorage(storage, lock_timeout=min(LOCK_TIMEOUT, ttl))


def redis_address(storage: RedisFallbackStorage) -> str:
    """host:port/db of the storage's Redis, for the log (never the password)."""
    kwargs = storage.redis.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"unix:{kwargs['path']}"
    return f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"
