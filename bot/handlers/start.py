"""/start, "who is asking?", and the language switch."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot import keyboards
from bot.callbacks import Action, ChooseLanguage, ChooseRole, Do
from bot.config import Contacts
from bot.content.tree import HOME
from bot.handlers.fallback import stale_button
from bot.languages import available
from bot.screens import Screen, section_screen, show
from storage import Counter, Event


def greeting() -> Screen:
    text = _(
        "<b>Hello.</b> This bot explains, calmly and truthfully, what Ukraine's state project "
        "«I Want to Live» offers, and what the Geneva Conventions guarantee a prisoner of war.\n\n"
        "It does not take requests and keeps nothing that could identify you. "
        "/erase deletes this chat at any time.\n\n"
        "Who is asking?"
    )
    return Screen(text, keyboards.role_keyboard())


def language_screen(i18n: I18n) -> Screen:
    text = _("Choose a language:")
    return Screen(text, keyboards.language_keyboard(available(i18n), i18n.current_locale))


async def start(
    message: Message, state: FSMContext, bot: Bot, i18n: I18n, counter: Counter
) -> None:
    # A new start forgets everything but the chosen language and the ids /erase needs.
    data = await state.get_data()
    keep = {k: data[k] for k in ("locale", "message_ids") if k in data}
    await state.set_data(keep)
    counter.record(Event.STARTED, lang=i18n.current_locale, user_id=message.from_user.id)
    await show(message, state, bot, greeting())


async def choose_role(
    query: CallbackQuery,
    callback_data: ChooseRole,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    counter: Counter,
    contacts: Contacts,
) -> None:
    await state.update_data(role=callback_data.role.value, section=HOME)
    counter.record(
        Event.ROLE_CHOSEN,
        lang=i18n.current_locale,
        user_id=query.from_user.id,
        topic=callback_data.role.value,
    )
    await show(query, state, bot, section_screen(HOME, contacts))


async def ask_language(
    event: Message | CallbackQuery, state: FSMContext, bot: Bot, i18n: I18n
) -> None:
    await show(event, state, bot, language_screen(i18n))


async def choose_language(
    query: CallbackQuery,
    callback_data: ChooseLanguage,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    contacts: Contacts,
    callback_answer: CallbackAnswer,
) -> None:
    if callback_data.code not in i18n.available_locales:  # forged, or a language since removed
        await stale_button(query, state, bot, contacts, callback_answer)
        return
    await state.update_data(locale=callback_data.code)
    # Answer in the new language at once.
    with i18n.use_locale(callback_data.code):
        if (await state.get_data()).get("role"):
            await show(query, state, bot, section_screen(HOME, contacts))
        else:
            await show(query, state, bot, greeting())


def get_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.message.register(ask_language, Command("language"))
    router.callback_query.register(ask_language, Do.filter(F.action == Action.LANGUAGES))
    router.callback_query.register(choose_role, ChooseRole.filter())
    router.callback_query.register(choose_language, ChooseLanguage.filter())
    return router
