"""Outside a private chat the bot does not talk: a group is no place to show interest in surrender.

Added to a group, or written to in one, it says so in one line and leaves. A channel gets no line
(a post there would speak for the channel): the bot just leaves. Whatever fails here (no right to
post, already removed) is ignored: leaving matters more than the line.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import ChatMemberUpdated, Message
from aiogram.utils.i18n import gettext as _

from bot.filters import outside_private_chat
from bot.ttl_map import TTLMap

GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)
PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.RESTRICTED)
GONE = (ChatMemberStatus.LEFT, ChatMemberStatus.KICKED)
# Service messages that come along with being added: my_chat_member already says the line.
ARRIVAL = (
    "new_chat_members",
    "group_chat_created",
    "supergroup_chat_created",
    "migrate_from_chat_id",
)


class _RecentlyLeft:
    """Chats told the line in the last few minutes (bounded, in memory): updates already on their
    way from a chat the bot is leaving must not repeat it."""

    def __init__(self, ttl: float = 300.0, size: int = 1000) -> None:
        self._chats: TTLMap[int, bool] = TTLMap(size, ttl)

    def add(self, chat_id: int) -> bool:
        """Note the chat; False if it was noted already (and still fresh)."""
        if self._chats.get(chat_id):
            return False
        self._chats[chat_id] = True
        return True


def only_private_note() -> str:
    return _("This bot works only in a private chat, so it is leaving this group.")


async def _leave(bot: Bot, chat_id: int, chat_type: str, left: _RecentlyLeft, *, say: bool) -> None:
    # The line once per chat in a few minutes; leaving every time (added again, the bot leaves again).
    if left.add(chat_id) and say and chat_type in GROUPS:
        with contextlib.suppress(TelegramAPIError):
            await bot.send_message(chat_id, only_private_note(), protect_content=True)
    with contextlib.suppress(TelegramAPIError):
        await bot.leave_chat(chat_id)


def get_router() -> Router:
    router = Router(name="groups")
    left = _RecentlyLeft()

    async def group_message(message: Message, bot: Bot) -> None:
        await _leave(
            bot, message.chat.id, message.chat.type, left, say=message.content_type not in ARRIVAL
        )

    async def channel_post(message: Message, bot: Bot) -> None:
        await _leave(bot, message.chat.id, message.chat.type, left, say=False)

    async def membership(update: ChatMemberUpdated, bot: Bot, state: FSMContext) -> None:
        status = update.new_chat_member.status
        if update.chat.type == ChatType.PRIVATE:
            if status in GONE:
                await state.clear()  # the reader blocked the bot: forget them now, not in a day
            return
        if status in PRESENT:
            await _leave(bot, update.chat.id, update.chat.type, left, say=True)

    router.message.register(group_message, outside_private_chat)
    router.channel_post.register(channel_post)
    router.my_chat_member.register(membership)
    return router
