"""Which languages the bot speaks, how each is named, and how a reader's language is chosen.

A language is a folder under locales/ with a catalog in it: adding one needs no code. It reaches
readers (the language menu, the commands, the automatic choice) only once its catalog is complete
and passes `locales check`; until then its readers get Russian. The check runs when a catalog or the
template changes, not at every start: its verdict is kept beside the compiled catalog
(messages.check), keyed by the modification times of the .po and of messages.pot.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import FSMI18nMiddleware, I18n
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot import audiences

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
DEFAULT_LOCALE = "ru"  # the language of most readers, and the fallback for any other

log = logging.getLogger(__name__)


def catalog_paths(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    return sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compile_catalogs(locales_dir: Path = LOCALES_DIR, *, force: bool = False) -> list[Path]:
    """Compile every .po that changed since its .mo was made, so a translator edits, restarts,
    and sees it.

    A .mo carries its .po's modification time; any other time (a newer .po, or an older one put
    back by a copy or a checkout) means the .mo may be stale.
    """
    compiled = []
    for po_path in catalog_paths(locales_dir):
        mo_path = po_path.with_suffix(".mo")
        po_stat = po_path.stat()  # before reading: an edit made meanwhile compiles next time
        if not force and mo_path.exists() and mo_path.stat().st_mtime_ns == po_stat.st_mtime_ns:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # Written aside and renamed, so that a bot starting meanwhile never reads half a file.
        part_path = mo_path.with_name(f".{mo_path.name}.{os.getpid()}")
        with part_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        os.utime(part_path, ns=(po_stat.st_atime_ns, po_stat.st_mtime_ns))
        os.replace(part_path, mo_path)
        compiled.append(po_path)
    if compiled:
        log.info("compiled %d catalog(s)", len(compiled))
    return compiled


def make_i18n(locales_dir: Path = LOCALES_DIR, *, offer_incomplete: bool = False) -> I18n:
    """The catalogs readers may get: every complete and sound one, and Russian, the default.
    `offer_incomplete` offers every catalog (the translators' preview, tests of toy catalogs)."""
    compile_catalogs(locales_dir)
    i18n = I18n(path=locales_dir, default_locale=DEFAULT_LOCALE, domain=DOMAIN)
    if not offer_incomplete:
        for lang in held_back(locales_dir):
            i18n.locales.pop(lang, None)
    return i18n


VERDICT_NAME = f"{DOMAIN}.check"
TEMPLATE_NAME = f"{DOMAIN}.pot"


def held_back(locales_dir: Path = LOCALES_DIR) -> dict[str, str]:
    """Catalogs not offered to readers, each with why ("12 untranslated, 1 html"). Russian is never
    held back: it is the default every other reader falls back to."""
    held = {}
    for po in catalog_paths(locales_dir):
        lang = po.parent.parent.name
        why = _verdict(po, locales_dir / TEMPLATE_NAME)
        if why and lang != DEFAULT_LOCALE:
            held[lang] = why
        elif why:
            log.warning("the %s catalog has problems (%s); shown anyway, as the default", lang, why)
    return held


def _verdict(po: Path, template: Path) -> str:
    """ "" if the catalog is ready for readers, else a summary of its problems; cached."""
    stamp = f"{po.stat().st_mtime_ns} {template.stat().st_mtime_ns if template.exists() else 0}"
    verdict = po.with_name(VERDICT_NAME)
    try:
        kept_stamp, _newline, kept = verdict.read_text(encoding="utf-8").partition("\n")
        if kept_stamp == stamp:
            return kept.strip()
    except (OSError, UnicodeDecodeError):
        pass
    why = _check(po, template)
    part = verdict.with_name(f".{verdict.name}.{os.getpid()}")
    try:
        part.write_text(f"{stamp}\n{why}\n", encoding="utf-8")
        os.replace(part, verdict)
    except OSError as error:  # a read-only tree: check again next time
        log.debug("cannot keep the verdict on %s (%s)", po, type(error).__name__)
    return why


def _check(po: Path, template: Path) -> str:
    # The translators' check, imported only when a catalog changed (about 50 ms a catalog).
    from translators import catalog_check, catalogs

    problems = catalog_check.check_catalog(
        po, catalogs.read(template) if template.exists() else None
    )
    kinds = Counter(problem.kind for problem in problems)
    return ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())


