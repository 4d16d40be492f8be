"""Retry a request to Telegram when Telegram says "later": 429 with its retry_after, a network
error or a 5xx with a growing pause. Bounded in attempts and in total waiting, so that a handler
never hangs; what still fails reaches the dispatcher's error handler (bot/errors.py).

A session middleware: `bot.session.middleware(RetryRequests())` covers every request the bot makes.
getUpdates is left to aiogram's polling loop, which has its own backoff.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType

if TYPE_CHECKING:
    from aiogram import Bot


class RetryRequests(BaseRequestMiddleware):
    def __init__(
        self,
        *,
        attempts: int = 4,
        max_wait: float = 20.0,
        base_delay: float = 0.5,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        flood_handled_by: Callable[[TelegramMethod[Any]], bool] | None = None,
    ) -> None:
        self.attempts = attempts  # tries in all, the first one included
        self.max_wait = max_wait  # seconds of waiting in all, for one request
        self.base_delay = base_delay
        self.sleep = sleep
        # The send queue outside this middleware (bot/outgoing) pauses all sending on a 429 and
        # retries itself: for its requests a 429 goes straight back to it.
        self.flood_handled_by = flood_handled_by

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates):
            return await make_request(bot, method)
        waited = 0.0
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if self.flood_handled_by is not None and self.flood_handled_by(method):
                    raise
                delay = float(error.retry_after)
                if attempt == self.attempts or waited + delay > self.max_wait:
                    raise
            except (TelegramNetworkError, TelegramServerError):
                delay = self.base_delay * 2 ** (attempt - 1) * random.uniform(0.8, 1.2)
                if attempt == self.attempts or waited + delay > self.max_wait:
                    raise
            await self.sleep(delay)
            waited += delay
        raise AssertionError("unreachable")  # pragma: no cover
