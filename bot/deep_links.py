"""Links for leaflets, QR codes and videos that open the bot in a language, for an audience, and
count the campaign that carried them.

    https://t.me/<bot>?start=<payload>

Telegram hands the payload to the bot as "/start <payload>": 1-64 characters of A-Z a-z 0-9 _ -.
The payload is

    <language>[-<audience>][--<campaign>]

- language: a catalog's code as under locales/ (`ko`, `uz_Latn`, `zh_Hans`); a code Telegram
  would send reaches the catalog a phone set to it gets (`uz` → uz_Latn, `zh` → zh_Hans).
- audience, optional: `default`, `dprk` or `foreign` (bot/content/audiences.py), one the language
  offers; without it, the audience the language points to (Korean: North Korean soldiers).
- campaign, optional: the operator's tag, a lowercase letter then lowercase letters, digits and
  single hyphens, at most 32 characters (`leaflet-2025-01`). The bot counts it per day only if the
  operator lists it in BOT_CAMPAIGNS: a tag anyone could type would otherwise write whatever
  they typed to disk.

`ko`, `uz_Latn`, `ru-foreign`, `ko--leaflet-2025-01`, `ru-foreign--video-3`: "--" never occurs in
a language code, an audience or a campaign tag, so every payload reads one way only. A payload that
does not follow this, or names a language or an audience the bot does not offer, is ignored: the
reader gets the ordinary first screen. Nothing about a reader is ever in a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from bot.content.audiences import Audience

PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what Telegram carries in a start link
MAX_PAYLOAD = 64
CAMPAIGN = re.compile(r"[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,31}")
CAMPAIGN_RULE = (
    "a lowercase letter, then lowercase letters, digits and single hyphens, at most 32 characters, "
    "like leaflet-2025-01"
)
SEPARATOR = "--"  # before the campaign; a single "-" comes before the audience


@dataclass(frozen=True, slots=True)
class Link:
    lang: str  # a catalog's code
    audience: Audience | None = None  # None: the one the language points to
    campaign: str | None = None

    @property
    def payload(self) -> str:
        head = self.lang if self.audience is None else f"{self.lang}-{self.audience.value}"
        return head if self.campaign is None else f"{head}{SEPARATOR}{self.campaign}"

    def url(self, bot_username: str) -> str:
        return f"https://t.me/{bot_username.lstrip('@')}?start={self.payload}"


def language(code: str, languages: Collection[str]) -> str | None:
    """The catalog `code` names: itself, in any letter case, or the one a phone set to it gets."""
    from bot.languages import match  # not at import: bot/config.py checks tags without aiogram

    for lang in languages:
        if lang.lower() == code.lower():
            return lang
    return match(code, tuple(languages))


def parse(
    payload: str | None,
    languages: Collection[str],
    offers: Callable[[str], Collection[Audience]],
) -> Link | None:
    """The link a /start payload describes, or None if it is malformed or names anything the bot
    does not offer (`offers(lang)`: the audiences a language offers)."""
    if not payload or not PAYLOAD.fullmatch(payload):
        return None
    head, separator, campaign = payload.partition(SEPARATOR)
    if separator and not CAMPAIGN.fullmatch(campaign):
        return None
    code, dash, audience_value = head.partition("-")
    lang = language(code, languages) if code else None
    if lang is None:
        return None
    audience = None
    if dash:
        try:
            audience = Audience(audience_value)
        except ValueError:
            return None
        if audience not in offers(lang):
            return None
    return Link(lang, audience, campaign or None)