def available(i18n: I18n) -> list[str]:
    """Russian first, then the rest in a stable order."""
    return sorted(i18n.available_locales, key=lambda code: (code != DEFAULT_LOCALE, code))


# Where readers call their language otherwise than CLDR does: North Koreans say 조선말.
ALSO_CALLED = {"ko": "조선말"}


@cache
def native_name(code: str) -> str:
    """The language's name written in that language, from CLDR ("Русский", "한국어 (조선말)")."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    name = name[:1].upper() + name[1:]
    return f"{name} ({ALSO_CALLED[code]})" if code in ALSO_CALLED else name


def match(language_code: str | None, known: tuple[str, ...] | list[str]) -> str | None:
    """Map Telegram's IETF tag ("uk-UA", "uz-Latn", "pt-br") to a catalog we have, or None."""
    if not language_code:
        return None
    try:
        locale = Locale.parse(language_code.replace("_", "-"), sep="-")
    except (ValueError, UnknownLocaleError, TypeError):
        return None
    # A tag without a script means the language's usual one ("uz" is written in Latin).
    script = locale.script or _usual_script(locale.language)
    parts = (locale.language, script, locale.territory)
    candidates = [
        "_".join(filter(None, parts)),  # uz_Latn_UZ
        "_".join(filter(None, parts[:2])),  # uz_Latn
        "_".join(filter(None, (parts[0], parts[2]))),  # pt_BR
        locale.language,  # uz
        # Any other variant of the language beats Russian: "pt" reads pt_BR, zh-Hant and zh-TW
        # read zh_Hans, es-419 reads es. So does uz-Cyrl read uz_Latn: most readers of Uzbek in
        # Cyrillic read Russian too, but they asked for Uzbek; Uzbekistan adopted its Latin
        # alphabet by law in 1993 and has moved official use to it (office work in Latin only
        # from 1 January 2023: Cabinet of Ministers, 10 February 2021, reported by Kun.uz); and
        # Uzbek points them to the foreign recruits' texts, where Russian points to the default
        # audience's (bot/content/audiences.py). Russian is one tap away on the first screen.
        *sorted(k for k in known if k.split("_")[0] == locale.language),
    ]
    return next((c for c in candidates if c in known), None)


# Per update, for every reader who has not chosen a language: Locale.parse costs about 8 µs, 2% of
# an update (benchmarks/run.py). Telegram's language codes are few, so remember each answer.
_match_cached = lru_cache(maxsize=1024)(match)


def _usual_script(language: str) -> str | None:
    likely = str(get_global("likely_subtags").get(language, "")).split("_")
    return likely[1] if len(likely) > 1 and len(likely[1]) == 4 else None


class LanguageMiddleware(FSMI18nMiddleware):
    """The reader's language: their choice (kept in FSM storage), else Telegram's language_code,
    else Russian. And, since whom the texts are written for depends on the language, the reader's
    audience too (`audience` in the handlers' data: bot/audiences.py), from the same read of their
    state."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        state = data.get("state")
        saved: dict[str, Any] = await state.get_data() if state is not None else {}
        locale = self._locale(saved.get(self.key), data)
        data["audience"] = audiences.of_reader(saved, self.i18n, locale)
        return locale

    def _locale(self, chosen: Any, data: dict[str, Any]) -> str:
        if isinstance(chosen, str) and chosen in self.i18n.available_locales:
            return chosen
        user: User | None = data.get("event_from_user")
        found = _match_cached(
            user.language_code if user else None, tuple(self.i18n.available_locales)
        )
        return found or self.i18n.default_locale
