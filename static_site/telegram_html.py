"""A message in Telegram's HTML as a fragment of a web page that shows the same text.

Everything is escaped again on the way out: what reaches the page is only the tags below, with
only the attributes below. Newlines stay newlines (the stylesheet keeps them, as Telegram does);
a blank line outside any tag starts a new paragraph, and a first paragraph that is all bold is
the page's heading.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

from bot import telegram_html

# Telegram's tag -> the web's, the same meaning; None: keep the text, drop the tag.
TAGS: dict[str, str | None] = {
    "b": "b",
    "strong": "strong",
    "i": "i",
    "em": "em",
    "u": "u",
    "ins": "ins",
    "s": "s",
    "strike": "s",
    "del": "del",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "a",
    "tg-spoiler": "span",  # class="spoiler": hidden until tapped or hovered (style.css, no script)
    "span": "span",  # Telegram allows <span> only as class="tg-spoiler"
    "tg-time": "time",
    "tg-emoji": None,  # a custom emoji: its fallback character is the text inside
}
BLOCKS = frozenset({"pre", "blockquote"})  # may not stand inside <p>
# The schemes a link may have on a page: the web's, and Telegram's own (tg://resolve?...).
LINK_SCHEMES = ("http://", "https://", "tg://")


@dataclass
class Paragraph:
    html: str
    heading: bool = False  # the whole paragraph is one bold run
    has_block: bool = False


@dataclass
class _Run:
    """One paragraph being built."""

    parts: list[str] = field(default_factory=list)
    has_block: bool = False
    bold_only: bool = True  # so far, everything sits inside one top-level <b>
    top_level_bold: int = 0


def safe_href(href: str | None) -> str | None:
    """The link, if its scheme is one a page may carry (case-insensitive), else None."""
    if href and href == href.strip() and href.lower().startswith(LINK_SCHEMES):
        return href
    return None


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[Paragraph] = []
        self.run = _Run()
        self.stack: list[str | None] = []  # the web tag opened for each Telegram tag (None: none)

    # Paragraphs break only where no tag is open: a tag never spans two of them.
    def _text(self, text: str) -> None:
        chunks = text.split("\n\n") if not self.stack else [text]
        for index, chunk in enumerate(chunks):
            if index:
                self._close_paragraph()
            if chunk:
                if not self.stack and chunk.strip():
                    self.run.bold_only = False
                self.run.parts.append(html.escape(chunk, quote=False))

    def _close_paragraph(self) -> None:
        run = self.run
        text = "".join(run.parts)
        if text.strip():
            heading = run.bold_only and run.top_level_bold == 1 and not run.has_block
            self.paragraphs.append(Paragraph(text, heading=heading, has_block=run.has_block))
        self.run = _Run()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        web = TAGS.get(tag)
        values = dict(attrs)
        if not self.stack:
            if tag in ("b", "strong"):
                self.run.top_level_bold += 1
            else:
                self.run.bold_only = False
        if web == "a":
            href = safe_href(values.get("href"))
            web = "a" if href else None
            opening = f'<a href="{html.escape(href, quote=True)}">' if href else ""
        elif web == "span":
            opening = '<span class="spoiler" tabindex="0">'
        elif web == "time":
            opening = _time(values.get("unix"))
            web = "time" if opening else None
        elif web is not None:
            opening = f"<{web}>"
        else:
            opening = ""
        if web in BLOCKS:
            self.run.has_block = True
        self.stack.append(web)
        self.run.parts.append(opening)

    def handle_endtag(self, tag: str) -> None:
        web = self.stack.pop()
        if web is not None:
            self.run.parts.append(f"</{web}>")

    def handle_data(self, data: str) -> None:
        self._text(data)

    def close(self) -> None:
        super().close()
        self._close_paragraph()


def _time(unix: str | None) -> str:
    try:
        moment = datetime.fromtimestamp(int(unix or ""), UTC)
    except (ValueError, OverflowError, OSError):
        return ""
    return f'<time datetime="{moment.strftime("%Y-%m-%dT%H:%M:%SZ")}">'


def paragraphs(text: str) -> list[Paragraph]:
    """The message `text` (Telegram HTML, as the bot sends it) as paragraphs of web HTML.
    Raises ValueError for a text Telegram itself would refuse: the page shows what the bot can."""
    problems = telegram_html.problems(text)
    if problems:
        raise ValueError("; ".join(problems))
    converter = _Converter()
    converter.feed(text.strip())
    converter.close()
    return converter.paragraphs


def to_html(text: str, *, heading_level: int = 1) -> str:
    """The message as block elements: the heading (if its first paragraph is one), then <p>s (a
    <div> where a paragraph holds <pre> or <blockquote>, which may not stand inside <p>)."""
    out = []
    for index, paragraph in enumerate(paragraphs(text)):
        if index == 0 and paragraph.heading:
            inner = paragraph.html.strip().removeprefix("<b>").removesuffix("</b>")
            inner = inner.removeprefix("<strong>").removesuffix("</strong>")
            out.append(f"<h{heading_level}>{inner}</h{heading_level}>")
        elif paragraph.has_block:
            out.append(f'<div class="p">{paragraph.html}</div>')
        else:
            out.append(f"<p>{paragraph.html}</p>")
    return "\n".join(out)


def heading(text: str) -> str | None:
    """The plain text of the message's heading (its first paragraph, if it is all bold)."""
    found = paragraphs(text)
    if found and found[0].heading:
        # A heading's web HTML is one <b> or <strong> and escaped text: Telegram HTML still.
        return telegram_html.parse(found[0].html)[0].strip()
    return None
