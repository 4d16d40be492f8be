"""The send queue (bot/outgoing): rates, fairness, stale edits, the bound, one pause for a 429,
the drain on stopping, and buttons that never wait. On a simulated clock: every wait happens, in
no time and the same way each run; one test checks the drain on the real clock."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiogram.methods
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods.base import TelegramMethod
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.app import build_bot, build_dispatcher, close_bot
from bot.callbacks import ChooseRole, Nav, Role
from bot.config import Contacts
from bot.middlewares import Throttle
from bot.outgoing import GatedRate, LocalRate, NotSent, SendScheduler, SimulatedClock
from bot.outgoing.methods import AT_ONCE, LIMITED
from bot.outgoing.scheduler import FLOOD_RETRIES
from fake_telegram import OfflineReader, OfflineSession, updates

from .conftest import TOKEN, door

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Back", callback_data="n:home")]]
)


@dataclass
class Rig:
    """A bot whose send queue runs on a simulated clock, and what reached Telegram, when."""

    options: dict[str, Any] = field(default_factory=dict)
    clock: SimulatedClock = field(default_factory=SimulatedClock)
    session: OfflineSession = field(default_factory=OfflineSession)
    # (simulated time, method, params, HTTP status) of every request that reached Telegram
    calls: list[tuple[float, str, dict[str, Any], int]] = field(default_factory=list)
    # refuse[method] = [(status, description, parameters), ...]: the next answers to `method`
    refuse: dict[str, list[tuple[int, str, dict[str, Any]]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.scheduler = SendScheduler(clock=self.clock, **self.options)
        self.bot: Bot = build_bot(TOKEN, session=self.session, scheduler=self.scheduler)
        self.telegram = self.session.telegram
        answer = self._answer = self.telegram.call

        def call(method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            # The queue is what is tested here, not Telegram's strictness: any chat the bot writes
            # to, and any button it answers, is one Telegram knows.
            if isinstance(params.get("chat_id"), int):
                chat_id = params["chat_id"]
                kind = "private" if chat_id > 0 else "supergroup"
                self.telegram.add_chat({"id": chat_id, "type": kind, "title": "chat"})
            if method == "answerCallbackQuery":
                query = updates.callback(updates.user(99), 1, "x", id=params["callback_query_id"])
                self.telegram.receive(query)
            if self.refuse.get(method):
                status, description, parameters = self.refuse[method].pop(0)
                body = {"ok": False, "error_code": status, "description": description}
                body["parameters"] = parameters
                self.calls.append((self.clock.now, method, params, status))
                return status, body
            status, body = answer(method, params)
            self.calls.append((self.clock.now, method, params, status))
            return status, body

        self.telegram.call = call  # type: ignore[method-assign]  # on this instance only, for this test

    def bot_message(self, chat_id: int, text: str) -> int:
        """A message the bot sent earlier (straight to the fake, not through the queue)."""
        self.telegram.add_chat({"id": chat_id, "type": "private", "first_name": "Reader"})
        status, body = self._answer("sendMessage", {"chat_id": chat_id, "text": text})
        assert status == 200, body
        return int(body["result"]["message_id"])

    def sent(self, method: str = "sendMessage") -> list[tuple[float, dict[str, Any]]]:
        return [(t, p) for t, m, p, status in self.calls if m == method and status == 200]


def flood(seconds: int) -> tuple[int, str, dict[str, Any]]:
    return 429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}


def most_in_a_second(times: list[float]) -> int:
    """The most requests in any second (a half-open window, as Telegram's count would see it)."""
    times, best, first = sorted(times), 0, 0
    for last, now in enumerate(times):
        while times[first] <= now - 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


async def settle(rounds: int = 20) -> None:
    """Let every task that can run, run (no simulated time passes while something is queued
    behind a closed GatedRate)."""
    for _ in range(rounds):
        await asyncio.sleep(0)


# -- which requests wait ---------------------------------------------------------------------------
def test_every_method_that_sends_edits_or_deletes_a_message_is_queued_or_named() -> None:
    names = {
        cls.__api_method__
        for cls in vars(aiogram.methods).values()
        if inspect.isclass(cls)
        and issubclass(cls, TelegramMethod)
        and isinstance(getattr(cls, "__api_method__", None), str)
    }
    touching = {
        name
        for name in names
        if re.match(r"(send|copy|forward|stop)", name)
        or (re.match(r"(edit|delete)", name) and "Message" in name)
    }
    assert touching - LIMITED - set(AT_ONCE) == set(), (
        "a new aiogram method: queue it or say why not"
    )
    assert (LIMITED | set(AT_ONCE)) <= names
    assert not LIMITED & set(AT_ONCE)
    assert {"sendMessage", "editMessageText", "deleteMessage", "deleteMessages"} <= LIMITED


@pytest.mark.parametrize(
    "call",
    [
        lambda bot: bot.answer_callback_query("q1"),
        lambda bot: bot.get_me(),
        lambda bot: bot.set_my_commands([]),
        lambda bot: bot.leave_chat(-100500),
    ],
    ids=["answerCallbackQuery", "getMe", "setMyCommands", "leaveChat"],
)
async def test_what_is_not_a_message_goes_at_once_while_messages_wait(
    call: Callable[[Bot], Awaitable[object]],
) -> None:
    gate = GatedRate()
    rig = Rig({"send_rate": gate})
    held = asyncio.ensure_future(rig.bot.send_message(7, "waits"))
    await settle()
    assert rig.scheduler.queued == 1
    await asyncio.wait_for(call(rig.bot), timeout=1)
    assert rig.sent() == [] and len(rig.calls) == 1 and rig.calls[0][3] == 200
    gate.open.set()
    await held
    assert len(rig.sent()) == 1


# -- rates -----------------------------------------------------------------------------------------
async def test_the_global_rate_holds_in_every_simulated_second() -> None:
    rig = Rig()
    await asyncio.gather(*(rig.bot.send_message(chat, "hi") for chat in range(1, 101)))
    times = [t for t, _ in rig.sent()]
    assert len(times) == 100
    # 25 a second, spaced evenly, after 3 at once: at most 27 in the first second, 25 after
    assert most_in_a_second(times) <= 25 + 3 - 1
    assert most_in_a_second([t for t in times if t >= 1.0]) <= 25
    # and no slower than the rate
    assert 3.8 <= times[-1] - times[0] <= 4.0, times[-1]


async def test_a_rate_set_close_to_telegrams_cap_never_passes_it() -> None:
    rig = Rig({"rate": 30})
    await asyncio.gather(*(rig.bot.send_message(chat, "hi") for chat in range(1, 121)))
    times = [t for t, _ in rig.sent()]
    assert most_in_a_second(times) <= 30  # a bucket alone would let 32 through after a pause
    assert times[-1] - times[0] <= 120 / 30 * 1.03  # the margin costs 2%


async def test_one_chat_gets_two_at_once_then_one_a_second_in_order() -> None:
    rig = Rig()
    await asyncio.gather(*(rig.bot.send_message(7, str(i)) for i in range(8)))
    sent = rig.sent()
    assert [p["text"] for _, p in sent] == [str(i) for i in range(8)]  # first in, first out
    times = [t for t, _ in sent]
    assert most_in_a_second(times) <= 2
    assert times[1] - times[0] < 0.1
    assert all(0.99 <= b - a <= 1.05 for a, b in itertools.pairwise(times[1:])), times


async def test_a_group_gets_twenty_a_minute() -> None:
    rig = Rig()
    await asyncio.gather(*(rig.bot.send_message(-100123, str(i)) for i in range(4)))
    times = [t for t, _ in rig.sent()]
    assert times[1] - times[0] < 0.1 and 2.9 <= times[2] - times[1] <= 3.1


async def test_instances_sharing_one_rate_keep_it_together() -> None:
    """The seam for several instances: two schedulers, one SendRate (Redis's place), real time."""
    shared = LocalRate(20)
    first, second = SendScheduler(send_rate=shared), SendScheduler(send_rate=shared)
    stamps: list[float] = []
    bots = []
    for scheduler in (first, second):
        session = OfflineSession()
        for chat in range(1, 16):
            session.telegram.add_chat({"id": chat, "type": "private", "first_name": "Reader"})
        answer = session.telegram.call

        def call(
            method: str,
            params: dict[str, Any],
            answer: Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]] = answer,
        ) -> tuple[int, dict[str, Any]]:
            stamps.append(time.monotonic())
            return answer(method, params)

        session.telegram.call = call  # type: ignore[method-assign]  # on this instance only, for this test
        bots.append(build_bot(TOKEN, session=session, scheduler=scheduler))
    await asyncio.gather(*(bot.send_message(chat, "hi") for bot in bots for chat in range(1, 16)))
    assert len(stamps) == 30
    assert most_in_a_second(stamps) <= 20 + 3 - 1  # each alone would allow as many: together 44


