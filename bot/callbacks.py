"""Callback data factories: buttons carry short ids, never labels (every value stays ASCII so that
callback_data is far under Telegram's 64 bytes)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.content.audiences import Audience


class Role(StrEnum):
    """What the reader wants to read about first. It chooses the first screen and is counted; it is
    not kept."""

    SOLDIER = "soldier"
    RELATIVE = "relative"
    READER = "reader"


class Nav(CallbackData, prefix="n"):
    """Open a section of the menu tree."""

    to: str


class ChooseRole(CallbackData, prefix="r"):
    role: Role


class ChooseAudience(CallbackData, prefix="a"):
    audience: Audience


class ChooseLanguage(CallbackData, prefix="l"):
    code: str


class Action(StrEnum):
    LANGUAGES = "languages"  # show the language list
    AUDIENCES = "audiences"  # show whom the texts can be written for
    ERASE = "erase"  # same as /erase


class Do(CallbackData, prefix="d"):
    action: Action
