"""A typed question: the sections that may answer it, as buttons; or, honestly, no answer.

The text is matched in memory (bot/search.py) and forgotten when the handler returns: it is not
stored, logged or counted; only "a question was asked" is counted, with the reader's language.
A command, or a message that reveals a place or a phone number, is not a question: the fallback
router answers those (and deletes the latter first).
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot import keyboards
from bot.config import Contacts
from bot.content.audiences import Audience
from bot.content.tree import HOME
from bot.handlers.fallback import reveals_whereabouts
from bot.screens import Screen, section_screen, show
from bot.search import index_for
from storage import Counter, Event

# A question is short; a longer message is matched on its start, so that no message costs more.
MAX_QUESTION = 300


async def is_question(message: Message) -> bool:
    text = message.text or ""
    return bool(text.strip()) and not text.startswith("/") and not reveals_whereabouts(message)


def answer_screen(
    question: str, i18n: I18n, contacts: Contacts, audience: Audience = Audience.DEFAULT
) -> Screen:
    """The reply to a typed question in the reader's language, from the texts of their audience."""
    found = index_for(i18n, contacts, audience).best(question[:MAX_QUESTION])
    if found:
        text = _("These sections may answer your question:")
        return Screen(text, keyboards.suggestions_keyboard(tuple(found)))
    note = _(
        "There is no answer to that question here. Please choose a section from the menu. "
        "What you type is not kept."
    )
    menu = section_screen(HOME, contacts, audience)
    return Screen(f"{note}\n\n{menu.text}", menu.markup)


async def question(
    message: Message,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    counter: Counter,
    contacts: Contacts,
    audience: Audience,
) -> None:
    if message.from_user is None:  # never in a private chat (bot/app.py): the sender is named there
        return
    counter.record(
        Event.QUESTION_ASKED,
        lang=i18n.current_locale,
        audience=audience,
        user_id=message.from_user.id,
    )
    screen = answer_screen(message.text or "", i18n, contacts, audience)
    await show(message, state, bot, screen)


def register(router: Router) -> None:
    router.message.register(question, is_question)  # coroutines: bot/filters.py says why
