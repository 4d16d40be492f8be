"""/start and the first screen: what the reader wants to read about, whom the texts are written
for, and the language."""

from __future__ import annotations

from functools import partial

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, get_i18n
from aiogram.utils.i18n import gettext as _

from bot import deep_links, keyboards, review
from bot.audiences import chosen, effective, offered
from bot.callbacks import Action, ChooseAudience, ChooseLanguage, ChooseRole, Do, Role
from bot.config import Contacts, Settings
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


def greeting(
    audience: Audience = Audience.DEFAULT,
    offered: tuple[Audience, ...] = (),
    drafts: frozenset[str] = frozenset(),
) -> Screen:
    """The first screen in the current language; `drafts`: the languages whose catalog is a
    machine draft, whose readers are told so and offered the authoritative texts."""
    text = _(GREETING).format(audience=_(NOTES[audience]))
    i18n = get_i18n()
    authoritative: tuple[str, ...] = ()
    if i18n.current_locale in drafts:
        text = f"<i>{_(review.DRAFT_NOTE)}</i>\n\n{text}"
        authoritative = tuple(
            code
            for code in review.AUTHORITATIVE
            if code != i18n.current_locale and code in i18n.available_locales
        )
    return Screen(text, keyboards.role_keyboard(len(offered) > 1, authoritative))


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
    command: CommandObject | None = None,
    drafts: frozenset[str] = frozenset(),
    settings: Settings | None = None,
) -> None:
    if message.from_user is None:  # never in a private chat (bot/app.py): the sender is named there
        return
    # A new start forgets everything but the reader's own choices and the ids /erase needs.
    data = await state.get_data()
    kept = {k: data[k] for k in KEPT_BY_START if k in data}
    locale = i18n.current_locale
    link = None
    if command is not None and command.args:  # "/start <payload>": a leaflet's or a video's link
        link = deep_links.parse(command.args, i18n.available_locales, partial(offered, i18n))
    if link is not None:
        # As if the reader had chosen the language (and the audience) on the first screen; a link
        # that names no audience leaves it to the language.
        locale = kept[LOCALE] = link.lang
        if link.audience is None:
            kept.pop(AUDIENCE, None)
        else:
            kept[AUDIENCE] = link.audience.value
        audience = effective(chosen(kept), locale, offered(i18n, locale))
    await state.set_data(kept)
    await state.set_state(Flow.choosing_role)
    user_id = message.from_user.id
    counter.record(Event.STARTED, lang=locale, audience=audience, user_id=user_id)
    if (
        link is not None
        and link.campaign is not None
        and link.campaign in (settings.campaigns if settings else ())
    ):
        counter.record(
            Event.CAMPAIGN, lang=locale, audience=audience, user_id=user_id, topic=link.campaign
        )
    with i18n.use_locale(locale):
        await show(message, state, bot, greeting(audience, offered(i18n, locale), drafts))


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
    query: CallbackQuery,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    contacts: Contacts,
    drafts: frozenset[str] = frozenset(),
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
        await show(query, state, bot, greeting(audience, available_here, drafts))


async def choose_language(
    query: CallbackQuery,
    callback_data: ChooseLanguage,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    contacts: Contacts,
    callback_answer: CallbackAnswer,
    audience: Audience,
    drafts: frozenset[str] = frozenset(),
) -> None:
    """From the language list, or from the switch to the authoritative text above a draft."""
    if callback_data.code not in i18n.available_locales:  # forged, or a language since removed
        await stale_button(query, state, bot, contacts, callback_answer, audience)
        return
    update = {LOCALE: callback_data.code}
    if audience is not Audience.DEFAULT and chosen(await state.get_data()) is None:
        # The reader's language chose their audience: keep it. A recruit who leaves the Uzbek
        # draft for the Russian text reads what Russian says to recruits, not to Russians.
        update[AUDIENCE] = audience.value
    await state.update_data(update)
    # Answer in the new language at once.
    with i18n.use_locale(callback_data.code):
        await back_to_where_the_reader_was(query, state, bot, i18n, contacts, drafts)


async def choose_audience(
    query: CallbackQuery,
    callback_data: ChooseAudience,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    contacts: Contacts,
    drafts: frozenset[str] = frozenset(),
) -> None:
    await state.update_data({AUDIENCE: callback_data.audience.value})
    await back_to_where_the_reader_was(query, state, bot, i18n, contacts, drafts)


def register(router: Router) -> None:
    router.message.register(start, CommandStart())
    router.message.register(ask_language, Command("language"))
    router.callback_query.register(ask_language, Do.filter(F.action == Action.LANGUAGES))
    router.callback_query.register(ask_audience, Do.filter(F.action == Action.AUDIENCES))
    router.callback_query.register(choose_role, ChooseRole.filter())
    router.callback_query.register(choose_language, ChooseLanguage.filter())
    router.callback_query.register(choose_audience, ChooseAudience.filter())
