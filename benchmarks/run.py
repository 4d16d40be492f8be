"""The bot against bare aiogram Dispatchers: throughput, latency, memory, start-up time.

    python -m benchmarks.run                      # 1,000 readers, 20,000 updates, 5 rounds
    python -m benchmarks.run --readers 20 --updates 400 --idle 1000 --skip-startup   # a smoke run

What it does, in one process:

1. Records a realistic mixed workload: many readers at once, each arriving at some point and
   acting at its own simulated pace, their updates interleaved (/start in the reader's Telegram language, a role, section taps, Back and Home, language
   switches, double taps, /menu, /help, /language, free text, buttons on older messages and
   buttons whose data is out of date). Each reader's next action is chosen from what is on that
   reader's screen, by talking to the real bot once (this pass is also the warm-up).
2. Replays exactly those updates, pre-built as `Update` objects before timing, through
   - the full bot (`build_dispatcher`: i18n, FSM, every middleware the bot installs, flood control
     on the simulated clock, counts written to a real SQLite file by `SQLiteCounter` in a temp
     dir), and
   - a bare `Dispatcher` that makes the same Bot API calls for each update as the full bot made
     when the workload was recorded (an edit and an answer for a tap, a send for a message), with
     their texts and keyboards rendered in advance: the fair comparison, whose ratio is the cost
     of the bot's own work (target: full ≥ 0.6 × same calls), and
   - a bare `Dispatcher` with one echo handler (message -> send_message of its text; callback ->
     answer): one request per update and no rendering, the floor of aiogram itself,
   all against the same in-memory Telegram (`fake_telegram.OfflineSession`), in turn, for a few
   rounds, each update fed with `await dispatcher.feed_update(bot, update)` and timed with
   `time.perf_counter_ns`. Medians over the rounds are reported; a ratio is the median of the
   rounds' own ratios (the three run back to back in a round).
3. Checks every update got its reply (sendMessage / editMessageText for a message,
   answerCallbackQuery for a button) and exits 1 if one did not.
4. Peak memory of one traced replay of each (tracemalloc), and the process's ru_maxrss.
5. Memory per idle conversation in the FSM storage the bot uses when polling, at 10,000 and
   100,000 readers: the state and data the bot leaves after /start, a role and a section, taken
   from a real conversation and replicated per reader through the storage API.
6. Time from spawning `python -m bot` to its first getUpdates, against the fake Telegram served
   over HTTP on 127.0.0.1 (`fake_telegram.http`), and the same for a bare aiogram bot: the floor.

The last two lines are `full/same-calls throughput ratio: R (target 0.6)` and
`full/bare throughput ratio: R` (the echo's).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import gc
import heapq
import os
import random
import resource
import signal
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiogram.methods
from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods.base import TelegramMethod
from aiogram.types import CallbackQuery, Message, Update

from benchmarks import questions
from bot.app import DEFAULTS, build_bot, build_dispatcher
from bot.config import Contacts, load_contacts
from bot.languages import make_i18n
from fake_telegram import OfflineReader, OfflineSession, Telegram

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:" + "B" * 35
REPLY_METHODS = ("sendMessage", "editMessageText")
# Every update has a simulated time, and flood control runs on that clock, so that a replay lasting
# seconds is seen as the busy hour it stands for. A reader acts READER_PAUSE seconds after its last
# action on average (reading a screen takes that long), never sooner than MIN_PAUSE, except for a
# double tap (DOUBLE_TAP seconds after the tap). Readers so stay under flood control's limits, whose
# cost is measured all the same; whatever it drops is reported apart.
READER_PAUSE = 8.0
MIN_PAUSE = 1.0
DOUBLE_TAP = 0.3
DOUBLE_TAPS = 0.03  # the share of button presses followed by a second tap on the same button


class SimulatedClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _throttle(clock: SimulatedClock) -> Any:
    try:
        from bot.middlewares import Throttle
    except ImportError:  # a bot without flood control
        return None
    return Throttle(clock=clock)


class QueueClock(SimulatedClock):
    """The send queue's time in the replay. The workload's simulated hour asks for about 125
    replies a second, five times what Telegram allows, so nearly every request finds the queue's
    rate in the way and waits its turn. Here that wait costs nothing: the queue's time jumps ahead
    at once, without a turn of the event loop (the tests' clock takes one, so that whatever is
    ready runs first). What the queue does for each request is measured; the wait, which a real
    bot spends idle, is not."""

    async def sleep(self, seconds: float, wake: asyncio.Event) -> None:
        if not wake.is_set():
            self.now += max(0.0, seconds)


def _queue() -> dict[str, Any]:
    """build_bot's send queue on the queue's own simulated time (QueueClock)."""
    try:
        from bot.outgoing import SendScheduler
    except ImportError:  # a bot without one
        return {}
    return {"scheduler": SendScheduler(clock=QueueClock())}


def _build_dispatcher(
    contacts: Contacts, i18n: Any, clock: SimulatedClock, **kwargs: Any
) -> Dispatcher:
    throttle = _throttle(clock)
    if throttle is not None:
        kwargs["throttle"] = throttle
    return build_dispatcher(contacts=contacts, i18n=i18n, **kwargs)


# Telegram language codes of the simulated readers, with weights: mostly Russian, some with a
# language the bot lacks (falls back to Russian) or none at all.
LANGUAGES = [
    ("ru", 70),
    ("uk", 8),
    ("en", 6),
    ("ko", 4),
    ("uz", 4),
    ("be", 3),
    ("kk", 2),
    (None, 3),
]
FREE_TEXT = ["привет", "как сдаться?", "что будет с семьёй", "👍", "это правда?", "hello", "?"]
FORGED = ["n:old_topic", "v1:menu", "n:", "x"]


# -- the workload ------------------------------------------------------------------------------
class _Reader(OfflineReader):
    started: bool = False
    last_pressed: str | None = None
    double_tap: bool = False  # the next action taps last_pressed again


class _Recorder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.updates: list[dict[str, Any]] = []
        self.methods: list[tuple[str, ...]] = []
        self.requests: list[list[tuple[str, dict[str, Any]]]] = []
        self.now = 0.0  # simulated time of the update being fed

    async def feed(self, reader: _Reader, update: dict[str, Any], kind: str) -> None:
        calls = await reader.feed(update)
        self.updates.append({**update, "_kind": kind, "_at": self.now})
        self.methods.append(tuple(c.method for c in calls))
        self.requests.append([(c.method, c.params) for c in calls])

    async def send(self, reader: _Reader, text: str, kind: str) -> None:
        await self.feed(reader, reader.typing(text), kind)

    async def press(self, reader: _Reader, data: str, message_id: int, kind: str) -> None:
        await self.feed(reader, reader.pressing(data, message_id), kind)
        reader.last_pressed = data
        reader.double_tap = kind != "double tap" and self.rng.random() < DOUBLE_TAPS

    def buttons(self, reader: _Reader, message_id: int, *, marked: str = "") -> list[str]:
        """Callback data of the buttons on a message (never Erase), or of those whose label
        starts with one of `marked`."""
        _text, rows = reader.telegram.screen(reader.chat["id"], message_id)
        return [
            b["callback_data"]
            for row in rows
            for b in row
            if "callback_data" in b
            and b["callback_data"] != "d:erase"
            and (not marked or b["text"][:1] in marked)
        ]

    async def step(self, reader: _Reader) -> None:
        rng = self.rng
        if not reader.started:
            reader.started = True
            await self.send(reader, "/start", "start")
            return
        current = reader.last_message_id()
        if reader.double_tap and reader.last_pressed:
            # Telegram sends the second tap with the message as it is now, edited or not.
            await self.press(reader, reader.last_pressed, current, "double tap")
            return
        buttons = self.buttons(reader, current)
        roles = [b for b in buttons if b.startswith("r:")]
        languages = [b for b in buttons if b.startswith("l:")]
        navs = [b for b in buttons if b.startswith("n:")]
        if roles and rng.random() < 0.85:
            await self.press(reader, rng.choice(roles), current, "role")
            return
        if languages and rng.random() < 0.9:
            await self.press(reader, rng.choice(languages), current, "language chosen")
            return
        roll = rng.random()
        home_back = self.buttons(reader, current, marked="◀⌂")
        children = [b for b in navs if b not in home_back]
        if roll < 0.50 and children:
            await self.press(reader, rng.choice(children), current, "section")
        elif roll < 0.65 and home_back:
            await self.press(reader, rng.choice(home_back), current, "back/home")
        elif roll < 0.70:
            if "d:languages" in buttons:
                await self.press(reader, "d:languages", current, "language list")
            else:
                await self.send(reader, "/language", "/language")
        elif roll < 0.80:
            await self.send(reader, rng.choice(FREE_TEXT), "free text")
        elif roll < 0.86:
            await self.send(reader, "/menu", "/menu")
        elif roll < 0.88:
            await self.send(reader, "/help", "/help")
        elif roll < 0.91:
            await self.send(reader, "/start", "start")
        elif roll < 0.95 and len(screens := self.screens(reader)) > 1:
            old = rng.choice(screens[:-1])
            await self.press(
                reader, rng.choice(self.buttons(reader, old) or ["n:home"]), old, "older message"
            )
        else:
            await self.press(reader, rng.choice(FORGED), current, "stale data")

    def screens(self, reader: _Reader) -> list[int]:
        """The bot's messages with buttons in the reader's chat, oldest first."""
        shown = reader.telegram.messages_in(reader.chat["id"])
        return [m["message_id"] for m in shown if "reply_markup" in m]


@dataclass
class Workload:
    updates: list[dict[str, Any]]  # Update JSON, in feeding order
    methods: list[tuple[str, ...]]  # the Bot API methods the full bot called for each, as recorded
    requests: list[list[tuple[str, dict[str, Any]]]]  # and the requests themselves, as sent

    def kinds(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for update in self.updates:
            kind = update.get("_kind", "?")
            found[kind] = found.get(kind, 0) + 1
        return found


async def record_workload(
    contacts: Contacts, i18n: Any, *, readers: int, updates: int, seed: int
) -> Workload:
    """Talk to the real bot once, choosing each reader's next action from its screen."""
    bot = build_bot(TOKEN, session=OfflineSession(), **_queue())
    clock = SimulatedClock()
    dispatcher = _build_dispatcher(contacts, i18n, clock)
    recorder = _Recorder(seed)
    rng = random.Random(seed + 1)
    codes = [code for code, _ in LANGUAGES]
    weights = [weight for _, weight in LANGUAGES]
    people = []
    for n in range(readers):
        code = rng.choices(codes, weights)[0]
        people.append(
            _Reader(
                dispatcher, bot, user_id=10_000_000 + n, first_name=f"Reader{n}", language_code=code
            )
        )
    # Readers arrive over the first 60% of the simulated time and act at their own pace; updates of
    # different readers interleave as in a busy hour.
    span = updates * READER_PAUSE / max(readers, 1)
    due = [(rng.uniform(0, 0.6 * span), i) for i in range(readers)]
    heapq.heapify(due)
    for _ in range(updates):
        at, index = heapq.heappop(due)
        clock.now = recorder.now = at
        reader = people[index]
        await recorder.step(reader)
        pause = (
            DOUBLE_TAP if reader.double_tap else max(MIN_PAUSE, rng.expovariate(1 / READER_PAUSE))
        )
        heapq.heappush(due, (at + pause, index))
    await dispatcher.storage.close()
    return Workload(recorder.updates, recorder.methods, recorder.requests)


