"""The bot's public face in every language: its commands, description and short description."""
from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.languages import DEFAULT_LOCALE, available


def command_list() -> list[BotCommand]:
    return [
        BotCommand(command="start", description=_("Begin again")),
        BotCommand(command="menu", description=_("Main menu")),
        BotCommand(command="language", description=_("Change the language")),
        BotCommand(command="erase", description=_("Delete this chat")),
        BotCommand(command="help", description=_("How to use this bot")),
    ]


def description() -> str:  # setMyDescription: at most 512 characters
    return _(
        "Calm, true answers about Ukraine's «I Want to Live» project and the rights of a "
        "prisoner of war under the Geneva Conventions. This bot takes no requests and keeps "
        "nothing that could identify you. /erase deletes the chat."
    )


def short_description() -> str:  # setMyShortDescription: at most 120 characters
    return _("What «I Want to Live» offers, and a prisoner of war's rights. Keeps nothing about you.")


async def publish(bot: Bot, i18n: I18n) -> None:
    """Set commands and descriptions for every language, and the default set in Russian."""
    for code in [None, *available(i18n)]:
        with i18n.context(), i18n.use_locale(code or DEFAULT_LOCALE):
            await bot.set_my_commands(command_list(), language_code=code)
            await bot.set_my_description(description(), language_code=code)
            await bot.set_my_short_description(short_description(), language_code=code)
