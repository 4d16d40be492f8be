"""The readers' state in memory: forgotten on time, capped in size, and as correct as aiogram's own.

The TTL tests drive the storage with a clock of their own; the last part runs aiogram's storage
tests (aiogram's tests/test_fsm/storage/test_storages.py and test_isolation.py, MIT licence),
adapted, over the storages and events isolation the bot runs with.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TypedDict

import pytest
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StorageKey

from bot.fsm_storage import ReaderIsolation, TTLMemoryStorage, redis_storage
from tests.test_redis import redis_server  # noqa: F401 - a fixture, for the Redis storage


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def key(user: int) -> StorageKey:
    return StorageKey(bot_id=1, chat_id=user, user_id=user)


async def write_readers(storage: TTLMemoryStorage, users: range) -> None:
    for user in users:
        await storage.set_data(key(user), {"message_ids": [[user, 1]]})


# -- the time-to-live ---------------------------------------------------------------------------
async def test_a_reader_written_again_after_expiry_does_not_shield_the_expired_behind_it() -> None:
    clock = Clock()
    storage = TTLMemoryStorage(60, clock=clock)
    await write_readers(storage, range(100))
    clock.now += 61  # all 100 have expired; none was swept yet (nobody wrote since)
    await storage.set_data(key(80), {"message_ids": [[5, 1]]})  # one of them comes back
    clock.now += 1
    for _ in range(3):
        await storage.set_state(key(-1), "x")  # any other reader's writes sweep
    # Only the two live readers remain: no message id of the 98 others is still in memory.
    assert storage.size() == 2


async def test_an_expired_record_behind_a_live_one_is_never_read() -> None:
    clock = Clock()
    storage = TTLMemoryStorage(60, clock=clock)
    await write_readers(storage, range(100))
    clock.now += 61
    await storage.set_data(key(80), {"message_ids": [[5, 1]]})  # live, ahead of expired ones
    for user in (81, 90, 99, 0, 79):
        assert await storage.get_data(key(user)) == {}
        assert await storage.get_state(key(user)) is None
    assert await storage.get_data(key(80)) == {"message_ids": [[5, 1]]}


async def test_every_reader_is_forgotten_within_the_ttl_and_one_sweep_without_any_traffic() -> None:
    clock = Clock()
    storage = TTLMemoryStorage(60, clock=clock, sweep_interval=0.01)
    await storage.start()  # the dispatcher's start-up does this
    try:
        await write_readers(storage, range(50))
        clock.now += 30
        await write_readers(storage, range(50, 70))
        clock.now += 31  # the first 50 are past their time; nobody writes or reads any more
        await asyncio.sleep(0.05)  # a few sweep intervals
        assert storage.size() == 20
        clock.now += 30
        await asyncio.sleep(0.05)
        assert storage.size() == 0
    finally:
        await storage.close()


async def test_the_storage_is_capped_and_the_least_recently_written_go_first(
    caplog: pytest.LogCaptureFixture,
) -> None:
    storage = TTLMemoryStorage(3600, maxsize=100)
    await write_readers(storage, range(100))
    await storage.set_state(key(0), "Menu:main")  # reader 0 is active again
    await storage.get_data(key(1))  # a read is not a write: it keeps nobody longer
    await write_readers(storage, range(100, 150))
    assert storage.size() == 100
    assert await storage.get_data(key(0)) != {}  # kept: recently written
    assert await storage.get_data(key(1)) == {}  # forgotten early: the next to expire anyway
    assert await storage.get_data(key(50)) == {}
    assert await storage.get_data(key(51)) != {}
    assert await storage.get_data(key(149)) != {}
    assert caplog.text.count("at its cap of 100 conversations") == 1  # said once, not per reader


async def test_closing_forgets_everyone_and_stops_the_sweeper() -> None:
    storage = TTLMemoryStorage(60, sweep_interval=0.01)
    await storage.start()
    await write_readers(storage, range(3))
    await storage.close()
    assert storage.size() == 0
    await asyncio.sleep(0.03)


# -- aiogram's own storage tests ----------------------------------------------------------------
@pytest.fixture(params=["memory", "redis"])
async def storage(request: pytest.FixtureRequest) -> AsyncIterator[BaseStorage]:
    if request.param == "memory":
        storage: BaseStorage = TTLMemoryStorage(3600)
    else:
        storage = redis_storage(request.getfixturevalue("redis_server").url, 3600)
    yield storage
    await storage.close()


@pytest.fixture
def storage_key() -> StorageKey:
    return StorageKey(chat_id=-42, user_id=42, bot_id=42)


async def test_set_state(storage: BaseStorage, storage_key: StorageKey) -> None:
    assert await storage.get_state(key=storage_key) is None
    await storage.set_state(key=storage_key, state="state")
    assert await storage.get_state(key=storage_key) == "state"
    await storage.set_state(key=storage_key, state=None)
    assert await storage.get_state(key=storage_key) is None


async def test_set_data(storage: BaseStorage, storage_key: StorageKey) -> None:
    assert await storage.get_data(key=storage_key) == {}
    assert await storage.get_value(storage_key=storage_key, dict_key="foo") is None
    assert await storage.get_value(storage_key=storage_key, dict_key="foo", default="baz") == "baz"

    await storage.set_data(key=storage_key, data={"foo": "bar"})
    assert await storage.get_data(key=storage_key) == {"foo": "bar"}
    assert await storage.get_value(storage_key=storage_key, dict_key="foo") == "bar"
    assert await storage.get_value(storage_key=storage_key, dict_key="foo", default="baz") == "bar"

    await storage.set_data(key=storage_key, data={})
    assert await storage.get_data(key=storage_key) == {}
    assert await storage.get_value(storage_key=storage_key, dict_key="foo") is None
    assert await storage.get_value(storage_key=storage_key, dict_key="foo", default="baz") == "baz"

    class CustomTypedDict(TypedDict, total=False):
        foo: str
        bar: str

    await storage.set_data(key=storage_key, data=CustomTypedDict(foo="bar", bar="baz"))
    assert await storage.get_data(key=storage_key) == {"foo": "bar", "bar": "baz"}
    assert await storage.get_value(storage_key=storage_key, dict_key="foo") == "bar"
    assert await storage.get_value(storage_key=storage_key, dict_key="foo", default="baz") == "bar"

    with pytest.raises(DataNotDictLikeError):
        await storage.set_data(key=storage_key, data=())  # type: ignore[arg-type]  # on purpose: what aiogram refuses


async def test_update_data(storage: BaseStorage, storage_key: StorageKey) -> None:
    assert await storage.get_data(key=storage_key) == {}
    assert await storage.update_data(key=storage_key, data={"foo": "bar"}) == {"foo": "bar"}
    assert await storage.update_data(key=storage_key, data={}) == {"foo": "bar"}
    assert await storage.get_data(key=storage_key) == {"foo": "bar"}
    assert await storage.update_data(key=storage_key, data={"baz": "spam"}) == {
        "foo": "bar",
        "baz": "spam",
    }
    assert await storage.get_data(key=storage_key) == {"foo": "bar", "baz": "spam"}
    assert await storage.update_data(key=storage_key, data={"baz": "test"}) == {
        "foo": "bar",
        "baz": "test",
    }
    assert await storage.get_data(key=storage_key) == {"foo": "bar", "baz": "test"}


# -- events isolation ---------------------------------------------------------------------------
async def test_lock(storage: BaseStorage, storage_key: StorageKey) -> None:
    create = getattr(storage, "create_isolation", None)
    isolation: BaseEventIsolation = create() if create else ReaderIsolation()
    async with isolation.lock(key=storage_key):
        assert True, "Are you kidding me?"
    await isolation.close()


async def test_one_readers_updates_run_one_at_a_time_and_no_lock_outlives_them() -> None:
    isolation = ReaderIsolation()
    inside: list[int] = []
    most = [0]

    async def update(user: int) -> None:
        async with isolation.lock(key(user)):
            inside.append(user)
            most[0] = max(most[0], inside.count(1))
            await asyncio.sleep(0.01)
            inside.remove(user)

    await asyncio.gather(*(update(1) for _ in range(5)), *(update(u) for u in range(2, 30)))
    assert most[0] == 1  # reader 1's five updates never overlapped
    assert isolation.size() == 0  # no reader's key is kept once their updates are done
