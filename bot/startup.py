"""Going live, and staying live, with Telegram: the token checked, a webhook left on it removed,
the commands published without holding anything up, and polling that never loops on a conflict.

Whatever the operator must fix is raised as `StartupError`: `python -m bot` prints it as one line
and exits with code 2. Whatever time will fix (Telegram unreachable, a 429) is waited out and
logged, each wait with its length.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramConflictError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import User

from bot.config import ConfigError
from bot.logs import scrub_token
from bot.middlewares.retry import PATIENT

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.utils.i18n import I18n

log = logging.getLogger("bot.startup")

FIRST_WAIT = 1.0  # seconds before the first retry of getMe; doubled each time, up to MAX_WAIT
MAX_WAIT = 30.0
# How long getUpdates may keep answering 409 "terminated by other getUpdates request" (another
# instance polling the same token) before this one gives up rather than fight it forever.
CONFLICT_PATIENCE = 30.0


class StartupError(ConfigError):
    """Something the operator must fix before the bot can go live."""


async def connect(bot: Bot, *, sleep: Callable[[float], Any] = asyncio.sleep) -> User:
    """getMe until it answers: refuse a token Telegram rejects, wait out a network that is down."""
    wait, tries = FIRST_WAIT, 0
    while True:
        tries += 1
        try:
            return await bot.me()
        except TelegramUnauthorizedError:
            raise StartupError(
                "Telegram rejects BOT_TOKEN (401 Unauthorized): it was revoked or mistyped; "
                "get the current one from @BotFather"
            ) from None
        except TelegramNotFound:
            raise StartupError(
                "Telegram does not know BOT_TOKEN (404 Not Found): check the token, and "
                "BOT_API_URL if it is set"
            ) from None
        except TelegramRetryAfter as error:
            delay = float(error.retry_after)
            log.warning("429 on getMe: waiting %g s as Telegram asks", delay)
            await sleep(delay)
            continue
        except (TelegramNetworkError, TelegramServerError) as error:
            delay = wait
            log.warning(
                "Telegram cannot be reached (%s: %s): trying again in %g s (attempt %d)",
                type(error).__name__,
                scrub_token(error.message)[:120],
                delay,
                tries,
            )
            wait = min(wait * 2, MAX_WAIT)
        except ClientDecodeError:
            raise StartupError(
                "BOT_API_URL does not answer as the Telegram Bot API does (not JSON): "
                "check BOT_API_URL, or unset it to reach api.telegram.org; and BOT_TOKEN"
            ) from None
        except TelegramAPIError as error:
            raise StartupError(
                f"Telegram refused getMe ({type(error).__name__}: {scrub_token(error.message)})"
            ) from None
        await sleep(delay * random.uniform(0.9, 1.1))


async def clear_webhook(bot: Bot) -> None:
    """Polling and a webhook exclude each other (getUpdates answers 409): remove a webhook left on
    the token, keeping the updates it has not delivered yet."""
    try:
        info = await bot.get_webhook_info()
        if not info.url:
            return
        await bot.delete_webhook(drop_pending_updates=False)
    except Exception as error:  # noqa: BLE001 - polling says it (409) if a webhook is left
        log.warning("cannot check for a webhook on this token (%s)", type(error).__name__)
        return
    log.warning(
        "a webhook (to %s) was set on this token: deleted it to poll; its %d pending updates are kept",
        urlsplit(info.url).hostname or "?",
        info.pending_update_count,
    )


def publish_in_background(bot: Bot, i18n: I18n) -> asyncio.Task[None]:
    """Commands and descriptions in every language, while polling goes on: a 429 (Telegram may ask
    for a minute or more) is waited out, each wait logged, and never delays a reader's answer."""
    from bot import commands

    async def publish() -> None:
        PATIENT.set(True)  # this task's requests wait as long as Telegram asks
        try:
            await commands.publish(bot, i18n)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the bot runs on with what Telegram has
            log.warning(
                "the commands and descriptions were not published (%s)", type(error).__name__
            )
        else:
            log.info("commands and descriptions published")

    return asyncio.create_task(publish(), name="publish-commands")


class PollingConflicts(BaseRequestMiddleware):
    """getUpdates answered 409: a webhook was set on the token again, or another instance polls it.
    aiogram's polling would retry forever; this stops the bot instead (through `stop`), at once for
    a webhook, after CONFLICT_PATIENCE seconds of conflicts for another poller (a restarting old
    instance is gone sooner)."""

    def __init__(
        self,
        stop: Callable[[str], None],
        *,
        patience: float = CONFLICT_PATIENCE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stop, self.patience, self.clock = stop, patience, clock
        self.since: float | None = None

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not isinstance(method, GetUpdates):
            return await make_request(bot, method)
        try:
            response = await make_request(bot, method)  # type: ignore[arg-type]  # narrowing to GetUpdates drops TelegramType; the same method goes on
        except TelegramConflictError as error:
            now = self.clock()
            if "webhook" in error.message.lower():
                self.stop(
                    "a webhook was set on this token while the bot polls (409 Conflict): run one "
                    "mode at a time; delete the webhook (deleteWebhook) to poll"
                )
            elif self.since is None:
                self.since = now
                log.warning(
                    "409 Conflict on getUpdates: another instance polls this token; stopping if it "
                    "goes on for %g s",
                    self.patience,
                )
            elif now - self.since >= self.patience:
                self.stop(
                    "another instance has been polling this token for "
                    f"{self.patience:g} s (409 Conflict): run one instance, or several with a webhook"
                )
            raise
        self.since = None
        return response
