"""Start links for leaflets, QR codes and videos: `/start <payload>` opens the first screen in the
link's language and audience, kept like a language chosen from the list; a listed campaign is
counted per day (k-suppressed in the operator's export, shown in /stats); anything else in a
payload is ignored quietly."""

from __future__ import annotations

import argparse
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from hypothesis import given
from hypothesis import strategies as st

from bot import deep_links
from bot.app import build_dispatcher
from bot.audiences import offered
from bot.callbacks import ChooseRole, Role
from bot.cli import stats
from bot.config import Contacts, Settings
from bot.content.audiences import NOTES, Audience, for_language
from bot.content.tree import BY_ID, HOME
from bot.deep_links import Link, parse
from bot.languages import available, catalog_paths, make_i18n
from bot.middlewares import Throttle
from bot.states import AUDIENCE, DATA_KEYS, LOCALE
from fake_telegram import OfflineReader
from storage import Counter, Event, SQLiteCounter
from tests.fake_catalogs import greeting

from .conftest import TOKEN

I18N = make_i18n()
LANGUAGES = available(I18N)
PRESENT = {p.parent.parent.name: p for p in catalog_paths()}
CAMPAIGN = "leaflet-2025-01"


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[Event, str, str, str]] = []

    def record(
        self, event: Event, *, lang: str, user_id: int, topic: str = "", audience: str = "default"
    ) -> None:
        self.events.append((event, lang, str(audience), topic))


def dispatcher(
    contacts: Contacts, counter: Counter | None = None, campaigns: frozenset[str] = frozenset()
) -> Dispatcher:
    settings = Settings(token=TOKEN, campaigns=campaigns, _env_file=None)
    return build_dispatcher(
        contacts=contacts,
        counter=counter,
        settings=settings,
        i18n=I18N,
        throttle=Throttle(enabled=False),
    )


def offers(lang: str) -> tuple[Audience, ...]:
    return offered(I18N, lang)


# -- the format -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("payload", "link"),
    [
        ("ko", Link("ko")),
        ("ru-foreign", Link("ru", Audience.FOREIGN)),
        ("ko-dprk", Link("ko", Audience.NORTH_KOREA)),
        ("en-default", Link("en", Audience.DEFAULT)),
        ("ko--leaflet-2025-01", Link("ko", None, "leaflet-2025-01")),
        ("ru-foreign--video-3", Link("ru", Audience.FOREIGN, "video-3")),
        ("KO", Link("ko")),  # letter case of the language does not matter
        ("uk_UA", Link("uk")),  # nor a region: the catalog a phone so set gets
        ("en--" + "a" * 32, Link("en", None, "a" * 32)),
    ],
)
def test_a_payload_names_a_language_an_audience_and_a_campaign(payload: str, link: Link) -> None:
    assert parse(payload, LANGUAGES, offers) == link


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "zz",  # no such language
        "pt",  # a language the bot has no catalog for
        "ko-martians",  # no such audience
        "ko-foreign",  # an audience Korean does not translate
        "uk-foreign",
        "ko-",
        "-foreign",
        "--leaflet",
        "ko--",
        "ko--Leaflet",  # campaign tags are lowercase
        "ko--leaflet--2025",  # "--" only once
        "ko---leaflet",
        "ko--leaflet-",
        "ko--2025",  # starts with a letter
        "ko--" + "a" * 33,  # at most 32
        "ko leaflet",  # Telegram carries no spaces
        "ko--листовка",
        "ko.leaflet",
        "79161234567",
        "a" * 65,
    ],
)
def test_anything_else_is_not_a_link(payload: str) -> None:
    assert parse(payload, LANGUAGES, offers) is None


@given(st.text(max_size=80) | st.from_regex(deep_links.PAYLOAD, fullmatch=True))
def test_no_payload_breaks_the_parser(payload: str) -> None:
    link = parse(payload, LANGUAGES, offers)
    if link is not None:
        assert link.lang in LANGUAGES
        assert len(link.payload) <= deep_links.MAX_PAYLOAD
        assert deep_links.PAYLOAD.fullmatch(link.payload)


