"""Which languages the bot speaks, how each is named, and how a reader's language is chosen.

A language is a folder under locales/ with a catalog in it: adding one needs no code.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import FSMI18nMiddleware, I18n
from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
DEFAULT_LOCALE = "ru"  # the language of most readers, and the fallback for any other

log = logging.getLogger(__name__)


def catalog_paths(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    return sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Compile every .po newer than its .mo, so a translator edits, restarts, and sees it."""
    compiled = []
    for po_path in catalog_paths(locales_dir):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        compiled.append(po_path)
    if compiled:
        log.info("compiled %d catalog(s)", len(compiled))
    return compiled


def make_i18n(locales_dir: Path = LOCALES_DIR) -> I18n:
    compile_catalogs(locales_dir)
    return I18n(path=locales_dir, default_locale=DEFAULT_LOCALE, domain=DOMAIN)


def available(i18n: I18n) -> list[str]:
    """Russian first, then the rest in a stable order."""
    return sorted(i18n.available_locales, key=lambda code: (code != DEFAULT_LOCALE, code))


@lru_cache(maxsize=None)
def native_name(code: str) -> str:
    """The language's name written in that language, from CLDR ("Русский", "한국어")."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def match(language_code: str | None, known: tuple[str, ...] | list[str]) -> str | None:
    """Map Telegram's IETF tag ("uk-UA", "uz-Latn", "pt-br") to a catalog we have, or None."""
    if not language_code:
        return None
    try:
        locale = Locale.parse(language_code.replace("_", "-"), sep="-")
    except (ValueError, UnknownLocaleError, TypeError):
        return None
    for candidate in (str(locale), f"{locale.language}_{locale.script}", locale.language):
        if candidate in known:
            return candidate
    return None


class LanguageMiddleware(FSMI18nMiddleware):
    """The reader's language: their choice (kept in FSM storage), else Telegram's language_code,
    else Russian."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        state = data.get("state")
        if state is not None:
            chosen = (await state.get_data()).get(self.key)
            if chosen in self.i18n.available_locales:
                return chosen
        user: User | None = data.get("event_from_user")
        found = match(user.language_code if user else None, tuple(self.i18n.available_locales))
        return found or self.i18n.default_locale
