"""Whom a reader's texts are written for: which audiences a language offers, and how a reader's
audience is chosen (bot/content/audiences.py says what the audiences are).

A language offers the default audience always, and another audience only when its catalog
translates every text written for that audience: a Korean catalog need not translate the foreign
recruits' texts, and its readers are then not offered them. A reader whose audience the language
does not offer (they chose it, then changed the language) reads the default texts of that
language until they change back: never a screen half in one audience, half in another, and never
English in the middle of a Korean conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aiogram.utils.i18n import I18n

from bot.content.audiences import Audience, for_language
from bot.content.tree import SECTIONS
from bot.states import AUDIENCE

# Every msgid written for an audience other than the default.
TEXTS: dict[Audience, frozenset[str]] = {
    audience: frozenset(s.texts[audience] for s in SECTIONS if audience in s.texts)
    for audience in Audience
    if audience is not Audience.DEFAULT
}


def offered_by(translated: Callable[[str], bool]) -> tuple[Audience, ...]:
    """The audiences a catalog offers, given whether it translates a msgid."""
    return tuple(
        audience
        for audience in Audience
        if audience is Audience.DEFAULT or all(map(translated, TEXTS[audience]))
    )


@lru_cache(maxsize=64)
def offered(i18n: I18n, locale: str) -> tuple[Audience, ...]:
    """The audiences the compiled catalog of `locale` offers (catalogs change only on restart)."""
    translations = i18n.locales.get(locale)
    # GNUTranslations keeps exactly the translated, non-fuzzy entries of the catalog in _catalog;
    # comparing gettext's answer with the msgid would not do for the English catalog.
    catalog = getattr(translations, "_catalog", {})
    return offered_by(catalog.__contains__)


def chosen(data: dict[str, Any]) -> Audience | None:
    """The audience the reader chose, if any (FSM data may be from an older version)."""
    value = data.get(AUDIENCE)
    if not isinstance(value, str):
        return None
    try:
        return Audience(value)
    except ValueError:
        return None


def effective(choice: Audience | None, locale: str, available: tuple[Audience, ...]) -> Audience:
    """Whom the texts are written for: the reader's choice, else what the language points to;
    the default where the language offers neither."""
    wanted = choice or for_language(locale)
    return wanted if wanted in available else Audience.DEFAULT


def of_reader(saved: dict[str, Any], i18n: I18n, locale: str) -> Audience:
    """Whom the texts are written for, for a reader whose FSM data is `saved`, reading `locale`
    (bot.languages.LanguageMiddleware puts it into the handlers' data as `audience`)."""
    return effective(chosen(saved), locale, offered(i18n, locale))