# -- the two dispatchers -----------------------------------------------------------------------
def bare_dispatcher() -> Dispatcher:
    router = Router()

    @router.message()
    async def echo(message: Message, bot: Bot) -> None:
        await bot.send_message(message.chat.id, message.text or "…")

    @router.callback_query()
    async def answer(query: CallbackQuery) -> None:
        await query.answer()

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


def same_calls_dispatcher(workload: Workload) -> Dispatcher:
    """A bare Dispatcher that makes, for each update, the Bot API calls the full bot made for it
    when the workload was recorded (an edit and an answer for a tap, a send for a message, ...),
    in the same order, with their texts and keyboards rendered in advance: aiogram's cost of the
    same requests (building the request as `bot.send_message(...)` does, serializing it,
    validating the answer) without the bot's own work."""
    by_method = {
        cls.__api_method__: cls
        for cls in vars(aiogram.methods).values()
        if isinstance(cls, type) and issubclass(cls, TelegramMethod) and cls is not TelegramMethod
    }
    # Each request as its class and arguments, the keyboards among them already built: a handler
    # calling `bot.edit_message_text(text, reply_markup=keyboard)` builds the request object
    # itself, and so does this one, at the time of the call.
    planned: dict[int, list[tuple[type[TelegramMethod[Any]], dict[str, Any]]]] = {}
    for update, made in zip(workload.updates, workload.requests, strict=True):
        calls = planned[update["update_id"]] = []
        for name, params in made:
            method = by_method[name].model_validate(params)
            calls.append((type(method), {f: getattr(method, f) for f in method.model_fields_set}))
    router = Router()

    async def replay_calls(event: Update, bot: Bot) -> None:
        for cls, arguments in planned.get(event.update_id, ()):
            with contextlib.suppress(TelegramAPIError):  # refused as the full bot's was
                await bot(cls(**arguments))

    @router.message()
    async def message(message: Message, bot: Bot, event_update: Update) -> None:
        await replay_calls(event_update, bot)

    @router.callback_query()
    async def callback(query: CallbackQuery, bot: Bot, event_update: Update) -> None:
        await replay_calls(event_update, bot)

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


