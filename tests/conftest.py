"""The real Dispatcher, a Telegram that lives in memory, and readers to talk to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher

from bot.app import build_bot, build_dispatcher, close_bot
from bot.config import Contacts, load_contacts
from bot.middlewares import Throttle
from bot.outgoing import Door, SendScheduler, SimulatedClock
from fake_telegram import OfflineReader, OfflineSession

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:" + "A" * 35

# The `reader` fixture: reader(user_id=..., language_code=...) makes a reader of the bot under test.
ReaderFactory = Callable[..., OfflineReader]


@pytest.fixture
def contacts() -> Contacts:
    return load_contacts(ROOT / "contacts.example.toml")


@pytest.fixture
def session() -> OfflineSession:
    return OfflineSession()


@pytest.fixture
async def bot(session: OfflineSession) -> AsyncIterator[Bot]:
    # The bot's real send queue, its rates and pauses on a simulated clock: every wait happens,
    # in no time (tests/test_outgoing.py checks the rates themselves).
    bot = build_bot(TOKEN, session=session, scheduler=SendScheduler(clock=SimulatedClock()))
    yield bot
    await close_bot(bot)


@pytest.fixture
def dispatcher(contacts: Contacts) -> Dispatcher:
    # Flood control off: a test plays a whole conversation in milliseconds (tests/test_reliability.py
    # checks flood control itself).
    return build_dispatcher(contacts=contacts, throttle=Throttle(enabled=False))


@pytest.fixture
def reader(dispatcher: Dispatcher, bot: Bot) -> ReaderFactory:
    """A factory of readers: reader(user_id=..., language_code=...)."""

    def make(**user: Any) -> OfflineReader:  # the user's fields, as OfflineReader takes them
        return OfflineReader(dispatcher, bot, **user)

    return make


def door(dispatcher: Dispatcher) -> Door:
    """The dispatcher's `Door` (bot/outgoing/updates.py), for what it counted."""
    [found] = [m for m in dispatcher.update.outer_middleware if isinstance(m, Door)]
    return found
