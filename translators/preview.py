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
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO

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
from fake_telegram import OfflineReader, OfflineSession, Request
from translators.catalog_check import BUTTON_ROW_CHARS

EXAMPLE_CONTACTS = LOCALES_DIR.parent / "contacts.example.toml"
TOKEN = "123456:PREVIEW" + "x" * 28  # never sent anywhere: the session is in memory
QUIT = {"q", "quit", "exit"}


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
    style = _Style(out.isatty() and "NO_COLOR" not in os.environ)
    # A translator previews a catalog while it is still incomplete; readers would get Russian.
    i18n = make_i18n(offer_incomplete=True)
    bot = build_bot(TOKEN, session=OfflineSession())
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
    print(
        "Type a button's number to press it, any text to send it (/start, /help), q to quit.",
        file=out,
    )
    try:
        print(f"{style.dim('>')} /start", file=out)
        _show(await reader.send("/start"), reader, out, style)
        while True:
            print(style.dim(">"), end=" ", file=out, flush=True)
            line = lines.readline()
            if not line:  # end of input
                print(file=out)
                break
            text = line.strip()
            if not lines.isatty():
                print(text, file=out)  # piped input is not echoed: show what was "typed"
            if text.lower() in QUIT:
                break
            if not text:
                continue
            if text.isdigit():
                requests = await _press(int(text), reader, out)
                if requests is None:
                    continue
            else:
                requests = await reader.send(text)
            _show(requests, reader, out, style)
    finally:
        await bot.session.close()
    return 0


async def _press(number: int, reader: OfflineReader, out: TextIO) -> list[Request] | None:
    buttons = [button for row in reader.screen()[1] for button in row]
    if not 1 <= number <= len(buttons):
        print(f"(no button {number}: there are {len(buttons)})", file=out)
        return None
    button = buttons[number - 1]
    if "url" in button:
        print(f"(this button opens {button['url']} outside the chat)", file=out)
        return None
    return await reader.press(button["callback_data"])


def _show(requests: list[Request], reader: OfflineReader, out: TextIO, style: _Style) -> None:
    for request in requests:
        params = request.params
        if not request.ok:
            print(style.dim(f"(Telegram refused {request.method})"), file=out)
        elif request.method in ("sendMessage", "editMessageText"):
            print(
                style.dim("─" * 40 + (" (edited)" if request.method == "editMessageText" else "")),
                file=out,
            )
            print(render(params["text"], style), file=out)
        elif request.method == "answerCallbackQuery" and params.get("text"):
            print(style.dim(f"(a notice pops up: {params['text']})"), file=out)
        elif request.method in ("deleteMessage", "deleteMessages"):
            count = len(params.get("message_ids", [params.get("message_id")]))
            print(style.dim(f"({count} message(s) deleted from the chat)"), file=out)
    rows = reader.screen()[1] if any(r.method != "answerCallbackQuery" for r in requests) else None
    if rows is None:
        return
    if not rows:
        print(style.dim("(no buttons: send /start or /menu)"), file=out)
    number = 0
    for row in rows:
        cells = []
        for button in row:
            number += 1
            label = button["text"] + (" ↗" if "url" in button else "")
            too_long = len(button["text"]) > BUTTON_ROW_CHARS // len(row)
            cells.append(
                f"[{number}] {label}" + (style.dim("  ⚠ too long for a phone") if too_long else "")
            )
        print("   ".join(cells), file=out)


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def bold(self, text: str) -> str:
        return f"\033[1m{text}\033[22m" if self.color else f"*{text}*"

    def italic(self, text: str) -> str:
        return f"\033[3m{text}\033[23m" if self.color else f"_{text}_"

    def dim(self, text: str) -> str:
        return f"\033[2m{text}\033[22m" if self.color else text


def render(html_text: str, style: _Style | None = None) -> str:
    """Telegram HTML as a terminal shows it: bold and italic marked, links with their address."""
    renderer = _Renderer(style or _Style(False))
    renderer.feed(html_text)
    renderer.close()
    return "".join(renderer.out)


class _Renderer(HTMLParser):
    def __init__(self, style: _Style) -> None:
        super().__init__(convert_charrefs=True)
        self.style = style
        self.out: list[str] = []
        self.stack: list[tuple[str, int, dict[str, Any]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append((tag, len(self.out), dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            return
        _, start, attrs = self.stack.pop()
        inner = "".join(self.out[start:])
        del self.out[start:]
        if tag in ("b", "strong"):
            inner = self.style.bold(inner)
        elif tag in ("i", "em"):
            inner = self.style.italic(inner)
        elif tag == "a" and attrs.get("href"):
            inner = f"{inner} <{attrs['href']}>"
        self.out.append(inner)

    def handle_data(self, data: str) -> None:
        self.out.append(data)
