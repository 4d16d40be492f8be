"""Right-to-left languages: every screen a reader of such a catalog can reach starts with a letter of
its script (a screen that starts with a Latin word, a quotation mark or a digit is laid out left to
right by Telegram, and reads garbled), and its citations and numbers are intact, in ASCII digits.

Until a right-to-left catalog is in locales/ (Arabic comes with issue 13), the check of the real
catalogs has nothing to check and says so (skipped); a tiny fabricated Arabic catalog proves that
it catches what it should."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.utils.i18n import I18n
from babel import Locale
from babel.core import get_global
from babel.messages.pofile import read_po

from bot import telegram_html
from bot.app import build_dispatcher
from bot.audiences import offered
from bot.callbacks import Action, ChooseLanguage, Do
from bot.config import Contacts
from bot.content.audiences import Audience
from bot.content.tree import HOME, SECTIONS
from bot.languages import DOMAIN, LOCALES_DIR, catalog_paths, compile_catalogs
from bot.middlewares import Throttle
from fake_telegram import OfflineReader, updates
from tests.fake_catalogs import write_catalog
from translators import catalogs
from translators.catalog_check import _digits_differ
from translators.plurals import plural_forms

TEMPLATE = catalogs.extract()
# Digits other than ASCII 0-9 (Arabic-Indic, Persian, ...): the catalogs write numbers as the source.
_NON_ASCII_DIGIT = re.compile(r"(?![0-9])\d")


def language(po: Path) -> str:
    return po.parent.parent.name


def right_to_left(lang: str) -> bool:
    return Locale.parse(lang).text_direction == "rtl"


def script(lang: str) -> str:
    """The language's script as CLDR names it in English, upper case ("ARABIC", "HEBREW")."""
    locale = Locale.parse(lang)
    code = locale.script or str(get_global("likely_subtags").get(locale.language, "")).split("_")[1]
    return Locale("en").scripts.get(code, code).upper()


def first_letter_problem(text: str, script_name: str) -> str:
    """Why the visible text (tags removed) does not start with a letter of the script, or ""."""
    visible = telegram_html.parse(text)[0].lstrip()
    first = visible[:1]
    if not first:
        return "is empty"
    name = unicodedata.name(first, "")
    if unicodedata.category(first).startswith("L") and name.startswith(script_name + " "):
        return ""
    return f"starts with {first!r} ({name or 'unnamed'}): «{' '.join(visible[:40].split())}»"


def number_problems(po: Path) -> list[str]:
    """Every translated entry keeps every number of its source, by value, in ASCII digits (a
    citation's article number included)."""
    with po.open("rb") as file:
        catalog = read_po(file, locale=language(po))
    found = []
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue
        strings = (
            tuple(message.string)
            if isinstance(message.string, (tuple, list))
            else (message.string,)
        )
        if any(_NON_ASCII_DIGIT.search(string) for string in strings):
            found.append(f"«{str(message.id)[:40]}»: digits other than 0-9")
        if isinstance(message.id, str) and (differ := _digits_differ(message.id, strings[0])):
            found.append(f"«{message.id[:40]}»: {differ}")
    return found


async def screens(i18n: I18n, lang: str, contacts: Contacts, bot: Bot) -> list[tuple[str, str]]:
    """Every screen a reader in `lang` reaches, for every audience the language offers, as (how it
    was reached, its text)."""
    every: list[tuple[str, str]] = []
    for number, audience in enumerate(offered(i18n, lang)):
        dispatcher = build_dispatcher(
            contacts=contacts, i18n=i18n, throttle=Throttle(enabled=False)
        )
        reader = OfflineReader(dispatcher, bot, user_id=1000 + number, language_code="ru")
        shown = await _walk(reader, lang, audience)
        every += [(f"{audience.value}, {where}", text) for where, text in shown]
    return every


