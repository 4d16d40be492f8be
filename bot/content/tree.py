"""The menu, declared once as data.

Every screen is a `Section`: an id (ASCII, short: it travels in callback data), the msgid of its
button label, the msgid of its text, and its children. One generic handler renders any section by
id; adding a screen is one entry here and one entry in each catalog.

Texts are English msgids, marked with `N_` so that pybabel extracts them and translated when
rendered. Every claim about the Geneva Conventions carries its citation in the form
"(GC III, Art. N)" or "(AP I, Art. N)", and every cited article must be listed in
bot/content/sources.py (a test checks both).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


def N_(message: str) -> str:
    """Mark a msgid for extraction; translation happens when the section is rendered."""
    return message


class Extra(Enum):
    """Operator-configured material a section appends to its text."""

    NONE = "none"
    CONTACTS = "contacts"  # the program's official channels
    FIND = "find"  # «Хочу найти» and the ICRC, for relatives


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    text: str
    children: tuple[str, ...] = ()
    extra: Extra = Extra.NONE


HOME = "home"

SECTIONS: tuple[Section, ...] = (
    Section(
        HOME,
        N_("Main menu"),
        N_("TODO home"),
        children=("program", "surrender", "rights", "after", "relatives", "contact", "faq"),
    ),
    # The program and its promises
    Section("program", N_("About the program"), N_("TODO program")),
    Section("surrender", N_("How surrender is handled"), N_("TODO surrender")),
    # Rights as a prisoner of war, grouped by moment
    Section(
        "rights",
        N_("Your rights as a prisoner of war"),
        N_("TODO rights"),
        children=(
            "r_capture",
            "r_questioning",
            "r_care",
            "r_family",
            "r_work",
            "r_complaints",
        ),
    ),
    Section("r_capture", N_("At capture"), N_("TODO r_capture")),
    Section("r_questioning", N_("Questioning"), N_("TODO r_questioning")),
    Section("r_care", N_("Food and medical care"), N_("TODO r_care")),
    Section("r_family", N_("Letters and family"), N_("TODO r_family")),
    Section("r_work", N_("Work"), N_("TODO r_work")),
    Section("r_complaints", N_("Complaints and ICRC visits"), N_("TODO r_complaints")),
    # After captivity
    Section(
        "after",
        N_("After captivity: exchange or staying"),
        N_("TODO after"),
        children=("a_exchange", "a_staying", "a_wounded"),
    ),
    Section("a_exchange", N_("Prisoner exchange"), N_("TODO a_exchange")),
    Section("a_staying", N_("Staying out of exchange"), N_("TODO a_staying")),
    Section("a_wounded", N_("Wounded and sick"), N_("TODO a_wounded")),
    # Relatives
    Section(
        "relatives",
        N_("For relatives"),
        N_("TODO relatives"),
        children=("f_news", "f_search", "f_help"),
    ),
    Section("f_news", N_("How the family is told"), N_("TODO f_news")),
    Section("f_search", N_("Looking for someone"), N_("TODO f_search"), extra=Extra.FIND),
    Section("f_help", N_("How you can help"), N_("TODO f_help")),
    # Contacting the program safely
    Section(
        "contact",
        N_("Contacting the program safely"),
        N_("TODO contact"),
        children=("c_channels", "c_clones", "c_hygiene"),
    ),
    Section("c_channels", N_("Official channels"), N_("TODO c_channels"), extra=Extra.CONTACTS),
    Section("c_clones", N_("How to spot a fake"), N_("TODO c_clones")),
    Section("c_hygiene", N_("Keeping your phone clean"), N_("TODO c_hygiene")),
    # Frequently asked questions
    Section(
        "faq",
        N_("Questions and answers"),
        N_("TODO faq"),
        children=("q_who", "q_home", "q_refuse", "q_bot", "q_numbers"),
    ),
    Section("q_who", N_("Who can contact the program?"), N_("TODO q_who")),
    Section("q_home", N_("Will anyone at home know?"), N_("TODO q_home")),
    Section("q_refuse", N_("Can I refuse an exchange?"), N_("TODO q_refuse")),
    Section("q_bot", N_("What does this bot keep?"), N_("TODO q_bot")),
    Section("q_numbers", N_("How many people have made contact?"), N_("TODO q_numbers")),
)

BY_ID: dict[str, Section] = {section.id: section for section in SECTIONS}
PARENT: dict[str, str] = {child: s.id for s in SECTIONS for child in s.children}
