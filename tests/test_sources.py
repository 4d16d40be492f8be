"""Every treaty citation in the menu names an article the facts sheet lists, every date a text gives
belongs to a listed report, and every catalog names the Convention before it abbreviates it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.content.sources import (
    ARTICLES,
    CITATION,
    REPORTS,
    citations,
    dates,
    is_known,
    undated,
)
from bot.content.tree import SECTIONS, Section
from bot.languages import catalog_paths

ROOT = Path(__file__).resolve().parents[1]
RIGHTS = [s for s in SECTIONS if s.id.startswith("r_")]
# Every text of every section: the default one and each audience's own, as (label, section, text).
TEXTS = [
    (f"{s.id}@{audience}" if audience else s.id, s, text)
    for s in SECTIONS
    for audience, text in [(None, s.text), *s.texts.items()]
]
CITING = [t for t in TEXTS if citations(t[2])]

# The Russian catalog writes the same citations as "(ЖК III, ст. 17)" and "(ДП I, ст. 41)", with a
# no-break space after "ст.".
RU_TREATY = {"ЖК III": "GC III", "ДП I": "AP I"}
_NUMBERS = r"\d+(?:[–-]\d+)?"
RU_CITATION = re.compile(rf"\((ЖК III|ДП I), ст\.\s({_NUMBERS}(?:, {_NUMBERS})*)\)")


def unknown(text: str) -> set[tuple[str, int]]:
    return {cited for cited in citations(text) if not is_known(*cited)}


def test_the_menu_cites_something() -> None:
    assert len(CITING) >= len(RIGHTS)


@pytest.mark.parametrize(("label", "section", "text"), CITING, ids=lambda t: str(t))
def test_sections_cite_only_listed_articles(label: str, section: Section, text: str) -> None:
    assert unknown(text) == set()


@pytest.mark.parametrize(("label", "section", "text"), TEXTS, ids=lambda t: str(t))
def test_every_article_mention_is_a_well_formed_citation(
    label: str, section: Section, text: str
) -> None:
    """A citation written another way ("GC III art. 17") would escape the check above."""
    covered = [m.span() for m in CITATION.finditer(text)]
    for mention in re.finditer(r"Art\b", text):
        assert any(start <= mention.start() < end for start, end in covered), (
            label,
            text[max(0, mention.start() - 20) : mention.end() + 10],
        )


@pytest.mark.parametrize("section", RIGHTS, ids=lambda s: s.id)
def test_each_rights_screen_cites_an_article(section: Section) -> None:
    assert citations(section.text)


# -- dated facts -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("label", "section", "text"), TEXTS, ids=lambda t: str(t))
def test_every_date_in_the_texts_belongs_to_a_listed_report(
    label: str, section: Section, text: str
) -> None:
    assert undated(text) == [], f"{label}: list the report behind it in bot/content/sources.py"


def test_every_listed_report_is_dated_sourced_and_used() -> None:
    written = {d for _label, _section, text in TEXTS for d in dates(text)}
    for report in REPORTS:
        assert report.source and report.says, report
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", report.published), report
        unused = set(report.dates) - written
        assert not unused, f"{report.source}: no text gives {unused}"


def test_a_date_without_a_report_is_caught() -> None:
    assert undated("On 18 May 2023 the plenum explained ...") == []
    assert undated("On 19 May 2023 something happened (reported in 2031).") == [
        "19 May 2023",
        "2031",
    ]
    assert undated("The Third Geneva Convention of 1949 (GC III).") == []  # a treaty's year
    assert dates("10,000 contacts, Article 352.1, 3 to 10 years") == []


def test_a_forged_citation_is_caught() -> None:
    forged = "You will be given a villa by the sea (GC III, Art. 999)."
    assert unknown(forged) == {("GC III", 999)}
    assert unknown(forged + " Humane treatment (GC III, Art. 13).") == {("GC III", 999)}


def test_citations_parse_single_ranges_and_lists() -> None:
    text = (
        "a (GC III, Art. 17); b (GC III, Art. 19–20); c (GC III, Art. 87, 99); "
        "d (AP I, Art. 41); e (GC III, Art. 122-123); f (GC III, Art. 15, 26–27)"
    )
    assert citations(text) == {
        ("GC III", 17),
        ("GC III", 19),
        ("GC III", 20),
        ("GC III", 87),
        ("GC III", 99),
        ("AP I", 41),
        ("GC III", 122),
        ("GC III", 123),
        ("GC III", 15),
        ("GC III", 26),
        ("GC III", 27),
    }
    assert citations("Third Geneva Convention (GC III), no article cited") == set()


def test_ranges_in_the_list_are_expanded() -> None:
    listed = {(a.treaty, a.number) for a in ARTICLES}
    assert {("GC III", n) for n in range(49, 58)} <= listed
    assert {("GC III", 19), ("GC III", 20), ("GC III", 122), ("GC III", 123)} <= listed
    assert ("AP I", 41) in listed
    assert len(listed) == len(ARTICLES), "an article is listed twice"
    assert all(a.says.strip() for a in ARTICLES)


def _ru_citations(text: str) -> set[tuple[str, int]]:
    english = RU_CITATION.sub(lambda m: f"({RU_TREATY[m[1]]}, Art. {m[2]})", text)
    return citations(english)


def _catalog(lang: str) -> Catalog:
    po = ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        pytest.skip(f"no {lang} catalog")
    with po.open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_russian_and_ukrainian_catalogs_cite_the_same_articles(lang: str) -> None:
    catalog = _catalog(lang)
    for label, _section, text in CITING:
        message = catalog.get(text)
        if message is None or not message.string:
            continue  # completeness is the catalog check's business
        assert isinstance(message.string, str), label  # a text with no plural forms
        assert _ru_citations(message.string) == citations(text), label


# Each catalog's short forms of the Convention and the Protocol, and what must come before the
# first of them on a screen: the name written out (readers took «ЖК III» for the Housing Code).
NAMED_FIRST = {
    "en": {"(GC III": "Geneva Convention", "(AP I": "Additional Protocol I"},
    "ru": {"ЖК III": "Женевск", "ДП I": "Дополнительн"},
    "uk": {"ЖК III": "Женевськ", "ДП I": "Додатков"},
    "ko": {"제3협약": "제네바 협약", "제1추가의정서": "제네바 협약"},
    "fr": {"(CG III": "Convention de Genève", "(PA I": "Protocole additionnel I"},
    "es": {"(CG III": "Convenio de Ginebra", "(PA I": "Protocolo adicional I"},
    "uz_Latn": {"(III konvensiya": "Jeneva konvensiya"},
    "kk": {"(III конвенция": "Женева конвенция"},
    "ky": {"(III конвенция": "Женева конвенция"},
    # ar, hi, ne, zh_Hans name the treaty in full in every citation: no short form to precede.
}


@pytest.mark.parametrize("po", catalog_paths(), ids=lambda p: p.parent.parent.name)
def test_every_screen_names_the_convention_before_its_short_form(po: Path) -> None:
    lang = po.parent.parent.name
    if lang not in NAMED_FIRST:
        pytest.skip(f"no short forms known for {lang}")
    catalog = _catalog(lang)
    for label, _section, text in TEXTS:
        message = catalog.get(text)
        shown = message.string if message is not None and message.string else ""
        for short, name in NAMED_FIRST[lang].items():
            if short in shown:
                assert name in shown[: shown.index(short)], (lang, label, short)


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_numbers_and_articles_keep_their_no_break_spaces(lang: str) -> None:
    """«10 000», «ст. 17»: a line break must never separate them."""
    for message in _catalog(lang):
        text = message.string if isinstance(message.string, str) else ""
        assert not re.search(r"ст\. ", text), message.id
        assert not re.search(r"\d \d{3}\b", text), message.id
