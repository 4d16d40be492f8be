"""Screens: the text and keyboard of every reply, and the one place that puts them on a phone."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot import keyboards, telegram_html
from bot.config import Contacts
from bot.content.audiences import Audience
from bot.content.tree import BY_ID, Extra, Section
from bot.errors import is_not_modified
from bot.states import MESSAGE_IDS
from bot.telegram_html import escape

# Message ids kept for /erase (in FSM storage, never on disk) as [id, unix date] pairs; Telegram
# lets a bot delete only messages younger than 48 hours, so older pairs are dropped as new ones come.
MESSAGE_IDS_KEY = MESSAGE_IDS
MAX_MESSAGE_IDS = 500
DELETABLE_FOR = 48 * 3600 - 60  # a minute's margin for clocks and the trip to Telegram


@dataclass(frozen=True, slots=True)
class Screen:
    text: str
    markup: InlineKeyboardMarkup | None = None


def section_screen(
    section_id: str, contacts: Contacts, audience: Audience = Audience.DEFAULT
) -> Screen:
    """A section as `audience` reads it (the caller passes an audience the language offers)."""
    section = BY_ID[section_id]
    text = _(section.text_for(audience))
    if extra := configured_extra(section, contacts):
        text = f"{text}\n\n{extra}"
    return Screen(text, keyboards.section_keyboard(section, contacts))


def configured_extra(section: Section, contacts: Contacts) -> str:
    """Operator-configured channels as text lines; phones can't be URL buttons, so they go here."""
    lines: list[str] = []
    if section.extra is Extra.CONTACTS:
        if not contacts.any_program_channel:
            return _("The operator of this bot has not configured the official channels yet.")
        lines += [
            _("Hotline (24 hours): {phone}").format(phone=escape(p)) for p in contacts.hotline
        ]
        if contacts.telegram_bot:
            lines.append(
                _("Official bot: {handle}").format(handle=escape("@" + contacts.telegram_bot))
            )
        if contacts.telegram_channel:
            lines.append(
                _("Official channel: {handle}").format(
                    handle=escape("@" + contacts.telegram_channel)
                )
            )
        if contacts.website:
            lines.append(_("Website: {url}").format(url=escape(str(contacts.website))))
    elif section.extra is Extra.FAKES:
        return fakes(contacts)
    elif section.extra is Extra.FIND:
        if contacts.icrc_phone:
            lines.append(_("ICRC: {phone}").format(phone=escape(contacts.icrc_phone)))
        if not (contacts.find_url or contacts.icrc_url or contacts.icrc_phone):
            return _("The operator of this bot has not configured these contacts yet.")
    return "\n".join(lines)


def fakes(contacts: Contacts) -> str:
    """The official usernames to compare with, letter by letter, and the fakes the operator knows
    of; in monospace, where l and I, O and 0 look different."""
    official = [h for h in (contacts.telegram_bot, contacts.telegram_channel) if h]
    if official:
        lines = [_("The official usernames, to compare letter by letter:")]
        lines += [f"<code>@{escape(handle)}</code>" for handle in official]
    else:
        lines = [_("The operator of this bot has not configured the official channels yet.")]
    if contacts.known_fakes:
        lines += ["", _("Known fakes, listed by this bot's operator:")]
        lines += [f"<code>@{escape(handle)}</code>" for handle in contacts.known_fakes]
    return "\n".join(lines)


@lru_cache(maxsize=1024)
def _plain(text: str) -> str:
    """The text as Telegram shows it, tags removed (screens repeat: parse each once)."""
    return telegram_html.parse(text)[0]


def _already_shows(message: Message, screen: Screen) -> bool:
    if message.text != _plain(screen.text):
        return False
    shown, wanted = message.reply_markup, screen.markup
    if shown is None or wanted is None:
        return shown is wanted
    return shown.model_dump(exclude_none=True) == wanted.model_dump(exclude_none=True)


def deletable_ids(data: dict[str, Any], now: float | None = None) -> list[int]:
    """The remembered message ids that Telegram still lets a bot delete, oldest first."""
    return sorted({pair[0] for pair in _young(data.get(MESSAGE_IDS_KEY, ()), now)})


def _young(pairs: Iterable[Any], now: float | None) -> list[list[int]]:
    oldest = (time.time() if now is None else now) - DELETABLE_FOR
    kept = []
    for pair in pairs:
        if isinstance(pair, int):  # a bare id (older data): its age is unknown, keep it
            pair = [pair, int(time.time())]
        if pair[1] > oldest:
            kept.append(pair)
    return kept


async def remember(state: FSMContext, *messages: Message | int) -> None:
    """Keep message ids (and dates) so that /erase can delete them later."""
    now = int(time.time())
    pairs = [
        [m.message_id, int(m.date.timestamp())] if isinstance(m, Message) else [int(m), now]
        for m in messages
    ]
    data = await state.get_data()
    data[MESSAGE_IDS_KEY] = [*_young(data.get(MESSAGE_IDS_KEY, ()), now), *pairs][-MAX_MESSAGE_IDS:]
    await state.set_data(data)


async def show(event: Message | CallbackQuery, state: FSMContext, bot: Bot, screen: Screen) -> None:
    """Edit the message a button was pressed on (one message per conversation reads best on a
    phone); otherwise, or if it can no longer be edited, send a new one."""
    if isinstance(event, CallbackQuery) and isinstance(event.message, Message):
        if _already_shows(event.message, screen):
            return  # Telegram would refuse the edit as "not modified": spare the round trip
        try:
            await event.message.edit_text(screen.text, reply_markup=screen.markup)
            return
        except TelegramBadRequest as error:
            if is_not_modified(error):
                return
            # Too old to edit, or deleted: fall through and send a fresh one.
    chat_id = event.chat.id if isinstance(event, Message) else event.from_user.id
    sent = await bot.send_message(chat_id, screen.text, reply_markup=screen.markup)
    await remember(state, sent)