# -- fairness --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "options",
    [{}, {"rate": 1, "chat_rate": 1000, "chat_burst": 1000}],
    ids=["default rates", "only the global rate"],
)
async def test_a_new_readers_first_reply_is_not_behind_other_readers_queues(
    options: dict[str, Any],
) -> None:
    rig = Rig(options)
    busy = [
        asyncio.ensure_future(rig.bot.send_message(reader, f"tap {i}"))
        for reader in range(1, 11)
        for i in range(10)
    ]
    await settle(3)
    new = asyncio.ensure_future(rig.bot.send_message(99, "welcome"))
    arrived = len(rig.sent())  # (the queue has let a few through by now)
    await asyncio.gather(*busy, new)
    order = [p["chat_id"] for _, p in rig.sent()]
    assert len(order) == 101
    # Between the new reader's arrival and its reply, each other reader got one message at most:
    # it waited one turn, not behind anyone's ten.
    ahead = order[arrived : order.index(99)]
    assert len(ahead) == len(set(ahead)) <= 10, ahead
    assert len(order) - order.index(99) > 80
    for reader in range(1, 11):  # and each reader's messages in the order they were sent
        texts = [p["text"] for _, p in rig.sent() if p["chat_id"] == reader]
        assert texts == [f"tap {i}" for i in range(10)]


