"""Filters as coroutines. aiogram (3.31) runs a filter that is a plain function, a magic filter
(`F.chat.type == ...`) included, in a thread (`asyncio.to_thread`): a hand-off to the thread pool
and back for every message, for a comparison that takes a microsecond. Two of them met every
message (the private-chat and group checks): a tenth of the bot's time in benchmarks/run.py, and
during a spike of /start the pool's six threads became a queue in front of every reader."""

from __future__ import annotations

from aiogram.enums import ChatType
from aiogram.types import Message


async def in_private_chat(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


async def outside_private_chat(message: Message) -> bool:
    return message.chat.type != ChatType.PRIVATE
