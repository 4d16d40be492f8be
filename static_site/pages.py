"""Every page of the web copy: one per screen, language and audience the language offers, and a
first page that lists the languages.

A page is the bot's own screen, rendered by the bot's own code (`section_screen`: the text, the
operator's contacts, the buttons) and converted, not rewritten: its buttons become links that
follow the menu (children, Back, Main menu) and its link buttons the same links. The page adds a
language switch, an audience switch where the language offers several, whom the texts are
written for, and a note on what the web copy keeps; a draft translation says so at the top.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from babel import Locale

from bot import keyboards
from bot.audiences import effective, offered
from bot.callbacks import Action, Do, Nav
from bot.config import Contacts
from bot.content.audiences import LABELS, NOTES, Audience, for_language
from bot.content.tree import BY_ID, HOME, SECTIONS
from bot.content.web import WEB_COPY_NOTE
from bot.languages import DEFAULT_LOCALE, LOCALES_DIR, available, catalog_paths, native_name
from bot.review import AUTHORITATIVE, DRAFT_NOTE, drafts
from bot.screens import Screen, section_screen
from static_site.telegram_html import heading, safe_href, to_html

STYLESHEET = "style.css"
INDEX = "index.html"
GENERATOR = "hochu-zhit-bot export-site"  # marks a folder as an export, so that it may be replaced
# The browser may fetch this page's stylesheet and nothing else: no script runs, no font, image
# or favicon comes from anywhere (a blank data: icon stops the request for /favicon.ico).
POLICY = "default-src 'none'; style-src 'self'; img-src data:; base-uri 'none'; form-action 'none'"
PREVIEW_BANNER = (
    "Preview: the contacts on these pages are examples, not the program's. Do not publish."
)


@dataclass(frozen=True, slots=True)
class Page:
    path: str  # relative to the export folder, with "/"
    html: str


def page_path(lang: str, audience: Audience, section_id: str) -> str:
    name = "index" if section_id == HOME else section_id
    return f"{lang}/{audience.value}/{name}.html"


def language_tag(code: str) -> str:
    """The BCP 47 tag a page's `lang` needs ("uz_Latn" -> "uz-Latn", "zh_Hans" -> "zh-Hans")."""
    return code.replace("_", "-")


def direction(code: str) -> str:
    """ "rtl" or "ltr", from CLDR (Arabic reads right to left)."""
    try:
        return Locale.parse(code).text_direction
    except ValueError:
        return "ltr"


