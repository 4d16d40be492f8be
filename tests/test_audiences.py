"""Audiences: every screen as each audience reads it, in every language that offers it; how the
audience is chosen and kept; and the rule for a language without an audience's texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n

from bot.app import build_dispatcher
from bot.audiences import TEXTS, offered, offered_by
from bot.callbacks import Action, ChooseAudience, ChooseLanguage, ChooseRole, Do, Nav, Role
from bot.config import Contacts
from bot.content.audiences import LABELS, NOTES, Audience, for_language
from bot.content.tree import BY_ID, HOME, SECTIONS
from bot.languages import DOMAIN, LOCALES_DIR, available, compile_catalogs, make_i18n
from bot.middlewares import Throttle
from bot.states import AUDIENCE, DATA_KEYS
from fake_telegram import OfflineReader
from storage import Counter, Event
from tests.fake_catalogs import write_catalog
from tests.walk import walk_everything
from translators import catalogs
from translators.catalog_check import check_catalog

I18N = make_i18n()
TEMPLATE = catalogs.extract()
# Every language the bot offers, with every audience it offers in that language.
OFFERED = [(lang, audience) for lang in available(I18N) for audience in offered(I18N, lang)]


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[Event, str, str, str]] = []

    def record(
        self, event: Event, *, lang: str, user_id: int, topic: str = "", audience: str = "default"
    ) -> None:
        self.events.append((event, lang, audience, topic))


def dispatcher(contacts: Contacts, counter: Counter | None = None, i18n: I18n = I18N) -> Dispatcher:
    return build_dispatcher(
        contacts=contacts,
        counter=counter,
        i18n=i18n,
        throttle=Throttle(enabled=False),
    )


def datas(reader: OfflineReader) -> list[str]:
    return [b.get("callback_data", "") for row in reader.screen()[1] for b in row]


async def become(reader: OfflineReader, audience: Audience) -> None:
    """/start, then choose `audience` on the first screen unless the language already points to it."""
    await reader.send("/start")
    if Do(action=Action.AUDIENCES).pack() in datas(reader):
        await reader.press(Do(action=Action.AUDIENCES).pack())
        await reader.press(ChooseAudience(audience=audience).pack())


def test_the_catalogs_offer_what_the_issue_asks() -> None:
    """North Korean soldiers' texts in Korean, the foreign recruits' in English and Russian."""
    assert Audience.NORTH_KOREA in offered(I18N, "ko")
    assert Audience.FOREIGN in offered(I18N, "en") and Audience.FOREIGN in offered(I18N, "ru")
    assert all(Audience.DEFAULT in offered(I18N, lang) for lang in available(I18N))


@pytest.mark.parametrize(("lang", "audience"), OFFERED, ids=lambda x: str(x))
async def test_each_audience_reads_its_own_text_on_every_screen_or_the_default(
    lang: str, audience: Audience, contacts: Contacts, bot: Bot
) -> None:
    reader = OfflineReader(dispatcher(contacts), bot, language_code=lang)
    await become(reader, audience)
    await reader.press(ChooseRole(role=Role.READER).pack())
    own = 0
    for section in SECTIONS:
        replies = await reader.press(Nav(to=section.id).pack())
        [shown] = [r.params["text"] for r in replies if r.method == "editMessageText"] or [
            reader.screen()[0]
        ]
        msgid = section.texts.get(audience, section.text)
        expected = I18N.gettext(msgid, locale=lang)
        assert shown.startswith(expected), (lang, audience.value, section.id)
        if audience in section.texts:
            own += 1
            default = I18N.gettext(section.text, locale=lang)
            assert not shown.startswith(default), (lang, audience.value, section.id)
    # An audience other than the default has texts of its own, and reads them.
    assert own == sum(audience in s.texts for s in SECTIONS)
    assert own > 0 or audience is Audience.DEFAULT


@pytest.mark.parametrize("audience", list(Audience))
async def test_every_screen_of_every_audience_fits_telegram_and_keeps_only_what_is_listed(
    audience: Audience, contacts: Contacts, bot: Bot
) -> None:
    d = dispatcher(contacts)
    reader = OfflineReader(d, bot, language_code="en")
    await become(reader, audience)
    walk = await walk_everything(reader)
    assert walk.problems == []
    state = d.fsm.get_context(bot, chat_id=reader.chat["id"], user_id=reader.user["id"])
    data = await state.get_data()
    assert set(data) <= set(DATA_KEYS), data
    assert "role" not in data and "section" not in data


@pytest.mark.parametrize(
    ("language_code", "audience"),
    [("ko", Audience.NORTH_KOREA), ("ko-KR", Audience.NORTH_KOREA), ("ru", Audience.DEFAULT)],
)
async def test_the_language_chooses_the_audience_where_it_is_unambiguous(
    language_code: str, audience: Audience, contacts: Contacts, bot: Bot
) -> None:
    reader = OfflineReader(dispatcher(contacts), bot, language_code=language_code)
    [sent] = [r for r in await reader.send("/start") if r.method == "sendMessage"]
    lang = language_code[:2]
    assert I18N.gettext(NOTES[audience], locale=lang) in sent.params["text"]
    await reader.press(ChooseRole(role=Role.SOLDIER).pack())
    await reader.press(Nav(to="q_who").pack())
    expected = I18N.gettext(BY_ID["q_who"].text_for(audience), locale=lang)
    assert reader.screen()[0] == expected


def test_for_language() -> None:
    assert for_language("ko") is Audience.NORTH_KOREA
    assert for_language("ko_KP") is Audience.NORTH_KOREA
    assert for_language("ru") is Audience.DEFAULT
    assert for_language("en") is Audience.DEFAULT
    assert for_language("uk") is Audience.DEFAULT
    # The recruits' languages: their readers are most likely foreign recruits.
    for lang in ("uz_Latn", "uz", "kk", "ky", "tg", "ne", "hi", "ar", "fr", "es", "zh_Hans"):
        assert for_language(lang) is Audience.FOREIGN, lang
    assert for_language("zh-Hant") is Audience.FOREIGN
    # Belarusians get the default texts, written for soldiers of Russia and Belarus.
    assert for_language("be") is Audience.DEFAULT


async def test_the_audience_is_changed_on_the_first_screen_kept_like_the_language_and_erased(
    contacts: Contacts, bot: Bot
) -> None:
    d = dispatcher(contacts)
    reader = OfflineReader(d, bot, language_code="ru")
    state = d.fsm.get_context(bot, chat_id=reader.chat["id"], user_id=reader.user["id"])
    await reader.send("/start")
    assert Do(action=Action.AUDIENCES).pack() in datas(reader)
    await reader.press(Do(action=Action.AUDIENCES).pack())
    _, buttons = reader.screen()
    labels = {b["callback_data"]: b["text"] for row in buttons for b in row}
    # Russian offers the default and the foreign recruits' texts; the current one is marked.
    assert labels == {
        ChooseAudience(audience=Audience.DEFAULT).pack(): "✓ "
        + I18N.gettext(LABELS[Audience.DEFAULT], locale="ru"),
        ChooseAudience(audience=Audience.FOREIGN).pack(): I18N.gettext(
            LABELS[Audience.FOREIGN], locale="ru"
        ),
    }
    await reader.press(ChooseAudience(audience=Audience.FOREIGN).pack())
    # Back on the first screen, which now says whom the texts are for.
    assert I18N.gettext(NOTES[Audience.FOREIGN], locale="ru") in reader.screen()[0]
    assert (await state.get_data())[AUDIENCE] == "foreign"
    await reader.send("/start")  # a new start keeps it, as it keeps the language
    assert I18N.gettext(NOTES[Audience.FOREIGN], locale="ru") in reader.screen()[0]
    await reader.press(ChooseRole(role=Role.SOLDIER).pack())
    await reader.press(Do(action=Action.AUDIENCES).pack())
    await reader.press(ChooseAudience(audience=Audience.DEFAULT).pack())
    # A reader who was reading goes back to the menu.
    assert Nav(to=BY_ID[HOME].children[0]).pack() in datas(reader)
    await reader.send("/erase")
    assert AUDIENCE not in await state.get_data()


async def test_an_audience_the_language_lacks_reads_the_default_texts_of_that_language(
    contacts: Contacts, bot: Bot
) -> None:
    """Foreign recruits have no texts in Korean: a recruit who switches to Korean reads the
    default Korean texts, never English, and is offered only what Korean has."""
    assert Audience.FOREIGN not in offered(I18N, "ko")
    reader = OfflineReader(dispatcher(contacts), bot, language_code="en")
    await become(reader, Audience.FOREIGN)
    await reader.press(ChooseRole(role=Role.SOLDIER).pack())
    await reader.press(Do(action=Action.LANGUAGES).pack())
    await reader.press(ChooseLanguage(code="ko").pack())
    await reader.press(Nav(to="faq").pack())
    await reader.press(Nav(to="q_who").pack())
    shown = reader.screen()[0]
    assert shown == I18N.gettext(BY_ID["q_who"].text, locale="ko")
    await reader.press(Do(action=Action.AUDIENCES).pack())
    offered_here = {b["callback_data"] for row in reader.screen()[1] for b in row}
    assert offered_here == {
        ChooseAudience(audience=Audience.DEFAULT).pack(),
        ChooseAudience(audience=Audience.NORTH_KOREA).pack(),
    }
    # Back in English, the recruit's choice holds again.
    await reader.send("/language")
    await reader.press(ChooseLanguage(code="en").pack())
    await reader.press(Nav(to="faq").pack())
    await reader.press(Nav(to="q_who").pack())
    assert reader.screen()[0] == BY_ID["q_who"].texts[Audience.FOREIGN]


async def test_a_language_with_one_audience_does_not_offer_a_choice(
    contacts: Contacts, bot: Bot
) -> None:
    assert offered(I18N, "uk") == (Audience.DEFAULT,)
    reader = OfflineReader(dispatcher(contacts), bot, language_code="uk")
    await reader.send("/start")
    assert Do(action=Action.AUDIENCES).pack() not in datas(reader)


async def test_the_role_chooses_the_first_screen_and_is_counted_with_the_audience(
    contacts: Contacts, bot: Bot
) -> None:
    counter = Recorder()
    d = dispatcher(contacts, counter)
    relative = OfflineReader(d, bot, user_id=1, language_code="ko")
    await relative.send("/start")
    await relative.press(ChooseRole(role=Role.RELATIVE).pack())
    assert Nav(to=BY_ID["relatives"].children[0]).pack() in datas(relative)
    soldier = OfflineReader(d, bot, user_id=2, language_code="ru")
    await soldier.send("/start")
    await soldier.press(ChooseRole(role=Role.SOLDIER).pack())
    assert Nav(to=BY_ID[HOME].children[0]).pack() in datas(soldier)
    await soldier.press(Nav(to="faq").pack())
    assert counter.events == [
        (Event.STARTED, "ko", "dprk", ""),
        (Event.ROLE_CHOSEN, "ko", "dprk", "relative"),
        (Event.STARTED, "ru", "default", ""),
        (Event.ROLE_CHOSEN, "ru", "default", "soldier"),
        (Event.SECTION_READ, "ru", "default", "faq"),
    ]


async def test_a_forged_audience_gets_a_fresh_menu(contacts: Contacts, bot: Bot) -> None:
    reader = OfflineReader(dispatcher(contacts), bot, language_code="ru")
    await reader.send("/start")
    replies = await reader.press("a:martians")
    answers = [r for r in replies if r.method == "answerCallbackQuery"]
    assert len(answers) == 1 and answers[0].params.get("text")


async def test_how_to_spot_a_fake_names_the_official_and_the_known_fake_usernames(
    contacts: Contacts, bot: Bot
) -> None:
    assert contacts.known_fakes and contacts.telegram_bot
    reader = OfflineReader(dispatcher(contacts), bot, language_code="en")
    await reader.send("/start")
    await reader.press(ChooseRole(role=Role.READER).pack())
    await reader.press(Nav(to="contact").pack())
    replies = await reader.press(Nav(to="c_clones").pack())
    [text] = [r.params["text"] for r in replies if r.method == "editMessageText"]
    assert f"<code>@{contacts.telegram_bot}</code>" in text
    for fake in contacts.known_fakes:
        assert f"<code>@{fake}</code>" in text
    bare = OfflineReader(dispatcher(Contacts()), bot, user_id=5, language_code="en")
    await bare.send("/start")
    await bare.press(ChooseRole(role=Role.READER).pack())
    await bare.press(Nav(to="contact").pack())
    replies = await bare.press(Nav(to="c_clones").pack())
    [text] = [r.params["text"] for r in replies if r.method == "editMessageText"]
    assert "<code>" not in text and "not configured" in text


# -- the catalog's side of the rule ----------------------------------------------------------------
def _entries(without: frozenset[str] = frozenset()) -> dict:
    return {
        m.id: m.id if isinstance(m.id, str) else (m.id[0], m.id[1], m.id[1])
        for m in TEMPLATE
        if m.id and m.id not in without
    }


def test_a_catalog_translating_none_of_an_audiences_texts_passes_and_does_not_offer_it(
    tmp_path: Path,
) -> None:
    foreign = TEXTS[Audience.FOREIGN]
    po = write_catalog(tmp_path, "uk", {**_entries(), **dict.fromkeys(foreign, "")})
    assert check_catalog(po, TEMPLATE) == []
    i18n = make_i18n(tmp_path)
    assert offered(i18n, "uk") == (Audience.DEFAULT, Audience.NORTH_KOREA)
    assert offered_by(lambda msgid: msgid not in foreign) == offered(i18n, "uk")


def test_a_catalog_translating_part_of_an_audiences_texts_fails_on_the_rest(
    tmp_path: Path,
) -> None:
    foreign = sorted(TEXTS[Audience.FOREIGN])
    po = write_catalog(tmp_path, "uk", {**_entries(), foreign[0]: ""})
    problems = check_catalog(po, TEMPLATE)
    assert [(p.kind, p.msgid) for p in problems] == [("untranslated", foreign[0])]
    i18n = make_i18n(tmp_path)
    assert Audience.FOREIGN not in offered(i18n, "uk")  # and readers are not offered it meanwhile


def test_the_bots_catalogs_follow_the_rule() -> None:
    """Every shipped catalog, audience by audience: all of its texts translated, or none."""
    for lang in available(I18N):
        catalog = I18N.locales[lang]._catalog  # type: ignore[attr-defined]  # GNUTranslations keeps its entries there (bot/audiences.py)
        for audience, texts in TEXTS.items():
            translated = {msgid for msgid in texts if msgid in catalog}
            assert translated in (set(), set(texts)), (lang, audience)
    assert LOCALES_DIR.exists()


@pytest.mark.parametrize(
    "lang", ["uz_Latn", "kk", "ky", "tg", "ne", "hi", "ar", "fr", "es", "zh_Hans", "be"]
)
async def test_a_recruits_language_opens_the_recruits_texts_where_its_catalog_has_them(
    lang: str, tmp_path: Path, contacts: Contacts, bot: Bot
) -> None:
    """Its readers are most likely foreign recruits (Belarusian readers: the default audience);
    a catalog without the recruits' texts offers only the default ones."""
    expected = Audience.DEFAULT if lang == "be" else Audience.FOREIGN
    foreign = TEXTS[Audience.FOREIGN]
    for number, (folder, entries, audience) in enumerate(
        [
            ("with", _entries(), expected),
            ("without", _entries(without=foreign), Audience.DEFAULT),
        ]
    ):
        write_catalog(tmp_path / folder, lang, entries)
        compile_catalogs(tmp_path / folder)
        i18n = I18n(path=tmp_path / folder, default_locale="ru", domain=DOMAIN)
        reader = OfflineReader(
            dispatcher(contacts, i18n=i18n), bot, user_id=10 + number, language_code=lang
        )
        await reader.send("/start")
        assert NOTES[audience] in reader.screen()[0], folder
        await reader.press(ChooseRole(role=Role.SOLDIER).pack())
        await reader.press(Nav(to="q_who").pack())
        assert reader.screen()[0] == BY_ID["q_who"].text_for(audience), folder
