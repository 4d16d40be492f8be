"""FSM storage in memory that forgets: every conversation expires `ttl` seconds after its last write.

aiogram's MemoryStorage keeps every reader forever (and creates a record on a mere read), so memory
and retention would grow with every reader who ever wrote. This one:

- forgets a conversation `ttl` seconds after it was last written (every update writes: the ids of
  incoming messages are remembered for /erase), like RedisStorage with state_ttl/data_ttl;
- sweeps as it goes: records sit in write order, so the expired ones are always at the front and
  each call drops them in amortized O(1), with no background task, even for readers who never
  come back;
- keeps a record small: a __slots__ object holding the state name and the data as compact JSON
  (which also makes memory behave like Redis: data that Redis could not store fails here too).
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
_decode = json.JSONDecoder().decode


class _Record:
    __slots__ = ("data", "expires", "state")

    def __init__(self) -> None:
        self.state: str | None = None
        self.data: bytes | None = None  # compact JSON; None when there is none
        self.expires = 0.0


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


class TTLMemoryStorage(BaseStorage):
    """Memory FSM storage whose records expire `ttl` seconds after their last write."""

    def __init__(
        self, ttl: float, *, clock: Callable[[], float] = time.monotonic, sweep_batch: int = 64
    ) -> None:
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self.ttl = ttl
        self.clock = clock
        self.sweep_batch = sweep_batch  # at most this many expired records dropped per call
        self._records: OrderedDict[tuple[Any, ...], _Record] = OrderedDict()

    def size(self) -> int:  # not __len__: an empty storage must not be falsy (`storage or ...`)
        return len(self._records)

    def sweep(self, limit: int | None = None) -> int:
        """Drop expired records (all of them, or at most `limit`); return how many went."""
        records, now, dropped = self._records, self.clock(), 0
        while records and (limit is None or dropped < limit):
            record = next(iter(records.values()))
            if record.expires > now:
                break
            records.popitem(last=False)
            dropped += 1
        return dropped

    def _read(self, key: StorageKey) -> _Record | None:
        self.sweep(self.sweep_batch)
        record = self._records.get(_compact(key))
        if record is not None and record.expires <= self.clock():
            del self._records[_compact(key)]
            return None
        return record

    def _write(self, key: StorageKey) -> tuple[tuple[Any, ...], _Record]:
        self.sweep(self.sweep_batch)
        compact = _compact(key)
        record = self._records.get(compact)
        if record is None or record.expires <= self.clock():
            record = self._records[compact] = _Record()
        else:
            self._records.move_to_end(compact)  # write order is expiry order
        record.expires = self.clock() + self.ttl
        return compact, record

    def _settle(self, compact: tuple[Any, ...], record: _Record) -> None:
        if record.state is None and record.data is None:
            del self._records[compact]  # nothing left to remember: keep nothing

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        compact, record = self._write(key)
        record.state = state.state if isinstance(state, State) else state
        self._settle(compact, record)

    async def get_state(self, key: StorageKey) -> str | None:
        record = self._read(key)
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(
                f"Data must be a dict or dict-like object, got {type(data).__name__}"
            )
        encoded = (
            _encode(data).encode() if data else None
        )  # fails, like Redis, on what JSON can't hold
        compact, record = self._write(key)
        record.data = encoded
        self._settle(compact, record)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = self._read(key)
        if record is None or record.data is None:
            return {}
        return _decode(record.data.decode())  # a fresh dict: nothing to copy

    async def close(self) -> None:
        self._records.clear()


def redis_storage(url: str, ttl: int) -> BaseStorage:
    """For several instances: aiogram's RedisStorage, with the same time-to-live on state and data.

    Needs the optional `redis` package (`pip install 'hochu-zhit-bot[redis]'`)."""
    from bot.config import ConfigError

    try:
        from aiogram.fsm.storage.redis import RedisStorage
    except ImportError:
        raise ConfigError(
            "BOT_REDIS_URL is set but the redis package is not installed: "
            "pip install 'hochu-zhit-bot[redis]'"
        ) from None
    try:
        return RedisStorage.from_url(url, state_ttl=ttl, data_ttl=ttl)
    except ValueError as error:
        raise ConfigError(f"BOT_REDIS_URL is not valid ({error})") from None
