"""The words readers type when they look for a section: never shown, only matched (bot/search.py).

The screens are written calmly and precisely ("questioning", "medical care"); a frightened reader
types "will they beat me", "do they feed you". These words bridge the two. Each language's
translator writes the words that language's readers use (everyday words, slang, common short
forms), not a translation of the English list. A language without them is matched on the titles
and texts alone.
"""

from __future__ import annotations

from bot.content.tree import N_

# fmt: off
SEARCH_WORDS: dict[str, str] = {
    # Translators: never shown. Comma-separated words readers may type when they look for “About the program”: write your readers' everyday words, not a translation.
    "program": N_("what is this, who are you, who runs it, I want to live, Ukraine, intelligence, HUR, government, state project, promises, guarantees, is it true"),
    # Translators: never shown. Words readers may type when they look for “How surrender is handled”.
    "surrender": N_("surrender, give up, give myself up, defect, cross over, come over, get out, hands up, white flag, desert, how to, steps, safely, not get killed, not get shot, front line, positions"),
    # Translators: never shown. Words readers may type when they look for “Detention: who reports what”.
    "s_detention": N_("conditions, camp, prison, how prisoners are treated, what it is like there, beaten, beatings, torture, ill-treatment, UN, United Nations, human rights, monitors, journalists, reports"),
    # Translators: never shown. Words readers may type when they look for “Your rights as a prisoner”.
    "rights": N_("rights, law, Geneva Convention, international law, protection, prisoner of war, POW, what am I entitled to"),
    # Translators: never shown. Words readers may type when they look for “At capture”.
    "r_capture": N_("captured, taken prisoner, beat, beating, kill, shoot, execute, violence, abuse, humiliate, filmed, video, belongings, phone, money, documents, take away, first days"),
    # Translators: never shown. Words readers may type when they look for “Questioning”.
    "r_questioning": N_("interrogation, interrogate, questions, answer, tell, say, silent, refuse to answer, torture, pressure, force, confession, court, trial, lawyer, interpreter, name, rank"),
    # Translators: never shown. Words readers may type when they look for “Food and medical care”.
    "r_care": N_("food, eat, feed, hungry, meals, water, doctor, medicine, pills, hospital, sick, ill, treatment, clothes, shoes, winter, pray, church, faith, religion, god"),
    # Translators: never shown. Words readers may type when they look for “Letters and family”.
    "r_family": N_("letter, letters, write home, postcard, call, phone call, mother, mom, wife, family, parcel, package, news from home"),
    # Translators: never shown. Words readers may type when they look for “Work”.
    "r_work": N_("work, labour, job, forced labour, make me work, fight, fight against my own, weapons, mines, demining, dangerous work, pay, wages, rest, hours"),
    # Translators: never shown. Words readers may type when they look for “Complaints and ICRC visits”.
    "r_complaints": N_("complain, complaint, report, mistreatment, bad treatment, abuse, torture, beating, punishment, Red Cross, ICRC, visits, inspection"),
    # Translators: never shown. Words readers may type when they look for “Exchange or staying”.
    "after": N_("after, what next, future, after the war, after captivity, exchange or stay, go home, choice, options, release, repatriation, freedom"),
    # Translators: never shown. Words readers may type when they look for “Prisoner exchange”.
    "a_exchange": N_("exchange, swap, sent back, return to Russia, go home, prison, jail, how many years, sentence, punished, crime, criminal case, court, desertion, risk"),
    # Translators: never shown. Words readers may type when they look for “Staying out of exchange”.
    "a_staying": N_("stay, not be exchanged, refuse exchange, stay in Ukraine, live in Ukraine, asylum, leave, another country, emigrate, never go back, afraid to go home"),
    # Translators: never shown. Words readers may type when they look for “Wounded and sick”.
    "a_wounded": N_("wounded, injured, hurt, wound, concussion, sick, illness, disabled, badly wounded, let go home, sent home, treatment, hospital, doctor"),
    # Translators: never shown. Words readers may type when they look for “For relatives”.
    "relatives": N_("relatives, family, mother, father, wife, husband, son, brother, loved one, serving, at the front, mobilized, what can we do"),
    # Translators: never shown. Words readers may type when they look for “How the family is told”.
    "f_news": N_("know, learn, notify, inform, tell the family, news, capture card, Red Cross, is he alive, alive"),
    # Translators: never shown. Words readers may type when they look for “Looking for someone”.
    "f_search": N_("find, search, look for, missing, missing in action, lost, no news, no contact, where is he, is he alive, list of prisoners, I Want to Find, Red Cross, tracing"),
    # Translators: never shown. Words readers may type when they look for “How you can help”.
    "f_help": N_("help, support, what can I do, parcel, package, send, letter, write to him, contact the program, money, scammers"),
    # Translators: never shown. Words readers may type when they look for “Contacting the program safely”.
    "contact": N_("contact, get in touch, reach, write, call, how to contact, safely, contacts"),
    # Translators: never shown. Words readers may type when they look for “Official channels”.
    "c_channels": N_("contacts, number, phone number, hotline, call, website, site, Telegram, channel, bot, official, WhatsApp, Signal, link"),
    # Translators: never shown. Words readers may type when they look for “How to spot a fake”.
    "c_clones": N_("fake, clone, copy, scam, scammers, fraud, trap, provocation, FSB, real, genuine, official, check, verify, trust, link, is this you"),
    # Translators: never shown. Words readers may type when they look for “Keeping your phone clean”.
    "c_hygiene": N_("delete, erase, wipe, clear, chat, history, messages, hide, secret, phone check, officers check phones, screenshot, screen lock, traces, safety"),
    # Translators: never shown. Words readers may type when they look for “Questions and answers”.
    "faq": N_("questions, answers, frequently asked questions"),
    # Translators: never shown. Words readers may type when they look for “Who can contact the program?”.
    "q_who": N_("who can, can I, am I allowed, Belarusian, Belarus, mobilized, occupied territories, Donetsk, Luhansk, foreigner, contract soldier, relatives"),
    # Translators: never shown. Words readers may type when they look for “Will anyone at home know?”.
    "q_home": N_("know, find out, at home, family, relatives, commanders, FSB, Russia, secret, voluntary, consequences, what happens to my family"),
    # Translators: never shown. Words readers may type when they look for “Can I refuse an exchange?”.
    "q_refuse": N_("refuse, no exchange, do not want to go back, stay, exchange, forced, against my will"),
    # Translators: never shown. Words readers may type when they look for “What does this bot keep?”.
    "q_bot": N_("bot, store, save, keep, record, logs, data, spy, track, read, anonymous, is it safe to write, what I write, messages"),
    # Translators: never shown. Words readers may type when they look for “How many have made contact?”.
    "q_numbers": N_("how many, how many people, statistics, figures, numbers, surrendered, already, contacts"),
}
# fmt: on
