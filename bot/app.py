"""Wiring: the Bot, the Dispatcher and what travels with it. Nothing here knows a handler's insides."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMessages,
    EditMessageText,
    GetMe,
    GetUpdates,
    SendMessage,
)
from aiogram.methods.base import Response
from aiogram.types import Update
from aiogram.utils.i18n import I18n

from bot import errors, review
from bot.config import Contacts, Settings
from bot.fsm_storage import ReaderIsolation, TTLMemoryStorage
from bot.handlers import groups, private_router
from bot.languages import LanguageMiddleware, catalog_paths, make_i18n
from bot.middlewares import RememberIncoming, RetryRequests, Throttle
from bot.middlewares.throttle import FloodControl
from bot.outgoing import DRAIN_SECONDS, AnswerFirst, Door, SendScheduler, Stop
from storage import Counter, NullCounter

# Every message is HTML and protected: it cannot be forwarded or saved from the chat.
DEFAULTS = DefaultBotProperties(
    parse_mode=ParseMode.HTML,
    protect_content=True,
    link_preview_is_disabled=True,  # previews cost bandwidth and reveal links at a glance
)

# aiogram parses every answer from Telegram as `Response[T]`. pydantic keeps such generic classes
# only weakly, so each garbage collection dropped them and the next request rebuilt one (about 3 ms:
# 333 rebuilds in 12,000 updates, 7% of the bot's time in benchmarks/run.py). Hold the ones the
# bot's requests use.
_RESPONSE_TYPES = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]  # a type known only at run time
    for method in (
        SendMessage,
        EditMessageText,
        AnswerCallbackQuery,
        DeleteMessage,
        DeleteMessages,
        GetMe,
        GetUpdates,
    )
)


def build_bot(
    token: str,
    *,
    session: BaseSession | None = None,
    api_url: str | None = None,
    scheduler: SendScheduler | None = None,
) -> Bot:
    """The Bot; `scheduler` is the send queue (default: BOT_SEND_RATE's and BOT_SEND_QUEUE's
    defaults on the real clock; tests pass one on a simulated clock)."""
    if session is None and api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")))
    bot = Bot(token, session=session, default=DEFAULTS)
    scheduler = SendScheduler() if scheduler is None else scheduler
    # Outermost: every message waits its turn in the one queue (rates, fairness, one pause for a
    # 429). Inside it, for each request as it goes: network errors and 5xx are retried.
    bot.session.middleware(scheduler)
    bot.session.middleware(RetryRequests(flood_handled_by=scheduler.schedules))
    return bot


async def close_bot(bot: Bot, *, drain: float = DRAIN_SECONDS) -> None:
    """Send what is still queued (for at most `drain` seconds; the rest is counted and logged),
    then close the connection."""
    scheduler = SendScheduler.of(bot)
    if scheduler is not None:
        await scheduler.close(drain)
    await bot.session.close()


# At shutdown, how long updates already being handled may take to finish (their counts included)
# before the counts are written for the last time and the bot exits.
SHUTDOWN_GRACE = 5.0


class BotDispatcher(Dispatcher):
    """aiogram's Dispatcher, which also knows how many updates are being handled, so that stopping
    waits for them (bounded by `grace` seconds) before the storage and the session close, and before
    the counts are written for the last time."""

    def __init__(self, *, grace: float = SHUTDOWN_GRACE, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.grace = grace
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        self.in_flight += 1
        self._idle.clear()
        try:
            return await super().feed_update(bot, update, **kwargs)
        finally:
            self.in_flight -= 1
            if not self.in_flight:
                self._idle.set()

    async def wait_idle(self, timeout: float) -> bool:
        """Wait until no update is being handled, at most `timeout` seconds; True if none is."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def emit_startup(self, *args: Any, **kwargs: Any) -> None:
        await super().emit_startup(*args, **kwargs)
        # What start-up built (aiogram's and pydantic's 200,000 objects, the catalogs) lives as long
        # as the process: out of the collector's sight, a full collection no longer stops every
        # reader for a quarter of a second (0.15-0.5 s each, three in a 300-reader spike:
        # benchmarks/spike.py). Before polling or the webhook's server starts, once. No collection
        # first: after start-up it found nothing to free (0 objects, 23 KB) and took 0.2 s.
        gc.freeze()

    async def emit_shutdown(self, *args: Any, **kwargs: Any) -> None:
        # Polling has stopped: let what it started finish before aiogram closes the storage.
        await self.wait_idle(self.grace)
        await super().emit_shutdown(*args, **kwargs)


def isolation_for(storage: BaseStorage) -> BaseEventIsolation:
    """One update at a time per reader: across instances with Redis, in this process otherwise."""
    create = getattr(storage, "create_isolation", None)
    return create() if create is not None else ReaderIsolation()


def build_dispatcher(
    *,
    contacts: Contacts,
    counter: Counter | None = None,
    settings: Settings | None = None,
    storage: BaseStorage | None = None,
    i18n: I18n | None = None,
    throttle: FloodControl | None = None,
) -> Dispatcher:
    """A fresh Dispatcher with every router; shared objects travel as workflow data."""
    ttl = settings.state_ttl if settings else Settings.model_fields["state_ttl"].default
    i18n = i18n or make_i18n()
    storage = storage if storage is not None else TTLMemoryStorage(ttl)
    dispatcher = BotDispatcher(
        storage=storage,
        # Without it, an update arriving while /erase deletes would be remembered, then wiped by
        # /erase, and its message would stay in the chat.
        events_isolation=isolation_for(storage),
        contacts=contacts,
        counter=counter or NullCounter(),
        settings=settings,
        # Read once here, not per update: which catalogs are machine drafts (bot/review.py).
        drafts=review.drafts(catalog_paths(i18n.path)),
    )
    # Before the reader's lock (aiogram's FSM middleware runs a reader's updates one at a time):
    # flood control, the send queue's bound, and a button's answer that would otherwise wait.
    throttle = Throttle() if throttle is None else throttle
    dispatcher.update.outer_middleware.unregister(dispatcher.fsm)
    dispatcher.update.outer_middleware(Door(throttle))
    dispatcher.update.outer_middleware(dispatcher.fsm)
    # Inside it, before anything else: the reader's message ids for /erase (a flood's too), then
    # what the door refused stops there, before any handler runs (so a flood is not counted).
    dispatcher.message.outer_middleware(RememberIncoming())
    dispatcher.message.outer_middleware(Stop())
    LanguageMiddleware(i18n).setup(dispatcher)  # the reader's language, and their audience
    # Every button is answered, and before its handler's messages wait in the send queue.
    dispatcher.callback_query.middleware(AnswerFirst())
    errors.setup(dispatcher)
    if isinstance(storage, TTLMemoryStorage):
        dispatcher.startup.register(storage.start)  # sweeps even when nobody writes
    # Outside a private chat: one line, then leave (a group is no place to show interest in
    # surrender). The conversation itself happens in private chats only.
    dispatcher.include_router(groups.get_router())
    dispatcher.include_router(private_router())
    return dispatcher
