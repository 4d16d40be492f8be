"""What the bot's texts rest on: the treaty articles they may cite, with the citation notation they
use, and the reports behind every dated fact they give.

The articles follow the project's facts sheet: an article appears here only if the texts may rest
on it, with one line saying what it says. A text cites it as "(GC III, Art. 17)", a range as
"(GC III, Art. 19–20)", several as "(GC III, Art. 87, 99)", the Protocol as "(AP I, Art. 41)".

A fact from reporting is given in the texts with its date ("reported in November 2025", "on
19 February 2025"); `REPORTS` lists each such report with who published it, when, and how the
texts write its date. tests/test_sources.py checks that every citation names a listed article and
that every date in the texts belongs to a listed report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TREATIES: dict[str, str] = {
    "GC III": "Geneva Convention (III) relative to the Treatment of Prisoners of War, 1949",
    "AP I": "Protocol Additional to the Geneva Conventions (Protocol I), 1977",
}
# Where the texts of both are read: the ICRC's IHL treaty database.
TREATY_TEXTS = "https://ihl-databases.icrc.org/en/ihl-treaties"


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
    Article(
        "GC III",
        6,
        "Special agreements between the parties (exchanges among them) may not lessen prisoners' "
        "rights; the Convention itself provides for no exchange and gives no right to one.",
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
    Article(
        "GC III",
        49,
        "Fit prisoners may be made to work; non-commissioned officers may be required only to "
        "supervise; officers may ask for work but may not be compelled.",
    ),
    *_each(
        "GC III",
        50,
        57,
        "Fit prisoners may be made to work, only in listed non-military kinds of work; dangerous "
        "work (mine clearance included) only for volunteers; limited hours; a weekly 24-hour "
        "rest; pay.",
    ),
    Article(
        "GC III",
        70,
        "Immediately upon capture, or within a week of arrival at a camp (a transit camp "
        "included), a prisoner is enabled to send a capture card to his family and the Central "
        "Agency: a right, not a duty.",
    ),
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
        "Seriously sick and wounded prisoners are repatriated (first paragraph); the parties may "
        "agree to repatriate or intern in a neutral country able-bodied prisoners held a long time "
        "(second paragraph); during hostilities no sick or injured prisoner eligible for "
        "repatriation may be repatriated against his will (third paragraph). Not about exchanges.",
    ),
    Article("GC III", 110, "Which seriously sick and wounded prisoners qualify for repatriation."),
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
        "be attacked, provided that he abstains from any hostile act and does not attempt to "
        "escape. The law forbids the attack; it does not make the moment safe.",
    ),
    Article(
        "AP I",
        47,
        "A mercenary has no right to prisoner-of-war status; the definition excludes anyone who is "
        "a member of the armed forces of a party to the conflict.",
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


@dataclass(frozen=True, slots=True)
class Report:
    """A fact from reporting that the texts give, with its date."""

    source: str  # who published it (and whom they cite)
    published: str  # when: an ISO date, or a year and month
    says: str  # what the texts take from it
    dates: tuple[str, ...]  # how the English texts write its date, exactly
    url: str = ""


REPORTS: tuple[Report, ...] = (
    Report(
        "Coordination Headquarters for the Treatment of Prisoners of War (Ukraine)",
        "2022-09-18",
        "The state project «Хочу жить» started on 18 September 2022.",
        ("18 September 2022",),
    ),
    Report(
        "Kyiv Independent",
        "2024-10-23",
        "«Хочу жить» called on North Korean soldiers to surrender in a Korean-language video on "
        "23 October 2024, promising safe conditions of detention, food and medical care.",
        ("23 October 2024", "October 2024"),
        "https://kyivindependent.com/ukraines-i-want-to-live-project-calls-on-north-korean-soldiers-to-surrender",
    ),
    Report(
        "Euronews, via View Us Global",
        "2024-12",
        "Korean-language leaflets of the program with surrender instructions; about 350 Russian "
        "soldiers had surrendered through the program.",
        ("December 2024",),
        "https://viewusglobal.com/debate/article/79325",
    ),
    Report(
        "Ministry of Foreign Affairs of Ukraine (LIGA.net, UNN)",
        "2024-10-08",
        "The ministry called on foreigners sent by Russia to fight (people from Africa and the "
        "Middle East) to surrender through «Хочу жить».",
        ("8 October 2024",),
        "https://news.liga.net/en/politics/news/ukraines-fm-urges-foreign-mercenaries-fighting-for-russia-to-surrender",
    ),
    Report(
        "UN Human Rights Monitoring Mission in Ukraine (OHCHR), press briefing",
        "2022-11-15",
        "After interviewing 175 Russian prisoners held by Ukraine: a pattern of ill-treatment at "
        "initial stages of capture and evacuation, sporadic cases later in internment.",
        ("15 November 2022",),
        "https://ukraine.un.org/en/node/207332",
    ),
    Report(
        "OHCHR, report on the treatment of prisoners of war, 24 February 2022 – 23 February 2023",
        "2023-03-24",
        "46% of the 88 Russian prisoners interviewed described torture or ill-treatment, mostly at "
        "the start of captivity, initial questioning or evacuation.",
        ("March 2023",),
        "https://ukraine.un.org/en/224749-ohchr-report-treatment-prisoners-war-and-persons-hors-de-combat-context-armed-attack-russian",
    ),
    Report(
        "OHCHR, periodic report (Kyiv Independent)",
        "2024-03-26",
        "44 Russian prisoners interviewed did not report torture in official places of internment; "
        "credible allegations of ill-treatment in transit places after evacuation.",
        ("March 2024",),
        "https://kyivindependent.com/at-least-32-ukrainian-pows-executed-in-russian-captivity-during-winter-un-commission-says",
    ),
    Report(
        "AFP (photo report from a prisoner-of-war camp in western Ukraine, 19 September 2023)",
        "2023-09-19",
        "Journalists visited camps in Ukraine and describe meals, medical care, calls to relatives "
        "and parcels.",
        ("2023",),
    ),
    Report(
        "The Insider (lawyers on the Supreme Court plenum's resolution)",
        "2023-05",
        "Interviews Russian servicemen gave in Ukrainian captivity can be used as evidence of "
        "voluntary surrender.",
        ("2023",),
        "https://russianfreepress.com/?p=61563",
    ),
    Report(
        "Federal Law of 24 September 2022 (Interfax; Ukrainska Pravda)",
        "2022-09-24",
        "Article 352.1 of Russia's Criminal Code: voluntary surrender, 3 to 10 years.",
        ("24 September 2022",),
        "https://americaage.com/putin-signs-law-stipulating-ten-years-behind-bars-for-desertion-and-surrender",
    ),
    Report(
        "Plenum of the Supreme Court of Russia, resolution (The Insider)",
        "2023-05-18",
        "Surrender in order to fight against Russia is treason (Article 275: 12 to 20 years, or "
        "life), not voluntary surrender.",
        ("18 May 2023",),
        "https://russianfreepress.com/?p=61563",
    ),
    Report(
        "The Wall Street Journal (Dnes.bg, 22 December 2025)",
        "2025-12",
        "Prisoners returned in exchanges are questioned for weeks by the FSB, military prosecutors "
        "and the Investigative Committee, sent back to the front, some prosecuted.",
        ("December 2025",),
        "https://www.dnes.bg/a/2-svyat/704492-zavrashtashtite-se-ruski-voennoplennitsi-plashtat-visoka-tsena-za-izbora-si",
    ),
    Report(
        "Kommersant (via Kyodo, iROZHLAS)",
        "2025-04-15",
        "A military court on Sakhalin sentenced a soldier returned in an exchange in January 2024 "
        "to 15 years for voluntary surrender, attempted voluntary surrender and desertion.",
        ("April 2025",),
        "https://www.irozhlas.cz/zpravy-svet/v-rusku-poprve-odsoudili-vojaka-protoze-se-vzdal-ukrajincum-soud-ho-poslal-na-15_2504151112_ntu",
    ),
    Report(
        "Embassies of Kyrgyzstan and Uzbekistan's Prosecutor General (RFE/RL); Kazakhstan's "
        "Criminal Code Art. 172 (Anadolu)",
        "2022-09-21",
        "Fighting in a foreign war: up to 10 years in prison (Kyrgyzstan, Uzbekistan), 5 to 9 years "
        "(Kazakhstan).",
        ("September 2022",),
        "https://www.rferl.org/amp/kyrgyzstan-uzbekistan-warning-russia-military-service/32046022.html",
    ),
    Report(
        "Fergana, Gazeta.uz, Kun.uz, UzNews (court verdicts in Uzbekistan)",
        "2025",
        "Uzbek citizens who served in Russia's army sentenced for mercenarism (Criminal Code "
        "Art. 154), in 2024 and 2025.",
        ("2024–2025",),
        "https://en.fergana.ru/news/138097",
    ),
    Report(
        "ICRC",
        "2024-02-19",
        "The bureau of the Central Tracing Agency for the international armed conflict between "
        "Russia and Ukraine opened in March 2022; it answers families on both sides.",
        ("March 2022",),
        "https://www.malaymail.com/news/world/2024/02/19/red-cross-probing-fate-of-23000-missing-in-russia-ukraine-war/118910",
    ),
    Report(
        "Espreso (Ukraine's defence intelligence)",
        "2024-01-10",
        "«Хочу найти», for families looking for Russian soldiers, started in January 2024.",
        ("January 2024",),
        "https://global.espreso.tv/russia-ukraine-war-ukraine-launches-project-for-relatives-of-missing-killed-and-captured-russian-servicemen",
    ),
    Report(
        "PTI, citing Nepal's Ministry of Foreign Affairs",
        "2024-01-04",
        "Nepal was working through diplomatic channels to bring home a Nepali citizen fighting "
        "for Russia who had been captured by Ukraine.",
        ("January 2024",),
        "https://www.latestly.com/agency-news/world-news-nepal-halts-work-permits-to-russia-and-ukraine-after-death-of-nepali-citizens-fighting-for-russian-army-5671096.html",
    ),
    Report(
        "Coordination Headquarters for the Treatment of Prisoners of War (Babel)",
        "2025-11-04",
        "«Хочу найти» had received 144,138 requests; the prisoners it confirmed include citizens "
        "of Kazakhstan, Uzbekistan, Belarus and Egypt.",
        ("November 2025",),
        "https://babel.ua/news/122776-ukrajina-otrimala-ponad-144-tisyachi-zayavok-vid-rodin-zniklih-na-viyni-rosiyan",
    ),
    Report(
        "Coordination Headquarters for the Treatment of Prisoners of War (LB.ua)",
        "2025-11-28",
        "No state body ever asks for money to free prisoners, include them in exchange lists or "
        "find the missing.",
        ("November 2025",),
        "https://lb.ua/society/2025/11/28/709110_koorshtabi_poperedili_pro.html",
    ),
    Report(
        "AFP, citing South Korea's National Intelligence Service",
        "2025-11-02",
        "North Korean soldiers are instructed to kill themselves rather than be taken prisoner.",
        ("November 2025",),
        "https://www.bssnews.net/international/327373",
    ),
    Report(
        "President of Ukraine and Security Service of Ukraine (Ukrainska Pravda)",
        "2025-01-11",
        "Two North Korean soldiers captured in Russia's Kursk region, announced on 11 January "
        "2025; their questioning filmed and published; Ukraine ready to hand them to North Korea "
        "in exchange for Ukrainians held by Russia.",
        ("January 2025", "11 January"),
        "https://www.pravda.com.ua/eng/news/2025/12/24/8013291",
    ),
    Report(
        "Chosun Ilbo (UPI)",
        "2025-02-19",
        "One of the captured soldiers said that being captured is seen as betrayal in North Korea.",
        ("February 2025",),
        "https://mixedtimes.com/news/south-korea-tells-ukraine-it-is-willing-to-accept-north-korean-pows",
    ),
    Report(
        "Ministry of Foreign Affairs of South Korea (Chosun Ilbo, Euromaidan Press)",
        "2025-02-19",
        "North Korean soldiers are South Korean citizens under the Constitution; those who ask to "
        "come will be accepted; they should not be sent against their will to a place where they "
        "face persecution.",
        ("19 February 2025",),
        "https://chosun.com/english/north-korea-en/2025/02/19/FIUUCKZYMNFDXJTAVYRVBHCNCE",
    ),
    Report(
        "Yonhap (Korea Herald; Ukrainska Pravda)",
        "2025-12-24",
        "Both North Korean prisoners asked to go to South Korea (October 2025) and said so in a "
        "letter handed over in December 2025; no transfer had been reported.",
        ("October 2025", "December 2025"),
        "https://www.pravda.com.ua/eng/news/2025/12/24/8013291",
    ),
    Report(
        "UN Commission of Inquiry on human rights in the DPRK (A/HRC/25/63, A/HRC/25/CRP.1)",
        "2014-02-07",
        "Relatives of people the state regards as traitors are punished with them (guilt by "
        "association), including in political prison camps.",
        ("2014",),
    ),
    Report(
        "Coordination Headquarters for the Treatment of Prisoners of War (Espreso)",
        "2023-03",
        "9,836 contacts with «Хочу жить» in its first six months.",
        ("3 March 2023",),
        "https://global.espreso.tv/almost-10000-russian-soldiers-surrender-through-i-want-to-live-hotline",
    ),
    Report(
        "Vitaliy Matviienko, the program's spokesman (Interfax-Ukraine)",
        "2023-08-18",
        "22,239 contacts; 70 to 100 a day.",
        ("August 2023",),
        "https://ru.interfax.com.ua/news/general/929596.html",
    ),
    Report(
        "Financial Times, citing the program",
        "2023-12",
        "Over 26,000 calls and messages; about 220 soldiers had surrendered through the program.",
        ("December 2023",),
        "https://korrespondent.net/world/worldabus/4653001-v-ramkakh-proekta-khochu-zhyt-v-plen-sdalys-220-okkupantov-hur",
    ),
    Report(
        "Andrii Yusov, Ukraine's defence intelligence (Kyiv Independent)",
        "2024-06",
        "More than 300 Russian servicemen had surrendered through the program.",
        ("June 2024",),
        "https://kyivindependent.com/ukraines-i-want-to-live-project-calls-on-north-korean-soldiers-to-surrender",
    ),
)

# A date as the English texts write one: "18 May 2023", "March 2024", "11 January", "2014",
# "2024–2025".
_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE: re.Pattern[str] = re.compile(
    rf"\b\d{{1,2}} (?:{_MONTH}) \d{{4}}\b|\b(?:{_MONTH}) \d{{4}}\b|\b\d{{1,2}} (?:{_MONTH})\b"
    r"|\b(?:19|20)\d{2}(?:–(?:19|20)\d{2})?\b"
)


def dates(text: str) -> list[str]:
    """Every date `text` gives, as written."""
    return DATE.findall(text)


def undated(text: str) -> list[str]:
    """The dates in `text` that no listed report (or treaty) accounts for."""
    known = {d for report in REPORTS for d in report.dates}
    known |= {name.rsplit(", ", 1)[1] for name in TREATIES.values()}
    return [d for d in dates(text) if d not in known]
