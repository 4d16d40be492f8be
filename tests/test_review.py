"""A machine draft is shown as one: one line above the first screen, in the reader's language, with a
one-tap switch to the Russian or English text, which stay authoritative. Nothing else differs."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n

from bot import review
from bot.app import build_dispatcher
from bot.audiences import TEXTS
from bot.callbacks import ChooseLanguage, ChooseRole, Role
from bot.config import Contacts
from bot.content.audiences import NOTES, Audience
from bot.content.tree import BY_ID
from bot.handlers.start import GREETING
from bot.languages import DOMAIN, catalog_paths, compile_catalogs, make_i18n
from bot.middlewares import Throttle
from bot.review import DRAFT_NOTE
from bot.states import AUDIENCE, LOCALE
from fake_telegram import OfflineReader
from tests.fake_catalogs import Entries, write_catalog
from tests.walk import walk_everything
from translators import catalogs

I18N = make_i18n()
PRESENT = {p.parent.parent.name: p for p in catalog_paths()}
TEMPLATE = catalogs.extract()


def dispatcher(contacts: Contacts, i18n: I18n = I18N) -> Dispatcher:
    return build_dispatcher(contacts=contacts, i18n=i18n, throttle=Throttle(enabled=False))


def buttons(reader: OfflineReader) -> dict[str, str]:
    return {b["callback_data"]: b["text"] for row in reader.screen()[1] for b in row}


def test_the_catalogs_say_who_reviewed_them() -> None:
    """Russian and English are the authoritative texts; Ukrainian and Korean are machine-written
    and wait for a native speaker."""
    assert review.status(PRESENT["ru"]) == review.status(PRESENT["en"]) == "reviewed"
    assert review.status(PRESENT["uk"]) == review.status(PRESENT["ko"]) == "draft"
    assert all(review.status(po) in review.STATUSES for po in PRESENT.values())


def test_a_status_is_read_from_the_header_comment_only(tmp_path: Path) -> None:
    po = write_catalog(tmp_path, "uk", {"Back": "Назад"}, review="reviewed")
    assert review.status(po) == "reviewed"
    assert review.drafts([po]) == frozenset()
    # In an entry's comment it is not the catalog's status.
    text = po.read_text(encoding="utf-8").replace("# Review-Status: reviewed\n", "")
    po.write_text(text.replace('msgid "Back"', '# Review-Status: reviewed\nmsgid "Back"'), "utf-8")
    assert review.status(po) is None
    assert review.drafts([po]) == {"uk"}  # an unmarked catalog is shown as a draft
    assert review.status(tmp_path / "missing.po") is None


@pytest.mark.parametrize("lang", sorted(PRESENT))
async def test_a_drafts_readers_see_one_line_and_the_authoritative_texts_one_tap_away(
    lang: str, contacts: Contacts, bot: Bot
) -> None:
    reader = OfflineReader(dispatcher(contacts), bot, language_code=lang)
    [sent] = [r for r in await reader.send("/start") if r.method == "sendMessage"]
    text = sent.params["text"]
    note = I18N.gettext(DRAFT_NOTE, locale=lang)
    switches = {
        data: label
        for data, label in buttons(reader).items()
        if data in {ChooseLanguage(code=c).pack() for c in review.AUTHORITATIVE}
    }
    if review.status(PRESENT[lang]) == "draft":
        assert note != DRAFT_NOTE or lang == "en"  # translated
        assert text.startswith(f"<i>{note}</i>\n\n")
        assert text.count(note) == 1
        authoritative = [c for c in review.AUTHORITATIVE if c != lang]
        assert switches == {
            ChooseLanguage(code=c).pack(): name
            for c, name in {"ru": "Русский", "en": "English"}.items()
            if c in authoritative
        }
    else:
        assert note not in text and switches == {}


async def test_the_switch_works_as_the_language_list_and_nothing_else_differs(
    contacts: Contacts, bot: Bot
) -> None:
    d = dispatcher(contacts)
    reader = OfflineReader(d, bot, language_code="uk-UA")
    await reader.send("/start")
    note = I18N.gettext(DRAFT_NOTE, locale="uk")
    assert reader.screen()[0].startswith(f"<i>{note}</i>")
    # Only the first screen carries the line.
    walk = await walk_everything(reader)
    assert walk.problems == []
    texts = [
        r.params["text"] for r in walk.requests if r.method in ("sendMessage", "editMessageText")
    ]
    greetings = [t for t in texts if I18N.gettext(GREETING, locale="uk")[:30] in t]
    assert all(note in t for t in greetings)
    assert all(note not in t for t in texts if t not in greetings)

    reader = OfflineReader(d, bot, user_id=77, language_code="uk-UA")
    await reader.send("/start")
    await reader.press(ChooseLanguage(code="ru").pack())
    text = reader.screen()[0]
    assert text.startswith(I18N.gettext(GREETING, locale="ru")[:40])
    assert I18N.gettext(DRAFT_NOTE, locale="ru") not in text
    state = d.fsm.get_context(bot, chat_id=reader.chat["id"], user_id=reader.user["id"])
    assert (await state.get_data())[LOCALE] == "ru"  # kept, as a choice from the list is
    await reader.send("/start")
    assert reader.screen()[0].startswith(I18N.gettext(GREETING, locale="ru")[:40])


async def test_a_korean_reader_who_switches_to_english_keeps_the_north_korean_texts(
    contacts: Contacts, bot: Bot
) -> None:
    d = dispatcher(contacts)
    reader = OfflineReader(d, bot, language_code="ko")
    await reader.send("/start")
    await reader.press(ChooseLanguage(code="en").pack())
    assert I18N.gettext(NOTES[Audience.NORTH_KOREA], locale="en") in reader.screen()[0]
    state = d.fsm.get_context(bot, chat_id=reader.chat["id"], user_id=reader.user["id"])
    assert (await state.get_data())[AUDIENCE] == "dprk"
    # Russian does not translate those texts: the default ones, until the reader goes back.
    await reader.press(ChooseLanguage(code="ru").pack())
    assert I18N.gettext(NOTES[Audience.DEFAULT], locale="ru") in reader.screen()[0]


async def test_a_recruit_leaving_a_draft_reads_the_authoritative_text_written_for_recruits(
    tmp_path: Path, contacts: Contacts, bot: Bot
) -> None:
    """An Uzbek draft with the recruits' texts: its reader is a recruit, in Uzbek and in Russian."""
    everything: Entries = {m.id: m.id for m in TEMPLATE if m.id and isinstance(m.id, str)}
    write_catalog(tmp_path, "ru", everything, review="reviewed")
    uzbek: Entries = {msgid: f"uz {msgid}" for msgid in everything}
    write_catalog(tmp_path, "uz_Latn", uzbek, review="draft", header="nplurals=2; plural=(n != 1);")
    compile_catalogs(tmp_path)
    i18n = I18n(path=tmp_path, default_locale="ru", domain=DOMAIN)
    reader = OfflineReader(dispatcher(contacts, i18n), bot, language_code="uz")
    await reader.send("/start")
    text = reader.screen()[0]
    assert text.startswith(f"<i>uz {DRAFT_NOTE}</i>") and f"uz {NOTES[Audience.FOREIGN]}" in text
    assert buttons(reader)[ChooseLanguage(code="ru").pack()] == "Русский"
    assert ChooseLanguage(code="en").pack() not in buttons(reader)  # no English catalog here
    await reader.press(ChooseLanguage(code="ru").pack())
    text = reader.screen()[0]
    assert NOTES[Audience.FOREIGN] in text and DRAFT_NOTE not in text
    await reader.press(ChooseRole(role=Role.SOLDIER).pack())
    await reader.press("n:faq")
    await reader.press("n:q_who")
    own = BY_ID["q_who"].texts[Audience.FOREIGN]
    assert reader.screen()[0] == own and own in TEXTS[Audience.FOREIGN]