async def _walk(reader: OfflineReader, lang: str, audience: Audience) -> list[tuple[str, str]]:
    """From a start link, every button (but other languages'), the commands, and what anything
    else gets."""
    shown: list[tuple[str, str]] = []

    async def act(where: str, update: dict) -> None:
        for request in await reader.feed(update):
            if request.method in ("sendMessage", "editMessageText"):
                shown.append((where, request.params["text"]))
            elif request.method == "answerCallbackQuery" and request.params.get("text"):
                shown.append((f"{where} (its answer)", request.params["text"]))

    start = f"/start {lang}-{audience.value}"  # a start link opens the language for them
    await act(start, reader.typing(start))
    queue, seen = [], set()
    erase, stay = Do(action=Action.ERASE).pack(), ChooseLanguage(code=lang).pack()
    while True:
        for row in reader.screen()[1]:
            for button in row:
                data = button.get("callback_data")
                # Another language's button leads out of this one; erasing comes last.
                if data and data not in seen and (not data.startswith("l:") or data == stay):
                    seen.add(data)
                    queue.append(data)
        queue.sort(key=lambda data: data == erase)
        if not queue:
            break
        data = queue.pop(0)
        await act(f"button {data}", reader.pressing(data))
    await act(start, reader.typing(start))  # erasing forgot the language: open it again
    for command in ("/help", "/menu", "/language", "/unknown", "a question nothing answers"):
        await act(command, reader.typing(command))
    sticker = {"file_id": "x", "file_unique_id": "x", "type": "regular", "width": 1}
    sticker |= {"height": 1, "is_animated": False, "is_video": False}
    await act("a sticker", updates.message(reader.user, chat=reader.chat, sticker=sticker))
    location = {"latitude": 1.0, "longitude": 2.0}
    await act("a location", updates.message(reader.user, chat=reader.chat, location=location))
    await act("an old button", reader.pressing("n:no-such-section"))
    return shown


def screen_problems(shown: list[tuple[str, str]], lang: str) -> list[str]:
    script_name = script(lang)
    found = [
        f"{where}: {problem}"
        for where, text in shown
        if (problem := first_letter_problem(text, script_name))
    ]
    found += [
        f"{where}: digits other than 0-9"
        for where, text in shown
        if _NON_ASCII_DIGIT.search(telegram_html.parse(text)[0])
    ]
    return sorted(set(found))


RTL = [po for po in catalog_paths() if right_to_left(language(po))]


@pytest.mark.parametrize(
    "po",
    [pytest.param(po, id=language(po)) for po in RTL]
    or [
        pytest.param(
            None, marks=pytest.mark.skip(reason="no right-to-left catalog in locales/ yet")
        )
    ],
)
async def test_every_screen_of_a_right_to_left_catalog_starts_in_its_script(
    po: Path, contacts: Contacts, bot: Bot
) -> None:
    lang = language(po)
    i18n = _i18n(LOCALES_DIR)
    assert lang in i18n.available_locales
    shown = await screens(i18n, lang, contacts, bot)
    problems = screen_problems(shown, lang) + number_problems(po)
    assert problems == [], "\n".join(problems)


# -- the check itself, on a fabricated Arabic catalog -------------------------------------------
ARABIC = "ب "  # a letter of the Arabic script, so that every text starts with one


def _i18n(locales_dir: Path) -> I18n:
    """Every catalog in the folder, as the bot reads them (none held back: a test's toy catalog)."""
    compile_catalogs(locales_dir)
    return I18n(path=locales_dir, default_locale="ru", domain=DOMAIN)


def arabic_entries(**changes: str) -> dict:
    """Every text of the template, each starting with an Arabic letter; `changes` by msgid."""
    entries: dict = {}
    for message in TEMPLATE:
        if not message.id:
            continue
        if isinstance(message.id, str):
            entries[message.id] = ARABIC + message.id
        else:  # Arabic has six plural forms
            entries[message.id] = tuple(ARABIC + message.id[1] for _ in range(6))
    return {**entries, **changes}


