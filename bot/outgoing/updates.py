"""The queue as updates see it: a button is answered before its messages wait, and when the queue
is full a new update gets what Telegram still allows (a button's answer) instead of running."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.flags import get_flag
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from bot.outgoing.scheduler import BEFORE_WAITING, SendScheduler


class AnswerFirst(CallbackAnswerMiddleware):
    """aiogram's CallbackAnswerMiddleware answers a button after its handler, which would wait
    for the handler's messages to get through the queue: seconds of spinner in a busy minute, and
    Telegram stops accepting an answer after a while. This one answers as soon as the handler's
    first message goes into the queue (alongside it, not before it), or after the handler if it
    sends nothing. A handler sets `callback_answer.text` before sending, as all here do."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        callback_answer = data["callback_answer"] = self.construct_callback_answer(
            properties=get_flag(data, "callback_answer"),
        )
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


class QueueGate(BaseMiddleware):
    """Past BOT_SEND_QUEUE a new message or button press is not run (its reply could not be
    sent); a button still gets its answer, so it stops spinning. Counted and logged by the
    scheduler."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        bot: Bot | None = data.get("bot")
        scheduler = SendScheduler.of(bot) if bot is not None else None
        if scheduler is None or not scheduler.full:
            return await handler(event, data)
        scheduler.refuse_update()
        if isinstance(event, CallbackQuery):
            with contextlib.suppress(TelegramAPIError):
                await event.answer()
        return None
