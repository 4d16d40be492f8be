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
from bot.content.audiences import Audience
from bot.content.tree import BY_ID, HOME, Extra
from bot.handlers.fallback import stale_button
from bot.screens import Screen, section_screen, show
from bot.states import Flow
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
    audience: Audience,
) -> None:
    section = BY_ID.get(callback_data.to)
    if section is None:  # forged, or from an older version of the menu
        await stale_button(query, state, bot, contacts, callback_answer, audience)
        return
    await state.set_state(Flow.reading)
    lang, user_id = i18n.current_locale, query.from_user.id
    if section.id != HOME:
        counter.record(
            Event.SECTION_READ, lang=lang, audience=audience, user_id=user_id, topic=section.id
        )
    if section.extra is Extra.CONTACTS and contacts.any_program_channel:
        counter.record(Event.CONTACTS_SHOWN, lang=lang, audience=audience, user_id=user_id)
    await show(query, state, bot, section_screen(section.id, contacts, audience))


async def menu(
    message: Message, state: FSMContext, bot: Bot, contacts: Contacts, audience: Audience
) -> None:
    await state.set_state(Flow.reading)
    await show(message, state, bot, section_screen(HOME, contacts, audience))


def help_screen() -> Screen:
    text = _(
        "<b>How to use this bot</b>\n\n"
        "Tap the buttons to read. Nothing you type is kept.\n\n"
        "/menu: the main menu\n"
        "/language: change the language\n"
        "/erase: delete the last 48 hours of this chat, and make the bot forget you. Telegram "
        "lets a bot delete nothing older: delete the chat in Telegram for the rest, or set its "
        "auto-delete timer.\n"
        "/start: begin again\n\n"
        "This bot only explains. To contact the program, use its official channels: "
        "Main menu → Contacting the program safely."
    )
    return Screen(text, keyboards.home_keyboard())


async def help_command(message: Message, state: FSMContext, bot: Bot) -> None:
    await show(message, state, bot, help_screen())


def register(router: Router) -> None:
    router.callback_query.register(open_section, Nav.filter())
    router.message.register(menu, Command("menu"))
    router.message.register(help_command, Command("help"))