def test_every_link_the_bot_can_make_reads_back_as_itself_within_telegrams_limits() -> None:
    for lang in LANGUAGES:
        for audience in (None, *offers(lang)):
            for campaign in (None, "x", "z" * 32):
                link = Link(lang, audience, campaign)
                assert len(link.payload) <= deep_links.MAX_PAYLOAD
                assert deep_links.PAYLOAD.fullmatch(link.payload)
                assert parse(link.payload, LANGUAGES, offers) == link
                assert link.url("hochu_bot") == f"https://t.me/hochu_bot?start={link.payload}"


# -- what /start <payload> does -----------------------------------------------------------------
@pytest.mark.parametrize("po", PRESENT.values(), ids=PRESENT.keys())
async def test_a_start_link_opens_every_language(po: Path, contacts: Contacts, bot: Bot) -> None:
    """Whatever the reader's phone says, the link's language, and the audience it points to."""
    lang = po.parent.parent.name
    d = dispatcher(contacts)
    reader = OfflineReader(d, bot, language_code="ko" if lang != "ko" else "ru")  # not the link's
    [sent] = [r for r in await reader.send(f"/start {lang}") if r.method == "sendMessage"]
    audience = for_language(lang) if for_language(lang) in offers(lang) else Audience.DEFAULT
    assert sent.params["text"] == greeting(po, audience)
    # Kept like a language chosen from the list: the next screens come in it too.
    state = d.fsm.get_context(bot, chat_id=reader.chat["id"], user_id=reader.user["id"])
    assert (await state.get_data())[LOCALE] == lang
    await reader.press(ChooseRole(role=Role.SOLDIER).pack())
    expected = I18N.gettext(BY_ID[HOME].text_for(audience), locale=lang)
    assert reader.screen()[0].startswith(expected)
    # Each audience the language offers, by name.
    for other in offers(lang):
        [sent] = [
            r
            for r in await reader.send(f"/start {lang}-{other.value}")
            if r.method == "sendMessage"
        ]
        assert I18N.gettext(NOTES[other], locale=lang) in sent.params["text"]
        assert (await state.get_data())[AUDIENCE] == other.value


async def test_a_link_without_an_audience_leaves_it_to_the_language(
    contacts: Contacts, bot: Bot
) -> None:
    d = dispatcher(contacts)
    reader = OfflineReader(d, bot, language_code="ru")
    await reader.send("/start en-dprk")
    assert I18N.gettext(NOTES[Audience.NORTH_KOREA], locale="en") in reader.screen()[0]
    await reader.send("/start ko")  # a Korean leaflet: the audience Korean points to
    assert I18N.gettext(NOTES[Audience.NORTH_KOREA], locale="ko") in reader.screen()[0]
    await reader.send("/start ru")
    assert I18N.gettext(NOTES[Audience.DEFAULT], locale="ru") in reader.screen()[0]
    state = d.fsm.get_context(bot, chat_id=reader.chat["id"], user_id=reader.user["id"])
    assert AUDIENCE not in await state.get_data()


async def test_a_listed_campaign_is_counted_and_an_unlisted_one_is_not(
    contacts: Contacts, bot: Bot
) -> None:
    counter = Recorder()
    d = dispatcher(contacts, counter, campaigns=frozenset({CAMPAIGN}))
    first = OfflineReader(d, bot, user_id=1, language_code="uk")
    await first.send(f"/start ko--{CAMPAIGN}")
    second = OfflineReader(d, bot, user_id=2, language_code="uk")
    await second.send(f"/start ru-foreign--{CAMPAIGN}")
    third = OfflineReader(d, bot, user_id=3, language_code="uk")
    await third.send("/start ko--ivan-petrov")  # well formed, not the operator's: not counted
    assert I18N.gettext(NOTES[Audience.NORTH_KOREA], locale="ko") in third.screen()[0]
    assert counter.events == [
        (Event.STARTED, "ko", "dprk", ""),
        (Event.CAMPAIGN, "ko", "dprk", CAMPAIGN),
        (Event.STARTED, "ru", "foreign", ""),
        (Event.CAMPAIGN, "ru", "foreign", CAMPAIGN),
        (Event.STARTED, "ko", "dprk", ""),
    ]


