"""Whatever the other routers leave: free text, media, unknown commands, stale buttons.

The reply is calm and the same for everything: the bot reads nothing and keeps nothing.
"""

from __future__ import annotations

import re

from aiogram import Bot, Router
from aiogram.enums import ContentType, MessageEntityType
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.config import Contacts
from bot.content.audiences import Audience
from bot.content.tree import HOME
from bot.screens import Screen, remember, section_screen, show


async def stale_button(
    query: CallbackQuery,
    state: FSMContext,
    bot: Bot,
    contacts: Contacts,
    callback_answer: CallbackAnswer,
    audience: Audience = Audience.DEFAULT,
) -> None:
    """A button from an old message, or forged data: say so calmly and show a fresh menu."""
    callback_answer.text = _("This button is out of date. Here is the current menu.")
    screen = section_screen(HOME, contacts, audience)
    # A fresh message: the old one may be the thing that is out of date.
    sent = await bot.send_message(query.from_user.id, screen.text, reply_markup=screen.markup)
    await remember(state, sent)


# What a reader sends on purpose; anything else (a pin, a timer change, ...) is a service message
# and gets no reply.
READER_CONTENT = frozenset(
    {
        ContentType.TEXT,
        ContentType.PHOTO,
        ContentType.STICKER,
        ContentType.VOICE,
        ContentType.VIDEO,
        ContentType.VIDEO_NOTE,
        ContentType.AUDIO,
        ContentType.DOCUMENT,
        ContentType.ANIMATION,
        ContentType.LOCATION,
        ContentType.VENUE,
        ContentType.CONTACT,
        ContentType.DICE,
        ContentType.POLL,
        ContentType.STORY,
        ContentType.PAID_MEDIA,
        ContentType.LIVE_PHOTO,
        ContentType.CHECKLIST,
        ContentType.GAME,
        ContentType.GIVEAWAY,
        ContentType.UNKNOWN,
    }
)
_PHONE_TEXT = re.compile(r"\+?\d[\d\s().-]{6,20}\d")


def reveals_whereabouts(message: Message) -> bool:
    """A location, a venue, a contact card or a phone number: better not kept in this chat."""
    if message.location or message.venue or message.contact:
        return True
    entities = [*(message.entities or ()), *(message.caption_entities or ())]
    if any(entity.type == MessageEntityType.PHONE_NUMBER for entity in entities):
        return True
    text = (message.text or message.caption or "").strip()
    return bool(_PHONE_TEXT.fullmatch(text))


async def anything_else(
    message: Message,
    state: FSMContext,
    bot: Bot,
    contacts: Contacts,
    audience: Audience = Audience.DEFAULT,
) -> None:
    if message.content_type not in READER_CONTENT:
        return
    if reveals_whereabouts(message):
        # Sent by mistake, most likely: remove it from the chat at once, and say why.
        try:
            await message.delete()
        except TelegramAPIError:
            note = _(
                "Please delete your last message yourself: a location or a phone number is better "
                "not kept in this chat. This bot does not need it and stores nothing."
            )
        else:
            note = _(
                "Your message was deleted: a location or a phone number is better not kept in this "
                "chat. This bot does not need it and stores nothing."
            )
    else:
        note = _(
            "This bot answers typed words and buttons only, and stores nothing you send. "
            "Please type your question, or use the buttons."
        )
    screen = section_screen(HOME, contacts, audience)
    await show(message, state, bot, Screen(f"{note}\n\n{screen.text}", screen.markup))


def register(router: Router) -> None:
    router.callback_query.register(stale_button)
    router.message.register(anything_else)
