"""The reader's language: from Telegram's language_code, switched with a button, kept across /start."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from babel.core import get_global

from bot import commands
from bot.app import build_dispatcher
from bot.callbacks import Action, ChooseLanguage, ChooseRole, Do, Role
from bot.config import Contacts
from bot.handlers import start
from bot.languages import (
    DEFAULT_LOCALE,
    LOCALES_DIR,
    catalog_paths,
    compile_catalogs,
    held_back,
    make_i18n,
    match,
    native_name,
)
from bot.middlewares import Throttle
from fake_telegram import OfflineReader
from tests.fake_catalogs import greeting, write_catalog

GREETING = start.GREETING
PRESENT = {p.parent.parent.name: p for p in catalog_paths()}


def regional(lang: str) -> str:
    """The tag a phone set to `lang` sends: "uk" → "uk-UA", "ko" → "ko-KR"."""
    parts = str(get_global("likely_subtags").get(lang, lang)).split("_")
    territory = next((p for p in parts[1:] if len(p) == 2), None)
    return f"{lang.replace('_', '-')}-{territory}" if territory else lang.replace("_", "-")


# Telegram's tag → the catalog it should get, with whichever catalogs the tree has today.
CASES = [
    ("uk-UA", "uk" if "uk" in PRESENT else DEFAULT_LOCALE),
    ("ko-KR", "ko" if "ko" in PRESENT else DEFAULT_LOCALE),
    ("zz", DEFAULT_LOCALE),
    ("", DEFAULT_LOCALE),
    (None, DEFAULT_LOCALE),
    *[(regional(lang), lang) for lang in PRESENT],
]


# The catalogs issue 13 brings, and Russian and English, which stay authoritative.
RECRUITS = ("ru", "en", "uz_Latn", "kk", "ky", "tg", "be", "ne", "hi", "ar", "fr", "es", "zh_Hans")
# A region or script variant of a reader's language → the catalog they get (bot/languages.py).
FALLBACKS = {
    "uz": "uz_Latn",
    "uz-UZ": "uz_Latn",
    "uz-Latn": "uz_Latn",
    "uz-Cyrl": "uz_Latn",  # Uzbek in Latin rather than Russian: see match()
    "uz-Cyrl-UZ": "uz_Latn",
    "zh": "zh_Hans",
    "zh-CN": "zh_Hans",
    "zh-Hant": "zh_Hans",
    "zh-TW": "zh_Hans",
    "zh-HK": "zh_Hans",
    "es-419": "es",
    "es-MX": "es",
    "es-CU": "es",
    "pt-BR": "ru",  # no catalog: the Russian default
    "ar-EG": "ar",
    "ar-SY": "ar",
    "fr-CA": "fr",
    "fr-CM": "fr",
    "kk-KZ": "kk",
    "ky-KG": "ky",
    "tg-TJ": "tg",
    "be-BY": "be",
    "ne-NP": "ne",
    "hi-IN": "hi",
    "en-IN": "en",
}


def dispatcher_for(locales_dir: Path, contacts: Contacts) -> Dispatcher:
    # The toy catalogs below hold a few texts each: offered all the same.
    i18n = make_i18n(locales_dir, offer_incomplete=locales_dir != LOCALES_DIR)
    return build_dispatcher(contacts=contacts, i18n=i18n, throttle=Throttle(enabled=False))


@pytest.mark.parametrize(("language_code", "lang"), CASES)
async def test_the_greeting_comes_in_the_readers_language(
    language_code: str | None, lang: str, contacts: Contacts, bot: Bot
) -> None:
    reader = OfflineReader(dispatcher_for(LOCALES_DIR, contacts), bot, language_code=language_code)
    replies = await reader.send("/start")
    assert [r.method for r in replies] == ["sendMessage"]
    assert replies[0].params["text"] == greeting(PRESENT[lang])


@pytest.fixture
def two_languages(tmp_path: Path) -> Path:
    write_catalog(
        tmp_path, "ru", {GREETING: "Здравствуйте.", "Choose a language:": "Выберите язык:"}
    )
    write_catalog(
        tmp_path,
        "uk",
        {GREETING: "Вітаємо.", "Choose a language:": "Оберіть мову:", "Language": "Мова"},
    )
    return tmp_path


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [
        ("uk-UA", "Вітаємо."),
        ("uk", "Вітаємо."),
        ("ru-UA", "Здравствуйте."),
        ("be-BY", "Здравствуйте."),
        (None, "Здравствуйте."),
    ],
)
async def test_regional_tags_reach_their_catalog(
    two_languages: Path,
    contacts: Contacts,
    bot: Bot,
    language_code: str | None,
    expected: str | None,
) -> None:
    reader = OfflineReader(
        dispatcher_for(two_languages, contacts), bot, language_code=language_code
    )
    replies = await reader.send("/start")
    assert replies[0].params["text"] == expected


async def test_the_language_button_switches_and_the_choice_survives_start(
    two_languages: Path, contacts: Contacts, bot: Bot
) -> None:
    dispatcher = dispatcher_for(two_languages, contacts)
    reader = OfflineReader(dispatcher, bot, language_code="uk-UA")
    await reader.send("/start")
    # The first screen carries the switch, readable whatever language it came in.
    _, buttons = reader.screen()
    switch = [
        b
        for row in buttons
        for b in row
        if b.get("callback_data") == Do(action=Action.LANGUAGES).pack()
    ]
    assert [b["text"] for b in switch] == ["🌐 Мова / Language / Язык / 언어"]

    await reader.press(Do(action=Action.LANGUAGES).pack())
    text, buttons = reader.screen()
    assert text == "Оберіть мову:"
    labels = {b["callback_data"]: b["text"] for row in buttons for b in row}
    # Each language in itself, the current one marked.
    assert labels == {
        ChooseLanguage(code="ru").pack(): "Русский",
        ChooseLanguage(code="uk").pack(): "✓ Українська",
    }

    replies = await reader.press(ChooseLanguage(code="ru").pack())
    assert [r.params["text"] for r in replies if r.method == "editMessageText"] == ["Здравствуйте."]
    # Kept in FSM storage only, under "locale".
    state = dispatcher.fsm.get_context(bot, chat_id=reader.chat["id"], user_id=reader.user["id"])
    assert (await state.get_data())["locale"] == "ru"

    replies = await reader.send("/start")
    assert replies[0].params["text"] == "Здравствуйте."
    language_labels = [
        b["text"] for row in replies[0].params["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert (
        "🌐 Language / Язык / 언어" in language_labels
    )  # the fabricated ru catalog lacks "Language": English leads
    await reader.press(ChooseRole(role=Role.READER).pack())
    await reader.press(Do(action=Action.LANGUAGES).pack())
    assert reader.screen()[0] == "Выберите язык:"


async def test_a_reader_who_chose_a_role_gets_the_menu_in_the_new_language(
    two_languages: Path, contacts: Contacts, bot: Bot
) -> None:
    write_catalog(two_languages, "uk", {GREETING: "Вітаємо.", "Language": "Мова"})
    reader = OfflineReader(dispatcher_for(two_languages, contacts), bot, language_code="ru")
    await reader.send("/start")
    await reader.press(ChooseRole(role=Role.SOLDIER).pack())
    await reader.press(Do(action=Action.LANGUAGES).pack())
    await reader.press(ChooseLanguage(code="uk").pack())
    _, buttons = reader.screen()
    labels = [b["text"] for row in buttons for b in row]
    assert "🌐 Мова" in labels and ChooseRole(role=Role.SOLDIER).pack() not in str(buttons)


@pytest.mark.parametrize(
    ("tag", "known", "expected"),
    [
        ("uk-UA", ("ru", "uk"), "uk"),
        ("ko-KR", ("ru", "ko"), "ko"),
        ("uz-Latn", ("ru", "uz_Latn", "uz_Cyrl"), "uz_Latn"),
        ("uz-Cyrl", ("ru", "uz_Latn", "uz_Cyrl"), "uz_Cyrl"),
        ("uz", ("ru", "uz_Latn", "uz_Cyrl"), "uz_Latn"),  # Uzbek is written in Latin by default
        ("uz-Latn", ("ru", "uz"), "uz"),
        ("pt-br", ("ru", "pt_BR", "pt"), "pt_BR"),
        ("pt", ("ru", "pt_BR"), "pt_BR"),
        ("en-GB", ("ru", "en"), "en"),
        ("ru_RU", ("ru",), "ru"),
        ("zz", ("ru",), None),
        ("", ("ru",), None),
        (None, ("ru",), None),
        ("x-klingon", ("ru",), None),
        ("be", ("ru", "uk"), None),
        # The recruits' languages, with the tags their phones send.
        *[(tag, RECRUITS, None if tag == "pt-BR" else lang) for tag, lang in FALLBACKS.items()],
    ],
)
def test_match(tag: str | None, known: tuple[str, ...], expected: str | None) -> None:
    assert match(tag, known) == expected


async def test_a_variant_of_a_recruits_language_reaches_its_catalog(
    tmp_path: Path, contacts: Contacts, bot: Bot
) -> None:
    for lang in RECRUITS:
        write_catalog(tmp_path, lang, {GREETING: f"greeting in {lang}"})
    d = dispatcher_for(tmp_path, contacts)
    for number, (tag, lang) in enumerate(FALLBACKS.items()):
        reader = OfflineReader(d, bot, user_id=100 + number, language_code=tag)
        [sent] = [r for r in await reader.send("/start") if r.method == "sendMessage"]
        assert sent.params["text"] == f"greeting in {lang}", tag


def test_native_names_come_from_cldr() -> None:
    assert native_name("ru") == "Русский"
    assert native_name("uk") == "Українська"
    assert native_name("ko") == "한국어 (조선말)"  # CLDR, and the name North Koreans use
    assert native_name("uz_Latn") == "O‘zbek (lotin)"
    # The recruits' languages, each in itself, as the language list shows them.
    assert [native_name(lang) for lang in RECRUITS[2:]] == [
        "O‘zbek (lotin)",
        "Қазақ тілі",
        "Кыргызча",
        "Тоҷикӣ",
        "Беларуская",
        "नेपाली",
        "हिन्दी",
        "العربية",
        "Français",
        "Español",
        "中文 (简体)",
    ]
    assert native_name("zz") == "zz"


def test_a_stale_mo_is_compiled_again_even_when_the_po_looks_older(tmp_path: Path) -> None:
    po = write_catalog(tmp_path, "uk", {"Main menu": "Меню"})
    assert compile_catalogs(tmp_path) == [po]
    assert compile_catalogs(tmp_path) == []  # unchanged: nothing to do
    assert make_i18n(tmp_path, offer_incomplete=True).gettext("Main menu", locale="uk") == "Меню"
    # An older copy put back (a checkout, `cp -p`, an unpacked archive): its mtime is in the past.
    old = po.stat().st_mtime_ns - 3600 * 10**9
    write_catalog(tmp_path, "uk", {"Main menu": "Головне меню"})
    os.utime(po, ns=(old, old))
    assert compile_catalogs(tmp_path) == [po]
    assert (
        make_i18n(tmp_path, offer_incomplete=True).gettext("Main menu", locale="uk")
        == "Головне меню"
    )
    assert not list(tmp_path.rglob(".*.mo.*"))  # no half-written files left behind


@pytest.fixture
def with_kazakh(tmp_path: Path) -> Path:
    """The real catalogs, and Kazakh just added with `locales add kk`: every text still empty.
    (locales/kk, the real Kazakh catalog, is left out of the copy: it is added anew.)"""
    locales = tmp_path / "locales"
    compiled = shutil.ignore_patterns("*.mo", "*.check")

    def ignore(folder: str, names: list[str]) -> set[str]:
        kazakh = {"kk"} if Path(folder) == LOCALES_DIR else set()
        return kazakh | compiled(folder, names)

    shutil.copytree(LOCALES_DIR, locales, ignore=ignore)
    added = subprocess.run(
        [sys.executable, "-m", "bot", "locales", "--locales", str(locales), "add", "kk"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    return locales


async def test_a_partial_catalog_does_not_reach_readers(
    with_kazakh: Path, contacts: Contacts, bot: Bot
) -> None:
    assert "kk" in held_back(with_kazakh) and "untranslated" in held_back(with_kazakh)["kk"]
    i18n = make_i18n(with_kazakh)
    assert "kk" not in i18n.available_locales and "uk" in i18n.available_locales
    dispatcher = build_dispatcher(contacts=contacts, i18n=i18n, throttle=Throttle(enabled=False))
    reader = OfflineReader(dispatcher, bot, language_code="kk")
    [first] = await reader.send("/start")
    assert first.params["text"] == greeting(PRESENT["ru"])  # Russian, not English
    [menu] = await reader.send("/language")
    offered = [
        b["callback_data"] for row in menu.params["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert not any(data.endswith(":kk") for data in offered) and any(
        d.endswith(":uk") for d in offered
    )
    assert "kk" not in commands.telegram_languages(i18n)  # no commands published in Kazakh


def test_a_catalog_is_offered_once_complete_and_the_verdict_is_kept(with_kazakh: Path) -> None:
    kk = with_kazakh / "kk" / "LC_MESSAGES" / "messages.po"
    english = (with_kazakh / "en" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    kk.write_text(english.replace("Language: en\\n", "Language: kk\\n"), encoding="utf-8")
    assert "kk" not in held_back(with_kazakh)  # complete and sound (kk has English's plural rule)
    assert "kk" in make_i18n(with_kazakh).available_locales
    # The check runs when a catalog or the template changes, not at every start.
    checked = kk.with_name("messages.check").stat().st_mtime_ns
    held_back(with_kazakh)
    assert kk.with_name("messages.check").stat().st_mtime_ns == checked
