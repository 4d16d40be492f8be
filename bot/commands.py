"""The bot's public face in every language: its commands, description and short description."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BotCommand
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from babel import Locale, UnknownLocaleError

from bot.languages import DEFAULT_LOCALE, available, match

log = logging.getLogger(__name__)


def command_list() -> list[BotCommand]:
    return [
        BotCommand(command="start", description=_("Begin again")),
        BotCommand(command="menu", description=_("Main menu")),
        BotCommand(command="language", description=_("Change the language")),
        BotCommand(command="erase", description=_("Delete the last 48 hours of this chat")),
        BotCommand(command="help", description=_("How to use this bot")),
    ]


def description() -> str:  # setMyDescription: at most 512 characters
    return _(
        "Answers about Ukraine's «I Want to Live» project and the rights the Geneva Conventions "
        "give a prisoner of war. This bot takes no requests and keeps nothing that could identify "
        "you. /erase deletes the last 48 hours of the chat; Telegram lets a bot delete nothing "
        "older, so delete the chat in Telegram for the rest."
    )


def short_description() -> str:  # setMyShortDescription: at most 120 characters
    return _(
        "What «I Want to Live» offers, and a prisoner of war's rights. Keeps nothing about you."
    )


def telegram_languages(i18n: I18n) -> dict[str, str]:
    """Telegram's language_code → the catalog its readers get.

    Telegram localizes commands by a two-letter ISO 639-1 code only, so "uz_Latn" is published
    as "uz" (the catalog a reader whose phone says "uz" gets), and a language without such a code
    keeps the Russian default.
    """
    codes: dict[str, str] = {}
    for lang in available(i18n):
        try:
            language = Locale.parse(lang).language
        except (ValueError, UnknownLocaleError):
            continue
        if len(language) == 2 and language not in codes:
            codes[language] = match(language, available(i18n)) or lang
    return codes


async def publish(bot: Bot, i18n: I18n) -> None:
    """Set commands and descriptions for every language, and the default set in Russian."""
    for code, lang in [(None, DEFAULT_LOCALE), *telegram_languages(i18n).items()]:
        with i18n.context(), i18n.use_locale(lang):
            try:
                await bot.set_my_commands(command_list(), language_code=code)
                await bot.set_my_description(description(), language_code=code)
                await bot.set_my_short_description(short_description(), language_code=code)
            except TelegramBadRequest as error:
                # A translation Telegram refuses (too long, say) must not keep the bot from
                # starting: that language keeps the default. `locales check` catches it earlier.
                log.warning("Telegram refused the commands in %s: %s", lang, error.message)