@dataclass
class Round:
    name: str
    seconds: float
    latencies_ns: list[int]
    missing: list[int]  # indexes of updates left without their reply
    failed: int  # Bot API requests Telegram refused
    methods: list[tuple[str, ...]]
    in_fake_ns: int = 0  # time spent inside the in-memory Telegram
    dropped: int = 0  # updates flood control dropped
    peak_bytes: int = 0

    @property
    def per_second(self) -> float:
        return len(self.latencies_ns) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ns)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6


async def replay(
    name: str,
    workload: Workload,
    make: Callable[..., Awaitable[tuple[Dispatcher, Callable[[], Awaitable[None]]]]],
    *,
    plain_bot: bool = False,
    limit: int | None = None,
    trace: bool = False,
    profile: Any = None,
) -> Round:
    """Feed the workload's updates, pre-built, one after another; time each."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        session = OfflineSession()
        # The bare dispatcher's bot is aiogram's own (same defaults, none of the bot's middleware).
        bot = (
            Bot(TOKEN, session=session, default=DEFAULTS)
            if plain_bot
            else build_bot(TOKEN, session=session, **_queue())
        )
        clock = SimulatedClock()
        dispatcher, close = await make(Path(tmp), clock)
        try:
            dicts = workload.updates[:limit]
            updates = [
                Update.model_validate(
                    {k: v for k, v in d.items() if not k.startswith("_")}, context={"bot": bot}
                )
                for d in dicts
            ]
            times = [d["_at"] for d in dicts]
            telegram = session.telegram
            in_fake = [0]
            fake_call = telegram.call

            def timed_call(method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
                t = time.perf_counter_ns()
                try:
                    return fake_call(method, params)
                finally:
                    in_fake[0] += time.perf_counter_ns() - t

            telegram.call = timed_call  # type: ignore[method-assign]  # on this instance only, to time the fake apart
            throttle = next(
                (m for m in dispatcher.message.outer_middleware if hasattr(m, "dropped")), None
            )
            dropped_at: set[int] = set()
            latencies = [0] * len(updates)
            marks = [0] * (len(updates) + 1)
            gc.collect()
            if trace:
                tracemalloc.start()
            if profile is not None:
                profile.start()
            started = time.perf_counter_ns()
            for i, update in enumerate(updates):
                clock.now = times[i]
                # Telegram learns of each update as it was when recorded: a message takes its
                # chat's next id (shared with the bot's messages), a button press is one to answer.
                telegram.receive(dicts[i])
                marks[i] = len(telegram.calls)
                t0 = time.perf_counter_ns()
                await dispatcher.feed_update(bot, update)
                latencies[i] = time.perf_counter_ns() - t0
                if throttle is not None and throttle.dropped > len(dropped_at):
                    dropped_at.add(i)  # flood control dropped it: no reply expected, reported apart
                # Under polling each update is a task: the loop runs between them (the counter's
                # background flush, for one). Give it that chance here too.
                await asyncio.sleep(0)
            seconds = (time.perf_counter_ns() - started) / 1e9
            if profile is not None:
                profile.stop()
            peak = 0
            if trace:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            marks[len(updates)] = len(telegram.calls)
        finally:
            # Also on an error: the counter's writer thread would keep the process alive.
            await close()
        await bot.session.close()
    missing, methods = [], []
    for i, d in enumerate(dicts):
        made = telegram.calls[marks[i] : marks[i + 1]]
        methods.append(tuple(r.method for r in made))
        ok = {r.method for r in made if r.ok}
        if i in dropped_at:
            continue
        if "message" in d:
            if not ok & set(REPLY_METHODS):
                missing.append(i)
        elif "answerCallbackQuery" not in ok:
            missing.append(i)
    failed = sum(1 for r in telegram.calls if not r.ok)
    return Round(
        name, seconds, latencies, missing, failed, methods, in_fake[0], len(dropped_at), peak
    )


def full_factory(
    contacts: Contacts, i18n: Any
) -> Callable[..., Awaitable[tuple[Dispatcher, Callable[[], Awaitable[None]]]]]:
    async def make(
        tmp: Path, clock: SimulatedClock
    ) -> tuple[Dispatcher, Callable[[], Awaitable[None]]]:
        from storage import SQLiteCounter

        counter = await SQLiteCounter.open(tmp / "counts.sqlite3")
        dispatcher = _build_dispatcher(contacts, i18n, clock, counter=counter)

        async def close() -> None:
            await counter.close()
            await dispatcher.storage.close()

        return dispatcher, close

    return make


async def bare_factory(
    tmp: Path, clock: SimulatedClock
) -> tuple[Dispatcher, Callable[[], Awaitable[None]]]:
    dispatcher = bare_dispatcher()
    return dispatcher, dispatcher.storage.close


def same_calls_factory(
    workload: Workload,
) -> Callable[..., Awaitable[tuple[Dispatcher, Callable[[], Awaitable[None]]]]]:
    async def make(
        tmp: Path, clock: SimulatedClock
    ) -> tuple[Dispatcher, Callable[[], Awaitable[None]]]:
        dispatcher = same_calls_dispatcher(workload)
        return dispatcher, dispatcher.storage.close

    return make


# -- memory per idle conversation --------------------------------------------------------------
async def idle_template(contacts: Contacts, i18n: Any) -> tuple[Any, dict[str, Any]]:
    """The state and data a real conversation leaves after /start, a role and a section."""
    session = OfflineSession()
    bot = build_bot(TOKEN, session=session, **_queue())
    dispatcher = build_dispatcher(contacts=contacts, i18n=i18n)
    reader = OfflineReader(dispatcher, bot, user_id=777, language_code="ru")
    await reader.send("/start")
    await reader.press("r:soldier")
    await reader.press("n:rights")
    key = StorageKey(bot_id=bot.id, chat_id=777, user_id=777)
    state = await dispatcher.storage.get_state(key)
    data = await dispatcher.storage.get_data(key)
    await dispatcher.storage.close()
    return state, data


async def idle_bytes_per_reader(
    n: int, state: Any, data: dict[str, Any], contacts: Contacts, i18n: Any
) -> float:
    """Bytes the polling bot's FSM storage holds per idle conversation, with n conversations."""
    dispatcher = build_dispatcher(contacts=contacts, i18n=i18n)  # the storage the bot polls with
    storage = dispatcher.storage
    bot_id = int(TOKEN.split(":")[0])
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        uid = 20_000_000 + i
        key = StorageKey(bot_id=bot_id, chat_id=uid, user_id=uid)
        await storage.set_state(key, state)
        await storage.set_data(key, copy.deepcopy(data))  # each reader's own list of ids
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    await storage.close()
    del storage, dispatcher
    gc.collect()
    return (after - before) / n


