"""/start and the first screen: what the reader wants to read about, whom the texts are written
for, and the language."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot import keyboards
from bot.audiences import chosen, effective, offered
from bot.callbacks import Action, ChooseAudience, ChooseLanguage, ChooseRole, Do, Role
from bot.config import Contacts
from bot.content.audiences import NOTES, Audience
from bot.content.marks import N_
from bot.content.tree import HOME
from bot.handlers.fallback import stale_button
from bot.languages import available
from bot.screens import Screen, section_screen, show
from bot.states import AUDIENCE, KEPT_BY_START, LOCALE, Flow
from storage import Counter, Event

GREETING = N_(
    "<b>Hello.</b> This bot explains what Ukraine's state project «I Want to Live» offers, and "
    "what rights the Geneva Conventions give a prisoner of war.\n\n"
    "It takes no requests and keeps nothing that could identify you. /erase deletes the last "
    "48 hours of this chat: Telegram lets a bot delete nothing older, so delete the chat in "
    "Telegram too, or set its auto-delete timer.\n\n"
    "{audience}\n\n"
    "What would you like to read about? Your answer only chooses which screens come first."
)

# The role only chooses the first screen (and is counted); it is not kept.
FIRST_SCREEN: dict[Role, str] = {
    Role.SOLDIER: HOME,
    Role.RELATIVE: "relatives",
    Role.READER: HOME,
}


def greeting(audience: Audience = Audience.DEFAULT, offered: tuple[Audience, ...] = ()) -> Screen:
    text = _(GREETING).format(audience=_(NOTES[audience]))
    return Screen(text, keyboards.role_keyboard(len(offered) > 1))


def audience_screen(offered: tuple[Audience, ...], current: Audience) -> Screen:
    text = _(
        "Some screens say different things to different readers. Whom should the texts be "
        "written for?\n\n"
        "The choice is kept only while you read, like your language."
    )
    return Screen(text, keyboards.audience_keyboard(offered, current))


def language_screen(i18n: I18n) -> Screen:
    text = _("Choose a language:")
    return Screen(text, keyboards.language_keyboard(available(i18n), i18n.current_locale))


async def start(
    message: Message,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    counter: Counter,
    audience: Audience,
) -> None:
    # A new start forgets everything but the reader's own choices and the ids /erase needs.
    data = await state.get_data()
    await state.set_data({k: data[k] for k in KEPT_BY_START if k in data})
    await state.set_state(Flow.choosing_role)
    counter.record(
        Event.STARTED, lang=i18n.current_locale, audience=audience, user_id=message.from_user.id
    )
    await show(message, state, bot, greeting(audience, offered(i18n, i18n.current_locale)))


async def choose_role(
    query: CallbackQuery,
    callback_data: ChooseRole,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    counter: Counter,
    contacts: Contacts,
    audience: Audience,
) -> None:
    await state.set_state(Flow.reading)
    counter.record(
        Event.ROLE_CHOSEN,
        lang=i18n.current_locale,
        audience=audience,
        user_id=query.from_user.id,
        topic=callback_data.role.value,
    )
    first = FIRST_SCREEN[callback_data.role]
    await show(query, state, bot, section_screen(first, contacts, audience))


async def ask_language(
    event: Message | CallbackQuery, state: FSMContext, bot: Bot, i18n: I18n
) -> None:
    await show(event, state, bot, language_screen(i18n))


async def ask_audience(
    query: CallbackQuery, state: FSMContext, bot: Bot, i18n: I18n, audience: Audience
) -> None:
    await show(query, state, bot, audience_screen(offered(i18n, i18n.current_locale), audience))


async def back_to_where_the_reader_was(
    query: CallbackQuery, state: FSMContext, bot: Bot, i18n: I18n, contacts: Contacts
) -> None:
    """After a choice of language or audience: the menu for a reader who was reading, else the
    first screen again (both in the language and for the audience now in force)."""
    locale = i18n.current_locale
    available_here = offered(i18n, locale)
    audience = effective(chosen(await state.get_data()), locale, available_here)
    if await state.get_state() == Flow.reading.state:
        await show(query, state, bot, section_screen(HOME, contacts, audience))
    else:
        await state.set_state(Flow.choosing_role)
        await show(query, state, bot, greeting(audience, available_here))


async def choose_language(
    query: CallbackQuery,
    callback_data: ChooseLanguage,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    contacts: Contacts,
    callback_answer: CallbackAnswer,
    audience: Audience,
) -> None:
    if callback_data.code not in i18n.available_locales:  # forged, or a language since removed
        await stale_button(query, state, bot, contacts, callback_answer, audience)
        return
    await state.update_data({LOCALE: callback_data.code})
    # Answer in the new language at once.
    with i18n.use_locale(callback_data.code):
        await back_to_where_the_reader_was(query, state, bot, i18n, contacts)


async def choose_audience(
    query: CallbackQuery,
    callback_data: ChooseAudience,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    contacts: Contacts,
) -> None:
    await state.update_data({AUDIENCE: callback_data.audience.value})
    await back_to_where_the_reader_was(query, state, bot, i18n, contacts)


def get_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.message.register(ask_language, Command("language"))
    router.callback_query.register(ask_language, Do.filter(F.action == Action.LANGUAGES))
    router.callback_query.register(ask_audience, Do.filter(F.action == Action.AUDIENCES))
    router.callback_query.register(choose_role, ChooseRole.filter())
    router.callback_query.register(choose_language, ChooseLanguage.filter())
    router.callback_query.register(choose_audience, ChooseAudience.filter())
    return router
