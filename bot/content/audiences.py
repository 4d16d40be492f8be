"""Who a text is written for. Language is not audience: a Korean reader is almost surely a North
Korean soldier, and a foreign citizen recruited into Russia's forces may read Russian or English.

A section (bot/content/tree.py) has one text for the default audience and may declare its own text
for any other audience beside it. A reader whose audience has no text of its own on a screen reads
the default one. Relatives are not an audience: they have a path of their own in the menu.
"""

from __future__ import annotations

from enum import StrEnum

from bot.content.marks import N_


class Audience(StrEnum):
    """Values travel in callback data and reach the counts: short ASCII, never renamed."""

    DEFAULT = "default"  # soldiers of Russia and Belarus, men mobilized in occupied territories
    NORTH_KOREA = "dprk"  # North Korean soldiers
    FOREIGN = "foreign"  # foreign citizens recruited into Russia's forces


# The button that chooses an audience (at most 32 characters in any language: `locales check`).
LABELS: dict[Audience, str] = {
    Audience.DEFAULT: N_("Soldiers of Russia and Belarus"),
    Audience.NORTH_KOREA: N_("North Korean soldiers"),
    Audience.FOREIGN: N_("Foreigners in Russia's army"),
}

# One sentence on the first screen saying whom the texts are written for.
NOTES: dict[Audience, str] = {
    Audience.DEFAULT: N_(
        "The texts are written for soldiers of Russia and Belarus and for men mobilized in "
        "occupied territories."
    ),
    Audience.NORTH_KOREA: N_("The texts are written for North Korean soldiers."),
    Audience.FOREIGN: N_(
        "The texts are written for foreign citizens serving in Russia's armed forces."
    ),
}

# The audience a reader's language points to where that is unambiguous, by its primary language
# subtag. Korean: Ukraine's program has addressed North Korean soldiers in Korean since October
# 2024, and no other reader of this bot is likely to read Korean. The recruits' languages: a reader
# of this bot in Uzbek, Kazakh, Kyrgyz, Tajik, Nepali, Hindi, Arabic, French, Spanish or Chinese is
# most likely a foreign citizen recruited into Russia's forces (reporting documents recruits from
# Central Asia, Nepal, India, Sri Lanka, Cuba, African and Arab countries and China), or a relative
# of one. Belarusian readers are Belarus's soldiers or Belarusians in Russia's forces: the default.
# Anyone else starts with the default too. A language points to an audience only where its catalog
# translates that audience's texts (bot/audiences.py); every reader can change it on the first
# screen.
BY_LANGUAGE: dict[str, Audience] = {
    "ko": Audience.NORTH_KOREA,
    **dict.fromkeys(("uz", "kk", "ky", "tg", "ne", "hi", "ar", "fr", "es", "zh"), Audience.FOREIGN),
}


def for_language(locale: str) -> Audience:
    """The audience a reader reading in `locale` ("ko", "uz_Latn", ...) starts with."""
    return BY_LANGUAGE.get(locale.replace("-", "_").split("_")[0].lower(), Audience.DEFAULT)
