"""The bot's commands, description and short description, published in every language at start-up."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot

from bot import commands, telegram_html
from bot.languages import DEFAULT_LOCALE, catalog_paths, make_i18n
from fake_telegram import OfflineSession
from tests.fake_catalogs import translation, untranslated, write_catalog

COMMANDS = untranslated(commands.command_list)
DESCRIPTION = untranslated(commands.description)
SHORT = untranslated(commands.short_description)
PRESENT = {p.parent.parent.name: p for p in catalog_paths()}


def by_language(session: OfflineSession, method: str) -> dict[str | None, dict]:
    calls = session.telegram.calls_to(method)
    return {call.params.get("language_code"): call.params for call in calls}


async def test_every_language_gets_its_commands_and_descriptions_and_russian_is_the_default(
    bot: Bot, session: OfflineSession
) -> None:
    i18n = make_i18n()
    await commands.publish(bot, i18n)
    assert all(r.ok for r in session.telegram.calls), [
        r for r in session.telegram.calls if not r.ok
    ]
    published = commands.telegram_languages(i18n)
    assert set(published.values()) == set(PRESENT)  # every catalog, under Telegram's code for it
    sets = by_language(session, "setMyCommands")
    descriptions = by_language(session, "setMyDescription")
    shorts = by_language(session, "setMyShortDescription")
    assert set(sets) == set(descriptions) == set(shorts) == {None, *published}
    for code, lang in [(None, DEFAULT_LOCALE), *published.items()]:
        po = PRESENT[lang]
        got = sets[code]["commands"]
        assert [c["command"] for c in got] == ["start", "menu", "language", "erase", "help"]
        assert [c["description"] for c in got] == [translation(po, c.description) for c in COMMANDS]
        assert descriptions[code]["description"] == translation(po, DESCRIPTION)
        assert shorts[code]["short_description"] == translation(po, SHORT)
        # Within Telegram's limits (the offline Telegram refuses more, too).
        assert all(1 <= len(c["description"]) <= telegram_html.MAX_COMMAND_DESCRIPTION for c in got)
        assert len(descriptions[code]["description"]) <= telegram_html.MAX_DESCRIPTION
        assert len(shorts[code]["short_description"]) <= telegram_html.MAX_SHORT_DESCRIPTION


async def test_a_script_variant_is_published_under_its_two_letter_code(
    tmp_path: Path, bot: Bot, session: OfflineSession
) -> None:
    write_catalog(tmp_path, "ru", {SHORT: "Коротко."})
    write_catalog(tmp_path, "uz_Latn", {SHORT: "Qisqacha."})
    write_catalog(tmp_path, "uz_Cyrl", {SHORT: "Қисқача."})
    await commands.publish(bot, make_i18n(tmp_path, offer_incomplete=True))
    shorts = by_language(session, "setMyShortDescription")
    # A phone set to Uzbek says "uz", and Uzbek is written in Latin by default.
    assert {code: call["short_description"] for code, call in shorts.items()} == {
        None: "Коротко.",
        "ru": "Коротко.",
        "uz": "Qisqacha.",
    }
    assert all(r.ok for r in session.telegram.calls)


async def test_a_refused_translation_does_not_stop_the_start(
    tmp_path: Path, bot: Bot, session: OfflineSession, caplog: pytest.LogCaptureFixture
) -> None:
    write_catalog(tmp_path, "ru", {SHORT: "Коротко."})
    write_catalog(tmp_path, "uk", {SHORT: "Дуже " * 30, DESCRIPTION: "Опис."})
    with caplog.at_level(logging.WARNING):
        await commands.publish(bot, make_i18n(tmp_path, offer_incomplete=True))
    refused = [r for r in session.telegram.calls if not r.ok]
    assert [(r.method, r.params.get("language_code")) for r in refused] == [
        ("setMyShortDescription", "uk")
    ]
    assert "uk" in caplog.text
    assert by_language(session, "setMyDescription")["uk"]["description"] == "Опис."


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("setMyCommands", {"commands": [{"command": "start", "description": ""}]}),
        ("setMyCommands", {"commands": [{"command": "start", "description": "x" * 257}]}),
        ("setMyCommands", {"commands": [{"command": "Start!", "description": "x"}]}),
        ("setMyCommands", {"commands": [], "language_code": "uz_Latn"}),
        ("setMyDescription", {"description": "x" * 513}),
        ("setMyShortDescription", {"short_description": "x" * 121}),
    ],
)
def test_the_offline_telegram_refuses_what_telegram_refuses(
    method: str, params: dict[str, Any]
) -> None:
    from fake_telegram import Telegram

    status, body = Telegram().call(method, params)
    assert status == 400 and not body["ok"]


async def test_every_recruits_language_is_published_under_the_code_telegram_accepts(
    tmp_path: Path, bot: Bot, session: OfflineSession
) -> None:
    """ISO 639-1 codes only: uz_Latn goes out as uz, zh_Hans as zh."""
    catalogs = (
        "ru",
        "en",
        "uz_Latn",
        "kk",
        "ky",
        "tg",
        "be",
        "ne",
        "hi",
        "ar",
        "fr",
        "es",
        "zh_Hans",
    )
    for lang in catalogs:
        write_catalog(tmp_path, lang, {SHORT: f"short in {lang}", COMMANDS[0].description: lang})
    await commands.publish(bot, make_i18n(tmp_path, offer_incomplete=True))
    assert all(r.ok for r in session.telegram.calls)
    shorts = by_language(session, "setMyShortDescription")
    expected: dict[str | None, str] = {
        None: "short in ru",
        **{lang.split("_")[0]: f"short in {lang}" for lang in catalogs},
    }
    assert {code: call["short_description"] for code, call in shorts.items()} == expected
    sets = by_language(session, "setMyCommands")
    assert sets["zh"]["commands"][0]["description"] == "zh_Hans"
    assert sets["uz"]["commands"][0]["description"] == "uz_Latn"
