"""The queue as updates see it: a button is answered before its messages wait (or at the door,
before its reader's lock), and when the queue is full, or the reader floods, a new update gets what
Telegram still allows (a button's answer) instead of running."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import NextMiddlewareType
from aiogram.dispatcher.flags import get_flag
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, TelegramObject, Update, User
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from bot.outgoing.scheduler import BEFORE_WAITING, SendScheduler

if TYPE_CHECKING:  # bot.middlewares imports bot.screens, which imports bot.outgoing
    from bot.middlewares.throttle import FloodControl

Next = NextMiddlewareType[TelegramObject]  # the handler (or next middleware) an update goes on to


class AnswerFirst(CallbackAnswerMiddleware):
    """aiogram's CallbackAnswerMiddleware answers a button after its handler, which would wait
    for the handler's messages to get through the queue: seconds of spinner in a busy minute, and
    Telegram stops accepting an answer after a while. This one answers as soon as the handler's
    first message goes into the queue (alongside it, not before it), or after the handler if it
    sends nothing. A handler sets `callback_answer.text` before sending, as all here do."""

    async def __call__(self, handler: Next, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        callback_answer = data["callback_answer"] = self.construct_callback_answer(
            properties=get_flag(data, "callback_answer"),
        )
        if data.get(ANSWERED):  # at the door: handlers may still set a text, which goes nowhere
            callback_answer.disable()
        if callback_answer.disabled or callback_answer.answered:  # no answer, or one before
            if not callback_answer.disabled:
                await self.answer(event, callback_answer)
            return await handler(event, data)
        answering: asyncio.Task[Any] | None = None

        def answer_now() -> None:
            nonlocal answering
            if answering is None and not callback_answer.disabled:
                answering = asyncio.ensure_future(self._answer(event, callback_answer))

        token = BEFORE_WAITING.set(answer_now)
        try:
            return await handler(event, data)
        finally:
            BEFORE_WAITING.reset(token)
            if answering is not None:
                await answering
            elif not callback_answer.disabled:
                await self.answer(event, callback_answer)

    async def _answer(self, event: CallbackQuery, callback_answer: Any) -> Any:
        return await self.answer(event, callback_answer)


# Keys in an update's data, set at the door (below), read inside the reader's lock.
ANSWERED = "button_answered"  # the button was answered at the door: not again
NOT_RUN = "not_run"  # flood or full queue: only remembered for /erase, never handled


class Door(BaseMiddleware):
    """What is decided about an update before it waits for its reader's lock (an update-level outer
    middleware registered before aiogram's FSM middleware: `app.build_dispatcher`).

    A reader's updates run one at a time (events isolation), and a handler holds that lock while
    its messages wait in the send queue, about a second each in one chat. So, before the lock:
    flood control (inside it, a flood would be let through at the pace it is answered), the send
    queue's bound, and a button's answer when it would otherwise wait: for another of the reader's
    updates, for a flood, for a full queue. A button is never left spinning. A message that is not
    run still goes through the lock, where `RememberIncoming` keeps its id for /erase, then stops
    (`Stop`). The same button pressed again while its first press is still handled is a double
    tap: answered, not run (`repeated_taps`)."""

    def __init__(self, throttle: FloodControl) -> None:
        self.throttle = throttle
        self._busy: dict[int, int] = {}  # per reader, updates past the door not yet done
        self._pressing: set[tuple[int, int | None, str | None]] = set()  # buttons being handled
        self.repeated_taps = 0

    def busy(self) -> int:
        """How many readers have an update past the door (bounded by the updates in flight)."""
        return len(self._busy)

    async def __call__(self, handler: Next, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if not isinstance(event, Update) or user is None:
            return await handler(event, data)
        query, message = event.callback_query, event.message
        if query is None and message is None:  # flood control and the bound are for these two
            return await handler(event, data)
        tap = None if query is None else (user.id, _message_id(query), query.data)
        repeated = tap is not None and tap in self._pressing
        self.repeated_taps += repeated
        refused = repeated or not await self.throttle.check(user.id) or self._queue_full(data)
        if query is not None and (refused or self._busy.get(user.id)):
            data[ANSWERED] = True
            with contextlib.suppress(TelegramAPIError):
                await query.answer()
        if refused:
            if query is not None:
                return None  # answered; a button leaves nothing in the chat to remember
            data[NOT_RUN] = True
        self._busy[user.id] = self._busy.get(user.id, 0) + 1
        if tap is not None:
            self._pressing.add(tap)
        try:
            return await handler(event, data)
        finally:
            if tap is not None:
                self._pressing.discard(tap)
            left = self._busy.pop(user.id) - 1
            if left:
                self._busy[user.id] = left

    def _queue_full(self, data: dict[str, Any]) -> bool:
        bot: Bot | None = data.get("bot")
        scheduler = SendScheduler.of(bot) if bot is not None else None
        if scheduler is None or not scheduler.full:
            return False
        scheduler.refuse_update()  # counted and logged by the send queue
        return True


def _message_id(query: CallbackQuery) -> int | None:
    return query.message.message_id if query.message is not None else None


class Stop(BaseMiddleware):
    """Inside the lock, after `RememberIncoming`: a message refused at the door goes no further."""

    async def __call__(self, handler: Next, event: TelegramObject, data: dict[str, Any]) -> Any:
        if data.get(NOT_RUN):
            return None
        return await handler(event, data)
