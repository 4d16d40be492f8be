"""`python -m bot preview --lang ko`: the conversation in a terminal, as a reader in that language
would have it, through the real Dispatcher and an in-memory Telegram: no token, no network.

Type a button's number to press it, any other text to send it (/start, /help, ...), q to quit.
Reads plain lines, so it also runs with its input piped in.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import TextIO

from bot.app import build_bot, build_dispatcher
from bot.config import ConfigError, Contacts, load_contacts
from bot.languages import (
    DEFAULT_LOCALE,
    LOCALES_DIR,
    available,
    held_back,
    make_i18n,
    match,
    native_name,
)
from bot.middlewares import Throttle
from bot.outgoing import SendScheduler, SimulatedClock
from fake_telegram import OfflineReader, OfflineSession, terminal

EXAMPLE_CONTACTS = LOCALES_DIR.parent / "contacts.example.toml"
TOKEN = "123456:PREVIEW" + "x" * 28  # never sent anywhere: the session is in memory


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Talk to the bot in the terminal as a reader whose Telegram is set to LANG would: "
        "type a button's number to press it, any text to send it, q to quit."
    )
    parser.add_argument(
        "--lang",
        default=DEFAULT_LOCALE,
        help="the reader's Telegram language, e.g. uk, ko, uz-Latn",
    )
    parser.add_argument(
        "--contacts",
        type=Path,
        default=EXAMPLE_CONTACTS,
        help="contacts file (default: the example)",
    )


def main(args: argparse.Namespace) -> int:
    try:
        contacts = load_contacts(args.contacts)
    except ConfigError as error:
        print(f"error: {error}")
        return 2
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    try:
        return asyncio.run(converse(args.lang, contacts, sys.stdin, sys.stdout))
    except KeyboardInterrupt:  # Ctrl-C: leave as quietly as `q`
        print()
        return 130
    except BrokenPipeError:  # the output was piped into something that stopped reading (`head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


async def converse(lang: str, contacts: Contacts, lines: TextIO, out: TextIO) -> int:
    # A translator previews a catalog while it is still incomplete; readers would get Russian.
    i18n = make_i18n(offer_incomplete=True)
    # No Telegram to flood here: the send queue's waits pass in simulated time.
    bot = build_bot(
        TOKEN, session=OfflineSession(), scheduler=SendScheduler(clock=SimulatedClock())
    )
    dispatcher = build_dispatcher(contacts=contacts, i18n=i18n, throttle=Throttle(enabled=False))
    reader = OfflineReader(dispatcher, bot, language_code=lang)
    found = match(lang, available(i18n))
    if found:
        print(f"Reader's language: {native_name(found)} ({found}).", file=out)
        if why := held_back().get(found):
            print(
                f"Not yet offered to readers ({why}; see `locales check {found}`): "
                "they get Russian until it is complete.",
                file=out,
            )
    else:
        print(
            f"No catalog for {lang!r}: the bot answers in Russian, as it would on Telegram.",
            file=out,
        )

    async def read_line() -> str:
        return lines.readline()

    try:
        await terminal.converse(reader, reader.feed, read_line, out, echo=not lines.isatty())
    finally:
        await bot.session.close()
    return 0
