"""A viral spike at Telegram's flood limits: the bot and a bare aiogram bot against a stand-in Bot
API that enforces them, on the real clock.

    python -m benchmarks.spike                    # 300 readers, about a minute
    BOT_SEND_RATE=30 python -m benchmarks.spike   # the bot's rate at Telegram's cap
    python -m benchmarks.spike --readers 40       # a smoke run (tests/test_spike.py runs one)

The stand-in is the fake Telegram (`fake_telegram/`) with its flood limits switched on
(`FloodLimits`): at most 30 messages in any one second in all, 1 a second in one chat with a burst
of 3, and 429 with `retry_after` past either. It is served over HTTP on 127.0.0.1
(`fake_telegram.http`), and each bot talks to it as it talks to Telegram: aiogram's HTTP session,
long polling (`Dispatcher.start_polling`, every update a task), its requests counted when they
arrive. In-process (`OfflineSession`) a request reaches the model the instant it leaves the
queue; over a socket it arrives a little later, or a few together after a busy moment of the event
loop, as it does at Telegram. What is measured here is the schedule, not the CPU: the HTTP door
costs a few hundred microseconds a request, nothing beside 30 a second.

The scenario: N readers (--readers, 300) send /start within one second (evenly spread); each taps
the first button of its first screen 1.5 s after that screen arrived. Every update wants one
message: a send for /start, an edit for the tap (the tap's answer to the button is not a message
and does not count against the limits). So 2N messages, at best 2N / 30 seconds.

- **bot**: the real bot: `build_bot` with its `SendScheduler` (BOT_SEND_RATE, default 25, read
  from the environment as the bot reads it, or --rate) on the real clock, and `build_dispatcher`.
- **echo**: the baseline, aiogram as people write it: a bare `Dispatcher` that answers /start with
  its text and one button, and a tap with `query.answer()` and an edit; no queue, no retry. A 429
  raises in its handler and the update goes unanswered.

Each prints `name: useful/cap R  lost L  429s N  p50 first reply X s  p99 Y s`, echo first, the bot
last (as `spike:`):
- useful/cap: replies delivered ÷ (elapsed × 30), elapsed from the first /start to the last reply
  delivered. At BOT_SEND_RATE 25 the ceiling is 25/30 = 0.83 by design.
- lost: updates that never got their reply (a reader whose /start got none never taps).
- 429s: answers of 429 the stand-in gave.
- first reply: from a reader's /start to its first screen; a reader who never got one counts as
  infinitely late (`inf`).

Targets (the bot): lost 0, 429s 0, useful/cap ≥ 0.8 at rate 25 (≥ 0.9 at 30), p99 first reply
≤ 1.2 × N / rate. The exit code is 1 if one is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.app import DEFAULTS, build_bot, build_dispatcher, close_bot
from bot.config import Settings, load_contacts
from bot.languages import make_i18n
from bot.outgoing import SendScheduler
from fake_telegram import FloodLimits, Telegram, updates
from fake_telegram.http import Server

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:" + "S" * 35
CAP = 30  # Telegram's: messages a second in all
TAP_AFTER = 1.5  # seconds from a reader's first screen to its tap
QUIET = 4.0  # seconds without a message sent or tried: the run is over
FIRST_READER = 30_000_000


@dataclass
class Result:
    name: str
    readers: int
    cap: float
    delivered: int = 0  # updates that got their reply
    lost: int = 0  # updates that never did
    floods: int = 0  # answers of 429
    elapsed: float = 0.0  # first /start to last reply delivered
    first_replies: list[float] = field(default_factory=list)  # seconds; inf for none
    scheduler: SendScheduler | None = None

    @property
    def useful_per_cap(self) -> float:
        return self.delivered / (self.elapsed * self.cap) if self.elapsed > 0 else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.first_replies)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else math.inf

    def line(self, label: str | None = None) -> str:
        return (
            f"{label or self.name}: useful/cap {self.useful_per_cap:.2f}  lost {self.lost}  "
            f"429s {self.floods}  p50 first reply {_seconds(self.percentile(0.5))} s  "
            f"p99 {_seconds(self.percentile(0.99))} s"
        )


def _seconds(value: float) -> str:
    return "inf" if value == math.inf else f"{value:.1f}"


# -- the two bots ------------------------------------------------------------------------------
def echo_dispatcher() -> Dispatcher:
    """aiogram as people write it: reply, and let aiogram log what fails."""
    router = Router()
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Next", callback_data="next")]]
    )

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(message.text or "…", reply_markup=keyboard)

    @router.callback_query()
    async def tap(query: CallbackQuery) -> None:
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(f"You tapped {query.data}")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


def _session(url: str) -> AiohttpSession:
    return AiohttpSession(api=TelegramAPIServer.from_base(url))


async def _bot(name: str, url: str, rate: float) -> tuple[Bot, Dispatcher]:
    if name == "echo":
        return Bot(TOKEN, session=_session(url), default=DEFAULTS), echo_dispatcher()
    bot = build_bot(TOKEN, session=_session(url), scheduler=SendScheduler(rate=rate))
    contacts = load_contacts(ROOT / "contacts.example.toml")
    return bot, build_dispatcher(contacts=contacts, i18n=make_i18n())


# -- the spike ---------------------------------------------------------------------------------
class _Readers:
    """The readers: each sends /start at its time, and taps the first button of the first screen
    it gets TAP_AFTER seconds after getting it. Sees every request the stand-in answers."""

    def __init__(self, telegram: Telegram, count: int, tap_after: float) -> None:
        self.telegram, self.tap_after = telegram, tap_after
        self.loop = asyncio.get_running_loop()
        self.people = {
            FIRST_READER + i: updates.user(FIRST_READER + i, f"Reader{i}", language_code="ru")
            for i in range(count)
        }
        self.started: dict[int, float] = {}  # chat -> when its /start arrived
        self.first: dict[int, float] = {}  # chat -> when its first screen arrived
        self.tapped: dict[int, float] = {}  # chat -> when its tap arrived
        self.edited: dict[int, float] = {}  # chat -> when the tap's reply arrived
        self.pending_taps = 0
        self.last_reply = self.last_try = 0.0
        self.polling = False  # the bot has asked for updates (a long poll is answered later)
        answer = telegram.answer

        async def watching(
            method: str, params: dict[str, Any], files: dict[str, bytes] | None = None
        ) -> tuple[int, dict[str, Any]] | None:
            self.polling = self.polling or method == "getUpdates"
            answered = await answer(method, params, files)
            self._saw(method, params, answered)
            return answered

        telegram.answer = watching  # type: ignore[method-assign] # watched on this one instance

    def arrive(self, within: float) -> None:
        for i, chat in enumerate(self.people):
            self.loop.call_later(within * i / len(self.people), self._start, chat)

    def _start(self, chat: int) -> None:
        self.started[chat] = time.monotonic()
        self.telegram.push(updates.command(self.people[chat], "/start"))

    def _tap(self, chat: int, message_id: int, data: str) -> None:
        self.pending_taps -= 1
        self.tapped[chat] = time.monotonic()
        self.telegram.push(updates.callback(self.people[chat], message_id, data))

    def _saw(self, method: str, params: dict[str, Any], answered: Any) -> None:
        if method not in ("sendMessage", "editMessageText"):
            return
        now = time.monotonic()
        self.last_try = now
        chat = params.get("chat_id")
        if answered is None or answered[0] != 200 or chat not in self.people:
            return
        if method == "sendMessage" and chat not in self.first:
            self.first[chat] = self.last_reply = now
            buttons = [
                button["callback_data"]
                for row in (params.get("reply_markup") or {}).get("inline_keyboard", [])
                for button in row
                if "callback_data" in button
            ]
            if buttons:
                message_id = answered[1]["result"]["message_id"]
                self.pending_taps += 1
                self.loop.call_later(self.tap_after, self._tap, chat, message_id, buttons[0])
        elif method == "editMessageText" and chat in self.tapped and chat not in self.edited:
            self.edited[chat] = self.last_reply = now

    def settled(self, quiet: float) -> bool:
        """Every update answered, or nothing left that could still answer one."""
        if len(self.started) < len(self.people) or self.pending_taps:
            return False
        if len(self.first) == len(self.people) and len(self.edited) == len(self.tapped):
            return True
        return not self.telegram.pending_updates() and time.monotonic() - self.last_try > quiet


async def spike(
    name: str,
    *,
    readers: int = 300,
    rate: float = Settings.model_fields["send_rate"].default,
    cap: int = CAP,
    within: float = 1.0,
    tap_after: float = TAP_AFTER,
    quiet: float = QUIET,
    timeout: float | None = None,
) -> Result:
    """One run of `name` ("bot" or "echo") against a fresh stand-in."""
    limits = FloodLimits(per_second=cap)
    async with Server(Telegram(TOKEN, flood=limits)) as telegram:
        assert telegram.url is not None
        people = _Readers(telegram, readers, tap_after)
        bot, dispatcher = await _bot(name, telegram.url, rate)
        polling = asyncio.create_task(
            dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
        )
        try:
            await _until(lambda: people.polling, 10)
            began = time.monotonic()
            people.arrive(within)
            limit = timeout or 60 + 4 * 2 * readers / min(rate, cap)
            await _until(lambda: people.settled(quiet), limit)
        finally:
            await dispatcher.stop_polling()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
            if name == "bot":
                await close_bot(bot, drain=1.0)
            else:
                await bot.session.close()
    result = Result(name, readers, cap, scheduler=SendScheduler.of(bot))
    result.delivered = len(people.first) + len(people.edited)
    result.lost = readers - len(people.first) + len(people.tapped) - len(people.edited)
    result.floods = limits.refused
    result.elapsed = people.last_reply - began if result.delivered else 0.0
    result.first_replies = [
        people.first[chat] - people.started[chat] if chat in people.first else math.inf
        for chat in people.people
    ]
    return result


async def _until(condition: Callable[[], Any], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the spike did not settle within {timeout:.0f} s")
        await asyncio.sleep(0.05)


def targets(result: Result, rate: float) -> list[tuple[str, bool]]:
    """The bot's targets, each with whether it was met."""
    floor = 0.9 if rate >= CAP else 0.8
    bound = 1.2 * result.readers / min(rate, result.cap)
    return [
        ("lost 0", result.lost == 0),
        ("429s 0", result.floods == 0),
        (f"useful/cap ≥ {floor}", result.useful_per_cap >= floor),
        (f"p99 first reply ≤ {bound:.1f} s", result.percentile(0.99) <= bound),
    ]