@pytest.mark.parametrize(
    "payload",
    ["zz", "ko-foreign", "ko--Leaflet", "a" * 65, "79161234567", "ko leaflet", "ru--", "/start"],
)
async def test_an_unknown_or_malformed_payload_gets_the_ordinary_first_screen(
    payload: str, contacts: Contacts, bot: Bot
) -> None:
    counter = Recorder()
    d = dispatcher(contacts, counter, campaigns=frozenset({"leaflet"}))
    reader = OfflineReader(d, bot, language_code="uk")
    replies = await reader.send(f"/start {payload}")
    [sent] = [r for r in replies if r.method == "sendMessage"]
    assert sent.params["text"] == greeting(PRESENT["uk"])
    state = d.fsm.get_context(bot, chat_id=reader.chat["id"], user_id=reader.user["id"])
    data = await state.get_data()
    assert LOCALE not in data and AUDIENCE not in data and set(data) <= set(DATA_KEYS)
    assert counter.events == [(Event.STARTED, "uk", "default", "")]


# -- the campaign in the counts -----------------------------------------------------------------
async def test_a_campaign_is_counted_per_day_shown_in_stats_and_suppressed_in_exports(
    contacts: Contacts, bot: Bot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    day = date(2025, 5, 20)
    now = datetime(2025, 5, 20, 9, 30, tzinfo=UTC).timestamp()
    counter = await SQLiteCounter.open(tmp_path / "counts.sqlite3", clock=lambda: now)
    admin_id = 5
    settings = Settings(
        token=TOKEN, admins=frozenset({admin_id}), campaigns=frozenset({CAMPAIGN}), _env_file=None
    )
    d = build_dispatcher(
        contacts=contacts, counter=counter, settings=settings, throttle=Throttle(enabled=False)
    )
    for user in range(3):
        await OfflineReader(d, bot, user_id=100 + user).send(f"/start ko--{CAMPAIGN}")
    admin = OfflineReader(d, bot, user_id=admin_id, language_code="en")
    [report] = [r.params["text"] for r in await admin.send("/stats") if r.method == "sendMessage"]
    assert f"Campaigns, last 30 days: {CAMPAIGN} 3" in report
    assert "campaign links opened 3" in report
    await counter.close()

    db = sqlite3.connect(tmp_path / "counts.sqlite3")
    rows = sorted(db.execute("SELECT day, lang, audience, event, topic, n FROM counts"))
    assert rows == [
        (day.isoformat(), "ko", "dprk", "campaign", CAMPAIGN, 3),
        (day.isoformat(), "ko", "dprk", "start", "", 3),
    ]
    db.close()

    parser = argparse.ArgumentParser()
    stats.configure(parser)
    argv = ["--db", str(tmp_path / "counts.sqlite3"), "--format", "csv", "--min-count", "5"]
    assert stats.main(parser.parse_args(argv), today=day) == 0
    rows = [line.split(",") for line in capsys.readouterr().out.splitlines()]
    campaign = [r for r in rows if r[2:6] == ["ko", "dprk", "campaign", CAMPAIGN]]
    assert [r[6] for r in campaign] == ["<5"]  # 3 openings: under k, hidden like any count


def test_the_operator_lists_the_campaigns_the_bot_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import ConfigError, load_settings

    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_CAMPAIGNS", " leaflet-2025-01, video-3 ,")
    assert load_settings(_env_file=None).campaigns == {"leaflet-2025-01", "video-3"}
    for wrong in ("Leaflet", "leaflet--2025", "2025", "ivan petrov", "a" * 33):
        monkeypatch.setenv("BOT_CAMPAIGNS", wrong)
        with pytest.raises(ConfigError, match="BOT_CAMPAIGNS is not valid"):
            load_settings(_env_file=None)