# -- who hands out turns ---------------------------------------------------------------------------
async def test_a_message_to_an_idle_queue_goes_without_suspending_its_handler() -> None:
    # Nothing else runs in between: no second task, no turn of the event loop. (In-memory Telegram
    # never waits; over HTTP the request itself is the only wait.)
    rig = Rig()
    ran: list[str] = []
    other = asyncio.ensure_future(asyncio.sleep(0, "other"))
    other.add_done_callback(lambda _: ran.append("other"))
    sent = await rig.bot.send_message(7, "at once")
    assert isinstance(sent, Message) and ran == [] and not other.done()
    await other
    assert rig.scheduler.queued == 0 and len(rig.sent()) == 1


async def test_a_skipped_edit_lets_its_handler_go_while_it_was_handing_out_turns() -> None:
    # On the real clock: the first edit's caller hands out turns (nobody else does) and waits
    # for the chat's rate, a second away; a second tap's edit supersedes it. The first caller goes
    # at once, not a second later, and the queue goes on without it.
    scheduler = SendScheduler()
    session = OfflineSession()
    session.telegram.add_chat({"id": 5, "type": "private", "first_name": "Reader"})
    bot = build_bot(TOKEN, session=session, scheduler=scheduler)
    message = await bot.send_message(5, "old")
    await bot.send_message(5, "the chat's burst is used up")

    def edit(text: str) -> asyncio.Future[Message | bool]:
        return asyncio.ensure_future(
            bot.edit_message_text(
                text, chat_id=5, message_id=message.message_id, reply_markup=KEYBOARD
            )
        )

    first = edit("first")
    await settle(3)
    second = edit("second")
    assert await asyncio.wait_for(first, 0.5) is True
    shown = await asyncio.wait_for(second, 3)
    assert isinstance(shown, Message) and shown.text == "second"
    assert scheduler.counts.skipped == 1 and scheduler.queued == 0
    await close_bot(bot)