def _rate_from_environment() -> float:
    """BOT_SEND_RATE as the bot reads it (bot/config.py), without needing a token."""
    value = os.environ.get("BOT_SEND_RATE")
    return float(value) if value else Settings.model_fields["send_rate"].default


async def run(args: argparse.Namespace) -> int:
    rate = args.rate or _rate_from_environment()
    logging.basicConfig(level=logging.WARNING, format="  %(name)s: %(message)s")
    # The echo bot's handlers raise TelegramRetryAfter by the hundred: counted, not printed.
    logging.getLogger("aiogram").setLevel(logging.CRITICAL)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; {args.readers} readers within "
        f"{args.within:g} s, each tapping {TAP_AFTER:g} s after its first screen; the stand-in "
        f"allows {CAP} a second, 1 a second per chat (burst 3); BOT_SEND_RATE {rate:g}; "
        f"{2 * args.readers} messages, at best {2 * args.readers / CAP:.1f} s",
        flush=True,
    )
    echo = await spike("echo", readers=args.readers, rate=rate, within=args.within)
    print(echo.line(), flush=True)
    bot = await spike("bot", readers=args.readers, rate=rate, within=args.within)
    if bot.scheduler is not None:
        counts = bot.scheduler.counts
        print(
            f"bot: {bot.delivered} replies in {bot.elapsed:.1f} s "
            f"({bot.delivered / bot.elapsed:.1f} a second; {2 * args.readers / rate:.1f} s at "
            f"{rate:g} a second); queue: {counts.sent} sent, {counts.skipped} skipped, "
            f"{counts.pauses} pauses for a 429, {counts.refused_updates + counts.refused_requests} "
            f"refused; echo: {echo.delivered} replies in {echo.elapsed:.1f} s",
            flush=True,
        )
    checked = targets(bot, rate)
    print("targets: " + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in checked))
    print(bot.line("spike"))
    return 0 if all(ok for _, ok in checked) else 1


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.spike", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--readers", type=int, default=300, help="readers (default 300)")
    parser.add_argument(
        "--within", type=float, default=1.0, help="seconds over which they arrive (default 1)"
    )
    parser.add_argument(
        "--rate", type=float, help="the bot's BOT_SEND_RATE (default: the environment's, or 25)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(run(parse(argv)))


if __name__ == "__main__":
    sys.exit(main())
