"""/stats: the counts for admins, in their language; for anyone else, an unknown command."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from babel import Locale
from babel.messages.pofile import read_po

from bot import telegram_html
from bot.app import build_dispatcher
from bot.config import Contacts, Settings
from bot.handlers import admin as admin_handlers
from bot.handlers.admin import render
from bot.languages import catalog_paths
from bot.middlewares import Throttle
from fake_telegram import Call, OfflineReader
from storage import Counter, Event, Period, SQLiteCounter, Totals

from .conftest import TOKEN

ADMIN = 111_111
NOT_ADMIN = 222_222
NOW = datetime(2025, 5, 20, 9, 30, tzinfo=UTC).timestamp()


@pytest.fixture
async def counter(tmp_path: Path) -> AsyncIterator[SQLiteCounter]:
    counter = await SQLiteCounter.open(
        tmp_path / "counts.sqlite3", clock=lambda: NOW, flush_interval=3600
    )
    yield counter
    await counter.close()


def make_dispatcher(contacts: Contacts, counter: Counter | None) -> Dispatcher:
    settings = Settings(token=TOKEN, admins=frozenset({ADMIN}), _env_file=None)
    return build_dispatcher(
        contacts=contacts,
        counter=counter,
        settings=settings,
        throttle=Throttle(enabled=False),
    )


def texts(requests: Iterable[Call]) -> list[str]:
    return [r.params["text"] for r in requests if r.method == "sendMessage"]


async def test_admin_sees_the_counts(contacts: Contacts, bot: Bot, counter: SQLiteCounter) -> None:
    dispatcher = make_dispatcher(contacts, counter)
    for user in range(12):
        counter.record(Event.STARTED, lang="ru", user_id=5000 + user)
    counter.record(Event.SECTION_READ, lang="uk", user_id=6000, topic="faq")
    admin = OfflineReader(dispatcher, bot, user_id=ADMIN, language_code="ru")
    replies = await admin.send("/stats")
    [text] = texts(replies)
    assert telegram_html.problems(text) == []
    assert "20 мая 2025" in text  # today, by Babel, in Russian
    assert "<b>12</b>" in text and "<b>13</b>" in text  # ru readers; all languages
    assert "украинский" in text  # a language's name, in the admin's language
    assert "Счётчики" in text and "Counts" not in text  # the heading is translated too


async def test_admin_numbers_and_dates_follow_the_admin_language(
    contacts: Contacts, bot: Bot, counter: SQLiteCounter
) -> None:
    dispatcher = make_dispatcher(contacts, counter)
    for user in range(1234):
        counter.record(Event.STARTED, lang="ko", user_id=user)
    admin = OfflineReader(dispatcher, bot, user_id=ADMIN, language_code="en")
    [text] = texts(await admin.send("/stats"))
    assert "1,234" in text and "May 20, 2025" in text and "Korean" in text
    assert telegram_html.problems(text) == []


async def test_admin_sees_readers_by_audience(
    contacts: Contacts, bot: Bot, counter: SQLiteCounter
) -> None:
    dispatcher = make_dispatcher(contacts, counter)
    for user in range(3):
        counter.record(Event.STARTED, lang="ko", audience="dprk", user_id=7000 + user)
    counter.record(Event.STARTED, lang="en", audience="foreign", user_id=8000)
    admin = OfflineReader(dispatcher, bot, user_id=ADMIN, language_code="en")
    [text] = texts(await admin.send("/stats"))
    [line] = [html.unescape(ln) for ln in text.splitlines() if ln.startswith("Readers by audience")]
    assert "North Korean soldiers 3" in line and "Foreigners in Russia's army 1" in line


async def test_stats_from_anyone_else_is_an_unknown_command(
    contacts: Contacts, bot: Bot, counter: SQLiteCounter, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatcher = make_dispatcher(contacts, counter)
    counter.record(Event.STARTED, lang="ru", user_id=1)
    asked = []
    original = counter.report

    async def spy(period: Period) -> Totals:
        asked.append(period)
        return await original(period)

    monkeypatch.setattr(counter, "report", spy)
    stranger = OfflineReader(dispatcher, bot, user_id=NOT_ADMIN, language_code="ru")
    other = OfflineReader(dispatcher, bot, user_id=NOT_ADMIN + 1, language_code="ru")
    to_stats = await stranger.send("/stats")
    to_unknown = await other.send("/no_such_command")
    strip = lambda rs: [(r.method, r.params.get("text"), r.params.get("reply_markup")) for r in rs]  # noqa: E731 - one line, read where it is used
    assert strip(to_stats) == strip(to_unknown)
    assert asked == []  # the database was not even read


async def test_stats_without_a_database(contacts: Contacts, bot: Bot) -> None:
    dispatcher = make_dispatcher(contacts, None)  # NullCounter
    admin = OfflineReader(dispatcher, bot, user_id=ADMIN, language_code="en")
    [text] = texts(await admin.send("/stats"))
    assert "not kept" in text


async def test_stats_when_the_database_cannot_be_read(
    contacts: Contacts, bot: Bot, tmp_path: Path
) -> None:
    where = tmp_path / "a-directory"
    where.mkdir()
    counter = await SQLiteCounter.open(where, flush_interval=3600)
    try:
        dispatcher = make_dispatcher(contacts, counter)
        admin = OfflineReader(dispatcher, bot, user_id=ADMIN, language_code="en")
        [text] = texts(await admin.send("/stats"))
        assert "cannot be read" in text
    finally:
        await counter.close()


def test_render_fits_one_message_with_many_languages() -> None:
    today = date(2025, 5, 20)
    langs = [f"{a}{b}" for a in "abcdefghij" for b in "klmnop"][:60]
    totals = Totals(
        Period(),
        {
            **{
                (lang, "default", e.value, ""): 1_000_000 + i
                for i, lang in enumerate(langs)
                for e in Event
            },
            **{("ru", "default", "section", f"s{i}"): i for i in range(30)},
        },
        {(lang, audience): 999999 for lang in langs for audience in ("default", "dprk")},
        lost=3,
        first_day=date(2024, 1, 1),
        last_day=today,
    )
    periods = [(title, totals) for title in ("Today", "Last 7 days", "Last 30 days", "All time")]
    for locale in ("ru", "en", "ko", "uk"):
        text = render(periods, today, Locale.parse(locale))
        assert len(text) <= telegram_html.MAX_MESSAGE_LENGTH
        assert telegram_html.problems(text) == []
        assert "…" in text  # some languages left out, and said so


async def test_an_event_without_a_label_is_shown_by_its_name(
    contacts: Contacts, bot: Bot, counter: SQLiteCounter, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels = admin_handlers.event_labels

    def without_erased() -> dict[str, str]:  # an event added to the code, its label forgotten
        return {k: v for k, v in labels().items() if k != Event.ERASED.value}

    monkeypatch.setattr(admin_handlers, "event_labels", without_erased)
    dispatcher = make_dispatcher(contacts, counter)
    counter.record(Event.ERASED, lang="ru", user_id=7)
    admin = OfflineReader(dispatcher, bot, user_id=ADMIN, language_code="en")
    [text] = texts(await admin.send("/stats"))
    assert "erase 1" in text


@pytest.mark.parametrize("po", catalog_paths(), ids=lambda p: p.parent.parent.name)
def test_every_event_has_a_label_in_every_language(po: Path) -> None:
    labels = admin_handlers.event_labels()  # outside a language: the msgids
    assert {event.value for event in Event} <= set(labels)
    with po.open("rb") as file:
        catalog = read_po(file)
    for msgid in labels.values():
        message = catalog.get(msgid)
        assert message is not None and message.string and not message.fuzzy, (po, msgid)


async def test_stats_says_distinct_readers_are_counted_again_after_a_restart(
    contacts: Contacts, bot: Bot, counter: SQLiteCounter
) -> None:
    dispatcher = make_dispatcher(contacts, counter)
    counter.record(Event.STARTED, lang="ru", user_id=1)
    for lang, words in [("en", ("restart", "memory")), ("ru", ("перезапуск", "памяти"))]:
        admin = OfflineReader(dispatcher, bot, user_id=ADMIN, language_code=lang)
        [text] = texts(await admin.send("/stats"))
        assert all(word in text for word in words), text
