"""A reader's chat in a terminal: what the bot sends, shown readably, and buttons pressed by number.

Shared by the translators' preview (`python -m bot preview`, the bot in-process) and by
`python -m bot fake-telegram`, which serves the fake Bot API over HTTP for a bot run by hand
(`BOT_API_URL=... python -m bot`) and lets a person be its reader.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from html.parser import HTMLParser
from typing import Any, TextIO

from bot.telegram_html import BUTTON_ROW_CHARS
from fake_telegram.model import Call, FloodLimits, Telegram
from fake_telegram.session import Reader

QUIT = {"q", "quit", "exit"}
HINT = "Type a button's number to press it, any text to send it (/start, /help), q to quit."


class Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def bold(self, text: str) -> str:
        return f"\033[1m{text}\033[22m" if self.color else f"*{text}*"

    def italic(self, text: str) -> str:
        return f"\033[3m{text}\033[23m" if self.color else f"_{text}_"

    def dim(self, text: str) -> str:
        return f"\033[2m{text}\033[22m" if self.color else text


def render(html_text: str, style: Style | None = None) -> str:
    """Telegram HTML as a terminal shows it: bold and italic marked, links with their address."""
    renderer = _Renderer(style or Style(False))
    renderer.feed(html_text)
    renderer.close()
    return "".join(renderer.out)


class _Renderer(HTMLParser):
    def __init__(self, style: Style) -> None:
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


Deliver = Callable[[dict[str, Any]], Awaitable[list[Call]]]


async def converse(
    reader: Reader,
    deliver: Deliver,
    read_line: Callable[[], Awaitable[str]],
    out: TextIO,
    *,
    echo: bool,
) -> None:
    """Read lines until `q` or the end of input; each is a text sent or a button pressed,
    delivered (the update) by `deliver`, which returns what the bot did in answer. `echo` shows
    each line read (piped input is not echoed by a terminal)."""
    style = Style(out.isatty() and "NO_COLOR" not in os.environ)
    print(HINT, file=out)
    print(f"{style.dim('>')} /start", file=out)
    show(await deliver(reader.typing("/start")), reader, out, style)
    while True:
        print(style.dim(">"), end=" ", file=out, flush=True)
        line = await read_line()
        if not line:  # end of input
            print(file=out)
            return
        text = line.strip()
        if echo:
            print(text, file=out)
        if text.lower() in QUIT:
            return
        if not text:
            continue
        if not text.isdigit():
            show(await deliver(reader.typing(text)), reader, out, style)
        elif update := _press(int(text), reader, out):
            show(await deliver(update), reader, out, style)


def _press(number: int, reader: Reader, out: TextIO) -> dict[str, Any] | None:
    buttons = [button for row in reader.screen()[1] for button in row]
    if not 1 <= number <= len(buttons):
        print(f"(no button {number}: there are {len(buttons)})", file=out)
        return None
    button = buttons[number - 1]
    if "url" in button:
        print(f"(this button opens {button['url']} outside the chat)", file=out)
        return None
    return reader.pressing(button["callback_data"])


def show(calls: list[Call], reader: Reader, out: TextIO, style: Style) -> None:
    """What the bot did, as the reader sees it, then the buttons now on screen, numbered."""
    for call in calls:
        params = call.params
        if not call.ok:
            print(style.dim(f"(Telegram refused {call.method}: {call.description})"), file=out)
        elif call.method in ("sendMessage", "editMessageText"):
            edited = " (edited)" if call.method == "editMessageText" else ""
            print(style.dim("─" * 40 + edited), file=out)
            print(render(params["text"], style), file=out)
        elif call.method == "answerCallbackQuery" and params.get("text"):
            print(style.dim(f"(a notice pops up: {params['text']})"), file=out)
        elif call.method in ("deleteMessage", "deleteMessages"):
            count = len(params.get("message_ids", [params.get("message_id")]))
            print(style.dim(f"({count} message(s) deleted from the chat)"), file=out)
    if all(call.method == "answerCallbackQuery" for call in calls):
        return
    rows = reader.screen()[1]
    if not rows:
        print(style.dim("(no buttons: send /start or /menu)"), file=out)
    number = 0
    for row in rows:
        cells = []
        for button in row:
            number += 1
            label = button["text"] + (" ↗" if "url" in button else "")
            too_long = len(button["text"]) > BUTTON_ROW_CHARS // len(row)
            warning = style.dim("  ⚠ too long for a phone") if too_long else ""
            cells.append(f"[{number}] {label}{warning}")
        print("   ".join(cells), file=out)


# -- python -m bot fake-telegram ------------------------------------------------------------------
def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Serve a fake Telegram Bot API on a local port, and be the bot's reader in this terminal: "
        "run the bot against it in another terminal with the token and BOT_API_URL printed."
    )
    parser.add_argument("--port", type=int, default=8081, help="the local port (default 8081)")
    parser.add_argument("--lang", default="ru", help="the reader's Telegram language (default ru)")
    parser.add_argument(
        "--flood",
        action="store_true",
        help="enforce Telegram's flood limits (30 messages a second, 1 a second a chat)",
    )


def main(args: argparse.Namespace) -> int:
    from fake_telegram.http import Server  # aiohttp: only here, not for the preview

    async def serve() -> None:
        flood = FloodLimits() if args.flood else None
        async with Server(Telegram(flood=flood), port=args.port) as telegram:
            echo = not sys.stdin.isatty()
            await talk_over_http(telegram, args.lang, _stdin_lines(), sys.stdout, echo=echo)

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        print()
    return 0


async def talk_over_http(
    telegram: Telegram,
    lang: str,
    read_line: Callable[[], Awaitable[str]],
    out: TextIO,
    *,
    echo: bool,
) -> None:
    """Say how to run the bot against `telegram` (served over HTTP), then be its reader."""
    print(
        f"A fake Telegram Bot API is listening at {telegram.url}. In another terminal:\n"
        f"  BOT_TOKEN={telegram.token} BOT_API_URL={telegram.url} python -m bot\n",
        file=out,
    )
    reader = Reader(telegram, language_code=lang)
    await converse(reader, lambda update: delivered(telegram, update), read_line, out, echo=echo)


async def delivered(telegram: Telegram, update: dict[str, Any], quiet: float = 0.3) -> list[Call]:
    """Queue the update for the bot's getUpdates; return what the bot did once it has fetched
    the update and gone quiet (or after 30 s: is the bot running?)."""
    since = len(telegram.calls)
    queued = telegram.push(update)["update_id"]
    deadline = time.monotonic() + 30
    seen, last = since, time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.02)
        if len(telegram.calls) != seen:
            seen, last = len(telegram.calls), time.monotonic()
        fetched = all(u["update_id"] != queued for u in telegram.pending_updates())
        if fetched and time.monotonic() - last >= quiet:
            break
    return [c for c in telegram.calls[since:] if c.method != "getUpdates"]


def _stdin_lines() -> Callable[[], Awaitable[str]]:
    """Lines of standard input, read by a daemon thread so that the server keeps serving (and
    Ctrl-C is not held up by a pending read)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()

    def read() -> None:
        while True:
            line = sys.stdin.readline()
            loop.call_soon_threadsafe(queue.put_nowait, line)
            if not line:
                return

    threading.Thread(target=read, daemon=True).start()
    return queue.get