async def test_the_status_is_read_when_the_bot_starts_not_per_update(
    contacts: Contacts, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[Path] = []
    status = review.status

    def counting(po: Path) -> str | None:
        reads.append(po)
        return status(po)

    monkeypatch.setattr(review, "status", counting)
    d = dispatcher(contacts)
    assert sorted(reads) == sorted(PRESENT.values())
    reads.clear()
    reader = OfflineReader(d, bot, language_code="uk")
    await walk_everything(reader)
    await reader.send("/start")
    assert reads == []


def test_readme_gives_each_catalogs_review_status_and_audiences() -> None:
    """README's table under "Review status" says what each catalog's header and entries say."""
    from translators.catalog_check import audiences_offered

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Review status", 1)[1].split("\n### ", 1)[0]
    rows = {
        cells[1].strip("`"): (cells[2], cells[3], cells[4])
        for line in section.splitlines()
        if line.startswith("| ")
        and (cells := [c.strip() for c in line.strip("|").split("|")])
        and cells[1].startswith("`")
    }
    paths = {catalogs.language_of(p): p for p in catalog_paths()}
    assert set(rows) == set(paths)
    for lang, (audiences, status, reviewer) in rows.items():
        assert status == review.status(paths[lang]), lang
        assert audiences == ", ".join(a.value for a in audiences_offered(paths[lang])), lang
        assert (reviewer.startswith("nobody yet")) == (status == review.DRAFT), lang