def _relative(page: str, target: str) -> str:
    """The link from one page to another, both given relative to the export folder: relative
    links work from any address the folder is published at, and from the folder itself."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def _link(href: str, text: str, **attributes: str) -> str:
    extra = "".join(f' {name}="{html.escape(value)}"' for name, value in attributes.items())
    return f'<a href="{html.escape(href)}"{extra}>{html.escape(text, quote=False)}</a>'


class Site:
    """The pages of one export: every language the bot offers, every audience each offers."""

    def __init__(
        self,
        i18n: I18n,
        contacts: Contacts,
        *,
        preview: bool = False,
        locales_dir: Path = LOCALES_DIR,
    ) -> None:
        self.i18n = i18n
        self.contacts = contacts
        self.preview = preview
        self.languages = available(i18n)
        self.audiences = {lang: offered(i18n, lang) for lang in self.languages}
        self.drafts = drafts(catalog_paths(locales_dir)) & set(self.languages)

    def editions(self) -> Iterator[tuple[str, Audience]]:
        for lang in self.languages:
            for audience in self.audiences[lang]:
                yield lang, audience

    def first_audience(self, lang: str, wanted: Audience | None = None) -> Audience:
        """The audience a link into `lang` opens: `wanted` if the language offers it, else the one
        the language points to, else the default (as the bot chooses)."""
        return effective(wanted or for_language(lang), lang, self.audiences[lang])

    def pages(self) -> Iterator[Page]:
        with self.i18n.context():
            yield self.first_page()
            for lang, audience in self.editions():
                with self.i18n.use_locale(lang):
                    for section in SECTIONS:
                        yield self.section_page(lang, audience, section.id)

    # The first page: the languages, each in its own name, Russian first.
    def first_page(self) -> Page:
        with self.i18n.use_locale(DEFAULT_LOCALE):
            home = section_screen(HOME, self.contacts).text
            title = heading(home) or _("Main menu")
            items = []
            for lang in self.languages:
                target = page_path(lang, self.first_audience(lang), HOME)
                attributes = {"lang": language_tag(lang), "hreflang": language_tag(lang)}
                if direction(lang) == "rtl":
                    attributes["dir"] = "rtl"
                items.append(f"<li>{_link(target, native_name(lang), **attributes)}</li>")
            # The bot's own switch label: the word in Russian, English and Korean.
            label = html.escape(keyboards.language_switch_label(), quote=False)
            body = [
                f"<h1>{html.escape(title, quote=False)}</h1>",
                f'<nav id="languages" aria-label="{html.escape(_("Language"))}">',
                f"<h2>{label}</h2>",
                f'<ul class="menu">{"".join(items)}</ul>',
                "</nav>",
                f'<footer class="note">{to_html(_(WEB_COPY_NOTE))}</footer>',
            ]
            return Page(INDEX, self.document(DEFAULT_LOCALE, INDEX, title, body))

    def section_page(self, lang: str, audience: Audience, section_id: str) -> Page:
        path = page_path(lang, audience, section_id)
        screen = section_screen(section_id, self.contacts, audience)
        site_name = heading(section_screen(HOME, self.contacts, audience).text)
        title = heading(screen.text) or _(BY_ID[section_id].title)
        if section_id != HOME and site_name:
            title = f"{title} — {site_name}"
        body = []
        if lang in self.drafts:
            body.append(self.draft_note(path, audience, section_id))
        body += [
            "<main>",
            f'<article id="text">\n{to_html(screen.text)}\n</article>',
            self.menu(path, lang, audience, screen, _(BY_ID[section_id].title)),
            "</main>",
            "<footer>",
            self.audience_switch(path, lang, audience, section_id),
            self.language_switch(path, lang, audience, section_id),
            f'<div class="note">{to_html(_(WEB_COPY_NOTE))}</div>',
            "</footer>",
        ]
        page = self.document(lang, path, title, body)
        return Page(path, page)

    def menu(self, path: str, lang: str, audience: Audience, screen: Screen, name: str) -> str:
        """The screen's buttons as links, row by row, as the bot lays them out."""
        rows = []
        for row in _rows(screen.markup):
            links = [
                link
                for button in row
                if (link := self.button_link(path, lang, audience, button)) is not None
            ]
            if links:
                rows.append(f"<li>{''.join(links)}</li>")
        return f'<nav aria-label="{html.escape(name)}"><ul class="menu">{"".join(rows)}</ul></nav>'

    def button_link(
        self, path: str, lang: str, audience: Audience, button: InlineKeyboardButton
    ) -> str | None:
        """A button as a link: a section opens its page; a link button its address; Language
        goes to the page's language switch. Erase has nothing to erase on the web (the footer
        says so)."""
        if button.url is not None:
            href = safe_href(button.url)
            if href is None:
                return None
            return _link(href, button.text, rel="noreferrer")
        data = button.callback_data or ""
        if isinstance(section_id := _unpack(Nav, data, "to"), str):
            target = page_path(lang, audience, section_id)
            return _link(_relative(path, target), button.text)
        if _unpack(Do, data, "action") is Action.LANGUAGES:
            return _link("#languages", button.text)
        return None

    def draft_note(self, path: str, audience: Audience, section_id: str) -> str:
        links = [
            self._edition_link(path, lang, audience, section_id, native_name(lang))
            for lang in AUTHORITATIVE
            if lang in self.audiences
        ]
        return f'<p class="draft">{html.escape(_(DRAFT_NOTE), quote=False)} {" · ".join(links)}</p>'

    def audience_switch(self, path: str, lang: str, audience: Audience, section_id: str) -> str:
        """Whom the texts are written for; where the language offers several, the others."""
        label = html.escape(_("Who the texts are for"))
        parts = [f'<nav id="audiences" aria-label="{label}">']
        if len(self.audiences[lang]) > 1:
            parts.append(f"<h2>👥 {label}</h2>")
        parts.append(f"<p>{html.escape(_(NOTES[audience]), quote=False)}</p>")
        if len(self.audiences[lang]) > 1:
            items = []
            for other in self.audiences[lang]:
                label = _(LABELS[other])
                if other is audience:
                    items.append(f'<li><b aria-current="page">{html.escape(label)}</b></li>')
                else:
                    target = page_path(lang, other, section_id)
                    href = _relative(path, target)
                    items.append(f"<li>{_link(href, label)}</li>")
            parts.append(f'<ul class="menu">{"".join(items)}</ul>')
        parts.append("</nav>")
        return "".join(parts)

    def language_switch(self, path: str, lang: str, audience: Audience, section_id: str) -> str:
        """The same screen in every other language, each named in itself."""
        items = []
        for other in self.languages:
            if other == lang:
                name = html.escape(native_name(other), quote=False)
                items.append(f'<li><b aria-current="page">{name}</b></li>')
            else:
                link = self._edition_link(path, other, audience, section_id, native_name(other))
                items.append(f"<li>{link}</li>")
        label = html.escape(_("Language"))
        return (
            f'<nav id="languages" aria-label="{label}"><h2>🌐 {label}</h2>'
            f'<ul class="languages">{"".join(items)}</ul></nav>'
        )

    def _edition_link(
        self, path: str, lang: str, audience: Audience, section_id: str, text: str
    ) -> str:
        """A link to the screen `section_id` in `lang`, for the reader's audience where that
        language offers it."""
        target = page_path(lang, self.first_audience(lang, audience), section_id)
        attributes = {"lang": language_tag(lang), "hreflang": language_tag(lang)}
        if direction(lang) == "rtl":
            attributes["dir"] = "rtl"
        return _link(_relative(path, target), text, **attributes)

    def document(self, lang: str, path: str, title: str, body: list[str]) -> str:
        stylesheet = _relative(path, STYLESHEET)
        banner = (
            [f'<p class="preview" lang="en" dir="ltr">{PREVIEW_BANNER}</p>'] if self.preview else []
        )
        return "\n".join(
            [
                "<!DOCTYPE html>",
                f'<html lang="{language_tag(lang)}" dir="{direction(lang)}">',
                "<head>",
                '<meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
                '<meta name="referrer" content="no-referrer">',
                f'<meta name="generator" content="{GENERATOR}">',
                f"<title>{html.escape(title, quote=False)}</title>",
                f'<link rel="stylesheet" href="{stylesheet}">',
                '<link rel="icon" href="data:,">',
                "</head>",
                "<body>",
                *banner,
                *body,
                "</body>",
                "</html>",
                "",
            ]
        )


def _rows(markup: InlineKeyboardMarkup | None) -> list[list[InlineKeyboardButton]]:
    return markup.inline_keyboard if markup is not None else []


def _unpack(factory: type[Nav] | type[Do], data: str, field: str) -> object:
    """A field of a button's callback data, if the button is of that kind (else None)."""
    try:
        return getattr(factory.unpack(data), field)
    except (ValueError, TypeError):
        return None
