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
from bot.screens import MESSAGE_IDS_KEY
from storage import Counter, Event

DELETE_BATCH = 100  # deleteMessages takes 1-100 ids


async def erase(event: Message | CallbackQuery, state: FSMContext, bot: Bot, i18n: I18n, counter: Counter) -> None:
    chat_id = event.chat.id if isinstance(event, Message) else event.from_user.id
    ids = list((await state.get_data()).get(MESSAGE_IDS_KEY, ()))
    if isinstance(event, Message):
        ids.append(event.message_id)
    elif isinstance(event.message, Message):
        ids.append(event.message.message_id)
    ids = sorted(set(ids))
    for start in range(0, len(ids), DELETE_BATCH):
        # Messages older than 48 hours cannot be deleted by a bot; the rest still go.
        with contextlib.suppress(TelegramAPIError):
            await bot.delete_messages(chat_id, ids[start : start + DELETE_BATCH])
    counter.record(Event.ERASED, lang=i18n.current_locale, user_id=event.from_user.id)
    await state.clear()
    # One short note, itself without history: nothing said here points at the program.
    note = await bot.send_message(chat_id, _("Deleted. /start to begin again."))
    await state.update_data({MESSAGE_IDS_KEY: [note.message_id]})


def get_router() -> Router:
    router = Router(name="erase")
    router.message.register(erase, Command("erase"))
    router.callback_query.register(erase, Do.filter(F.action == Action.ERASE))
    return router
