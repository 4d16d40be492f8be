"""A small spike (benchmarks/spike.py) on the real clock, against the fake Telegram with its flood
limits on, over HTTP: the bot answers every reader without drawing a 429; aiogram alone, on the
same stand-in, loses some. Bounds are ratios with a wide margin: a loaded machine slows the run,
and must not fail it. The bot sends at 20 a second, well under the stand-in's 30, so that requests
bunched by a busy event loop still arrive under the cap."""

from __future__ import annotations

import gc

from aiogram import Router

from benchmarks import spike
from bot.app import build_dispatcher
from bot.config import Contacts

READERS, RATE, WITHIN = 40, 20.0, 0.5


async def test_the_bot_answers_a_spike_at_the_cap_and_aiogram_alone_loses_readers() -> None:
    echo = await spike.spike("echo", readers=READERS, rate=RATE, within=WITHIN, quiet=1.5)
    # 40 messages within half a second against 30 a second: the stand-in refuses some, and a
    # bot without a queue loses those readers.
    assert echo.floods > 0
    assert echo.lost > 0

    bot = await spike.spike("bot", readers=READERS, rate=RATE, within=WITHIN, quiet=1.5)
    assert (bot.lost, bot.floods) == (0, 0), bot.line()
    assert bot.delivered == 2 * READERS
    # At its rate, 80 messages take 4 s: the bot kept that pace (1.03 measured, its burst
    # included).
    assert bot.delivered / (bot.elapsed * RATE) >= 0.6, bot.line()
    # Every first screen within twice the bound N / rate (the last came at 0.7 of N / rate):
    # first replies are not held behind the taps that arrive meanwhile.
    assert bot.percentile(1.0) <= 2 * READERS / RATE, bot.line()
    assert bot.scheduler is not None and bot.scheduler.counts.pauses == 0
    # Start-up's objects are out of the collector's sight (bot/app.py, BotDispatcher).
    assert gc.get_freeze_count() > 0


def test_no_handler_or_filter_of_the_bot_runs_in_a_thread(contacts: Contacts) -> None:
    """aiogram runs a handler or filter that is not a coroutine in a thread, a magic filter
    included: a hand-off to the pool for every message (bot/filters.py)."""
    found = []
    routers: list[Router] = [build_dispatcher(contacts=contacts)]
    while routers:
        router = routers.pop()
        routers.extend(router.sub_routers)
        for name, observer in router.observers.items():
            for handler in observer.handlers:
                callables = [handler, *(handler.filters or [])]
                found += [
                    f"{router.name} {name} {c.callback}" for c in callables if not c.awaitable
                ]
            found += [
                f"{router.name} {name} {f.callback}"
                for f in observer._handler.filters or []
                if not f.awaitable
            ]
    assert found == []
