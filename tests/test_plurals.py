"""Plurals follow each language's CLDR rules through ngettext and the catalogs."""

from __future__ import annotations

import pytest

from bot.handlers.admin import ngettext
from bot.languages import make_i18n

FORMS = {
    "ru": {
        1: "1 язык",
        2: "2 языка",
        5: "5 языков",
        21: "21 язык",
        22: "22 языка",
        11: "11 языков",
    },
    "uk": {1: "1 мова", 3: "3 мови", 5: "5 мов", 21: "21 мова"},
    "en": {1: "1 more language", 2: "2 more languages"},
    "ko": {1: "언어 1개", 7: "언어 7개"},
}


@pytest.mark.parametrize("lang", sorted(FORMS))
def test_more_languages_line_takes_the_right_form(lang: str) -> None:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale(lang):
        for n, expected in FORMS[lang].items():
            text = ngettext("… and {n} more language", "… and {n} more languages", n).format(n=n)
            assert expected in text, (lang, n, text)
