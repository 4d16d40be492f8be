"""Retry a request to Telegram when Telegram says "later": 429 with its retry_after, a network
error or a 5xx with a growing pause. Bounded in attempts and in total waiting, so that a handler
never hangs; what still fails reaches the dispatcher's error handler (bot/errors.py).

A send that timed out is not retried: Telegram may have accepted it, and a second copy would be a
message the bot never learnt the id of, which /erase could not delete. A send that never reached
Telegram (the connection could not be made) is retried like anything else, and so is every request
that changes nothing when repeated (an edit, a delete, an answer to a button).

A session middleware: `bot.session.middleware(RetryRequests())` covers every request the bot makes.
getUpdates is left to aiogram's polling loop, which has its own backoff, and getMe to the start-up
(bot/startup.py), which retries it for as long as Telegram cannot be reached.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetMe, GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger("bot.requests")

# Methods that put a new message in a chat: sent twice, they show twice.
_NOT_REPEATABLE = ("send", "forward", "copy")
_REPEATABLE_SENDS = frozenset({"sendChatAction"})


# Set by work that nobody waits for (the commands and descriptions published at start-up): every
# 429 is honoured however long, and failures are retried until they pass.
PATIENT: ContextVar[bool] = ContextVar("patient_requests", default=False)
MAX_PATIENT_DELAY = 60.0


def repeatable(method: TelegramMethod[Any]) -> bool:
    name = method.__api_method__
    return name in _REPEATABLE_SENDS or not name.startswith(_NOT_REPEATABLE)


def timed_out(error: TelegramNetworkError) -> bool:
    """The request went out and no answer came: Telegram may have done what it asked.
    (aiogram raises TelegramNetworkError from the session's TimeoutError.)"""
    return isinstance(error.__context__, TimeoutError) or isinstance(error.__cause__, TimeoutError)


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
        if isinstance(method, (GetUpdates, GetMe)):
            return await make_request(bot, method)  # type: ignore[arg-type]  # narrowing to GetUpdates | GetMe drops TelegramType; the same method goes on
        name = method.__api_method__
        patient = PATIENT.get()
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            last = not patient and (attempt >= self.attempts)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if self.flood_handled_by is not None and self.flood_handled_by(method):
                    raise
                delay = float(error.retry_after)
                if last or (not patient and waited + delay > self.max_wait):
                    log.warning("429 on %s: Telegram asks to wait %g s; not waiting", name, delay)
                    raise
                log.warning("429 on %s: waiting %g s as Telegram asks", name, delay)
            except TelegramNetworkError as error:
                if timed_out(error) and not repeatable(method):
                    raise
                delay = self._backoff(attempt, patient)
                if last or (not patient and waited + delay > self.max_wait):
                    raise
            except TelegramServerError:
                delay = self._backoff(attempt, patient)
                if last or (not patient and waited + delay > self.max_wait):
                    raise
            await self.sleep(delay)
            waited += delay

    def _backoff(self, attempt: int, patient: bool = False) -> float:
        delay = self.base_delay * 2.0 ** min(attempt - 1, 16) * random.uniform(0.8, 1.2)
        return min(delay, MAX_PATIENT_DELAY) if patient else delay