# -- stale edits -----------------------------------------------------------------------------------
async def test_an_edit_superseded_before_it_went_is_skipped() -> None:
    gate = GatedRate()
    rig = Rig({"send_rate": gate})
    message_id = rig.bot_message(5, "old")
    first = asyncio.ensure_future(
        rig.bot.edit_message_text("first", chat_id=5, message_id=message_id, reply_markup=KEYBOARD)
    )
    await settle()
    second = asyncio.ensure_future(
        rig.bot.edit_message_text("second", chat_id=5, message_id=message_id, reply_markup=KEYBOARD)
    )
    assert await asyncio.wait_for(first, 1) is True  # at once, and no error for the handler
    assert rig.calls == []
    gate.open.set()
    shown = await second
    assert isinstance(shown, Message) and shown.text == "second"
    assert [p["text"] for _, p in rig.sent("editMessageText")] == ["second"]
    assert rig.scheduler.counts.skipped == 1


async def test_an_edit_that_would_drop_what_the_older_one_shows_does_not_supersede_it() -> None:
    gate = GatedRate()
    rig = Rig({"send_rate": gate})
    message_id = rig.bot_message(5, "old")
    rig.bot_message(5, "another")
    edits = [
        asyncio.ensure_future(
            rig.bot.edit_message_text(
                "with buttons", chat_id=5, message_id=message_id, reply_markup=KEYBOARD
            )
        ),
        asyncio.ensure_future(
            rig.bot.edit_message_text("without", chat_id=5, message_id=message_id)
        ),
        asyncio.ensure_future(
            rig.bot.edit_message_text("other message", chat_id=5, message_id=message_id + 1)
        ),
    ]
    await settle()
    gate.open.set()
    await asyncio.gather(*edits, return_exceptions=True)
    edited = [p["text"] for _, method, p, _ in rig.calls if method == "editMessageText"]
    assert edited == ["with buttons", "without", "other message"]
    assert rig.scheduler.counts.skipped == 0


async def test_a_double_tap_through_the_dispatcher_edits_once(contacts: Contacts) -> None:
    gate = GatedRate()
    gate.open.set()
    rig = Rig({"send_rate": gate})
    dispatcher = build_dispatcher(contacts=contacts, throttle=Throttle(enabled=False))
    reader = OfflineReader(dispatcher, rig.bot, user_id=4242)
    await reader.send("/start")
    await reader.press(ChooseRole(role=Role.SOLDIER).pack())
    gate.open.clear()  # the queue is busy: both taps' edits wait
    before = len(rig.calls)
    taps = [asyncio.ensure_future(reader.press(Nav(to="rights").pack())) for _ in range(2)]
    await settle()
    # Both buttons answered while their edits wait: a spinner never waits for the queue.
    assert [m for _, m, _, _ in rig.calls[before:]] == ["answerCallbackQuery"] * 2
    gate.open.set()
    await asyncio.gather(*taps)
    assert [m for _, m, _, _ in rig.calls[before:]].count("editMessageText") == 1
    assert door(dispatcher).repeated_taps == 1  # the second tap, while the first was handled
    assert "rights" in reader.screen()[0].lower() or reader.screen()[1]


async def test_a_button_is_answered_while_its_edit_waits_for_the_chats_rate(
    contacts: Contacts,
) -> None:
    # The bot's own rate (LocalRate), as in production: the handler's caller hands out turns
    # itself, and the button's answer goes while it waits, not after.
    rig = Rig()
    dispatcher = build_dispatcher(contacts=contacts, throttle=Throttle(enabled=False))
    reader = OfflineReader(dispatcher, rig.bot, user_id=4244)
    await reader.send("/start")
    await rig.bot.send_message(4244, "the chat's burst is used up")
    before = len(rig.calls)
    await reader.press(ChooseRole(role=Role.SOLDIER).pack())
    (answered, *_), (edited, *_) = (
        next(call for call in rig.calls[before:] if call[1] == method)
        for method in ("answerCallbackQuery", "editMessageText")
    )
    assert answered < edited  # on the simulated clock: the edit waited, the answer did not


