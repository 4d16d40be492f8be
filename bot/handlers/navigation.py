"""The menu tree: one generic handler renders any section; /menu and /help."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot import keyboards
from bot.callbacks import Nav
from bot.config import Contacts
from bot.content.tree import BY_ID, HOME, Extra
from bot.handlers.fallback import stale_button
from bot.screens import Screen, section_screen, show
from storage import Counter, Event


async def open_section(
    query: CallbackQuery,
    callback_data: Nav,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    counter: Counter,
    contacts: Contacts,
    callback_answer: CallbackAnswer,
) -> None:
    section = BY_ID.get(callback_data.to)
    if section is None:  # forged, or from an older version of the menu
        await stale_button(query, state, bot, contacts, callback_answer)
        return
    await state.update_data(section=section.id)
    lang, user_id = i18n.current_locale, query.from_user.id
    if section.id != HOME:
        counter.record(Event.SECTION_READ, lang=lang, user_id=user_id, topic=section.id)
    if section.extra is Extra.CONTACTS and contacts.any_program_channel:
        counter.record(Event.CONTACTS_SHOWN, lang=lang, user_id=user_id)
    await show(query, state, bot, section_screen(section.id, contacts))


async def menu(message: Message, state: FSMContext, bot: Bot, contacts: Contacts) -> None:
    await state.update_data(section=HOME)
    await show(message, state, bot, section_screen(HOME, contacts))


def help_screen() -> Screen:
    text = _(
        "<b>How to use this bot</b>\n\n"
        "Tap the buttons to read. Nothing you type is read or kept.\n\n"
        "/menu: the main menu\n"
        "/language: change the language\n"
        "/erase: delete this chat from your phone and from the bot's memory\n"
        "/start: begin again\n\n"
        "This bot only explains. To contact the program, use its official channels: "
        "Main menu → Contacting the program safely."
    )
    return Screen(text, keyboards.home_keyboard())


async def help_command(message: Message, state: FSMContext, bot: Bot) -> None:
    await show(message, state, bot, help_screen())


def get_router() -> Router:
    router = Router(name="navigation")
    router.callback_query.register(open_section, Nav.filter())
    router.message.register(menu, Command("menu"))
    router.message.register(help_command, Command("help"))
    return router
