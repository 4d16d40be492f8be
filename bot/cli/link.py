"""`python -m bot link`: a start link for a leaflet, a QR code or a video (bot/deep_links.py says
what it carries), printed, and with `--qr FILE.png` drawn as a QR code.

The bot's username is never guessed: `--bot USERNAME`, or else Telegram's answer to getMe for
BOT_TOKEN (from the environment or .env, like the bot itself, through BOT_API_URL if set).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot import deep_links
from bot.content.audiences import Audience

# Telegram's usernames: 5-32 letters, digits and underscores, starting with a letter.
USERNAME = re.compile(r"@?([A-Za-z][A-Za-z0-9_]{4,31})")
QR_SCALE = 10  # pixels per module: a start link prints 3.5 to 4 cm wide at 300 dpi
QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules


class _Environment(BaseSettings):
    """What the bot reads from the environment or .env, as far as a link needs it."""

    model_config = SettingsConfigDict(env_prefix="BOT_", env_file=".env", extra="ignore")
    token: SecretStr | None = None
    api_url: str | None = None
    campaigns: str = ""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print a t.me link that opens the bot in a language (and an audience) and counts a "
        "campaign; --qr also writes it as a QR code."
    )
    parser.add_argument(
        "--lang", required=True, help="the language's catalog: ru, ko, uz_Latn (or uz), ..."
    )
    parser.add_argument(
        "--audience",
        choices=[audience.value for audience in Audience],
        help="whom the texts are for, where the language offers several (default: the one the "
        "language points to)",
    )
    parser.add_argument(
        "--campaign", metavar="TAG", help=f"counted per day: {deep_links.CAMPAIGN_RULE}"
    )
    parser.add_argument("--qr", type=Path, metavar="FILE.png", help="write the link as a QR code")
    parser.add_argument(
        "--bot",
        metavar="USERNAME",
        help="the bot's username (default: asked of Telegram with BOT_TOKEN)",
    )
    parser.add_argument("--locales", type=Path, default=None, help=argparse.SUPPRESS)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def main(args: argparse.Namespace) -> int:
    from bot.audiences import offered
    from bot.languages import LOCALES_DIR, available, make_i18n

    i18n = make_i18n(args.locales or LOCALES_DIR)
    languages = available(i18n)
    lang = deep_links.language(args.lang, languages)
    if lang is None:
        return _fail(f"the bot has no catalog for {args.lang!r}: it offers {', '.join(languages)}")
    audience = Audience(args.audience) if args.audience else None
    if audience is not None and audience not in offered(i18n, lang):
        offers = ", ".join(a.value for a in offered(i18n, lang))
        return _fail(
            f"{lang} does not translate the texts for {audience.value}: it offers {offers}"
        )
    if args.campaign is not None and not deep_links.CAMPAIGN.fullmatch(args.campaign):
        return _fail(f"{args.campaign!r} is not a campaign tag: {deep_links.CAMPAIGN_RULE}")
    link = deep_links.Link(lang, audience, args.campaign)
    # The bot must read the link as meant: what it would not, it would ignore.
    if deep_links.parse(link.payload, languages, lambda code: offered(i18n, code)) != link:
        return _fail(f"the bot would not read {link.payload!r} as meant")

    environment = _Environment()
    if args.bot is not None:
        if not (name := USERNAME.fullmatch(args.bot)):
            return _fail(f"{args.bot!r} is not a Telegram username (5-32 letters, digits, _)")
        username = name[1]
    elif environment.token is None:
        return _fail("pass --bot USERNAME, or set BOT_TOKEN to ask Telegram for it")
    else:
        try:
            username = asyncio.run(_username(environment))
        except LookupError as error:
            return _fail(str(error))

    url = link.url(username)
    print(url)
    if args.qr is not None:
        import segno  # only when a QR code is asked for

        try:
            segno.make(url, error="m").save(args.qr, kind="png", scale=QR_SCALE, border=QR_BORDER)
        except OSError as error:
            return _fail(f"cannot write {args.qr} ({error.strerror})")
        print(f"wrote {args.qr}")
    listed = {tag.strip() for tag in environment.campaigns.split(",")}
    if link.campaign is not None and link.campaign not in listed:
        print(
            f"note: the bot counts this campaign only once BOT_CAMPAIGNS lists {link.campaign}",
            file=sys.stderr,
        )
    return 0


async def _username(environment: _Environment) -> str:
    """The bot's username, as Telegram knows it (getMe)."""
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

    assert environment.token is not None
    api = (
        TelegramAPIServer.from_base(environment.api_url.rstrip("/"))
        if environment.api_url
        else None
    )
    session = AiohttpSession(api=api) if api else AiohttpSession()
    try:
        bot = Bot(environment.token.get_secret_value(), session=session)
    except ValueError:
        await session.close()
        raise LookupError("BOT_TOKEN is not a token @BotFather gives") from None
    try:
        me = await bot.get_me(request_timeout=20)
    except TelegramNetworkError:
        raise LookupError("Telegram cannot be reached: pass --bot USERNAME instead") from None
    except TelegramAPIError as error:
        raise LookupError(f"Telegram refused BOT_TOKEN ({error.message})") from None
    finally:
        await session.close()
    if not me.username:
        raise LookupError("Telegram gave no username for this bot: pass --bot USERNAME")
    return me.username
