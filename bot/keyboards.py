"""Every inline keyboard the bot shows. Labels are translated here, at build time."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import Action, ChooseAudience, ChooseLanguage, ChooseRole, Do, Nav, Role
from bot.config import Contacts
from bot.content.audiences import LABELS, Audience
from bot.content.tree import BY_ID, HOME, PARENT, Extra, Section
from bot.languages import native_name

F = TypeVar("F", bound=Callable[..., InlineKeyboardMarkup])


def _per_language(build: F) -> F:
    """Build each keyboard once per language: a keyboard is a pure function of its (hashable)
    arguments, the catalogs and the current language, and building one through pydantic cost more
    than a quarter of the bot's time per update (benchmarks/run.py). Callers must not change it."""

    @functools.lru_cache(maxsize=2048)
    def cached(i18n: Any, locale: str, *args: Any) -> InlineKeyboardMarkup:
        return build(*args)

    @functools.wraps(build)
    def wrapper(*args: Any) -> InlineKeyboardMarkup:
        i18n = get_i18n()
        return cached(i18n, i18n.current_locale, *args)

    return wrapper  # type: ignore[return-value]  # functools.wraps: it takes and returns what `build` does


def _button(
    text: str, callback: Nav | ChooseRole | ChooseAudience | ChooseLanguage | Do
) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=callback.pack())


def back_home_row(section_id: str) -> list[InlineKeyboardButton]:
    parent = PARENT.get(section_id)
    row = []
    if parent is not None and parent != HOME:
        row.append(_button("◀ " + _("Back"), Nav(to=parent)))
    if section_id != HOME:
        row.append(_button("⌂ " + _("Main menu"), Nav(to=HOME)))
    return row


@_per_language
def section_keyboard(section: Section, contacts: Contacts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for child_id in section.children:
        builder.row(_button(_(BY_ID[child_id].title), Nav(to=child_id)))
    for text, url in link_buttons(section, contacts):
        builder.row(InlineKeyboardButton(text=text, url=url))
    if section.id == HOME:
        # A row each: two on a row leave about 16 characters apiece on a phone, too few for
        # "Erase this chat" in most languages (`locales check` measures every label).
        builder.row(_button("🌐 " + _("Language"), Do(action=Action.LANGUAGES)))
        builder.row(_button("🧹 " + _("Erase this chat"), Do(action=Action.ERASE)))
    if row := back_home_row(section.id):
        builder.row(*row)
    return builder.as_markup()


def link_buttons(section: Section, contacts: Contacts) -> list[tuple[str, str]]:
    """URL buttons for operator-configured channels; phones go into the text instead."""
    links: list[tuple[str, str]] = []
    if section.extra is Extra.CONTACTS:
        if contacts.website:
            links.append((_("Official website"), str(contacts.website)))
        if contacts.telegram_bot:
            links.append((_("Official Telegram bot"), f"https://t.me/{contacts.telegram_bot}"))
        if contacts.telegram_channel:
            links.append(
                (_("Official Telegram channel"), f"https://t.me/{contacts.telegram_channel}")
            )
        links += [(m.name, str(m.url)) for m in contacts.messengers]
    elif section.extra is Extra.FIND:
        if contacts.find_url:
            links.append((_("«I Want to Find» project"), str(contacts.find_url)))
        if contacts.icrc_url:
            links.append((_("Red Cross (ICRC)"), str(contacts.icrc_url)))
    return links


@_per_language
def role_keyboard(
    audiences: bool = False, authoritative: tuple[str, ...] = ()
) -> InlineKeyboardMarkup:
    """The first screen's answers; `audiences`: offer to change whom the texts are written for
    (only where the language offers more than one audience); `authoritative`: the languages a
    reader of a draft translation can switch to in one tap (bot/review.py), each named in itself
    and switched to as from the language list."""
    builder = InlineKeyboardBuilder()
    builder.row(_button(_("Surrender and captivity"), ChooseRole(role=Role.SOLDIER)))
    builder.row(_button(_("About a relative"), ChooseRole(role=Role.RELATIVE)))
    builder.row(_button(_("I just want to read"), ChooseRole(role=Role.READER)))
    if audiences:
        builder.row(_button("👥 " + _("Who the texts are for"), Do(action=Action.AUDIENCES)))
    builder.row(_button(language_switch_label(), Do(action=Action.LANGUAGES)))
    if authoritative:
        builder.row(
            *(_button(native_name(code), ChooseLanguage(code=code)) for code in authoritative)
        )
    return builder.as_markup()


@_per_language
def audience_keyboard(offered: tuple[Audience, ...], current: Audience) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for audience in offered:
        mark = "✓ " if audience is current else ""
        builder.row(_button(mark + _(LABELS[audience]), ChooseAudience(audience=audience)))
    return builder.as_markup()


def language_switch_label() -> str:
    """The switch on the first screen, for a reader the bot guessed the language of wrongly: the
    word in the language shown, then in English and Russian, which most readers can read."""
    # Korean too: a North Korean reader whose phone is set to Russian must find the switch.
    return "🌐 " + " / ".join(dict.fromkeys([_("Language"), "Language", "Язык", "언어"]))


def language_keyboard(codes: list[str], current: str) -> InlineKeyboardMarkup:
    return _language_keyboard(tuple(codes), current)


@_per_language
def _language_keyboard(codes: tuple[str, ...], current: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in codes:
        mark = "✓ " if code == current else ""
        builder.button(text=mark + native_name(code), callback_data=ChooseLanguage(code=code))
    builder.adjust(2)
    return builder.as_markup()


@_per_language
def suggestions_keyboard(section_ids: tuple[str, ...]) -> InlineKeyboardMarkup:
    """The sections that may answer a typed question, best first, then the way to the menu."""
    builder = InlineKeyboardBuilder()
    for section_id in section_ids:
        builder.row(_button(_(BY_ID[section_id].title), Nav(to=section_id)))
    builder.row(_button("☰ " + _("Main menu"), Nav(to=HOME)))
    return builder.as_markup()


@_per_language
def home_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button("☰ " + _("Main menu"), Nav(to=HOME))]])
