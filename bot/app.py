"""Wiring: the Bot, the Dispatcher and what travels with it. Nothing here knows a handler's insides."""
from __future__ import annotations

from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType, ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from aiogram.utils.i18n import I18n

from bot.config import Contacts, Settings
from bot.handlers import get_routers
from bot.languages import LanguageMiddleware, make_i18n
from storage import Counter, NullCounter

# Every message is HTML and protected: it cannot be forwarded or saved from the chat.
DEFAULTS = DefaultBotProperties(
    parse_mode=ParseMode.HTML,
    protect_content=True,
    link_preview_is_disabled=True,  # previews cost bandwidth and reveal links at a glance
)


def build_bot(token: str, *, session: BaseSession | None = None, api_url: str | None = None) -> Bot:
    if session is None and api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")))
    return Bot(token, session=session, default=DEFAULTS)


def build_dispatcher(
    *,
    contacts: Contacts,
    counter: Counter | None = None,
    settings: Settings | None = None,
    storage: BaseStorage | None = None,
    i18n: I18n | None = None,
) -> Dispatcher:
    """A fresh Dispatcher with every router; shared objects travel as workflow data."""
    dispatcher = Dispatcher(
        storage=storage or MemoryStorage(),
        contacts=contacts,
        counter=counter or NullCounter(),
        settings=settings,
    )
    # Private chats only: a group is no place to show interest in surrender.
    dispatcher.message.filter(F.chat.type == ChatType.PRIVATE)
    LanguageMiddleware(i18n or make_i18n()).setup(dispatcher)
    dispatcher.callback_query.middleware(CallbackAnswerMiddleware())
    dispatcher.include_routers(*get_routers())
    return dispatcher
