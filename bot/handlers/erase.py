"""/erase: delete the conversation from the chat and forget the reader."""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.callbacks import Action, Do
from bot.content.audiences import Audience
from bot.screens import deletable_ids, remember
from storage import Counter, Event

DELETE_BATCH = 100  # deleteMessages takes 1-100 ids


async def erase(
    event: Message | CallbackQuery,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    counter: Counter,
    audience: Audience,
) -> None:
    chat_id = event.chat.id if isinstance(event, Message) else event.from_user.id
    # Both sides of the conversation: the reader's messages are remembered as they arrive
    # (bot.middlewares.remember, the /erase command included), the bot's as they are sent.
    ids = set(deletable_ids(await state.get_data()))
    if isinstance(event, Message):
        ids.add(event.message_id)
    elif isinstance(event.message, Message):
        ids.add(event.message.message_id)
    ordered = sorted(ids)
    for start in range(0, len(ordered), DELETE_BATCH):
        # Telegram deletes what it still can and skips the rest; a failed batch must not stop
        # the next one.
        with contextlib.suppress(TelegramAPIError):
            await bot.delete_messages(chat_id, ordered[start : start + DELETE_BATCH])
    if event.from_user is not None:  # always in a private chat (bot/app.py); erase regardless
        counter.record(
            Event.ERASED, lang=i18n.current_locale, audience=audience, user_id=event.from_user.id
        )
    await state.clear()
    # One short note, itself without history: nothing said here points at the program.
    note = await bot.send_message(
        chat_id,
        _(
            "Deleted: the last 48 hours of this chat, as far as Telegram allows. To remove older "
            "messages, delete the chat in Telegram. /start to begin again."
        ),
    )
    await remember(state, note)


def register(router: Router) -> None:
    router.message.register(erase, Command("erase"))
    router.callback_query.register(erase, Do.filter(F.action == Action.ERASE))
