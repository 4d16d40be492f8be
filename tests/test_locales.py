"""`python -m bot locales ...`: extract, add, check, compile; and every catalog passes the check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import denormalize

from bot import commands, review
from bot.__main__ import main
from bot.handlers import start
from bot.languages import LOCALES_DIR, catalog_paths
from tests.fake_catalogs import untranslated, write_catalog
from translators import catalog_check, catalogs
from translators.catalog_check import check_catalog, message_problems
from translators.plurals import header_problems, plural_forms

TEMPLATE = catalogs.extract()


# -- the gate: README's single test command runs `locales check` over every catalog ------------
@pytest.mark.parametrize("po", catalog_paths(), ids=lambda p: p.parent.parent.name)
def test_every_catalog_passes_locales_check(po: Path) -> None:
    problems = check_catalog(po, TEMPLATE)
    assert not problems, "\n".join(map(str, problems))


def test_messages_pot_is_the_code_as_it_is() -> None:
    problems = catalog_check.template_problems(TEMPLATE, LOCALES_DIR / catalogs.TEMPLATE_NAME)
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("po", catalog_paths(), ids=lambda p: p.parent.parent.name)
def test_no_catalog_keeps_pieces_of_old_texts_as_translators_notes(po: Path) -> None:
    # An older catalog writer read the old text beside a fuzzy entry ("#| msgid ...") back as a
    # translator's note and wrote it out again, wrapped, until single words of it were left
    # ("# fear", "# (GC"). A note is a sentence; the old text is a "#|" line, not a note.
    catalog = catalogs.read(po, catalogs.language_of(po))
    leftovers = [
        f"{catalog_check.shorten(str(message.id))}: # {note}"
        for message in catalog
        if message.id
        for note in message.user_comments
        if note.startswith("|") or len(note.split()) < 2
    ]
    assert not leftovers, "\n".join(leftovers)


# -- every kind of problem is found ---------------------------------------------------------------
def _ids_with(needle: str) -> list[str]:
    return [m.id for m in TEMPLATE if isinstance(m.id, str) and needle in m.id]


GREETING = start.GREETING
DESCRIPTION = untranslated(commands.description)
SHORT = untranslated(commands.short_description)
PLURAL = ("{n} reader", "{n} readers")


def sound_entries() -> dict:
    """A catalog that passes: the source texts themselves."""
    entries: dict = {
        # Ukrainian has three plural forms: one, few, many.
        m.id: m.id if isinstance(m.id, str) else (m.id[0], m.id[1], m.id[1])
        for m in TEMPLATE
        if m.id
    }
    return entries


@pytest.fixture
def sound(tmp_path: Path) -> Path:
    return write_catalog(tmp_path, "uk", sound_entries())


def problems_by_id(po: Path, template: Catalog = TEMPLATE) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for problem in check_catalog(po, template):
        found.setdefault(problem.msgid, set()).add(problem.kind)
    return found


def test_a_sound_catalog_has_no_problems(sound: Path) -> None:
    assert check_catalog(sound, TEMPLATE) == []


def test_each_kind_of_problem_is_found(tmp_path: Path) -> None:
    entries = sound_entries()
    dated = _ids_with("2022")[0]
    home = _ids_with("Choose a section below.")[0]
    long_screen = _ids_with("<b>How surrender is handled</b>")[0]
    changes = {
        "Back": ("", "untranslated"),
        "Main menu": ("Головне меню", "fuzzy"),
        "Hotline (24 hours): {phone}": ("Гаряча лінія (24 години): {telefon}", "placeholders"),
        dated: (entries[dated].replace("2022", "2023"), "digits"),
        home: (entries[home].replace("</b>", "", 1), "html"),
        GREETING: (entries[GREETING].replace("<b>", "<i>").replace("</b>", "</i>"), "tags"),
        long_screen: ("Дуже довгий текст. " * 250, "too long"),
        "Official website": ("Офіційний сайт програми «Хочу жити»", "button"),
        SHORT: ("Дуже коротко. " * 10, "telegram limit"),
        DESCRIPTION: ("Опис. " * 100, "telegram limit"),
        "Language": (None, "missing"),
    }
    for msgid, (text, _kind) in changes.items():
        if text is None:
            del entries[msgid]
        else:
            entries[msgid] = text
    po = write_catalog(tmp_path, "uk", entries, fuzzy=("Main menu",))
    found = problems_by_id(po)
    for msgid, (_text, kind) in changes.items():
        assert kind in found.get(msgid, set()), (kind, msgid[:40], found.get(msgid))
    # Nothing else: each problem is reported where it is, once.
    assert set(found) == set(changes)


def test_plural_forms_must_agree_with_cldr_and_be_filled(tmp_path: Path) -> None:
    template = catalogs.extract()
    template.add(PLURAL)
    entries = sound_entries()
    entries[PLURAL] = ("{n} читач", "{n} читачі", "")
    po = write_catalog(tmp_path, "uk", entries)
    assert problems_by_id(po, template) == {PLURAL[0]: {"untranslated"}}
    entries[PLURAL] = ("{n} читач", "{n} читачі", "{n} читачів")
    po = write_catalog(tmp_path, "uk", entries)
    assert problems_by_id(po, template) == {}
    po = write_catalog(tmp_path, "uk", entries, header="nplurals=2; plural=(n != 1);")
    assert problems_by_id(po, template) == {"": {"plural forms"}}
    # The header put right by hand, the entry still with two forms of three.
    po.write_text(
        po.read_text(encoding="utf-8").replace("nplurals=2; plural=(n != 1);", plural_forms("uk")),
        encoding="utf-8",
    )
    plurals = {m.id[0] for m in template if isinstance(m.id, tuple)}
    assert PLURAL[0] in plurals
    assert problems_by_id(po, template) == {msgid: {"untranslated"} for msgid in plurals}


def test_what_babel_would_misread_silently_is_reported(tmp_path: Path) -> None:
    po = tmp_path / "uk" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    # Babel reads this as "Наза" without a word.
    po.write_text('msgid "Back"\nmsgstr "Назад\n', encoding="utf-8")
    assert [p.kind for p in check_catalog(po, TEMPLATE)] == ["syntax"]
    # And this as "Назад", ignoring the second.
    po.write_text(
        'msgid "Back"\nmsgstr "Назад"\n\nmsgid "Back"\nmsgstr "Повернутися"\n', encoding="utf-8"
    )
    [duplicate] = check_catalog(po, TEMPLATE)
    assert duplicate.kind == "duplicate" and duplicate.detail.startswith("line 4:")
    po.write_bytes(b'msgid "Back"\nmsgstr "\xff"\n')
    assert [p.kind for p in check_catalog(po, TEMPLATE)] == ["unreadable"]


@pytest.mark.parametrize(
    ("source", "translation", "kinds"),
    [
        ("Since 18 September 2022.", "З 18 вересня 2022 року.", set()),
        ("Since 18 September 2022.", "З 2022 року.", {"digits"}),
        ("about 10,000 contacts", "близько 10 000 звернень", set()),
        ("about 10,000 contacts", "близько 10 тисяч звернень", {"digits"}),
        ("(GC III, Art. 17)", "(제3협약 제17조)", set()),  # a citation's numeral in digits
        # Numbers are compared by value: natural Korean dates and grouped thousands pass ...
        ("Since 18 September 2022.", "2022년 9월 18일부터.", set()),
        ("In March 2023 and in March 2024.", "2023년 3월과 2024년 3월에.", set()),
        ("about 10,000 contacts", "약 1만 건", set()),
        ("9,836 contacts", "9\u00a0836 обращений", set()),
        ("Article 352.1, 3 to 10 years", "Статья 352.1: от 3 до 10 лет", set()),
        # ... and a changed number still fails: an article, a month, a year, a decimal.
        ("(GC III, Art. 17)", "(ЖК III, ст.\u00a071)", {"digits"}),
        ("Since 18 September 2022.", "2022년 10월 18일부터.", {"digits"}),
        ("Since 18 September 2022.", "2023년 9월 18일부터.", {"digits"}),
        ("Article 352.1", "Статья 352.2", {"digits"}),
        ("about 10,000 contacts", "약 10만 건", {"digits"}),
        ("(GC III, Art. 17)", "(제3협약 제71조)", {"digits"}),
        ("(AP I, Art. 41)", "(제1추가의정서 제41조)", set()),
        ("Hotline: {phone}", "Лінія: {phone}", set()),
        ("Hotline: {phone}", "Лінія: {телефон}", {"placeholders"}),
        ("Hotline: {phone}", "Лінія", {"placeholders"}),
        ("<b>Bold</b> text", "<b>Жирний</b> текст", set()),
        ("<b>Bold</b> text", "<b>Жирний текст", {"html"}),
        ("<b>Bold</b> text", "Жирний текст", {"tags"}),
        ("<b>Bold</b> text", "<b>Жирний</b> & текст", {"html"}),
        ("Plain", "<b>Простий</b>", {"tags"}),
        ("Plain", "<div>Простий</div>", {"html"}),
    ],
)
def test_message_problems(source: str, translation: str, kinds: set[str]) -> None:
    assert {p.kind for p in message_problems(Message(source, translation))} == kinds


@pytest.mark.parametrize(
    "lang", ["ru", "uk", "en", "ko", "uz", "kk", "ky", "tg", "hy", "ka", "be", "pt", "fr", "ar"]
)
def test_new_catalogs_get_plural_forms_that_agree_with_cldr(lang: str) -> None:
    assert header_problems(lang, plural_forms(lang)) == []


def test_plural_forms_that_disagree_with_cldr_are_named() -> None:
    assert header_problems("ru", "nplurals=2; plural=(n != 1);")
    assert header_problems("ko", "nplurals=2; plural=(n != 1);")  # Korean has one form
    assert header_problems(
        "tg", "nplurals=2; plural=(n != 1);"
    )  # so has Tajik, whatever Babel's table says
    assert header_problems(
        "uk", "nplurals=3; plural=(n%10==1 ? 0 : n%10<5 ? 1 : 2);"
    )  # 11 is not "one"
    assert header_problems("uk", "rubbish")


# -- the commands ---------------------------------------------------------------------------------
SOURCE = """\
from aiogram.utils.i18n import gettext as _, lazy_gettext as __, ngettext


