"""The readers' state in memory at its edges (bot/fsm_storage.py): the sweeper's life, and the one
warning when the cap makes it forget readers early. Expiry itself is tested in
tests/test_reliability.py and tests/test_fsm_storage.py."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from bot.fsm_storage import TTLMemoryStorage


def sweepers() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "fsm-sweep" and not t.done()]


async def test_the_sweeper_runs_once_and_stops_with_the_storage() -> None:
    storage = TTLMemoryStorage(ttl=60)
    await storage.start()
    await storage.start()  # the dispatcher may start twice: still one sweeper
    assert len(sweepers()) == 1
    await storage.close()
    await asyncio.sleep(0)
    assert sweepers() == []
    await storage.start()  # and it can start again after closing
    assert len(sweepers()) == 1
    await storage.close()
    assert sweepers() == []


async def test_the_cap_is_logged_once_when_it_first_forgets_a_reader(caplog) -> None:  # type: ignore[no-untyped-def]
    storage = TTLMemoryStorage(ttl=60, maxsize=2)
    caplog.set_level(logging.WARNING, logger="bot.state")
    for user in range(1, 4):  # the third forgets the first
        await storage.set_state(StorageKey(bot_id=1, chat_id=user, user_id=user), "s")
    assert len(caplog.messages) == 1
    for user in range(4, 7):
        await storage.set_state(StorageKey(bot_id=1, chat_id=user, user_id=user), "s")
    assert storage.size() == 2
    assert caplog.messages == [
        "the readers' state is at its cap of 2 conversations: the least recently written are "
        "forgotten early (they get a fresh conversation)"
    ]


KEY = StorageKey(bot_id=1, chat_id=7, user_id=7)


class Form(StatesGroup):
    asking = State()


def test_a_time_to_live_must_be_positive() -> None:
    for ttl in (0, -1):
        with pytest.raises(ValueError, match=r"^ttl must be positive$"):
            TTLMemoryStorage(ttl=ttl)
    assert TTLMemoryStorage(ttl=0.5).ttl == 0.5


async def test_forgetting_a_reader_never_seen_keeps_nothing_and_does_not_fail() -> None:
    storage = TTLMemoryStorage(ttl=60)
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert storage.size() == 0


async def test_a_state_alone_has_no_data_and_is_kept_as_its_name() -> None:
    storage = TTLMemoryStorage(ttl=60)
    await storage.set_state(KEY, Form.asking)
    state = await storage.get_state(KEY)
    assert type(state) is str and state == "Form:asking"
    assert await storage.get_data(KEY) == {}
    await storage.set_state(KEY, None)
    assert storage.size() == 0  # nothing left: nothing kept


async def test_data_that_is_not_a_dict_is_refused_by_name() -> None:
    storage = TTLMemoryStorage(ttl=60)
    with pytest.raises(
        DataNotDictLikeError, match=r"^Data must be a dict or dict-like object, got list$"
    ):
        await storage.set_data(KEY, [1])  # type: ignore[arg-type]
