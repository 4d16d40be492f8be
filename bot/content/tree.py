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
        N_(
            "<b>«Хочу жить» (“I Want to Live”)</b>\n\n"
            "This bot explains, in short screens, what Ukraine's «Хочу жить» program offers: "
            "how surrender is handled, what rights a prisoner of war has, and what comes after.\n\n"
            "The bot takes no requests and keeps nothing that identifies you. "
            "To delete this conversation at any time, send /erase.\n\n"
            "Choose a section below."
        ),
        children=("program", "surrender", "rights", "after", "relatives", "contact", "faq"),
    ),
    # The program and its promises
    Section(
        "program",
        N_("About the program"),
        N_(
            "<b>About the program</b>\n\n"
            "«Хочу жить» (“I Want to Live”) is a state project of Ukraine, started on "
            "18 September 2022. It is run by the Coordination Headquarters for the Treatment of "
            "Prisoners of War and overseen by Ukraine's Main Directorate of Intelligence (HUR).\n\n"
            "It is for soldiers of Russia and Belarus and for men mobilized in occupied "
            "territories. It has a 24-hour hotline, a website, a Telegram channel and an official "
            "Telegram bot, and it can be reached through other messengers.\n\n"
            "<b>What the program has promised</b>\n"
            "• Treatment according to the Geneva Conventions.\n"
            "• Nobody in Russia is told that the surrender was voluntary: people are registered "
            "as captured in combat.\n"
            "• If you fear going home and do not want to be exchanged, you are not forced to be.\n\n"
            "Reports from detention mention three meals a day, medical care, contact with "
            "relatives and parcels from family."
        ),
    ),
    Section(
        "surrender",
        N_("How surrender is handled"),
        N_(
            "<b>How surrender is handled</b>\n\n"
            "The program has published these steps:\n"
            "1. You leave your contact details with an official channel of the program.\n"
            "2. Once at the front, you contact it again and say where you are and how you wish "
            "to surrender.\n"
            "3. The program arranges a safe way out.\n"
            "4. You are taken to a place of permanent detention.\n\n"
            "A person who clearly expresses an intention to surrender is out of combat and may "
            "not be attacked (AP I, Art. 41).\n\n"
            "<b>This bot does not take part in any of these steps.</b> It takes no requests and "
            "passes nothing on. Only the program's official channels can help you: see "
            "“Contacting the program safely” in the main menu."
        ),
    ),
    # Rights as a prisoner of war, grouped by moment
    Section(
        "rights",
        N_("Your rights as a prisoner"),
        N_(
            "<b>Your rights as a prisoner of war</b>\n\n"
            "Prisoners of war are protected by the Third Geneva Convention of 1949 (GC III). "
            "A prisoner of war is, among others, a member of the armed forces of a party to the "
            "conflict or of a militia forming part of them (GC III, Art. 4).\n\n"
            "These rights cannot be renounced: they stay yours even if someone asks you to give "
            "them up (GC III, Art. 7).\n\n"
            "The screens below group your rights by moment. Each point names its article, so "
            "that you or your family can check it in the text of the Convention."
        ),
        children=(
            "r_capture",
            "r_questioning",
            "r_care",
            "r_family",
            "r_work",
            "r_complaints",
        ),
    ),
    Section(
        "r_capture",
        N_("At capture"),
        N_(
            "<b>At capture</b>\n\n"
            "• If you clearly express an intention to surrender, you are out of combat and may "
            "not be attacked (AP I, Art. 41).\n"
            "• You must be treated humanely at all times and protected from violence, "
            "intimidation, insults and public curiosity. Reprisals against you are forbidden "
            "(GC III, Art. 13).\n"
            "• You are entitled to respect for your person and your honour (GC III, Art. 14).\n"
            "• You keep your personal effects, except arms, military equipment and military "
            "documents. Money may be taken from you only on an officer's order, against a receipt "
            "(GC III, Art. 18).\n"
            "• You must be evacuated away from the combat zone as soon as possible, humanely, "
            "with food, water, clothing and medical care (GC III, Art. 19–20)."
        ),
    ),
    Section(
        "r_questioning",
        N_("Questioning"),
        N_(
            "<b>Questioning</b>\n\n"
            "• You have to give only your surname, first names, rank, date of birth and service "
            "number (GC III, Art. 17).\n"
            "• No torture and no coercion of any kind may be used to get more from you. If you "
            "refuse to answer, you may not be punished for it (GC III, Art. 17).\n"
            "• You must be questioned in a language you understand (GC III, Art. 17).\n"
            "• No one may force you to admit guilt. If you are prosecuted, you have the right to "
            "a defender and an interpreter (GC III, Art. 99, 105)."
        ),
    ),
    Section(
        "r_care",
        N_("Food and medical care"),
        N_(
            "<b>Food and medical care</b>\n\n"
            "• Your upkeep and your medical care are free of charge (GC III, Art. 15).\n"
            "• Your daily food must be sufficient in quantity, quality and variety. You must get "
            "clothing and footwear suited to the climate (GC III, Art. 26–27).\n"
            "• A camp must have an infirmary. No one may stop you from seeing a doctor, and "
            "treatment is free (GC III, Art. 30).\n"
            "• You are free to practise your religion (GC III, Art. 34).\n\n"
            "Reports from detention say there are three meals a day and medical care."
        ),
    ),
    Section(
        "r_family",
        N_("Letters and family"),
        N_(
            "<b>Letters and family</b>\n\n"
            "• Within a week you may send a capture card to your family and to the Central "
            "Agency, so that they learn you are a prisoner (GC III, Art. 70).\n"
            "• You may write letters and cards. If they are limited, you may still send at least "
            "2 letters and 4 cards a month (GC III, Art. 71).\n"
            "• You may receive parcels and relief shipments (GC III, Art. 72).\n"
            "• National Information Bureaux and the Central Agency, today the ICRC's Central "
            "Tracing Agency, pass information to families (GC III, Art. 122–123).\n\n"
            "Reports from detention mention contact with relatives and parcels from family."
        ),
    ),
    Section(
        "r_work",
        N_("Work"),
        N_(
            "<b>Work</b>\n\n"
            "The Convention sets these rules for the work of prisoners of war "
            "(GC III, Art. 49–57):\n"
            "• If you are fit, you may be made to work, but only in the kinds of work the "
            "Convention lists. None of them is military.\n"
            "• Dangerous work, mine clearance included, is only for volunteers.\n"
            "• Working hours are limited, and every week you get 24 hours of rest in a row.\n"
            "• Work is paid."
        ),
    ),
    Section(
        "r_complaints",
        N_("Complaints and ICRC visits"),
        N_(
            "<b>Complaints and ICRC visits</b>\n\n"
            "• You have the right to make requests and complaints, and you may not be punished "
            "for making them (GC III, Art. 78).\n"
            "• Delegates of the International Committee of the Red Cross (ICRC) may visit all "
            "places of detention and speak with prisoners without witnesses (GC III, Art. 126).\n"
            "• Collective punishment, corporal punishment and torture are forbidden "
            "(GC III, Art. 87)."
        ),
    ),
    # After captivity
    Section(
        "after",
        N_("Exchange or staying"),
        N_(
            "<b>Exchange or staying</b>\n\n"
            "The program describes two paths after surrender:\n"
            "• take part in a prisoner exchange;\n"
            "• stay out of exchange lists and remain in detention until the war ends, with the "
            "possibility of staying in Ukraine later or emigrating.\n\n"
            "The Convention itself says that prisoners of war are released and repatriated "
            "without delay after active hostilities end (GC III, Art. 118).\n\n"
            "The screens below explain each path with its risks, and what applies to the "
            "seriously wounded and sick."
        ),
        children=("a_exchange", "a_staying", "a_wounded"),
    ),
    Section(
        "a_exchange",
        N_("Prisoner exchange"),
        N_(
            "<b>Prisoner exchange</b>\n\n"
            "The Convention gives no right to be exchanged. The parties to the conflict may "
            "agree on exchanges (GC III, Art. 109).\n\n"
            "<b>Before you choose, know the risks:</b>\n"
            "• Since September 2022, Russian law punishes voluntary surrender with 3 to 10 years "
            "of imprisonment.\n"
            "• The program says that nobody in Russia is told the surrender was voluntary: "
            "people are registered as captured in combat. Even so, at least one soldier returned "
            "in an exchange was later sentenced.\n\n"
            "If you do not want to be exchanged, you are not forced to be: see "
            "“Staying out of exchange”."
        ),
    ),
    Section(
        "a_staying",
        N_("Staying out of exchange"),
        N_(
            "<b>Staying out of exchange</b>\n\n"
            "The program has promised: if you fear going home and do not want to be exchanged, "
            "you are not forced to be. You stay out of exchange lists and remain in detention "
            "until the war ends. After that, the program speaks of the possibility of staying "
            "in Ukraine or emigrating.\n\n"
            "This is the program's promise, not a right under the Geneva Conventions. The "
            "Convention itself provides for release and repatriation without delay after active "
            "hostilities end (GC III, Art. 118).\n\n"
            "Whichever path you take, your rights as a prisoner of war cannot be renounced "
            "(GC III, Art. 7)."
        ),
    ),
    Section(
        "a_wounded",
        N_("Wounded and sick"),
        N_(
            "<b>Wounded and sick</b>\n\n"
            "• Seriously sick and seriously wounded prisoners of war are repatriated "
            "(GC III, Art. 109–110).\n"
            "• During hostilities, no one is repatriated against their will under this article "
            "(GC III, Art. 109).\n"
            "• A prisoner repatriated this way may not return to active military service "
            "(GC III, Art. 117).\n\n"
            "In captivity, medical care is free, and no one may stop you from seeing a doctor "
            "(GC III, Art. 15, 30)."
        ),
    ),
    # Relatives
    Section(
        "relatives",
        N_("For relatives"),
        N_(
            "<b>For relatives</b>\n\n"
            "If someone close to you is serving, or may already be a prisoner, these screens are "
            "for you: how a family learns of a capture, how to look for someone, and how you can "
            "help.\n\n"
            "Relatives can contact the program too. What a prisoner of war is entitled to is "
            "explained under “Your rights as a prisoner” in the main menu."
        ),
        children=("f_news", "f_search", "f_help"),
    ),
    Section(
        "f_news",
        N_("How the family is told"),
        N_(
            "<b>How the family is told</b>\n\n"
            "• Within a week, a prisoner of war may send a capture card to the family and to the "
            "Central Agency (GC III, Art. 70).\n"
            "• National Information Bureaux and the Central Agency, today the ICRC's Central "
            "Tracing Agency, pass information to families (GC III, Art. 122–123).\n"
            "• A prisoner may write letters and cards. If they are limited, at least 2 letters "
            "and 4 cards a month are allowed (GC III, Art. 71).\n\n"
            "The program says that nobody in Russia is told that a surrender was voluntary: "
            "people are registered as captured in combat. Reports from detention mention contact "
            "with relatives."
        ),
    ),
    Section(
        "f_search",
        N_("Looking for someone"),
        N_(
            "<b>Looking for someone</b>\n\n"
            "If you do not know whether your relative is held as a prisoner:\n"
            "• «Хочу найти» (“I Want to Find”), a sister project of «Хочу жить» started in "
            "January 2024, helps families learn whether a soldier is held as a prisoner.\n"
            "• The ICRC's Central Tracing Agency passes information about prisoners of war to "
            "families (GC III, Art. 122–123).\n\n"
            "The contacts configured by this bot's operator are below. If none are shown, find "
            "the official channels yourself and check them as described under “How to spot a "
            "fake”."
        ),
        extra=Extra.FIND,
    ),
    Section(
        "f_help",
        N_("How you can help"),
        N_(
            "<b>How you can help</b>\n\n"
            "• A prisoner of war may receive parcels and relief shipments (GC III, Art. 72). "
            "Reports from detention mention parcels from family.\n"
            "• A prisoner may write and receive letters and cards (GC III, Art. 71).\n"
            "• You can contact the program yourself: relatives do. Use only its official "
            "channels.\n"
            "• To find out whether someone is held as a prisoner, see “Looking for someone”.\n"
            "• Be careful with links that others send you: clones of official channels have "
            "been used against the people who contact them."
        ),
    ),
    # Contacting the program safely
    Section(
        "contact",
        N_("Contacting the program safely"),
        N_(
            "<b>Contacting the program safely</b>\n\n"
            "Clones of Ukrainian state bots and phishing sites posing as such projects have been "
            "used against the people who contact them. Before you write to anyone, make sure it "
            "is really the program.\n\n"
            "Below: the official channels, how to spot a fake, and how to keep your phone clean."
        ),
        children=("c_channels", "c_clones", "c_hygiene"),
    ),
    Section(
        "c_channels",
        N_("Official channels"),
        N_(
            "<b>Official channels</b>\n\n"
            "The program's official channels, as configured by this bot's operator, are below.\n\n"
            "The program has a 24-hour hotline, a website, a Telegram channel and an official "
            "Telegram bot. Before you use a channel, check it against the program's official "
            "website, letter by letter.\n\n"
            "This bot takes no requests and passes nothing on. If no channels are listed below, "
            "none are configured in this copy of the bot: do not take a contact that someone "
            "sends you instead."
        ),
        extra=Extra.CONTACTS,
    ),
    Section(
        "c_clones",
        N_("How to spot a fake"),
        N_(
            "<b>How to spot a fake</b>\n\n"
            "Clones of Ukrainian state bots and fake websites have been used against the people "
            "who contact them. Signs of a clone:\n"
            "• a name or link that differs from the official one by a single letter;\n"
            "• no verification mark next to the name of the bot or channel.\n\n"
            "What to do:\n"
            "• Never trust a link that someone sends you, even a person you know. Find the "
            "channel yourself.\n"
            "• Check every name and link against the program's official website.\n"
            "• This bot can be copied too: check its name the same way."
        ),
    ),
    Section(
        "c_hygiene",
        N_("Keeping your phone clean"),
        N_(
            "<b>Keeping your phone clean</b>\n\n"
            "• Send /erase: the bot deletes this conversation, its messages and yours, as far as "
            "Telegram allows (messages younger than 48 hours).\n"
            "• Messages here cannot be forwarded or saved.\n"
            "• Then delete the chat in Telegram as well.\n"
            "• Lock your screen, and do not leave your phone unlocked.\n"
            "• Do not take screenshots of these screens.\n"
            "• Be careful who can see your screen while you read."
        ),
    ),
    # Frequently asked questions
    Section(
        "faq",
        N_("Questions and answers"),
        N_(
            "<b>Questions and answers</b>\n\n"
            "Short answers to the questions people ask most often. Choose one below."
        ),
        children=("q_who", "q_home", "q_refuse", "q_bot", "q_numbers"),
    ),
    Section(
        "q_who",
        N_("Who can contact the program?"),
        N_(
            "<b>Who can contact the program?</b>\n\n"
            "The program is for soldiers of Russia and Belarus and for men mobilized in occupied "
            "territories.\n\n"
            "Relatives contact the program too. For families who want to learn whether a soldier "
            "is held as a prisoner, there is a sister project, «Хочу найти»: see "
            "“For relatives”."
        ),
    ),
    Section(
        "q_home",
        N_("Will anyone at home know?"),
        N_(
            "<b>Will anyone at home know?</b>\n\n"
            "The program says that nobody in Russia is told that a surrender was voluntary: "
            "people are registered as captured in combat.\n\n"
            "Your family can learn that you are a prisoner: you may send them a capture card "
            "(GC III, Art. 70), and the Central Agency, today the ICRC's Central Tracing Agency, "
            "passes information to families (GC III, Art. 122–123).\n\n"
            "Know the risk: since September 2022, Russian law punishes voluntary surrender with "
            "3 to 10 years, and at least one soldier returned in an exchange was later sentenced."
        ),
    ),
    Section(
        "q_refuse",
        N_("Can I refuse an exchange?"),
        N_(
            "<b>Can I refuse an exchange?</b>\n\n"
            "The program has promised: if you fear going home and do not want to be exchanged, "
            "you are not forced to be. You stay out of exchange lists and remain in detention "
            "until the war ends, with the possibility of staying in Ukraine later or "
            "emigrating.\n\n"
            "This is the program's promise. The Convention gives no right to be exchanged: the "
            "parties may agree on exchanges (GC III, Art. 109). For seriously sick and wounded "
            "prisoners, it says that during hostilities no one is repatriated against their will "
            "(GC III, Art. 109–110)."
        ),
    ),
    Section(
        "q_bot",
        N_("What does this bot keep?"),
        N_(
            "<b>What does this bot keep?</b>\n\n"
            "It keeps no record of who you are: not your name, not your Telegram account, not "
            "what you write.\n\n"
            "It only counts, anonymously and per day, how many people read which section and in "
            "which language.\n\n"
            "While you read, it briefly remembers your language and which messages to delete "
            "for /erase; this expires by itself. Send /erase to delete this conversation and "
            "make the bot forget it at once."
        ),
    ),
    Section(
        "q_numbers",
        N_("How many have made contact?"),
        N_(
            "<b>How many have made contact?</b>\n\n"
            "The published figures count contacts with the program, not people who surrendered. "
            "They are dated:\n"
            "• in December 2022, 70 to 100 contacts a day;\n"
            "• about 10,000 contacts by March 2023;\n"
            "• over 40,000 contacts by September 2024.\n\n"
            "These figures do not say how many people surrendered."
        ),
    ),
)

BY_ID: dict[str, Section] = {section.id: section for section in SECTIONS}
PARENT: dict[str, str] = {child: s.id for s in SECTIONS for child in s.children}
