"""The treaty articles the bot's texts may cite, and the citation notation they use.

The list follows the project's facts sheet: an article appears here only if the texts may rest on
it, with one line saying what it says. A text cites it as "(GC III, Art. 17)", a range as
"(GC III, Art. 19–20)", several as "(GC III, Art. 87, 99)", the Protocol as "(AP I, Art. 41)".
A test checks that every citation in the menu names an article listed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TREATIES: dict[str, str] = {
    "GC III": "Geneva Convention (III) relative to the Treatment of Prisoners of War, 1949",
    "AP I": "Protocol Additional to the Geneva Conventions (Protocol I), 1977",
}


@dataclass(frozen=True, slots=True)
class Article:
    treaty: str  # a key of TREATIES
    number: int
    says: str  # what the article says, in one line


def _each(treaty: str, first: int, last: int, says: str) -> tuple[Article, ...]:
    """One entry per article of a range the facts sheet describes together."""
    return tuple(Article(treaty, n, says) for n in range(first, last + 1))


_PUNISHMENT = (
    "No collective or corporal punishment, no torture; no coercion to admit guilt; "
    "the right to a defender and an interpreter."
)

ARTICLES: tuple[Article, ...] = (
    Article(
        "GC III",
        4,
        "Who is a prisoner of war: members of the armed forces, militias forming part of them, "
        "and others listed.",
    ),
    Article("GC III", 7, "A prisoner cannot renounce the rights the Convention secures."),
    Article(
        "GC III",
        13,
        "Humane treatment at all times; protection from violence, intimidation, insults and "
        "public curiosity; no reprisals.",
    ),
    Article("GC III", 14, "Respect for the prisoner's person and honour."),
    Article("GC III", 15, "Maintenance and medical care free of charge."),
    Article(
        "GC III",
        17,
        "Only surname, first names, rank, date of birth and service number must be given; no "
        "torture or coercion to get more; refusing to answer may not be punished; questioning "
        "in a language the prisoner understands.",
    ),
    Article(
        "GC III",
        18,
        "Personal effects are kept (arms, military equipment and documents excepted); money is "
        "taken only on an officer's order, against a receipt.",
    ),
    *_each(
        "GC III",
        19,
        20,
        "Evacuation away from the combat zone as soon as possible, humanely, with food, water, "
        "clothing and medical care.",
    ),
    *_each(
        "GC III",
        26,
        27,
        "Daily food sufficient in quantity, quality and variety; clothing and footwear for the "
        "climate.",
    ),
    Article(
        "GC III",
        30,
        "A camp infirmary; no one may be prevented from seeing a doctor; treatment free.",
    ),
    Article("GC III", 34, "Freedom to practise one's religion."),
    *_each(
        "GC III",
        49,
        57,
        "Fit prisoners may be made to work, only in listed non-military kinds of work; dangerous "
        "work (mine clearance included) only for volunteers; limited hours; a weekly 24-hour "
        "rest; pay.",
    ),
    Article("GC III", 70, "A capture card to the family and the Central Agency within a week."),
    Article(
        "GC III", 71, "Letters and cards; any limit allows at least 2 letters and 4 cards a month."
    ),
    Article("GC III", 72, "Parcels and relief shipments."),
    Article(
        "GC III",
        78,
        "The right to make requests and complaints, without punishment for doing so.",
    ),
    Article("GC III", 87, _PUNISHMENT),
    Article("GC III", 99, _PUNISHMENT),
    Article("GC III", 105, _PUNISHMENT),
    Article(
        "GC III",
        109,
        "Seriously sick and wounded prisoners are repatriated, and during hostilities no one "
        "against their will under this article; parties may agree on exchanges (second "
        "paragraph), which the Convention does not make a right.",
    ),
    Article(
        "GC III",
        110,
        "Seriously sick and wounded prisoners are repatriated; during hostilities no one is "
        "repatriated against their will under this article.",
    ),
    Article(
        "GC III",
        117,
        "A prisoner repatriated as sick or wounded may not return to active military service.",
    ),
    Article("GC III", 118, "Release and repatriation without delay after active hostilities end."),
    *_each(
        "GC III",
        122,
        123,
        "National Information Bureaux and the Central Agency (today the ICRC's Central Tracing "
        "Agency) pass information to families.",
    ),
    Article(
        "GC III",
        126,
        "ICRC delegates may visit all places of detention and speak with prisoners without "
        "witnesses.",
    ),
    Article(
        "AP I",
        41,
        "A person who clearly expresses an intention to surrender is hors de combat and may not "
        "be attacked.",
    ),
)

_KNOWN: frozenset[tuple[str, int]] = frozenset((a.treaty, a.number) for a in ARTICLES)

# "(GC III, Art. 17)", "(GC III, Art. 19–20)", "(GC III, Art. 87, 99)", "(AP I, Art. 41)".
# A hyphen is accepted in ranges as well as the en dash the texts use.
_NUMBERS = r"\d+(?:[–-]\d+)?"
CITATION: re.Pattern[str] = re.compile(
    rf"\((?P<treaty>GC III|AP I), Art\. (?P<numbers>{_NUMBERS}(?:, {_NUMBERS})*)\)"
)


def _expand(numbers: str) -> set[int]:
    found: set[int] = set()
    for part in numbers.split(", "):
        first, _, last = part.replace("–", "-").partition("-")
        found.update(range(int(first), int(last or first) + 1))
    return found


def citations(text: str) -> set[tuple[str, int]]:
    """Every (treaty, article number) cited in `text`; a range N–M yields every number in it."""
    return {
        (match["treaty"], number)
        for match in CITATION.finditer(text)
        for number in _expand(match["numbers"])
    }


def is_known(treaty: str, number: int) -> bool:
    """Whether the article is one the texts may cite."""
    return (treaty, number) in _KNOWN
