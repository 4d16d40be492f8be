"""The one queue every message to Telegram waits in (a session request middleware).

Every request that counts against Telegram's limits (`bot/outgoing/methods.py`) waits here for its
turn instead of failing; anything else (a button's answer, getUpdates, the bot's commands) goes at
once. Concurrent handlers that each hit the limit, wait, retry together and give up lose readers:
here they take turns.

- **Rates.** In all, `rate` a second (BOT_SEND_RATE, 25: under Telegram's 30 on purpose), 3 at
  once after a quiet spell, never over 30 in any second, through a `SendRate` that several
  instances can share. In one chat, 1 a second after a burst of 2; in a group, 20 a minute. Telegram allows "short bursts" in a chat; 2 keeps a spare one for the
  network's jitter against a limit that tolerates 3.
- **Fair.** Chats take turns (round robin); within a chat requests go one at a time, in order. A
  new reader's first reply waits for one request of each other chat at most, never behind another
  reader's tenth. A chat whose own rate says "not yet" steps aside without holding the others.
- **Stale edits are skipped.** An edit still queued when a newer edit of the same message arrives
  (a reader tapped twice) is dropped and counted; its caller gets `True` at once, as Telegram
  answers an edit of an inline message: the newer edit, behind it in the same queue, does what it
  meant to do. Nothing is raised into the handler.
- **Bounded.** At most `max_queue` requests wait (BOT_SEND_QUEUE). Past it a request is refused
  with `NotSent`; `updates.QueueGate` answers new updates as far as Telegram still allows (a
  button's answer) without running them. Both are counted and logged.
- **A 429 pauses everything once.** Another process on the token or Telegram's own variance can
  still bring one: all sending stops for its `retry_after` (however many requests in flight get
  one), then the request goes again from the head of its chat's queue, before other chats and
  without its chat's burst, up to `FLOOD_RETRIES` times. Network errors and 5xx are retried inside, by `bot/middlewares/retry.py`, while the
  request keeps its place.
- **Stopping.** `close()` sends what is queued for at most `DRAIN_SECONDS`; what is left is
  refused with `NotSent`, counted and logged.

Nothing here keeps or logs a chat id beyond the queue itself: chat ids are user ids in private
chats. `counts` holds plain numbers for tests and benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from bot.config import Settings
from bot.outgoing import methods
from bot.outgoing.limits import Clock, LocalRate, MonotonicClock, SendRate

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger("bot.outgoing")

DEFAULT_RATE: float = Settings.model_fields["send_rate"].default
DEFAULT_QUEUE: int = Settings.model_fields["send_queue"].default
DRAIN_SECONDS = 5.0
DRAIN_GRACE = 1.0  # after the drain, how long requests already on their way may take
CHAT_RATE, CHAT_BURST = 1.0, 2
GROUP_RATE, GROUP_BURST = 20 / 60, 2
FLOOD_RETRIES = 3

# Set while a button's handler runs (updates.AnswerFirst): called before any of its requests
# waits here, so that the button's answer goes out first and its spinner never waits for the queue.
BEFORE_WAITING: ContextVar[Callable[[], None] | None] = ContextVar("before_waiting", default=None)


class NotSent(TelegramAPIError):
    """The scheduler did not send this request: its queue was full, or the bot stopped first.
    Counted and logged by the scheduler; a handler meets it like any refusal from Telegram."""


@dataclass
class SendCounts:
    """What the scheduler did, in plain numbers (no chat in them)."""

    sent: int = 0  # requests handed to Telegram (a retry after a 429 counts again)
    skipped: int = 0  # edits superseded by a newer edit of the same message before they went
    refused_updates: int = 0  # updates not run because the queue was full (a button still answered)
    refused_requests: int = 0  # requests refused because the queue was full
    unsent: int = 0  # requests still queued when the bot stopped, or arriving after
    floods: int = 0  # answers of 429 received
    pauses: int = 0  # pauses of all sending they caused
    gave_up: int = 0  # requests given up after FLOOD_RETRIES retries, each after a 429


_QUEUED, _RUNNING, _DONE = 0, 1, 2
_GO, _SKIP = "go", "skip"


class _Job:
    __slots__ = ("chat", "edit", "floods", "method", "state", "turn")

    def __init__(
        self,
        method: TelegramMethod[Any],
        chat: Hashable,
        edit: Hashable | None,
        turn: asyncio.Future[str],
    ) -> None:
        self.method, self.chat, self.edit, self.turn = method, chat, edit, turn
        self.state = _QUEUED
        self.floods = 0


class _Chat:
    __slots__ = ("busy", "due", "interval", "jobs", "key", "listed", "tolerance")

    def __init__(self, key: Hashable, due: float, interval: float, tolerance: float) -> None:
        self.key, self.due, self.interval, self.tolerance = key, due, interval, tolerance
        # A list, not a deque: a chat rarely has more than a few waiting, and an empty deque
        # costs 600 bytes, a list 56 (benchmarks/queue_memory.py).
        self.jobs: list[_Job] = []
        self.busy = False  # a request of this chat is on its way to Telegram
        self.listed = False  # in the ready line or among the waiting


class SendScheduler(BaseRequestMiddleware):
    def __init__(
        self,
        *,
        rate: float = DEFAULT_RATE,
        max_queue: int = DEFAULT_QUEUE,
        clock: Clock | None = None,
        send_rate: SendRate | None = None,
        chat_rate: float = CHAT_RATE,
        chat_burst: int = CHAT_BURST,
    ) -> None:
        self.clock = clock or MonotonicClock()
        self.send_rate = send_rate or LocalRate(rate, clock=self.clock)
        # A LocalRate's take() is arithmetic, never a wait on anything else (a shared one's is a
        # round trip, a test's GatedRate waits to be opened): so a request's caller may hand out
        # turns itself (`_work`), and go on as soon as its own has come.
        self._leads = isinstance(self.send_rate, LocalRate)
        self.max_queue = max_queue
        self.chat_rate, self.chat_burst = chat_rate, chat_burst
        self.counts = SendCounts()
        self._chats: dict[Hashable, _Chat] = {}  # chats with requests queued or on their way
        self._recent: OrderedDict[Hashable, float] = OrderedDict()  # idle chats' `due`, until past
        self._ready: deque[_Chat] = deque()  # chats whose own rate allows a request now, in turn
        self._again: deque[_Chat] = deque()  # ready ones whose request a 429 sent back: first
        # the others, by when their rate allows (and whether a 429 sent them back)
        self._waiting: list[tuple[float, int, _Chat, bool]] = []
        self._order = itertools.count()
        self._edits: dict[Hashable, _Job] = {}  # the newest queued edit of each message
        self._queued = 0
        self._in_flight = 0
        self._paused_until = -math.inf
        self._wake = asyncio.Event()
        self._drained = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._closing = self._closed = self._full = False
        self._deadline = math.inf
        self._refused_before = (0, 0)

    # -- for the bot, tests and benchmarks -------------------------------------------------------
    @classmethod
    def of(cls, bot: Bot) -> SendScheduler | None:
        return next((m for m in bot.session.middleware if isinstance(m, cls)), None)

    @staticmethod
    def schedules(method: TelegramMethod[Any]) -> bool:
        return methods.is_limited(method)

    @property
    def queued(self) -> int:
        return self._queued

    @property
    def full(self) -> bool:
        return self._queued >= self.max_queue

    def refuse_update(self) -> None:
        """An update was not run because the queue is full (updates.QueueGate)."""
        self._note_full()
        self.counts.refused_updates += 1

    async def close(self, timeout: float = DRAIN_SECONDS) -> None:
        """Send what is queued for at most `timeout` seconds; refuse, count and log the rest."""
        if self._closed:
            return
        had, sent, unsent = self._queued + self._in_flight, self.counts.sent, self.counts.unsent
        self._closing = True
        self._deadline = self.clock() + timeout
        if had:
            self._drained.clear()
            self._wake.set()
            if self._queued:
                self._start()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._drained.wait(), timeout + DRAIN_GRACE)
        if self._queued:  # the worker could not get to it in time (a SendRate that hangs)
            self._abandon()
        self._closed = True
        if had:
            log.info(
                "stopping: %d requests sent from the queue, %d not sent, %d still on their way",
                self.counts.sent - sent,
                self.counts.unsent - unsent,
                self._in_flight,
            )

    # -- the request's side ------------------------------------------------------------------------
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ not in methods.LIMITED:
            return await make_request(bot, method)
        before = BEFORE_WAITING.get()
        if before is not None:
            before()
        job = self._enqueue(method)
        try:
            while True:
                if self._worker is None:  # nobody hands out turns
                    if self._leads:
                        await self._work(until=job.turn)
                    else:
                        self._start()
                if await job.turn == _SKIP:
                    # aiogram's chain passes the result itself along, despite the annotation.
                    return cast(Response[TelegramType], True)
                if self.clock() < self._paused_until:  # a 429 came while this one was let go
                    self._requeue(job)
                    continue
                self.counts.sent += 1
                try:
                    return await make_request(bot, method)
                except TelegramRetryAfter as error:
                    if not await self._flooded(job, error):
                        raise
        finally:
            self._release(job)

    def _enqueue(self, method: TelegramMethod[Any]) -> _Job:
        name = method.__api_method__
        if self._closed or (self._closing and self.clock() >= self._deadline):
            self.counts.unsent += 1
            log.warning("a %s came after sending stopped: not sent", name)
            raise NotSent(method, "not sent: the bot is stopping")
        edit = methods.edit_key(method)
        older = self._edits.get(edit) if edit is not None else None
        if older is not None and not methods.supersedes(method, older.method):
            older = None
        if older is None and self._queued >= self.max_queue:
            self._note_full()
            self.counts.refused_requests += 1
            raise NotSent(method, "not sent: the send queue is full")
        job = _Job(
            method, methods.chat_of(method), edit, asyncio.get_running_loop().create_future()
        )
        if older is not None:
            self._unqueue(older)
            if not older.turn.done():
                older.turn.set_result(_SKIP)
                self._wake.set()  # its caller may be the one handing out turns: it can go
            self.counts.skipped += 1
        if edit is not None:
            self._edits[edit] = job
        chat = self._chats.get(job.chat) or self._open(job.chat)
        chat.jobs.append(job)
        self._queued += 1
        if not chat.busy and not chat.listed:
            self._list(chat)
        return job

    async def _flooded(self, job: _Job, error: TelegramRetryAfter) -> bool:
        """A 429: pause all sending (once for all the 429s of one flood); True if the request
        goes back to the head of its chat's queue, False if it is given up."""
        name = job.method.__api_method__
        self.counts.floods += 1
        now, seconds = self.clock(), float(error.retry_after)
        if now >= self._paused_until:
            self.counts.pauses += 1
            log.warning("Telegram answered 429 to a %s: all sending waits %g s", name, seconds)
        self._paused_until = max(self._paused_until, now + seconds)
        await self.send_rate.pause(seconds)
        job.floods += 1
        if job.floods > FLOOD_RETRIES:
            self.counts.gave_up += 1
            log.warning("gave up a %s after %d answers of 429", name, job.floods)
            return False
        # This chat starts again without its burst: one now, the next after its interval. (Else,
        # against a limit stricter than ours, every pause refills the burst and brings a 429.)
        chat = self._chats[job.chat]
        chat.due = max(chat.due, self._paused_until + chat.tolerance)
        self._requeue(job)
        return True

    def _requeue(self, job: _Job) -> None:
        """Back to the head of its chat's queue, where it was, for another turn."""
        chat = self._chats[job.chat]
        chat.busy = False
        self._in_flight -= 1
        job.state = _QUEUED
        job.turn = asyncio.get_running_loop().create_future()
        chat.jobs.insert(0, job)
        self._queued += 1
        self._list(chat, again=True)

    def _release(self, job: _Job) -> None:
        """The caller is done with its request: sent, failed, skipped, refused or cancelled."""
        if job.state == _QUEUED:  # cancelled while waiting for its turn
            self._unqueue(job)
        elif job.state == _RUNNING:
            job.state = _DONE
            self._in_flight -= 1
            chat = self._chats[job.chat]
            chat.busy = False
            if chat.jobs:
                self._list(chat)
                self._start()
            else:
                self._retire(chat)
        self._check_drained()

    # -- the queue ---------------------------------------------------------------------------------
    def _open(self, key: Hashable) -> _Chat:
        rate, burst = (
            (GROUP_RATE, GROUP_BURST)
            if methods.is_group(key)
            else (self.chat_rate, self.chat_burst)
        )
        due = self._recent.pop(key, -math.inf)
        chat = self._chats[key] = _Chat(key, due, 1.0 / rate, (burst - 1) / rate)
        return chat

    def _retire(self, chat: _Chat) -> None:
        """Forget an idle chat; keep only when its rate allows the next request, while that is
        still ahead (a chat whose bucket is full again is as good as new)."""
        if chat.jobs or chat.busy or chat.listed:
            return
        del self._chats[chat.key]
        now = self.clock()
        recent = self._recent
        while recent and next(iter(recent.values())) <= now:
            recent.popitem(last=False)
        if chat.due > now:
            recent[chat.key] = chat.due

    def _unqueue(self, job: _Job) -> None:
        chat = self._chats[job.chat]
        chat.jobs.remove(job)
        self._queued -= 1
        job.state = _DONE
        if job.edit is not None and self._edits.get(job.edit) is job:
            del self._edits[job.edit]
        self._retire(chat)

    def _list(self, chat: _Chat, *, again: bool = False) -> None:
        """Put a chat with requests in line: ready now, or waiting for its own rate."""
        chat.listed = True
        at = chat.due - chat.tolerance
        if at <= self.clock():
            (self._again if again else self._ready).append(chat)
        else:
            heapq.heappush(self._waiting, (at, next(self._order), chat, again))
        self._wake.set()

    def _start(self) -> None:
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._work())

    async def _work(self, until: asyncio.Future[str] | None = None) -> None:
        """Hand out turns: the next ready chat's oldest request, as the global rate allows.

        In a task of its own (`_start`) while anything is queued; or, when none runs, in the task
        of a request's caller (`until` is that request's turn) until that request has its turn (or
        is skipped, or refused), and then a task takes over whatever is left. A request that may
        go at once so goes without a second task, and without suspending its handler: the same
        order, less work for every message of a bot that is not at its limits."""
        if until is not None:
            self._worker = asyncio.current_task()
        try:
            while self._queued and (until is None or not until.done()):
                self._wake.clear()
                now = self.clock()
                if now >= self._deadline:
                    self._abandon()
                    break
                while self._waiting and self._waiting[0][0] <= now:
                    _at, _order, chat, again = heapq.heappop(self._waiting)
                    (self._again if again else self._ready).append(chat)
                if self._next_ready() is None:
                    if not self._queued:  # the last ones were cancelled
                        break
                    await self._idle(self._waiting[0][0] - now if self._waiting else math.inf, now)
                    continue
                # A 429 pauses this process whatever the shared SendRate says.
                wait = self._paused_until - now
                if wait <= 0:
                    wait = await self.send_rate.take()
                if wait > 0:
                    await self._idle(wait, now)
                    continue
                line = self._next_ready()
                if line is not None:  # else a cancelled request emptied it meanwhile
                    self._dispatch(line)
        finally:
            self._worker = None
            if until is not None and self._queued:
                self._start()
            self._check_drained()

    def _next_ready(self) -> deque[_Chat] | None:
        """The line whose first chat goes next (that chat has a request), or None."""
        for line in (self._again, self._ready):
            while line:
                chat = line[0]
                while chat.jobs and chat.jobs[0].turn.cancelled():  # its caller is gone
                    self._unqueue(chat.jobs[0])
                if chat.jobs:
                    return line
                line.popleft()
                chat.listed = False
                self._retire(chat)
        return None

    async def _idle(self, seconds: float, now: float) -> None:
        seconds = min(seconds, self._deadline - now)
        if seconds == math.inf:
            await self._wake.wait()
        else:
            await self.clock.sleep(seconds, self._wake)

    def _dispatch(self, line: deque[_Chat]) -> None:
        chat = line.popleft()
        chat.listed = False
        job = chat.jobs.pop(0)
        self._queued -= 1
        if job.edit is not None and self._edits.get(job.edit) is job:
            del self._edits[job.edit]
        chat.due = max(chat.due, self.clock()) + chat.interval
        chat.busy = True
        job.state = _RUNNING
        self._in_flight += 1
        job.turn.set_result(_GO)
        if self._full and self._queued < 0.9 * self.max_queue:
            self._full = False
            updates, requests = self._refused_before
            log.warning(
                "the send queue has room again; %d updates and %d requests were refused",
                self.counts.refused_updates - updates,
                self.counts.refused_requests - requests,
            )

    def _abandon(self) -> None:
        """The drain's time is up: refuse everything still queued."""
        left = 0
        for chat in list(self._chats.values()):
            for job in chat.jobs:
                job.state = _DONE
                if not job.turn.done():
                    job.turn.set_exception(NotSent(job.method, "not sent: the bot stopped first"))
            left += len(chat.jobs)
            chat.jobs.clear()
            chat.listed = False
            self._retire(chat)
        self._ready.clear()
        self._again.clear()
        self._waiting.clear()
        self._edits.clear()
        self._queued = 0
        self.counts.unsent += left
        if left:
            log.warning("stopping: %d requests could not be sent in time", left)

    def _note_full(self) -> None:
        if not self._full:
            self._full = True
            self._refused_before = (self.counts.refused_updates, self.counts.refused_requests)
            log.warning(
                "the send queue is full (%d requests): new messages go unanswered and buttons "
                "get only their answer until it drains",
                self.max_queue,
            )

    def _check_drained(self) -> None:
        if self._closing and not self._queued and not self._in_flight:
            self._drained.set()