# -- the bound -------------------------------------------------------------------------------------
async def test_past_the_bound_requests_are_refused_and_a_button_still_answered(
    contacts: Contacts, caplog: pytest.LogCaptureFixture
) -> None:
    gate = GatedRate()
    rig = Rig({"send_rate": gate, "max_queue": 3})
    dispatcher = build_dispatcher(contacts=contacts, throttle=Throttle(enabled=False))
    reader = OfflineReader(dispatcher, rig.bot, user_id=5_123_456_789)
    held = [asyncio.ensure_future(rig.bot.send_message(chat, "held")) for chat in (11, 12, 13)]
    await settle()
    assert rig.scheduler.queued == 3 and rig.scheduler.full
    with pytest.raises(NotSent):
        await rig.bot.send_message(14, "one too many")
    assert rig.scheduler.counts.refused_requests == 1

    replies = await reader.press(Nav(to="rights").pack(), message_id=1)
    assert [(r.method, r.ok) for r in replies] == [("answerCallbackQuery", True)]
    assert await reader.send("/start") == []  # its reply could not be sent: not run
    assert rig.scheduler.counts.refused_updates == 2
    assert "send queue is full" in caplog.text

    gate.open.set()
    await asyncio.gather(*held)
    assert "room again; 2 updates and 1 requests were refused" in caplog.text
    assert "5123456789" not in caplog.text
    assert [r.method for r in await reader.send("/start")] == ["sendMessage"]


async def test_a_request_whose_handler_went_away_leaves_the_queue() -> None:
    gate = GatedRate()
    rig = Rig({"send_rate": gate})
    gone = asyncio.ensure_future(rig.bot.send_message(7, "never"))
    await settle()
    assert rig.scheduler.queued == 1
    gone.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await gone
    assert rig.scheduler.queued == 0
    gate.open.set()
    await rig.bot.send_message(7, "sent")
    assert [p["text"] for _, p in rig.sent()] == ["sent"]


# -- 429 -------------------------------------------------------------------------------------------
async def test_one_429_pauses_all_sending_once_then_everything_goes() -> None:
    rig = Rig()
    rig.refuse["sendMessage"] = [flood(3)]
    await asyncio.gather(*(rig.bot.send_message(chat, "hi") for chat in range(1, 11)))
    counts = rig.scheduler.counts
    assert (counts.floods, counts.pauses, counts.gave_up) == (1, 1, 0)
    refused_at = next(t for t, m, p, status in rig.calls if status == 429)
    sent = rig.sent()
    assert len(sent) == 10
    assert all(t >= refused_at + 3 for t, _ in sent), "something went during the pause"
    # First after it: the refused one and the two let go with it (the rate's burst of 3), which
    # the pause caught before they went; then the rest, in turn.
    assert [p["chat_id"] for _, p in sent[3:]] == list(range(4, 11))
    assert {p["chat_id"] for _, p in sent[:3]} == {1, 2, 3}


