"""The menu, declared once as data.

Every screen is a `Section`: an id (ASCII, short: it travels in callback data), the msgid of its
button label, the msgid of its text for the default audience, its children, and, beside them, the
msgid of its text for any other audience that needs its own (`texts=`; see
bot/content/audiences.py). One generic handler renders any section by id; adding a screen is one
entry here and one entry in each catalog.

Texts are English msgids, marked with `N_` so that pybabel extracts them and translated when
rendered. Every claim about the Geneva Conventions carries its citation in the form
"(GC III, Art. N)" or "(AP I, Art. N)", and every cited article must be listed in
bot/content/sources.py; every date a text gives for a fact from reporting must be listed there too
(tests/test_sources.py checks both). On every screen, the Convention's name is written out before
its short form ("the Third Geneva Convention (GC III)").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from bot.content.audiences import Audience
from bot.content.marks import N_

__all__ = ["BY_ID", "HOME", "N_", "PARENT", "SECTIONS", "Extra", "Section"]


class Extra(Enum):
    """Operator-configured material a section appends to its text."""

    NONE = "none"
    CONTACTS = "contacts"  # the program's official channels
    FIND = "find"  # «Хочу найти» and the ICRC, for relatives
    FAKES = "fakes"  # the official usernames to compare with, and known fakes


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    text: str  # for the default audience, and for any audience without its own
    children: tuple[str, ...] = ()
    extra: Extra = Extra.NONE
    # An audience's own text, where the default one would tell it something wrong or too little.
    texts: Mapping[Audience, str] = field(default_factory=dict, hash=False, compare=False)

    def text_for(self, audience: Audience) -> str:
        """The msgid this audience reads on this screen."""
        return self.texts.get(audience, self.text)


HOME = "home"


SECTIONS: tuple[Section, ...] = (
    Section(
        HOME,
        N_("Main menu"),
        N_(
            "<b>«Хочу жить» (“I Want to Live”)</b>\n\n"
            "This bot explains, in short screens, what Ukraine's «Хочу жить» program offers: "
            "how surrender is handled, what rights the Geneva Conventions give a prisoner of war, "
            "and what comes after.\n\n"
            "The bot takes no requests and keeps nothing that identifies you. /erase deletes the "
            "last 48 hours of this chat, its messages and yours: Telegram lets a bot delete "
            "nothing older. Delete the chat in Telegram as well, or set its auto-delete timer in "
            "the chat's settings.\n\n"
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
            "<b>What the program promises</b>\n"
            "These are its promises, not rules of the Geneva Conventions:\n"
            "• treatment according to the Geneva Conventions;\n"
            "• nobody in Russia is told that the surrender was voluntary: people are registered "
            "as captured in combat;\n"
            "• a person who fears going home and does not want to be exchanged is not forced "
            "into an exchange.\n\n"
            "How detention is described, and by whom: “How surrender is handled” → "
            "“Detention: who reports what”."
        ),
        texts={
            # Translators: for North Korean soldiers.
            Audience.NORTH_KOREA: N_(
                "<b>About the program</b>\n\n"
                "«Хочу жить» (“I Want to Live”) is a state project of Ukraine, started on "
                "18 September 2022 and run by the Coordination Headquarters for the Treatment of "
                "Prisoners of War under Ukraine's Main Directorate of Intelligence (HUR).\n\n"
                "It was set up for soldiers of Russia and Belarus. Since 23 October 2024 it has "
                "also spoken to North Korean soldiers in Korean, first in a video, later in "
                "leaflets: it is for you too. It has a 24-hour hotline, a website, a Telegram "
                "channel and an official Telegram bot.\n\n"
                "<b>What the program promises</b>\n"
                "These are its promises, not rules of the Geneva Conventions:\n"
                "• treatment according to the Geneva Conventions;\n"
                "• in its Korean video of October 2024: safe conditions of detention, food and "
                "medical care;\n"
                "• a person who does not want to be exchanged is not forced into an exchange.\n\n"
                "What is known of North Korean soldiers held by Ukraine: “Questions and answers” "
                "→ “Who can contact the program?”."
            ),
            # Translators: for foreign citizens serving in Russia's forces.
            Audience.FOREIGN: N_(
                "<b>About the program</b>\n\n"
                "«Хочу жить» (“I Want to Live”) is a state project of Ukraine, started on "
                "18 September 2022 and run by the Coordination Headquarters for the Treatment of "
                "Prisoners of War under Ukraine's Main Directorate of Intelligence (HUR).\n\n"
                "It was set up for soldiers of Russia and Belarus. On 8 October 2024 Ukraine's "
                "foreign ministry called on foreigners sent to fight in Russia's army, naming "
                "people from Africa and the Middle East, to surrender through it. It has a 24-hour hotline, a website, a Telegram channel and "
                "an official Telegram bot.\n\n"
                "<b>What the program promises</b>\n"
                "These are its promises, not rules of the Geneva Conventions:\n"
                "• treatment according to the Geneva Conventions;\n"
                "• a person who does not want to be exchanged is not forced into an exchange.\n\n"
                "Your status, and what your home country's law says: “Questions and answers” → "
                "“Who can contact the program?”."
            ),
        },
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
            "3. The program says it arranges a way out. Crossing the front line stays dangerous.\n"
            "4. You are taken to a place of permanent detention.\n\n"
            "Additional Protocol I to the Geneva Conventions (AP I) says: if you clearly express "
            "an intention to surrender, you are out of combat (that is, you no longer take part "
            "in the fighting) and may not be attacked, as long as you commit no hostile act and "
            "do not try to escape (AP I, Art. 41). The law forbids the attack; it does not make "
            "the moment safe.\n\n"
            "<b>This bot does not take part in any of these steps.</b> It takes no requests and "
            "passes nothing on. Only the program's official channels can help you: see "
            "“Contacting the program safely” in the main menu."
        ),
        children=("s_detention",),
    ),
    Section(
        "s_detention",
        N_("Detention: who reports what"),
        N_(
            "<b>Detention: who reports what</b>\n\n"
            "• The program, and journalists who visited camps in Ukraine in 2023, describe three "
            "meals a day, medical care, contact with relatives and parcels from family.\n"
            "• The UN Human Rights Monitoring Mission in Ukraine interviews prisoners held by both "
            "sides. On 15 November 2022, after interviewing 175 Russian prisoners held by Ukraine, "
            "it reported a pattern of ill-treatment at capture and evacuation, and sporadic cases "
            "later in internment.\n"
            "• In March 2023 it reported that 46 per cent of the 88 Russian prisoners it had "
            "interviewed described torture or ill-treatment, mostly at the start of captivity, at first "
            "questioning or during evacuation.\n"
            "• In March 2024 it reported that the 44 Russian prisoners it had interviewed did not "
            "describe torture in official places of internment, and that it had credible reports "
            "of ill-treatment in transit places after evacuation.\n\n"
            "The Third Geneva Convention (GC III) lets you complain without being punished for it "
            "(GC III, Art. 78), and delegates of the ICRC may speak with you without witnesses "
            "(GC III, Art. 126)."
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
            "The screens below group the rights the Convention gives by moment. Each point names "
            "its article, so that you or your family can check it in the text of the Convention. "
            "The law sets the rules; how they are kept is described under “How surrender is "
            "handled” → “Detention: who reports what”."
        ),
        children=(
            "r_capture",
            "r_questioning",
            "r_care",
            "r_family",
            "r_work",
            "r_complaints",
        ),
        texts={
            # Translators: for foreign citizens serving in Russia's forces.
            Audience.FOREIGN: N_(
                "<b>Your rights as a prisoner of war</b>\n\n"
                "Prisoners of war are protected by the Third Geneva Convention of 1949 (GC III). "
                "Members of the armed forces of a party to the conflict are prisoners of war when "
                "captured (GC III, Art. 4). Your citizenship does not change that: if you serve in "
                "Russia's armed forces, under a contract with its Ministry of Defence, you are a "
                "member of them.\n\n"
                "Additional Protocol I to the Conventions (AP I) denies prisoner-of-war status to "
                "mercenaries, but its definition of a mercenary excludes members of the armed "
                "forces of a party to the conflict (AP I, Art. 47).\n\n"
                "These rights cannot be renounced (GC III, Art. 7). The screens below group them "
                "by moment, each point with its article."
            ),
        },
    ),
    Section(
        "r_capture",
        N_("At capture"),
        N_(
            "<b>At capture</b>\n\n"
            "What the Third Geneva Convention (GC III) and its Additional Protocol I (AP I) say:\n"
            "• If you clearly express an intention to surrender, you are out of combat (that is, "
            "you no longer take part in the fighting) and may not be attacked, as long as you "
            "commit no hostile act and do not try to escape (AP I, Art. 41). The law forbids the "
            "attack; it does not make the moment safe.\n"
            "• You must be treated humanely at all times and protected from violence, "
            "intimidation, insults and public curiosity. Reprisals against you are forbidden "
            "(GC III, Art. 13).\n"
            "• Public curiosity includes cameras: you may refuse to be filmed. Interviews recorded "
            "in captivity can be used as evidence against you in Russia (reported in 2023).\n"
            "• You are entitled to respect for your person and your honour (GC III, Art. 14).\n"
            "• You keep your personal effects, except arms, military equipment and military "
            "documents. Money may be taken from you only on an officer's order, against a receipt "
            "(GC III, Art. 18).\n"
            "• You must be evacuated away from the combat zone as soon as possible, humanely, "
            "with food, water, clothing and medical care (GC III, Art. 19–20)."
        ),
        texts={
            # Translators: for North Korean soldiers.
            Audience.NORTH_KOREA: N_(
                "<b>At capture</b>\n\n"
                "What the Third Geneva Convention (GC III) and its Additional Protocol I (AP I) "
                "say:\n"
                "• If you clearly express an intention to surrender, you are out of combat (that "
                "is, you no longer take part in the fighting) and may not be attacked, as long as "
                "you commit no hostile act and do not try to escape (AP I, Art. 41). The law "
                "forbids the attack; it does not make the moment safe.\n"
                "• You must be treated humanely at all times and protected from violence, "
                "intimidation, insults and public curiosity. Reprisals against you are forbidden "
                "(GC III, Art. 13).\n"
                "• Public curiosity includes cameras: you may refuse to be filmed or interviewed. "
                "The questioning of the two North Korean soldiers captured in January 2025 was "
                "filmed and published.\n"
                "• You keep your personal effects, except arms, military equipment and military "
                "documents (GC III, Art. 18).\n"
                "• You must be evacuated away from the combat zone as soon as possible, humanely, "
                "with food, water, clothing and medical care (GC III, Art. 19–20)."
            ),
        },
    ),
    Section(
        "r_questioning",
        N_("Questioning"),
        N_(
            "<b>Questioning</b>\n\n"
            "What the Third Geneva Convention (GC III) says:\n"
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
            "What the Third Geneva Convention (GC III) says:\n"
            "• Your upkeep and your medical care are free of charge (GC III, Art. 15).\n"
            "• Your daily food must be sufficient in quantity, quality and variety. You must get "
            "clothing and footwear suited to the climate (GC III, Art. 26–27).\n"
            "• A camp must have an infirmary. No one may stop you from seeing a doctor, and "
            "treatment is free (GC III, Art. 30).\n"
            "• You are free to practise your religion (GC III, Art. 34).\n\n"
            "The program, and journalists who visited camps in 2023, describe three meals a day "
            "and medical care; what UN monitors found is under “Detention: who reports what”."
        ),
    ),
    Section(
        "r_family",
        N_("Letters and family"),
        N_(
            "<b>Letters and family</b>\n\n"
            "What the Third Geneva Convention (GC III) says:\n"
            "• Immediately upon capture, or within a week of arriving at a camp (a transit camp "
            "included), you must be enabled to send a capture card to your family and to the "
            "Central Agency, so that they learn you are a prisoner. It is your right, not a duty "
            "(GC III, Art. 70).\n"
            "• You may write letters and cards. If they are limited, you may still send at least "
            "2 letters and 4 cards a month (GC III, Art. 71).\n"
            "• You may receive parcels and relief shipments (GC III, Art. 72).\n"
            "• National Information Bureaux and the Central Agency, today the ICRC's Central "
            "Tracing Agency, pass information to families (GC III, Art. 122–123).\n\n"
            "The program, and journalists who visited camps in 2023, report contact with "
            "relatives and parcels from family."
        ),
        texts={
            # Translators: for North Korean soldiers.
            Audience.NORTH_KOREA: N_(
                "<b>Letters and family</b>\n\n"
                "What the Third Geneva Convention (GC III) says:\n"
                "• Immediately upon capture, or within a week of arriving at a camp (a transit "
                "camp included), you must be enabled to send a capture card to your family and to "
                "the Central Agency (GC III, Art. 70). It is your right, not a duty: you do not "
                "have to send one.\n"
                "• You may write and receive letters and cards (GC III, Art. 71), and receive "
                "parcels (GC III, Art. 72).\n\n"
                "<b>Think of your family first.</b> The UN Commission of Inquiry on North Korea "
                "reported in 2014 that relatives of people the state treats as traitors are "
                "punished with them. A card or letter that reaches North Korea can put them at "
                "risk. You may write to no one. Do not give anyone your family's names or address "
                "unless you are sure it is safe for them."
            ),
        },
    ),
    Section(
        "r_work",
        N_("Work"),
        N_(
            "<b>Work</b>\n\n"
            "The Third Geneva Convention (GC III) sets these rules for the work of prisoners of "
            "war (GC III, Art. 49–57):\n"
            "• If you are fit, you may be made to work, but only in the kinds of work the "
            "Convention lists. None of them is military.\n"
            "• Non-commissioned officers may be required only to supervise work. Officers may ask "
            "for work but may not be made to work (GC III, Art. 49).\n"
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
            "What the Third Geneva Convention (GC III) says:\n"
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
            "The Third Geneva Convention (GC III) does not provide for exchanges: the parties "
            "arrange them by special agreements, which may not lessen prisoners' rights "
            "(GC III, Art. 6). Its own rule is release and repatriation without delay after "
            "active hostilities end (GC III, Art. 118).\n\n"
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
            "The Third Geneva Convention (GC III) gives no right to be exchanged: the parties "
            "arrange exchanges by special agreement (GC III, Art. 6).\n\n"
            "<b>Consider the risks:</b>\n"
            "• Article 352.1 of Russia's Criminal Code, in force since 24 September 2022: voluntary "
            "surrender, 3 to 10 years in prison.\n"
            "• The plenum of Russia's Supreme Court explained on 18 May 2023 that surrendering in order to "
            "go over to the enemy and fight against Russia is treason (Article 275: 12 to 20 years, or "
            "life).\n"
            "• Interviews recorded in captivity can be used as evidence in Russia (reported in 2023). You "
            "may refuse to be filmed (GC III, Art. 13).\n"
            "• Prisoners returned in exchanges have been questioned for weeks, sent back to the front, and "
            "some prosecuted (the Wall Street Journal, December 2025). In April 2025 a returned soldier was "
            "sentenced to 15 years for voluntary surrender and desertion (Kommersant).\n\n"
            "The program says that nobody in Russia is told a surrender was voluntary, and that "
            "nobody who does not want to be exchanged is forced into an exchange: see “Staying "
            "out of exchange”. These are its promises, not rules of the Convention."
        ),
        texts={
            # Translators: for North Korean soldiers.
            Audience.NORTH_KOREA: N_(
                "<b>Prisoner exchange</b>\n\n"
                "The Third Geneva Convention (GC III) gives no right to be exchanged: the parties "
                "arrange exchanges by special agreement (GC III, Art. 6).\n\n"
                "<b>What is known for North Korean soldiers:</b>\n"
                "• In January 2025 Ukraine's president said Ukraine was ready to hand the two "
                "captured North Korean soldiers to North Korea in exchange for Ukrainians held by "
                "Russia.\n"
                "• On 19 February 2025 South Korea's foreign ministry said it would accept North "
                "Korean soldiers who ask to go to the South, and that they should not be sent "
                "against their will to a place where they face persecution.\n"
                "• By December 2025 neither an exchange nor a transfer to South Korea had been "
                "reported.\n"
                "• South Korea's intelligence service has said that North Korean soldiers are told "
                "to kill themselves rather than be captured (reported in November 2025).\n\n"
                "The program says that nobody who does not want to be exchanged is forced into an "
                "exchange: see “Staying out of exchange”. This is its promise, not a rule of the "
                "Convention."
            ),
            # Translators: for foreign citizens serving in Russia's forces.
            Audience.FOREIGN: N_(
                "<b>Prisoner exchange</b>\n\n"
                "The Third Geneva Convention (GC III) gives no right to be exchanged: the parties "
                "arrange exchanges by special agreement (GC III, Art. 6). Exchanges are agreed "
                "between Ukraine and Russia.\n\n"
                "<b>Consider the risks:</b>\n"
                "• Article 352.1 of Russia's Criminal Code, in force since 24 September 2022, "
                "punishes a serviceman's voluntary surrender with 3 to 10 years in prison.\n"
                "• Interviews recorded in captivity can be used as evidence in Russia (reported in "
                "2023). You may refuse to be filmed (GC III, Art. 13).\n"
                "• Prisoners returned in exchanges have been questioned for weeks, sent back to "
                "the front, and some prosecuted (the Wall Street Journal, December 2025).\n"
                "• Your home country may prosecute you for fighting in a foreign army. In "
                "September 2022 Kyrgyzstan and Uzbekistan warned their citizens of up to 10 years "
                "in prison, and Kazakhstan's law sets 5 to 9 years. Courts in Uzbekistan have "
                "sentenced citizens who served in Russia's army (reported in 2024–2025).\n\n"
                "The program says that nobody who does not want to be exchanged is forced into an "
                "exchange: see “Staying out of exchange”. This is its promise, not a rule of the "
                "Convention."
            ),
        },
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
            "This is the program's promise, not a rule of the Geneva Conventions. No public "
            "report has been found of a person who surrendered through the program being "
            "exchanged against his will; that does not prove it cannot happen.\n\n"
            "The Third Geneva Convention's own rule is release and repatriation without delay "
            "after active hostilities end (GC III, Art. 118). Whichever path you take, your "
            "rights as a prisoner of war cannot be renounced (GC III, Art. 7)."
        ),
        texts={
            # Translators: for foreign citizens serving in Russia's forces.
            Audience.FOREIGN: N_(
                "<b>Staying out of exchange</b>\n\n"
                "The program has promised: if you do not want to be exchanged, you are not forced "
                "to be. You stay out of exchange lists and remain in detention until the war "
                "ends; afterwards, the program speaks of the possibility of staying in Ukraine or "
                "emigrating. This is its promise, not a rule of the Geneva Conventions.\n\n"
                "<b>Your way home</b>\n"
                "• The Third Geneva Convention (GC III) says that prisoners of war are released "
                "and repatriated without delay after active hostilities end (GC III, Art. 118).\n"
                "• Your family can learn where you are through the ICRC's Central Tracing Agency "
                "(GC III, Art. 122–123).\n"
                "• Some governments seek their citizens' return: in January 2024 Nepal said it "
                "was working through diplomatic channels to bring home a Nepali citizen captured "
                "by Ukraine.\n"
                "• Ask the program what it can arrange for citizens of your country, and whether "
                "your embassy may be told where you are."
            ),
        },
    ),
    Section(
        "a_wounded",
        N_("Wounded and sick"),
        N_(
            "<b>Wounded and sick</b>\n\n"
            "What the Third Geneva Convention (GC III) says:\n"
            "• Seriously sick and seriously wounded prisoners of war are repatriated once they are "
            "fit to travel (GC III, Art. 109–110).\n"
            "• During hostilities, none of them may be repatriated against his will "
            "(GC III, Art. 109). This rule, in the article's third paragraph, covers only the "
            "seriously sick and wounded.\n"
            "• The parties may also agree to repatriate, or intern in a neutral country, "
            "able-bodied prisoners held for a long time (GC III, Art. 109).\n"
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
            "What the Third Geneva Convention (GC III) says:\n"
            "• Immediately upon capture, or within a week of arriving at a camp (a transit camp "
            "included), a prisoner of war must be enabled to send a capture card to the family "
            "and to the Central Agency (GC III, Art. 70). Sending it is his right, not a duty: "
            "a card may never come.\n"
            "• National Information Bureaux and the Central Agency, today the ICRC's Central "
            "Tracing Agency, pass information to families (GC III, Art. 122–123).\n"
            "• A prisoner may write letters and cards. If they are limited, at least 2 letters "
            "and 4 cards a month are allowed (GC III, Art. 71).\n\n"
            "The program says that nobody in Russia is told that a surrender was voluntary: "
            "people are registered as captured in combat. The program, and journalists who "
            "visited camps in 2023, report contact with relatives."
        ),
    ),
    Section(
        "f_search",
        N_("Looking for someone"),
        N_(
            "<b>Looking for someone</b>\n\n"
            "If you do not know whether your relative is held as a prisoner:\n"
            "• You can file a tracing request yourself with the ICRC's Central Tracing Agency. "
            "Its bureau for this conflict, opened in Geneva in March 2022, answers families on "
            "both sides and receives the lists of prisoners each side hands over: the Third "
            "Geneva Convention (GC III) gives it this task (GC III, Art. 122–123).\n"
            "• «Хочу найти» (“I Want to Find”), a sister project of «Хочу жить» started in "
            "January 2024, checks Ukrainian data: you send a name, photos and marks such as "
            "tattoos or scars. It had received over 144,000 requests by November 2025.\n"
            "• Be prepared for its answer: “held as a prisoner”, “no information”, or that he "
            "is dead. If you can, do not read it alone.\n\n"
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
            "• Under the Third Geneva Convention (GC III) a prisoner of war may receive parcels "
            "and relief shipments (GC III, Art. 72), and write and receive letters and cards "
            "(GC III, Art. 71). The program, and journalists who visited camps in 2023, report "
            "parcels from family.\n"
            "• You can contact the program yourself: relatives do. Use only its official "
            "channels.\n"
            "• To find out whether someone is held as a prisoner, see “Looking for someone”.\n"
            "• Nobody genuine asks for money to put a prisoner on an exchange list or to find "
            "someone: Ukraine's Coordination Headquarters warned of such fraud in November 2025.\n"
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
            "who contact them. How to check:\n"
            "• Compare the username letter by letter with the official one below. A clone differs "
            "by a single character: a lowercase l in place of an i, an added letter, extra "
            "underscores or digits.\n"
            "• A check mark in a name proves nothing: anyone can type one as an emoji. A missing "
            "verification mark is a warning sign, not proof either way.\n"
            "• Nobody genuine asks you for money.\n"
            "• Never trust a link that someone sends you, even a person you know. Find the "
            "channel yourself, on the program's official website.\n"
            "• This bot can be copied too: check its name the same way."
        ),
        extra=Extra.FAKES,
    ),
    Section(
        "c_hygiene",
        N_("Keeping your phone clean"),
        N_(
            "<b>Keeping your phone clean</b>\n\n"
            "• Send /erase: the bot deletes this conversation, its messages and yours, from the "
            "last 48 hours. Telegram lets a bot delete nothing older.\n"
            "• Then delete the chat in Telegram yourself: that removes older messages too.\n"
            "• Set the chat's auto-delete timer in its settings, so that new messages delete "
            "themselves. A bot cannot set it for you.\n"
            "• Messages here cannot be forwarded or saved, and official Telegram apps block "
            "screenshots of them. Nothing stops a photo of the screen.\n"
            "• Chats with bots are not end-to-end encrypted.\n"
            "• Lock your screen, and be careful who can see it while you read."
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
        texts={
            # Translators: for North Korean soldiers.
            Audience.NORTH_KOREA: N_(
                "<b>Who can contact the program?</b>\n\n"
                "The program was set up for soldiers of Russia and Belarus. Since October 2024 it "
                "has called on North Korean soldiers, in Korean, to contact it too.\n\n"
                "<b>What is known of North Korean soldiers held by Ukraine:</b>\n"
                "• Two were captured in Russia's Kursk region in January 2025 (announced on "
                "11 January) and are held as prisoners of war.\n"
                "• On 19 February 2025 South Korea's foreign ministry said that North Korean "
                "soldiers are its citizens under its Constitution, and that it would accept those "
                "who ask to go to the South.\n"
                "• In a letter written in October 2025 and handed over in December, both wrote "
                "that they had decided to go to South Korea (Yonhap). No transfer had been "
                "reported by December 2025."
            ),
            # Translators: for foreign citizens serving in Russia's forces.
            Audience.FOREIGN: N_(
                "<b>Who can contact the program?</b>\n\n"
                "The program was set up for soldiers of Russia and Belarus. On 8 October 2024 "
                "Ukraine's foreign ministry called on foreigners sent to fight in Russia's army, "
                "naming people from Africa and the Middle East, to surrender through it. Citizens of Kazakhstan, Uzbekistan, Egypt and other "
                "countries are among the prisoners Ukraine holds (Coordination Headquarters, "
                "November 2025).\n\n"
                "<b>Your status:</b> if you serve in Russia's armed forces, you are a member of "
                "them, whatever your citizenship, and a prisoner of war when captured, under the "
                "Third Geneva Convention (GC III, Art. 4). Additional Protocol I denies that "
                "status to mercenaries, but its definition of a mercenary excludes members of the "
                "armed forces of a party to the conflict (AP I, Art. 47)."
            ),
        },
    ),
    Section(
        "q_home",
        N_("Will anyone at home know?"),
        N_(
            "<b>Will anyone at home know?</b>\n\n"
            "The program says that nobody in Russia is told that a surrender was voluntary: "
            "people are registered as captured in combat. This is its promise.\n\n"
            "Your family can learn that you are a prisoner: under the Third Geneva Convention "
            "(GC III) you may send them a capture card, if you wish (GC III, Art. 70), and the "
            "ICRC's Central Tracing Agency passes information to families "
            "(GC III, Art. 122–123).\n\n"
            "<b>Consider the risks:</b>\n"
            "• Article 352.1 of Russia's Criminal Code, in force since 24 September 2022: voluntary "
            "surrender, 3 to 10 years in prison.\n"
            "• The plenum of Russia's Supreme Court explained on 18 May 2023 that surrendering in order to "
            "go over to the enemy and fight against Russia is treason (Article 275: 12 to 20 years, or "
            "life).\n"
            "• Interviews recorded in captivity can be used as evidence in Russia (reported in 2023). You "
            "may refuse to be filmed (GC III, Art. 13).\n"
            "• Prisoners returned in exchanges have been questioned for weeks, sent back to the front, and "
            "some prosecuted (the Wall Street Journal, December 2025). In April 2025 a returned soldier was "
            "sentenced to 15 years for voluntary surrender and desertion (Kommersant)."
        ),
        texts={
            # Translators: for North Korean soldiers.
            Audience.NORTH_KOREA: N_(
                "<b>Will anyone at home know?</b>\n\n"
                "The risk is to your family. The UN Commission of Inquiry on North Korea reported "
                "in 2014 that the state punishes the relatives of people it treats as traitors, "
                "up to sending them to prison camps. One of the soldiers captured in January 2025 "
                "told a newspaper in February 2025 that being captured is seen as betrayal.\n\n"
                "• Under the Third Geneva Convention (GC III) a capture card and letters are your "
                "right, not a duty (GC III, Art. 70–71). You do not have to write home.\n"
                "• You may refuse to be filmed or interviewed (GC III, Art. 13). Do not name your "
                "family, your home town or your unit to anyone who may publish it."
            ),
            # Translators: for foreign citizens serving in Russia's forces.
            Audience.FOREIGN: N_(
                "<b>Will anyone at home know?</b>\n\n"
                "The program says that nobody in Russia is told that a surrender was voluntary: "
                "people are registered as captured in combat. This is its promise.\n\n"
                "Your family can learn where you are: under the Third Geneva Convention (GC III) "
                "you may send a capture card, if you wish (GC III, Art. 70), and the ICRC's "
                "Central Tracing Agency passes information to families (GC III, Art. 122–123).\n\n"
                "<b>Consider the risks:</b>\n"
                "• Your home country may learn that you served in Russia's army and prosecute "
                "you: in September 2022 Kyrgyzstan and Uzbekistan warned their citizens of up to "
                "10 years in prison, and Kazakhstan's law sets 5 to 9 years. Courts in Uzbekistan "
                "have sentenced citizens who served (reported in 2024–2025).\n"
                "• If you are returned to Russia in an exchange, Article 352.1 of its Criminal "
                "Code, in force since 24 September 2022, punishes a serviceman's voluntary "
                "surrender with 3 to 10 years in prison. Interviews recorded in captivity can be "
                "used as evidence there (reported in 2023): you may refuse to be filmed "
                "(GC III, Art. 13)."
            ),
        },
    ),
    Section(
        "q_refuse",
        N_("Can I refuse an exchange?"),
        N_(
            "<b>Can I refuse an exchange?</b>\n\n"
            "The program has promised: if you fear going home and do not want to be exchanged, "
            "you are not forced to be. You stay out of exchange lists and remain in detention "
            "until the war ends, with the possibility of staying in Ukraine later or "
            "emigrating. This is the program's promise.\n\n"
            "The Third Geneva Convention (GC III) does not provide for exchanges: the parties "
            "arrange them by special agreement (GC III, Art. 6). Its own rule is release and "
            "repatriation after active hostilities end (GC III, Art. 118). It forbids "
            "repatriating a prisoner against his will during hostilities only for the seriously "
            "sick and wounded (GC III, Art. 109)."
        ),
    ),
    Section(
        "q_bot",
        N_("What does this bot keep?"),
        N_(
            "<b>What does this bot keep?</b>\n\n"
            "It keeps no record of who you are: not your name, not your Telegram account, not "
            "what you write.\n\n"
            "A question you type is compared, in memory, with the screens in your language to "
            "find an answer, and then forgotten. It is never stored or logged; the bot counts "
            "only that a question was asked.\n\n"
            "It counts, anonymously and per day, how many people read which section, in which "
            "language, and for which readers the texts were written.\n\n"
            "While you read, it briefly remembers your language, whom the texts are written "
            "for, and which messages to delete for /erase; this expires by itself. /erase "
            "deletes the last 48 hours of this chat and makes the bot forget you at once."
        ),
    ),
    Section(
        "q_numbers",
        N_("How many contacts?"),
        N_(
            "<b>How many contacts?</b>\n\n"
            "The program's figures count contacts, not people who surrendered. They come from "
            "Ukrainian officials and have not been checked independently:\n"
            "• 9,836 contacts by 3 March 2023;\n"
            "• 22,239 by August 2023, then 70 to 100 a day;\n"
            "• over 26,000 by December 2023.\n\n"
            "People who surrendered through the program, as reported: about 220 by December "
            "2023, over 300 by June 2024, about 350 by December 2024."
        ),
    ),
)

BY_ID: dict[str, Section] = {section.id: section for section in SECTIONS}
PARENT: dict[str, str] = {child: s.id for s in SECTIONS for child in s.children}
