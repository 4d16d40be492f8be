"""The readers' state in memory at its edges (bot/fsm_storage.py): the sweeper's life, and the one
warning when the cap makes it forget readers early. Expiry itself is tested in
tests/test_reliability.py and tests/test_fsm_storage.py."""

from __future__ import annotations

import asyncio
import logging

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
    for user in range(1, 6):
        await storage.set_state(StorageKey(bot_id=1, chat_id=user, user_id=user), "s")
    assert storage.size() == 2
    assert caplog.messages == [
        "the readers' state is at its cap of 2 conversations: the least recently active are "
        "forgotten early (they get a fresh conversation)"
    ]
