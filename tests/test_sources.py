"""Every treaty citation in the menu names an article the facts sheet lists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.content.sources import ARTICLES, CITATION, citations, is_known
from bot.content.tree import SECTIONS

ROOT = Path(__file__).resolve().parents[1]
RIGHTS = [s for s in SECTIONS if s.id.startswith("r_")]
CITING = [s for s in SECTIONS if citations(s.text)]

# The Russian catalog writes the same citations as "(ЖК III, ст. 17)" and "(ДП I, ст. 41)".
RU_TREATY = {"ЖК III": "GC III", "ДП I": "AP I"}
_NUMBERS = r"\d+(?:[–-]\d+)?"
RU_CITATION = re.compile(rf"\((ЖК III|ДП I), ст\. ({_NUMBERS}(?:, {_NUMBERS})*)\)")


def unknown(text: str) -> set[tuple[str, int]]:
    return {cited for cited in citations(text) if not is_known(*cited)}


def test_the_menu_cites_something() -> None:
    assert len(CITING) >= len(RIGHTS)


@pytest.mark.parametrize("section", CITING, ids=lambda s: s.id)
def test_sections_cite_only_listed_articles(section) -> None:
    assert unknown(section.text) == set()


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.id)
def test_every_article_mention_is_a_well_formed_citation(section) -> None:
    """A citation written another way ("GC III art. 17") would escape the check above."""
    covered = [m.span() for m in CITATION.finditer(section.text)]
    for mention in re.finditer(r"Art\b", section.text):
        assert any(start <= mention.start() < end for start, end in covered), (
            section.id,
            section.text[max(0, mention.start() - 20) : mention.end() + 10],
        )


@pytest.mark.parametrize("section", RIGHTS, ids=lambda s: s.id)
def test_each_rights_screen_cites_an_article(section) -> None:
    assert citations(section.text)


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


def test_russian_catalog_cites_the_same_articles() -> None:
    po = ROOT / "locales" / "ru" / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        pytest.skip("no Russian catalog yet")
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for section in CITING:
        message = catalog.get(section.text)
        if message is None or not message.string:
            continue  # completeness is the catalog check's business
        assert _ru_citations(message.string) == citations(section.text), section.id