async def test_many_429s_in_flight_together_make_one_pause() -> None:
    rig = Rig()
    rig.refuse["sendMessage"] = [flood(2)] * 5
    release = asyncio.Event()
    make_request = rig.session.make_request
    on_their_way, all_on_their_way = [0], asyncio.Event()

    async def slow(bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        on_their_way[0] += 1
        if on_their_way[0] == 5:
            all_on_their_way.set()
        await release.wait()
        return await make_request(bot, method, timeout)

    rig.session.make_request = slow  # type: ignore[method-assign]  # on this instance only, for this test
    sends = [asyncio.ensure_future(rig.bot.send_message(chat, "hi")) for chat in range(1, 6)]
    await asyncio.wait_for(all_on_their_way.wait(), 1)
    release.set()
    await asyncio.gather(*sends)
    counts = rig.scheduler.counts
    assert (counts.floods, counts.pauses) == (5, 1)
    last_refusal = max(t for t, m, p, status in rig.calls if status == 429)
    assert all(t >= last_refusal + 2 - 0.05 for t, _ in rig.sent())
    assert len(rig.sent()) == 5


async def test_a_refused_request_goes_again_before_the_rest_of_its_chat() -> None:
    rig = Rig()
    rig.refuse["sendMessage"] = [flood(1)]
    await asyncio.gather(*(rig.bot.send_message(7, text) for text in "abc"))
    sent = rig.sent()
    assert [p["text"] for _, p in sent] == ["a", "b", "c"]
    # and without its burst after the pause: a limit stricter than ours gets no second 429
    assert sent[1][0] - sent[0][0] >= 1.0 and sent[2][0] - sent[1][0] >= 1.0


async def test_a_request_refused_again_and_again_is_given_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rig = Rig()
    rig.refuse["sendMessage"] = [flood(1)] * 10
    with pytest.raises(TelegramRetryAfter):
        await rig.bot.send_message(987654321, "hi")
    counts = rig.scheduler.counts
    assert counts.floods == FLOOD_RETRIES + 1 and counts.gave_up == 1
    assert "gave up a sendMessage after 4 answers of 429" in caplog.text
    assert "987654321" not in caplog.text
    rig.refuse.clear()
    await rig.bot.send_message(987654321, "later")  # the queue goes on


# -- stopping --------------------------------------------------------------------------------------
async def test_stopping_drains_for_at_most_the_bound_and_counts_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rig = Rig()
    sends = [asyncio.ensure_future(rig.bot.send_message(7, str(i))) for i in range(20)]
    await settle(3)
    started = rig.clock.now
    await close_bot(rig.bot, drain=5)
    assert rig.clock.now - started <= 5
    results = await asyncio.gather(*sends, return_exceptions=True)
    delivered = [r for r in results if isinstance(r, Message)]
    refused = [r for r in results if isinstance(r, NotSent)]
    assert len(delivered) + len(refused) == 20
    # One chat: 2 at once, then one a second, until the bound; the next would have gone at it or
    # after. (How many went before `started` depends on the event loop's turns, not the queue.)
    times = [t for t, _ in rig.sent()]
    assert len(times) == len(delivered) >= 6
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert gaps == pytest.approx([0.0] + [1.0] * (len(times) - 2))
    assert times[-1] < started + 5 <= times[-1] + 1 + 1e-9
    assert rig.scheduler.counts.unsent == len(refused) > 0
    assert f"stopping: {len(refused)} requests could not be sent in time" in caplog.text
    with pytest.raises(NotSent):  # after stopping: refused at once, and counted
        await rig.bot.send_message(8, "late")
    assert rig.scheduler.counts.unsent == len(refused) + 1


async def test_stopping_with_an_empty_queue_is_immediate() -> None:
    rig = Rig()
    await rig.bot.send_message(7, "hi")
    started = time.monotonic()
    await close_bot(rig.bot)
    # Well under DRAIN_SECONDS (5 s), with room for a loaded machine.
    assert time.monotonic() - started < 2.5 and rig.scheduler.counts.unsent == 0


async def test_the_drain_bound_holds_on_the_real_clock() -> None:
    scheduler = SendScheduler()
    session = OfflineSession()
    session.telegram.add_chat({"id": 7, "type": "private", "first_name": "Reader"})
    bot = build_bot(TOKEN, session=session, scheduler=scheduler)
    sends = [asyncio.ensure_future(bot.send_message(7, str(i))) for i in range(10)]
    await settle(3)
    started = time.monotonic()
    await close_bot(bot, drain=0.3)
    assert time.monotonic() - started < 4.0  # sending all ten would take 8 s at 1 a second
    results = await asyncio.gather(*sends, return_exceptions=True)
    assert sum(isinstance(r, Message) for r in results) == 2  # the chat's burst
    assert scheduler.counts.unsent == 8


def test_the_queue_memory_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import queue_memory

    assert queue_memory.main(["--readers", "5"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(r"per waiting message: [\d,]+ bytes \(.*\)", last), last