# -- start-up ----------------------------------------------------------------------------------
# The floor: aiogram alone, polling with a Dispatcher and nothing else, started the same way.
BARE_BOT = """
import asyncio, os
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

async def main():
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["BOT_API_URL"]))
    await Dispatcher().start_polling(Bot(os.environ["BOT_TOKEN"], session=session), handle_signals=True)

asyncio.run(main())
"""


async def startup_seconds(contacts_path: Path, *, bare: bool = False) -> float:
    """Seconds from spawning `python -m bot` (or a bare aiogram bot) to its first getUpdates,
    against the fake Telegram served over HTTP."""
    from fake_telegram.http import Server

    first: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    telegram = Telegram(TOKEN)
    answer = telegram.answer

    async def noting_the_first_poll(
        method: str, params: dict[str, Any], files: dict[str, bytes] | None = None
    ) -> tuple[int, dict[str, Any]] | None:
        if method == "getUpdates" and not first.done():
            first.set_result(time.perf_counter())
        return await answer(method, params, files)

    telegram.answer = noting_the_first_poll  # type: ignore[method-assign]  # on this instance only: the server calls it
    server = Server(telegram)
    await server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
            env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
            env.update(
                BOT_TOKEN=TOKEN,
                BOT_API_URL=str(telegram.url),
                BOT_CONTACTS=str(contacts_path),
                BOT_DB=str(Path(tmp) / "counts.sqlite3"),
            )
            started = time.perf_counter()
            command = ["-c", BARE_BOT] if bare else ["-m", "bot"]
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                *command,
                cwd=tmp,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            try:
                racing: list[asyncio.Future[Any]] = [first, asyncio.ensure_future(process.wait())]
                _done, _ = await asyncio.wait(
                    racing,
                    timeout=30,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if not first.done():
                    output = b""
                    if process.returncode is not None and process.stdout:
                        output = await process.stdout.read()
                    raise RuntimeError(
                        f"python -m bot never polled: {output.decode(errors='replace')[-2000:]}"
                    )
                return first.result() - started
            finally:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        await asyncio.wait_for(process.wait(), 10)
                    except TimeoutError:
                        process.kill()
                        await process.wait()
    finally:
        await server.stop()


def live_contacts(tmp: Path) -> Path:
    """A contacts file the bot goes live with: contacts.example.toml's keys, test values (the bot
    refuses the example's own, and `example = true`)."""
    path = tmp / "contacts.toml"
    path.write_text(
        'hotline = ["+380 800 111 222"]\n'
        'website = "https://program.test/"\n'
        'telegram_bot = "program_test_bot"\n'
        'telegram_channel = "program_test_channel"\n'
        'find_url = "https://program.test/find"\n'
        'icrc_url = "https://program.test/icrc"\n'
        'icrc_phone = "+380 44 111 2222"\n',
        encoding="utf-8",
    )
    return path


# -- the report --------------------------------------------------------------------------------
def _median(values: list[float]) -> float:
    return statistics.median(values)


def _mb(n: float) -> str:
    return f"{n / 2**20:.1f} MB"


async def run(args: argparse.Namespace) -> int:
    contacts = load_contacts(ROOT / "contacts.example.toml")
    i18n = make_i18n()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; {args.readers} readers, "
        f"{args.updates} updates, {args.rounds} rounds",
        flush=True,
    )

    t = time.perf_counter()
    workload = await record_workload(
        contacts, i18n, readers=args.readers, updates=args.updates, seed=args.seed
    )
    kinds = ", ".join(
        f"{k} {v}" for k, v in sorted(workload.kinds().items(), key=lambda kv: -kv[1])
    )
    print(f"workload recorded in {time.perf_counter() - t:.1f} s: {kinds}", flush=True)

    makers = {
        "full": full_factory(contacts, i18n),
        "bare": bare_factory,
        "same": same_calls_factory(workload),
    }

    async def go(name: str, **options: Any) -> Round:
        return await replay(name, workload, makers[name], plain_bot=name != "full", **options)

    # Warm-up: each, on a slice of the workload.
    warm = max(1, min(len(workload.updates), args.updates // 10))
    for name in makers:
        await go(name, limit=warm)

    if args.profile:
        from pyinstrument import Profiler  # a measuring tool, not a dependency of the bot

        profiler = Profiler(interval=0.0005, async_mode="disabled")
        await go("full", profile=profiler)
        Path(args.profile).write_text(
            profiler.output_text(unicode=True, show_all=False), encoding="utf-8"
        )
        print(f"profile of one full replay written to {args.profile}", flush=True)

    rounds: dict[str, list[Round]] = {name: [] for name in makers}
    order = list(makers)
    for n in range(args.rounds):
        for name in order[n % 3 :] + order[: n % 3]:  # each goes first in turn
            result = await go(name)
            rounds[name].append(result)
            print(
                f"  round {n + 1} {name}: {result.per_second:,.0f} updates/s, "
                f"p50 {result.percentile(0.5):.3f} ms, p99 {result.percentile(0.99):.3f} ms, "
                f"{result.in_fake_ns / 1e9 / result.seconds:.0%} of the time in the in-memory Telegram",
                flush=True,
            )
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # before tracemalloc's own cost

    problems = 0
    for name, results in rounds.items():
        for result in results:
            if result.missing:
                problems += len(result.missing)
                first = result.missing[0]
                print(
                    f"MISSING: {name}: {len(result.missing)} updates got no reply "
                    f"(first: update #{first}, {workload.updates[first].get('_kind')}, "
                    f"requests {result.methods[first]})"
                )
    diverged = sum(
        1 for a, b in zip(rounds["full"][0].methods, workload.methods, strict=False) if a != b
    )
    failed_full = rounds["full"][0].failed
    dropped = rounds["full"][0].dropped

    peaks: dict[str, int] = {}
    if not args.skip_trace:
        t = time.perf_counter()
        for name in makers:
            peaks[name] = (await go(name, trace=True)).peak_bytes
        print(f"traced replays in {time.perf_counter() - t:.1f} s", flush=True)

    idle: dict[int, float] = {}
    if args.idle:
        t = time.perf_counter()
        state, data = await idle_template(contacts, i18n)
        for n in args.idle:
            idle[n] = await idle_bytes_per_reader(n, state, data, contacts, i18n)
        print(f"idle conversations measured in {time.perf_counter() - t:.1f} s", flush=True)

    starts: dict[str, list[float]] = {"full": [], "bare": []}
    if not args.skip_startup:
        with tempfile.TemporaryDirectory(prefix="bench-contacts-") as tmp:
            path = live_contacts(Path(tmp))
            for _ in range(args.startup_runs):
                for name in starts:
                    starts[name].append(await startup_seconds(path, bare=name == "bare"))

    rate = {name: _median([r.per_second for r in rs]) for name, rs in rounds.items()}
    p50 = {name: _median([r.percentile(0.5) for r in rs]) for name, rs in rounds.items()}
    p99 = {name: _median([r.percentile(0.99) for r in rs]) for name, rs in rounds.items()}

    # Each ratio is the median of the rounds' own ratios: a round runs the three back to back, so
    # a slow minute of the machine (±10-25% here) slows all three of it, not one.
    def ratio_to(name: str) -> float:
        pairs = zip(rounds["full"], rounds[name], strict=True)
        return _median([full.per_second / other.per_second for full, other in pairs])

    ratio, same_ratio = ratio_to("bare"), ratio_to("same")
    in_fake = {
        name: _median([r.in_fake_ns / 1e9 / r.seconds for r in rs]) for name, rs in rounds.items()
    }
    # The same, leaving out the time the in-memory Telegram itself takes (Telegram's side of it).
    ours = {
        name: _median([len(r.latencies_ns) / (r.seconds - r.in_fake_ns / 1e9) for r in rs])
        for name, rs in rounds.items()
    }

    print()
    print("| measure | full bot | bare: same calls | bare: echo | target |")
    print("|---|---|---|---|---|")
    print(
        f"| updates per second (median of {args.rounds}) | {rate['full']:,.0f} | {rate['same']:,.0f} | {rate['bare']:,.0f} | full ≥ 0.6 × same calls |"
    )
    print(
        f"| full bot ÷ bare (median of the rounds' ratios) | | {same_ratio:.2f} | {ratio:.2f} | |"
    )
    print(
        f"| updates per second, the in-memory Telegram's own time left out | {ours['full']:,.0f} | {ours['same']:,.0f} | {ours['bare']:,.0f} | |"
    )
    print(
        f"| share of the time inside the in-memory Telegram | {in_fake['full']:.0%} | {in_fake['same']:.0%} | {in_fake['bare']:.0%} | |"
    )
    print(
        f"| latency p50 per update | {p50['full']:.3f} ms | {p50['same']:.3f} ms | {p50['bare']:.3f} ms | |"
    )
    print(
        f"| latency p99 per update | {p99['full']:.3f} ms | {p99['same']:.3f} ms | {p99['bare']:.3f} ms | full < 3 ms |"
    )
    if peaks:
        print(
            f"| tracemalloc peak, one replay | {_mb(peaks['full'])} | {_mb(peaks['same'])} | {_mb(peaks['bare'])} | |"
        )
    print(
        f"| ru_maxrss of the process after the timed rounds (all three, and the workload) | {_mb(maxrss_kb * 1024)} | | | |"
    )
    for n, per in idle.items():
        print(f"| FSM memory per idle conversation, {n:,} readers | {per:,.0f} B | | | < 2 KB |")
    if starts["full"]:
        full_s, bare_s = starts["full"], starts["bare"]
        print(
            f"| spawn to first getUpdates (median of {len(full_s)}) | {_median(full_s):.2f} s "
            f"(min {min(full_s):.2f}) | | {_median(bare_s):.2f} s (min {min(bare_s):.2f}) | full < 1.5 s |"
        )
    print()
    questions.report(repeat=args.question_repeat)  # typed questions: benchmarks/questions.py
    print()
    print(
        f"replies: {len(workload.updates) * args.rounds * 3 - problems} of {len(workload.updates) * args.rounds * 3} "
        f"updates answered; flood control dropped {dropped} (per round); Telegram refused {failed_full} "
        f"requests of the full bot (per round); replay differed from the recording in {diverged} updates"
    )
    print(f"full/same-calls throughput ratio: {same_ratio:.2f} (target 0.6)")
    print(f"full/bare throughput ratio: {ratio:.2f}")
    return 1 if problems else 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--readers", type=int, default=1000, help="simulated readers (default 1000)"
    )
    parser.add_argument(
        "--updates", type=int, default=20000, help="updates per round (default 20000)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of each, alternating (default 5)"
    )
    parser.add_argument(
        "--idle",
        type=lambda s: [int(x) for x in s.split(",") if x],
        default=[10_000, 100_000],
        help="reader counts for memory per idle conversation (default 10000,100000; '' skips)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--skip-startup", action="store_true", help="do not time `python -m bot` start-up"
    )
    parser.add_argument("--startup-runs", type=int, default=3)
    parser.add_argument(
        "--skip-trace", action="store_true", help="no tracemalloc replay (peak memory)"
    )
    parser.add_argument(
        "--question-repeat",
        type=int,
        default=20,
        help="times each typed question is matched (benchmarks/questions.py; default 20)",
    )
    parser.add_argument(
        "--profile", metavar="FILE", help="write a pyinstrument profile of one full replay"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(run(parse(argv)))


if __name__ == "__main__":
    sys.exit(main())