def fabricated(tmp_path: Path, review: str = "draft", **changes: str) -> Path:
    write_catalog(tmp_path, "ru", {}, review="reviewed")
    return write_catalog(
        tmp_path, "ar", arabic_entries(**changes), header=plural_forms("ar"), review=review
    )


def test_only_arabic_is_right_to_left_among_the_languages_in_view() -> None:
    assert right_to_left("ar") and script("ar") == "ARABIC"
    assert right_to_left("he") and script("he") == "HEBREW"
    for lang in ("ru", "uk", "en", "ko", "uz_Latn", "kk", "zh_Hans", "hi", "ne", "fr", "es", "be"):
        assert not right_to_left(lang), lang


async def test_a_fabricated_arabic_catalog_written_right_passes(
    tmp_path: Path, contacts: Contacts, bot: Bot
) -> None:
    po = fabricated(tmp_path)
    shown = await screens(_i18n(tmp_path), "ar", contacts, bot)
    assert screen_problems(shown, "ar") == []
    assert number_problems(po) == []
    # It looked: every audience, every section, the commands and the odd messages.
    reached = {where for where, _text in shown}
    for audience in Audience:
        assert f"{audience.value}, /start ar-{audience.value}" in reached
        assert all(
            f"{audience.value}, button n:{s.id}" in reached for s in SECTIONS if s.id != HOME
        )
    assert {"foreign, /language", "foreign, a sticker", "foreign, a location"} <= reached


async def test_a_screen_starting_with_a_latin_word_a_quote_or_a_digit_is_caught(
    tmp_path: Path, contacts: Contacts, bot: Bot
) -> None:
    from bot.content.tree import BY_ID
    from bot.handlers.start import GREETING

    program, rights = BY_ID["program"].text, BY_ID["rights"].text
    fabricated(
        tmp_path,
        review="reviewed",  # no draft line above the first screen: the greeting comes first
        **{
            GREETING: "Hochu Zhit " + GREETING,  # a Latin word first
            program: "«Хочу жить» " + program,  # a quotation mark first
            rights: "17 " + rights,
        },
    )
    problems = screen_problems(await screens(_i18n(tmp_path), "ar", contacts, bot), "ar")
    assert problems, "nothing caught"
    text = "\n".join(problems)
    assert "starts with 'H' (LATIN CAPITAL LETTER H)" in text
    assert "starts with '«'" in text and "starts with '1' (DIGIT ONE)" in text
    # Only those screens: the first screen (for each audience, however reached), and two sections.
    assert {p.split(": ", 1)[1][:14] for p in problems} == {
        "starts with 'H",
        "starts with '«",
        "starts with '1",
    }


def test_a_changed_number_or_another_kind_of_digits_is_caught(tmp_path: Path) -> None:
    from bot.content.tree import BY_ID

    text = BY_ID["r_work"].text  # cites GC III articles by number
    assert "49" in text
    po = fabricated(tmp_path, **{text: ARABIC + text.replace("49", "94", 1)})
    assert [p for p in number_problems(po) if "numbers differ" in p]
    po = fabricated(tmp_path, **{text: ARABIC + text.replace("49", "٤٩")})
    assert [p for p in number_problems(po) if "digits other than 0-9" in p]


async def test_the_draft_line_above_the_first_screen_is_held_to_it_too(
    tmp_path: Path, contacts: Contacts, bot: Bot
) -> None:
    from bot.review import DRAFT_NOTE

    fabricated(tmp_path, review="draft", **{DRAFT_NOTE: "Draft: " + DRAFT_NOTE})
    problems = screen_problems(await screens(_i18n(tmp_path), "ar", contacts, bot), "ar")
    assert problems and all("starts with 'D' (LATIN CAPITAL LETTER D)" in p for p in problems)
    assert any(p.startswith("foreign, /start ar-foreign: ") for p in problems)
