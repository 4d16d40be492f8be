"""Telegram's HTML parse mode, checked the way the Bot API parses it.

Written once and used everywhere text is judged: the tests, `python -m bot locales check`, and
the fake Telegram (fake_telegram/) that stands in for the Bot API.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
# The bot's public face (setMyDescription, setMyShortDescription, BotCommand.description).
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120
MAX_COMMAND_DESCRIPTION = 256
# Not Telegram's limit but a phone's: one 360 dp wide fits about 32 characters on an inline button
# that has its row to itself; buttons on one row share it equally, and Telegram cuts the rest
# with "…".
BUTTON_ROW_CHARS = 32

# Tags Telegram accepts, with the attributes each may carry.
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "span": frozenset({"class"}),
    "tg-spoiler": frozenset(),
    "a": frozenset({"href"}),
    "tg-emoji": frozenset({"emoji-id"}),
    "tg-time": frozenset({"unix", "format"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_AMPERSAND = re.compile(r"&")


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.problems: list[str] = []
        self.stack: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> is not allowed")
            return
        for name, _value in attrs:
            if name not in ALLOWED_TAGS[tag]:
                self.problems.append(f"attribute {name!r} is not allowed on <{tag}>")
        if tag == "span" and dict(attrs).get("class") != "tg-spoiler":
            self.problems.append('<span> needs class="tg-spoiler"')
        if tag == "a" and not dict(attrs).get("href"):
            self.problems.append("<a> needs an href")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/> is not allowed")

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag </{tag}> is not allowed")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes nothing open")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.problems.append("a bare '<' or '>' must be written &lt; or &gt;")
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        if name in _NAMED_ENTITIES:
            self.visible.append(_NAMED_ENTITIES[name])
        else:
            self.problems.append(f"entity &{name}; is not supported")

    def handle_charref(self, name: str) -> None:
        try:
            self.visible.append(chr(int(name[1:], 16) if name[:1] in "xX" else int(name)))
        except (ValueError, OverflowError):
            self.problems.append(f"bad character reference &#{name};")

    def handle_comment(self, data: str) -> None:
        self.problems.append("comments are not allowed")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("declarations are not allowed")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instructions are not allowed")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("declarations are not allowed")


def _bare_ampersands(text: str) -> int:
    """Count '&' that do not start an entity: Telegram rejects them."""
    entity_starts = {m.start() for m in _ENTITY.finditer(text)}
    return sum(1 for m in _AMPERSAND.finditer(text) if m.start() not in entity_starts)


def parse(text: str) -> tuple[str, list[str]]:
    """Return (the text a reader sees, the problems Telegram would reject it for)."""
    parser = _Parser()
    parser.feed(text)
    parser.close()
    problems = list(parser.problems)
    if _bare_ampersands(text):
        problems.append("a bare '&' must be written &amp;")
    if parser.stack:
        problems.append("unclosed tag(s): " + ", ".join(f"<{t}>" for t in parser.stack))
    return "".join(parser.visible), problems


def problems(text: str, *, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Everything Telegram would refuse in `text` as an HTML message (empty list: it is fine)."""
    visible, found = parse(text)
    length = len(visible.strip())
    if length == 0:
        found.append("the message is empty")
    elif length > limit:
        found.append(f"{length} characters after parsing, more than {limit}")
    return found


def escape(text: str) -> str:
    """A value as text in a Telegram HTML message: "&", "<" and ">" are what Telegram's parser
    requires written as entities; the bot puts no value in an attribute, so quotes stay as typed."""
    return html.escape(text, quote=False)


def callback_data_problems(data: str) -> list[str]:
    size = len(data.encode("utf-8"))
    if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
        return [f"callback_data is {size} bytes, allowed 1-{MAX_CALLBACK_DATA_BYTES}"]
    return []