def texts(n):
    # Translators: the first line a reader sees.
    hello = _("Hello")
    later = __("Later")
    count = ngettext("{n} reader", "{n} readers", n)
    return hello, later, count
"""


def cli(tmp_path: Path, *args: str) -> int:
    return main(
        [
            "locales",
            "--locales",
            str(tmp_path / "locales"),
            "--source",
            str(tmp_path / "src"),
            *args,
        ]
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "texts.py").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "locales").mkdir()
    return tmp_path


def test_extract_writes_the_template_and_updates_catalogs_with_fuzzy_matching(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(project, "add", "uk") == 0
    po = catalogs.po_path("uk", project / "locales")
    text = po.read_text(encoding="utf-8")
    assert 'msgid "Hello"' in text and 'msgid_plural "{n} readers"' in text
    assert "#. Translators: the first line a reader sees." in text
    pot = (project / "locales" / "messages.pot").read_text(encoding="utf-8")
    assert "#:" not in pot  # no source locations: moving code changes nothing
    assert re.findall(r'^msgid "(.+)"', pot, re.M) == sorted(["Hello", "Later", "{n} reader"])
    po.write_text(
        text.replace('msgid "Hello"\nmsgstr ""', 'msgid "Hello"\nmsgstr "Привіт"'), encoding="utf-8"
    )

    (project / "src" / "texts.py").write_text(
        SOURCE.replace('"Hello"', '"Hello!"').replace('"Later"', '"Goodbye"'), encoding="utf-8"
    )
    capsys.readouterr()
    assert cli(project, "extract") == 0
    assert "uk/LC_MESSAGES/messages.po: updated" in capsys.readouterr().out
    updated = catalogs.read(po, "uk")
    changed = updated.get("Hello!")
    # The old translation stays, marked for review, with the old text beside it.
    assert changed is not None and changed.fuzzy and changed.string == "Привіт"
    assert '#| msgid "Hello"\nmsgid "Hello!"' in po.read_text(encoding="utf-8")
    assert updated.get("Goodbye") is not None and updated.get("Later") is None

    before = {p: p.read_bytes() for p in (project / "locales").rglob("*.po*")}
    assert cli(project, "extract") == 0  # again: nothing to change, not even a date
    assert {p: p.read_bytes() for p in (project / "locales").rglob("*.po*")} == before


def test_a_long_text_changed_keeps_its_old_version_beside_it_through_every_extract(
    project: Path,
) -> None:
    long = (
        "A text long enough to be wrapped over several lines by the catalog writer, which breaks at "
        * 2
    )
    (project / "src" / "texts.py").write_text(f"_({long!r})\n", encoding="utf-8")
    assert cli(project, "add", "uk") == 0
    po = catalogs.po_path("uk", project / "locales")
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr ""\n\n', 'msgstr "Довгий текст"\n\n'),
        encoding="utf-8",
    )
    (project / "src" / "texts.py").write_text(f"_({long + 'and more'!r})\n", encoding="utf-8")
    assert cli(project, "extract") == 0
    once = po.read_bytes()
    changed = catalogs.read(po, "uk").get(long + "and more")
    assert b"#| msgid" in once and changed is not None and changed.fuzzy
    # The old text is written as a msgid is, so that msgfmt reads it back whole (Babel alone
    # wrapped it like prose, splitting it inside its quotes).
    assert catalog_check.syntax_problems(po) == []
    previous = [line[3:] for line in once.decode().splitlines() if line.startswith("#| ")]
    assert denormalize("\n".join(previous).removeprefix("msgid ")) == long
    assert cli(project, "extract") == 0
    assert po.read_bytes() == once


def test_extract_keeps_each_catalogs_review_status(project: Path) -> None:
    assert cli(project, "add", "uk") == 0
    assert cli(project, "add", "ko") == 0
    uk = catalogs.po_path("uk", project / "locales")
    uk.write_text(
        uk.read_text(encoding="utf-8").replace("Review-Status: draft", "Review-Status: reviewed"),
        encoding="utf-8",
    )
    (project / "src" / "texts.py").write_text('_("Hello, again")\n', encoding="utf-8")
    assert cli(project, "extract") == 0
    assert "Hello, again" in uk.read_text(encoding="utf-8")  # rewritten, and still says so
    assert review.status(uk) == "reviewed"
    assert review.status(catalogs.po_path("ko", project / "locales")) == "draft"


def test_add_creates_a_catalog_with_its_cldr_header_and_refuses_twice(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(project, "add", "tg") == 0
    assert review.status(catalogs.po_path("tg", project / "locales")) == "draft"
    catalog = catalogs.read(catalogs.po_path("tg", project / "locales"), "tg")
    assert catalog.language_team == "Tajik — Тоҷикӣ"
    assert catalog.plural_forms == "nplurals=1; plural=(0);"  # CLDR: one form, unlike Babel's table
    assert not catalog.fuzzy
    assert cli(project, "add", "uz-latn") == 0
    assert catalogs.po_path("uz_Latn", project / "locales").exists()
    capsys.readouterr()
    assert cli(project, "add", "tg") == 2
    assert "exists already" in capsys.readouterr().out
    assert cli(project, "add", "zz") == 2
    assert "not a language" in capsys.readouterr().out
    assert cli(project, "add", "tg-TJ") == 2  # a regional copy of a catalog that serves it already
    assert "readers whose Telegram says tg-TJ get it" in capsys.readouterr().out


def test_check_prints_each_problem_and_fails_then_passes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(project, "add", "uk") == 0
    po = catalogs.po_path("uk", project / "locales")
    capsys.readouterr()
    assert cli(project, "check") == 1
    out = capsys.readouterr().out
    # Each catalog with its review status (a new one is a draft).
    assert "uk (draft): 3 problems" in out and "untranslated  «Hello»" in out
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgid "Hello"\nmsgstr ""', 'msgid "Hello"\nmsgstr "Привіт"')
    text = text.replace('msgid "Later"\nmsgstr ""', 'msgid "Later"\nmsgstr "Пізніше"')
    text = re.sub(r'msgstr\[(\d)\] ""', lambda m: f'msgstr[{m.group(1)}] "{{n}} читачів"', text)
    po.write_text(text, encoding="utf-8")
    assert cli(project, "check", "uk") == 0
    assert "OK: uk (draft; for default" in capsys.readouterr().out
    # A catalog must say whether it is reviewed; nothing else about a draft differs.
    po.write_text(text.replace("# Review-Status: draft\n", ""), encoding="utf-8")
    assert cli(project, "check", "uk") == 1
    out = capsys.readouterr().out
    assert "uk (no review status): 1 problem" in out and "review status" in out
    po.write_text(text.replace("Review-Status: draft", "Review-Status: checked"), encoding="utf-8")
    assert cli(project, "check", "uk") == 1
    assert "says «checked»" in capsys.readouterr().out
    po.write_text(text.replace("Review-Status: draft", "Review-Status: reviewed"), encoding="utf-8")
    assert cli(project, "check", "uk") == 0
    assert "OK: uk (reviewed; for default" in capsys.readouterr().out
    assert cli(project, "check", "ko") == 2  # no such catalog


def test_compile_fails_on_a_broken_catalog_and_compiles_all_otherwise(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(project, "add", "uk") == 0
    po = catalogs.po_path("uk", project / "locales")
    good = po.read_text(encoding="utf-8")
    po.write_text(good + '\nmsgid "Broken\n', encoding="utf-8")
    assert cli(project, "compile") == 1
    assert not po.with_suffix(".mo").exists()
    po.write_text(good, encoding="utf-8")
    assert cli(project, "compile") == 0
    assert po.with_suffix(".mo").exists()
