"""Remember the id of every message a reader sends in a private chat, so that /erase can delete it.

An outer middleware: it runs before any filter or handler, so text, commands, media, throttled
messages and the /erase command itself are all remembered, and no handler has to think of it.
"""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import NextMiddlewareType
from aiogram.enums import ChatType
from aiogram.types import Message, TelegramObject

from bot.screens import remember

Next = NextMiddlewareType[TelegramObject]  # the handler (or next middleware) an update goes on to


class RememberIncoming(BaseMiddleware):
    async def __call__(self, handler: Next, event: TelegramObject, data: dict[str, Any]) -> Any:
        state = data.get("state")
        if isinstance(event, Message) and event.chat.type == ChatType.PRIVATE and state is not None:
            await remember(state, event)
        return await handler(event, data)
